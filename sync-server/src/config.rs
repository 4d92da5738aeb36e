//! Typed configuration: defaults, then an optional TOML file, then `FLEET_*` environment
//! variables. Secrets (the database password, the JWT secret) are never printed.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use figment::Figment;
use figment::providers::{Env, Format, Toml};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::error::Error;

/// The keys a file or the environment may set; `FLEET_<KEY>` in upper case.
const KEYS: &[&str] = &[
    "database_url",
    "listen",
    "data_dir",
    "jwt_secret",
    "database_max_connections",
    "database_connect_timeout_secs",
    "log",
];

/// Everything the server needs to run.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `mysql://user:password@host:port/database`.
    #[serde(default = "defaults::database_url")]
    pub database_url: DatabaseUrl,
    /// Address to serve HTTP on.
    #[serde(default = "defaults::listen")]
    pub listen: SocketAddr,
    /// Folder for photos, the generated JWT secret and other files.
    #[serde(default = "defaults::data_dir")]
    pub data_dir: PathBuf,
    /// Secret that signs access tokens; generated and kept in `data_dir` when unset.
    #[serde(default)]
    pub jwt_secret: Option<SecretString>,
    /// Size of the database connection pool.
    #[serde(default = "defaults::database_max_connections")]
    pub database_max_connections: u32,
    /// How long to keep trying to reach the database at start, and to wait for a connection.
    #[serde(default = "defaults::database_connect_timeout_secs")]
    pub database_connect_timeout_secs: u64,
    /// Log filter (`info`, `sync_server=debug,info`, ...); `RUST_LOG` wins when set.
    #[serde(default = "defaults::log")]
    pub log: String,
    /// How many days the change feed keeps entries; a phone silent for longer starts a new first
    /// sync (after `410 cursor_expired`), keeping what it has not sent.
    #[serde(default = "defaults::feed_retention_days")]
    pub feed_retention_days: u32,
    /// Where photos are kept: empty for `data_dir/media`, a folder, or `s3://bucket/prefix`
    /// (credentials and endpoint from the `AWS_*` variables).
    #[serde(default)]
    pub media_store: String,
}

mod defaults {
    use std::net::{Ipv4Addr, SocketAddr};
    use std::path::PathBuf;

    use super::DatabaseUrl;

    pub fn database_url() -> DatabaseUrl {
        DatabaseUrl("mysql://root@127.0.0.1:3306/fleet".to_owned().into())
    }
    pub fn listen() -> SocketAddr {
        SocketAddr::from((Ipv4Addr::LOCALHOST, 8080))
    }
    pub fn data_dir() -> PathBuf {
        PathBuf::from("./data")
    }
    pub fn database_max_connections() -> u32 {
        20
    }
    pub fn database_connect_timeout_secs() -> u64 {
        10
    }
    pub fn log() -> String {
        "info".to_owned()
    }
    pub fn feed_retention_days() -> u32 {
        60
    }
}

impl Config {
    /// Loads the configuration: defaults, then `file` if given, then `FLEET_*` variables.
    pub fn load(file: Option<&Path>) -> Result<Self, Error> {
        let mut figment = Figment::new();
        if let Some(path) = file {
            if !path.is_file() {
                return Err(Error::Config(format!("config file {} does not exist", path.display())));
            }
            figment = figment.merge(Toml::file(path));
        }
        figment = figment.merge(Env::prefixed("FLEET_").only(KEYS));
        let config: Config = figment.extract().map_err(|e| Error::Config(one_line_figment_error(&e)))?;
        config.database_url.check()?;
        if config.feed_retention_days == 0 {
            return Err(Error::Config("feed_retention_days must be at least 1".into()));
        }
        if config.database_max_connections == 0 {
            return Err(Error::Config("database_max_connections must be at least 1".into()));
        }
        Ok(config)
    }

    /// How long to wait for the database.
    pub fn connect_timeout(&self) -> Duration {
        Duration::from_secs(self.database_connect_timeout_secs.max(1))
    }

    /// The secret that signs access tokens: the configured one, or the one kept in
    /// `data_dir/jwt-secret`, made on first use (256 random bits, readable by the owner only).
    pub fn jwt_secret(&self) -> Result<SecretString, Error> {
        if let Some(secret) = &self.jwt_secret {
            if secret.expose_secret().len() < 32 {
                return Err(Error::Config("jwt_secret must be at least 32 characters".into()));
            }
            return Ok(secret.clone());
        }
        let path = self.data_dir.join("jwt-secret");
        match std::fs::read_to_string(&path) {
            Ok(text) if text.trim().len() >= 32 => return Ok(text.trim().to_owned().into()),
            // Empty: another server is writing it this very moment.
            Ok(text) if text.is_empty() => {
                std::thread::sleep(Duration::from_millis(50));
                return self.jwt_secret();
            }
            Ok(_) => return Err(Error::Config(format!("{} is too short to be a JWT secret", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::Config(format!("cannot read {}: {e}", path.display()))),
        }
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| Error::Config(format!("no randomness for a JWT secret: {e}")))?;
        let secret = hex::encode(bytes);
        std::fs::create_dir_all(&self.data_dir)
            .map_err(|e| Error::Config(format!("cannot create data folder {}: {e}", self.data_dir.display())))?;
        write_private(&path, &secret).map_err(|e| Error::Config(format!("cannot write {}: {e}", path.display())))?;
        tracing::info!(path = %path.display(), "generated a new JWT secret");
        Ok(secret.into())
    }
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    file.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

fn one_line_figment_error(error: &figment::Error) -> String {
    let mut text = String::new();
    for e in error.clone() {
        if !text.is_empty() {
            text.push_str("; ");
        }
        let key = e.path.join(".");
        // Never echo a value back: it may be a secret.
        let kind = match &e.kind {
            // `actual` would show the value itself, which may be a secret.
            figment::error::Kind::InvalidType(_, expected) => format!("expected {expected}"),
            figment::error::Kind::InvalidValue(_, expected) => format!("expected {expected}"),
            // A parse error quotes the offending line, which may hold a secret: keep only the
            // lines that say where and what, not the quoted source.
            figment::error::Kind::Message(message) => message
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.contains('|'))
                .collect::<Vec<_>>()
                .join(": "),
            other => other.to_string(),
        };
        let source = e.metadata.as_ref().map(|m| m.name.to_string()).unwrap_or_default();
        if key.is_empty() {
            text.push_str(&kind);
        } else {
            text.push_str(&format!("{key}: {kind}"));
        }
        if !source.is_empty() {
            text.push_str(&format!(" (from {source})"));
        }
    }
    text.replace('\n', " ")
}

/// A database URL. Its `Debug` and `Display` hide the password.
#[derive(Clone, Deserialize)]
#[serde(transparent)]
pub struct DatabaseUrl(SecretString);

impl DatabaseUrl {
    /// A URL from text.
    pub fn new(url: impl Into<String>) -> Self {
        DatabaseUrl(SecretString::from(url.into()))
    }

