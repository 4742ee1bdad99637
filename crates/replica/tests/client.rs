//! The client against real servers: TLS modes, the authentication paths
//! of every plugin, compression, and errors with MySQL's numbers.

#![allow(clippy::unwrap_used)]

use understudy_mysql_proto::auth::AuthPath;
use understudy_mysql_proto::compress::Algorithm;
use understudy_replica::client::{ClientError, Conn, ConnectOptions, SslMode};
use understudy_testbed::{Server, ServerKind, ServerOptions};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

fn opts(server: &Server, user: &str, password: &str) -> ConnectOptions {
    let mut o = ConnectOptions::new("127.0.0.1", server.port(), user);
    o.password = password.as_bytes().to_vec();
    o
}

async fn connect(o: &ConnectOptions) -> Result<Conn, ClientError> {
    let mut c = Conn::connect(o).await?;
    let r = c.query("SELECT CURRENT_USER(), 1 + 1").await?;
    assert_eq!(r.rows[0][1].as_deref(), Some(&b"2"[..]));
    c.ping().await?;
    Ok(c)
}

/// `Conn::binary_log_status` picks the statement the server knows and
/// reads what the server's own client shows for it.
async fn binary_log_status_matches(server: &Server, statement: &str) {
    server.sql("CREATE DATABASE IF NOT EXISTS s").unwrap();
    let mut c = connect(&opts(server, "root", "")).await.unwrap();
    let (file, pos, gtids) = c.binary_log_status().await.unwrap();
    c.quit().await;
    let out = server.sql(statement).unwrap();
    let cols: Vec<&str> = out.trim_end().split('\t').collect();
    assert_eq!(file, cols[0]);
    assert_eq!(pos.to_string(), cols[1]);
    assert!(pos > 4);
    if !server.kind().is_mariadb() {
        assert_eq!(gtids, cols.get(4).copied().unwrap_or(""));
    }
}

