//! TLS for the endpoint: a configured certificate and key, or — like
//! MySQL's `auto_generate_certs` — a CA and a server certificate it
//! signed, generated into the data directory on first start
//! (`endpoint-tls/ca.pem`, `server-cert.pem`, `server-key.pem`; the key
//! readable by the owner only). Clients verify against `ca.pem`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;

/// Where the certificate and key come from.
#[derive(Debug, Clone)]
pub enum TlsSource {
    Files {
        cert: PathBuf,
        key: PathBuf,
    },
    /// Generated once into this directory.
    Generated(PathBuf),
}

fn write_private(path: &Path, data: &str) -> Result<(), String> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    f.write_all(data.as_bytes())
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// The generated files in `dir`, made when missing: (cert, key).
fn generated(dir: &Path) -> Result<(PathBuf, PathBuf), String> {
    let (ca_path, cert_path, key_path) = (
        dir.join("ca.pem"),
        dir.join("server-cert.pem"),
        dir.join("server-key.pem"),
    );
    if cert_path.exists() && key_path.exists() {
        return Ok((cert_path, key_path));
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let bad = |e: rcgen::Error| format!("generating the endpoint's certificate: {e}");
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).map_err(bad)?;
    ca_params.distinguished_name.push(
        rcgen::DnType::CommonName,
        "understudy_Auto_Generated_CA_Certificate",
    );
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        rcgen::KeyUsagePurpose::KeyCertSign,
        rcgen::KeyUsagePurpose::DigitalSignature,
    ];
    let ca_key = rcgen::KeyPair::generate().map_err(bad)?;
    let ca = ca_params.self_signed(&ca_key).map_err(bad)?;
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).map_err(bad)?;
    params.distinguished_name.push(
        rcgen::DnType::CommonName,
        "understudy_Auto_Generated_Server_Certificate",
    );
    params.subject_alt_names.push(rcgen::SanType::IpAddress(
        std::net::Ipv4Addr::LOCALHOST.into(),
    ));
    let key = rcgen::KeyPair::generate().map_err(bad)?;
    let issuer = rcgen::Issuer::new(ca_params, &ca_key);
    let cert = params.signed_by(&key, &issuer).map_err(bad)?;
    std::fs::write(&ca_path, ca.pem()).map_err(|e| format!("{}: {e}", ca_path.display()))?;
    write_private(&key_path, &key.serialize_pem())?;
    std::fs::write(&cert_path, cert.pem()).map_err(|e| format!("{}: {e}", cert_path.display()))?;
    tracing::info!(
        "generated the endpoint's TLS certificate in {}",
        dir.display()
    );
    Ok((cert_path, key_path))
}

/// The endpoint's TLS acceptor.
#[derive(Clone)]
pub struct Acceptor(pub TlsAcceptor);

impl std::fmt::Debug for Acceptor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Acceptor")
    }
}

/// The acceptor for the endpoint's connections.
pub fn acceptor(source: &TlsSource) -> Result<Acceptor, String> {
    let (cert, key) = match source {
        TlsSource::Files { cert, key } => (cert.clone(), key.clone()),
        TlsSource::Generated(dir) => generated(dir)?,
    };
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&cert)
        .map_err(|e| format!("{}: {e}", cert.display()))?
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{}: {e}", cert.display()))?;
    if chain.is_empty() {
        return Err(format!("{}: no certificate", cert.display()));
    }
    let key_der =
        PrivateKeyDer::from_pem_file(&key).map_err(|e| format!("{}: {e}", key.display()))?;
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(chain, key_der)
        .map_err(|e| format!("{}: {e}", cert.display()))?;
    Ok(Acceptor(TlsAcceptor::from(Arc::new(config))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generates_once_and_loads() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let src = TlsSource::Generated(dir.path().join("tls"));
        assert!(acceptor(&src).is_ok());
        let cert = std::fs::read(dir.path().join("tls/server-cert.pem")).unwrap_or_default();
        assert!(acceptor(&src).is_ok());
        assert_eq!(
            std::fs::read(dir.path().join("tls/server-cert.pem")).unwrap_or_default(),
            cert
        );
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("tls/server-key.pem"))
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or(0);
        assert_eq!(mode, 0o600);
    }
}