    /// The whole URL, password included: only for connecting.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// The URL with its password replaced by `***`.
    pub fn redacted(&self) -> String {
        match url::Url::parse(self.expose()) {
            Ok(mut url) => {
                if url.password().is_some() {
                    let _ = url.set_password(Some("***"));
                }
                url.to_string()
            }
            Err(_) => "<malformed database URL>".to_owned(),
        }
    }

    /// The database name in the URL's path.
    pub fn database_name(&self) -> Option<String> {
        let url = url::Url::parse(self.expose()).ok()?;
        let name = url.path().trim_start_matches('/');
        (!name.is_empty()).then(|| name.to_owned())
    }

    fn check(&self) -> Result<(), Error> {
        let url = url::Url::parse(self.expose()).map_err(|e| {
            Error::Config(format!(
                "database_url is not a valid URL ({e}); expected mysql://user:password@host:port/database"
            ))
        })?;
        if url.scheme() != "mysql" && url.scheme() != "mariadb" {
            return Err(Error::Config(format!("database_url must start with mysql:// (found {}://)", url.scheme())));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(Error::Config("database_url has no host".into()));
        }
        if self.database_name().is_none() {
            return Err(Error::Config("database_url names no database (mysql://host/DATABASE)".into()));
        }
        Ok(())
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_never_shows() {
        let url = DatabaseUrl::new("mysql://fleet:s3cret-pw@db.internal:3306/fleet");
        assert_eq!(url.to_string(), "mysql://fleet:***@db.internal:3306/fleet");
        assert!(!format!("{url:?}").contains("s3cret"));
        assert_eq!(url.database_name().as_deref(), Some("fleet"));
    }

    #[test]
    fn a_url_without_a_database_is_a_config_error() {
        let err = DatabaseUrl::new("mysql://root@127.0.0.1:3306").check().expect_err("no db");
        assert!(err.to_string().contains("names no database"), "{err}");
        let err = DatabaseUrl::new("postgres://root@127.0.0.1/fleet").check().expect_err("scheme");
        assert!(err.to_string().contains("mysql://"), "{err}");
        let err = DatabaseUrl::new("not a url").check().expect_err("malformed");
        assert!(err.to_string().contains("not a valid URL"), "{err}");
    }

    #[test]
    fn a_file_sets_values_and_rejects_unknown_keys() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("fleet.toml");
        std::fs::write(&path, "listen = \"127.0.0.1:9191\"\ndatabase_max_connections = 3\n").expect("write");
        let config = Config::load(Some(&path)).expect("load");
        assert_eq!(config.listen.port(), 9191);
        assert_eq!(config.database_max_connections, 3);
        std::fs::write(&path, "listn = \"127.0.0.1:9191\"\n").expect("write");
        let err = Config::load(Some(&path)).expect_err("typo");
        assert!(err.to_string().contains("listn"), "{err}");
    }

    #[test]
    fn a_mistyped_secret_is_not_echoed_in_the_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("fleet.toml");
        std::fs::write(&path, "jwt_secret = 987654321098765\n").expect("write");
        let err = Config::load(Some(&path)).expect_err("a number is not a secret").to_string();
        assert!(err.contains("jwt_secret"), "{err}");
        assert!(!err.contains("98765432"), "{err}");
        std::fs::write(&path, "jwt_secret = 98765432109876543210987654321098765\n").expect("write");
        let err = Config::load(Some(&path)).expect_err("too large to parse").to_string();
        assert!(err.contains("line 1"), "{err}");
        assert!(!err.contains("98765432"), "{err}");
    }

    #[test]
    fn a_generated_jwt_secret_is_kept_and_reused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = Config {
            database_url: defaults::database_url(),
            listen: defaults::listen(),
            data_dir: dir.path().join("data"),
            jwt_secret: None,
            database_max_connections: 1,
            database_connect_timeout_secs: 1,
            log: defaults::log(),
            feed_retention_days: defaults::feed_retention_days(),
            media_store: String::new(),
        };
        let first = config.jwt_secret().expect("generated");
        let second = config.jwt_secret().expect("read back");
        assert_eq!(first.expose_secret(), second.expose_secret());
        assert_eq!(first.expose_secret().len(), 64);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("data/jwt-secret")).expect("file").permissions().mode();
            assert_eq!(mode & 0o077, 0, "secret readable by others: {mode:o}");
        }
    }
}