#[test]
fn mysql_auth_matrix_tls_and_compression() {
    let server = Server::start(ServerKind::Mysql97, ServerOptions::new()).unwrap();
    server
        .sql(
            "CREATE USER 'cs'@'%' IDENTIFIED BY 'cs-pw';
             CREATE USER 'sh'@'%' IDENTIFIED WITH sha256_password BY 'sh-pw';",
        )
        .unwrap();
    rt().block_on(async {
        // caching_sha2 over TLS: the first connection authenticates in
        // full (password inside TLS), the next one takes the fast path.
        let o = opts(&server, "cs", "cs-pw");
        let c = connect(&o).await.unwrap();
        assert!(c.is_tls(), "MySQL 9.7 offers TLS by default");
        assert_eq!(c.auth_path(), AuthPath::FullOverTls);
        c.quit().await;
        let c = connect(&o).await.unwrap();
        assert_eq!(c.auth_path(), AuthPath::FastPath);
        c.quit().await;

        // Without TLS: full authentication via RSA with the server's key
        // (asked of the server), after the cache is emptied.
        server.sql("FLUSH PRIVILEGES").unwrap();
        let mut plain = o.clone();
        plain.ssl.mode = SslMode::Disabled;
        let e = Conn::connect(&plain).await.unwrap_err();
        assert_eq!(e.errno(), 2061, "{e}");
        plain.get_public_key = true;
        let c = connect(&plain).await.unwrap();
        assert!(!c.is_tls());
        assert_eq!(c.auth_path(), AuthPath::FullRsa);
        c.quit().await;
        // The key from a file (SOURCE_PUBLIC_KEY_PATH).
        server.sql("FLUSH PRIVILEGES").unwrap();
        let mut from_file = plain.clone();
        from_file.get_public_key = false;
        from_file.public_key_path = Some(server.data_dir().join("public_key.pem"));
        let c = connect(&from_file).await.unwrap();
        assert_eq!(c.auth_path(), AuthPath::FullRsa);
        c.quit().await;
        // Fast path without TLS once cached.
        let c = connect(&plain).await.unwrap();
        assert_eq!(c.auth_path(), AuthPath::FastPath);
        c.quit().await;

        // sha256_password, over TLS and via RSA.
        let s = opts(&server, "sh", "sh-pw");
        let c = connect(&s).await.unwrap();
        assert_eq!(c.auth_path(), AuthPath::FullOverTls);
        c.quit().await;
        let mut s_plain = s.clone();
        s_plain.ssl.mode = SslMode::Disabled;
        s_plain.get_public_key = true;
        let c = connect(&s_plain).await.unwrap();
        assert_eq!(c.auth_path(), AuthPath::FullRsa);
        c.quit().await;

        // A wrong password is MySQL's 1045, with its text.
        let e = Conn::connect(&opts(&server, "cs", "nope"))
            .await
            .unwrap_err();
        assert_eq!(e.errno(), 1045, "{e}");
        assert!(e.to_string().contains("Access denied for user 'cs'"), "{e}");

        // verify_ca: the server's generated CA passes; another CA fails.
        let mut v = o.clone();
        v.ssl.mode = SslMode::VerifyCa;
        v.ssl.ca = Some(server.data_dir().join("ca.pem"));
        let c = connect(&v).await.unwrap();
        assert!(c.is_tls());
        c.quit().await;
        // verify_identity: the generated certificate names no host.
        let mut vi = v.clone();
        vi.ssl.mode = SslMode::VerifyIdentity;
        let e = Conn::connect(&vi).await.unwrap_err();
        assert_eq!(e.errno(), 2026, "{e}");
        // Another CA (the testbed's servers share one generated CA).
        let dir = tempfile::tempdir().unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let key = rcgen::KeyPair::generate().unwrap();
        let ca = params.self_signed(&key).unwrap();
        std::fs::write(dir.path().join("other-ca.pem"), ca.pem()).unwrap();
        let mut wrong = v.clone();
        wrong.ssl.ca = Some(dir.path().join("other-ca.pem"));
        let e = Conn::connect(&wrong).await.unwrap_err();
        assert!(matches!(e, ClientError::Tls(_)), "{e}");
        assert_eq!(e.errno(), 2026);
        assert!(e.to_string().contains("TLS handshake"), "{e}");

        // Compression, both algorithms, with a result bigger than one
        // compressed packet.
        for alg in [Algorithm::Zlib, Algorithm::Zstd(3)] {
            let mut z = o.clone();
            z.compression = Some(alg);
            let mut c = connect(&z).await.unwrap();
            assert_eq!(c.compression(), Some(alg));
            let r = c
                .query("SELECT REPEAT('x', 20000000), REPEAT('ab', 10)")
                .await
                .unwrap();
            assert_eq!(r.rows[0][0].as_ref().map(Vec::len), Some(20_000_000));
            assert_eq!(r.rows[0][1].as_deref(), Some(&b"abababababababababab"[..]));
            c.quit().await;
        }
        binary_log_status_matches(&server, "SHOW BINARY LOG STATUS").await;
    });
    server.stop().unwrap();
}

#[test]
fn mariadb_native_password_and_errors() {
    let server = Server::start(ServerKind::Mariadb1011, ServerOptions::new()).unwrap();
    server
        .sql("DROP USER IF EXISTS ''@'localhost'; CREATE USER 'nat'@'%' IDENTIFIED BY 'nat-pw';")
        .unwrap();
    rt().block_on(async {
        let o = opts(&server, "nat", "nat-pw");
        let c = connect(&o).await.unwrap();
        assert!(c.is_mariadb());
        assert_eq!(c.auth_path(), AuthPath::Scramble);
        c.quit().await;
        // MariaDB 10.11 has no certificates by default: `required` must
        // fail instead of going on in clear.
        let mut req = o.clone();
        req.ssl.mode = SslMode::Required;
        let e = Conn::connect(&req).await.unwrap_err();
        assert!(matches!(e, ClientError::Tls(_)), "{e}");
        let e = Conn::connect(&opts(&server, "nat", "bad"))
            .await
            .unwrap_err();
        assert_eq!(e.errno(), 1045, "{e}");
        let mut z = o.clone();
        z.compression = Some(Algorithm::Zlib);
        let mut c = connect(&z).await.unwrap();
        let r = c.query("SELECT REPEAT('y', 100000)").await.unwrap();
        assert_eq!(r.rows[0][0].as_ref().map(Vec::len), Some(100_000));
        c.quit().await;
        // A port nobody listens on: 2003.
        let closed = ConnectOptions::new("127.0.0.1", 1, "x");
        assert_eq!(Conn::connect(&closed).await.unwrap_err().errno(), 2003);
        binary_log_status_matches(&server, "SHOW MASTER STATUS").await;
    });
    server.stop().unwrap();
}
