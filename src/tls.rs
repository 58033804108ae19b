//! HTTPS with rustls (`ring` provider): HTTP/1.1 and HTTP/2 by ALPN, and a
//! certificate that can be reloaded (SIGHUP) without a restart.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use tokio::net::TcpStream;

#[derive(Clone)]
pub struct TlsAcceptor {
    cert_path: PathBuf,
    key_path: PathBuf,
    current: Arc<RwLock<Arc<rustls::ServerConfig>>>,
}

impl TlsAcceptor {
    pub fn load(cert_path: &Path, key_path: &Path) -> Result<TlsAcceptor> {
        let config = server_config(cert_path, key_path)?;
        Ok(TlsAcceptor {
            cert_path: cert_path.to_path_buf(),
            key_path: key_path.to_path_buf(),
            current: Arc::new(RwLock::new(Arc::new(config))),
        })
    }

    /// Reads the certificate and key again; on error the old ones stay.
    pub fn reload(&self) -> Result<()> {
        let config = server_config(&self.cert_path, &self.key_path)?;
        *self.current.write().expect("tls config lock") = Arc::new(config);
        Ok(())
    }

    pub async fn accept(&self, stream: TcpStream) -> std::io::Result<tokio_rustls::server::TlsStream<TcpStream>> {
        let config = self.current.read().expect("tls config lock").clone();
        tokio_rustls::TlsAcceptor::from(config).accept(stream).await
    }
}

fn server_config(cert_path: &Path, key_path: &Path) -> Result<rustls::ServerConfig> {
    let bad =
        |what: &str, path: &Path, why: String| Error::setup(format!("cannot use {what} {}: {why}", path.display()));
    let cert_bytes = std::fs::read(cert_path).map_err(|error| bad("--tls-cert", cert_path, error.to_string()))?;
    let certificates: Vec<_> = rustls_pemfile::certs(&mut cert_bytes.as_slice())
        .collect::<std::result::Result<_, _>>()
        .map_err(|error| bad("--tls-cert", cert_path, error.to_string()))?;
    if certificates.is_empty() {
        return Err(bad("--tls-cert", cert_path, "no PEM certificate found".into()));
    }
    let key_bytes = std::fs::read(key_path).map_err(|error| bad("--tls-key", key_path, error.to_string()))?;
    let key = rustls_pemfile::private_key(&mut key_bytes.as_slice())
        .map_err(|error| bad("--tls-key", key_path, error.to_string()))?
        .ok_or_else(|| bad("--tls-key", key_path, "no PEM private key found".into()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|error| Error::internal(format!("TLS setup: {error}")))?
        .with_no_client_auth()
        .with_single_cert(certificates, key)
        .map_err(|error| bad("--tls-cert/--tls-key", cert_path, error.to_string()))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}
