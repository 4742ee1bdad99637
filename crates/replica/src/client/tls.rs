//! TLS settings like MySQL's `SOURCE_SSL_*` options, on rustls (ring).
//!
//! - `disabled`: never TLS.
//! - `preferred` (the default, as for MySQL clients): TLS when the source
//!   offers it, certificate not checked.
//! - `required`: TLS or a clear error, certificate not checked.
//! - `verify_ca`: the chain must lead to the configured CA; the name in
//!   the certificate is not checked (MySQL's auto-generated certificates
//!   carry no host name).
//! - `verify_identity`: as `verify_ca`, and the certificate must name the
//!   host we connected to.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use tokio_rustls::rustls::client::WebPkiServerVerifier;
use tokio_rustls::rustls::client::danger::{
    HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier,
};
use tokio_rustls::rustls::crypto::{CryptoProvider, ring};
use tokio_rustls::rustls::{
    self, CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};

use super::error::{ClientError, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SslMode {
    Disabled,
    #[default]
    Preferred,
    Required,
    VerifyCa,
    VerifyIdentity,
}

impl SslMode {
    pub fn name(self) -> &'static str {
        match self {
            SslMode::Disabled => "DISABLED",
            SslMode::Preferred => "PREFERRED",
            SslMode::Required => "REQUIRED",
            SslMode::VerifyCa => "VERIFY_CA",
            SslMode::VerifyIdentity => "VERIFY_IDENTITY",
        }
    }

    /// A TLS failure or a source without TLS is an error, never plain text.
    pub fn requires_tls(self) -> bool {
        !matches!(self, SslMode::Disabled | SslMode::Preferred)
    }
}

impl fmt::Display for SslMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for SslMode {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.to_ascii_uppercase().replace('-', "_").as_str() {
            "DISABLED" => Ok(SslMode::Disabled),
            "PREFERRED" => Ok(SslMode::Preferred),
            "REQUIRED" => Ok(SslMode::Required),
            "VERIFY_CA" => Ok(SslMode::VerifyCa),
            "VERIFY_IDENTITY" => Ok(SslMode::VerifyIdentity),
            _ => Err(format!(
                "unknown ssl mode '{s}' (disabled, preferred, required, verify_ca, verify_identity)"
            )),
        }
    }
}

/// `SOURCE_SSL_CA`, `SOURCE_SSL_CERT`, `SOURCE_SSL_KEY` and the mode.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SslOptions {
    pub mode: SslMode,
    pub ca: Option<PathBuf>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
}

fn tls_err(what: &str, path: &Path, e: impl fmt::Display) -> ClientError {
    ClientError::Tls(format!("{what} {}: {e}", path.display()))
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(ring::default_provider())
}

/// The rustls configuration for these options.
pub fn client_config(opts: &SslOptions) -> Result<Arc<ClientConfig>> {
    let provider = provider();
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| ClientError::Tls(e.to_string()))?;
    let verifier: Arc<dyn ServerCertVerifier> = match opts.mode {
        SslMode::Disabled | SslMode::Preferred | SslMode::Required => {
            Arc::new(NoVerification(provider))
        }
        SslMode::VerifyCa | SslMode::VerifyIdentity => {
            let Some(ca) = &opts.ca else {
                return Err(ClientError::Tls(format!(
                    "ssl mode {} needs a CA file (SOURCE_SSL_CA / --ssl-ca)",
                    opts.mode
                )));
            };
            let mut roots = RootCertStore::empty();
            let certs = CertificateDer::pem_file_iter(ca)
                .map_err(|e| tls_err("cannot read CA file", ca, e))?;
            for c in certs {
                let c = c.map_err(|e| tls_err("cannot read CA file", ca, e))?;
                roots
                    .add(c)
                    .map_err(|e| tls_err("unusable CA certificate in", ca, e))?;
            }
            if roots.is_empty() {
                return Err(tls_err("no certificate in CA file", ca, "empty"));
            }
            let inner = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map_err(|e| tls_err("CA file", ca, e))?;
            Arc::new(ChainVerifier {
                inner,
                check_name: opts.mode == SslMode::VerifyIdentity,
            })
        }
    };
    let builder = builder
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let config = match (&opts.cert, &opts.key) {
        (Some(cert), Some(key)) => {
            let chain = CertificateDer::pem_file_iter(cert)
                .map_err(|e| tls_err("cannot read client certificate", cert, e))?
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(|e| tls_err("cannot read client certificate", cert, e))?;
            let key_der = PrivateKeyDer::from_pem_file(key)
                .map_err(|e| tls_err("cannot read client key", key, e))?;
            builder
                .with_client_auth_cert(chain, key_der)
                .map_err(|e| tls_err("client certificate", cert, e))?
        }
        (None, None) => builder.with_no_client_auth(),
        _ => {
            return Err(ClientError::Tls(
                "a client certificate needs its key and the key its certificate".into(),
            ));
        }
    };
    Ok(Arc::new(config))
}

/// The name sent in SNI and checked by `verify_identity`.
pub fn server_name(host: &str) -> Result<ServerName<'static>> {
    ServerName::try_from(host.to_owned())
        .map_err(|e| ClientError::Tls(format!("'{host}' is not a usable TLS server name: {e}")))
}

/// `preferred` / `required`: encryption without authentication of the
/// source, as MySQL does in these modes. Handshake signatures are still
/// checked.
#[derive(Debug)]
struct NoVerification(Arc<CryptoProvider>);

impl ServerCertVerifier for NoVerification {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `verify_ca` / `verify_identity`: the chain is checked against the CA;
/// a name mismatch is forgiven in `verify_ca`.
#[derive(Debug)]
struct ChainVerifier {
    inner: Arc<WebPkiServerVerifier>,
    check_name: bool,
}

impl ServerCertVerifier for ChainVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        match self
            .inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) if !self.check_name => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}
