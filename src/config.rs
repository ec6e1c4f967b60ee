//! Typed, strict configuration. Precedence: command-line flag > `STSGATE_*`
//! environment variable > config file (TOML, unknown keys rejected) > default.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::federation::oidc::OidcSettings;

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8090";
pub const DEFAULT_DATA_DIR: &str = "./stsgate-data";
pub const DEFAULT_MAX_ROLES: usize = 500;
/// Large enough for a 100,000-character SAML assertion after form encoding.
pub const DEFAULT_MAX_BODY: usize = 512 * 1024;

/// The config file's shape. Every field optional; a typo is an error.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub listen: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub master_key_file: Option<PathBuf>,
    pub max_roles_per_account: Option<usize>,
    pub max_body_bytes: Option<usize>,
    pub cache_refresh_ms: Option<u64>,
    pub allow_http_issuers: Option<bool>,
    pub token_leeway_secs: Option<i64>,
    pub jwks_refresh_cooldown_secs: Option<u64>,
    pub google_discovery_url: Option<String>,
    pub public_url: Option<String>,
    pub saml_relay_state_destinations: Option<Vec<String>>,
}

impl FileConfig {
    pub fn load(path: &Path) -> Result<FileConfig, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read config file {}: {e}", path.display()))?;
        toml::from_str(&text)
            .map_err(|e| format!("invalid config file {}: {}", path.display(), e.message()))
    }
}

/// The resolved settings the service runs with.
#[derive(Debug, Clone)]
pub struct Settings {
    pub listen: String,
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    /// Where the master key lives when `STSGATE_MASTER_KEY` is not set.
    pub master_key_file: PathBuf,
    pub max_roles_per_account: usize,
    pub max_body_bytes: usize,
    /// How often a node checks the store for writes made by other nodes.
    pub cache_refresh_ms: u64,
    pub oidc: OidcSettings,
    /// The URL clients use to reach this service (printed by `--demo`).
    pub public_url: Option<String>,
    /// URL prefixes the SAML ACS may redirect to when RelayState names one
    /// (empty: RelayState is only shown).
    pub saml_relay_state_destinations: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        let data_dir = PathBuf::from(DEFAULT_DATA_DIR);
        Settings {
            listen: DEFAULT_LISTEN.to_string(),
            master_key_file: data_dir.join("master.key"),
            data_dir,
            database_url: None,
            max_roles_per_account: DEFAULT_MAX_ROLES,
            max_body_bytes: DEFAULT_MAX_BODY,
            cache_refresh_ms: 1000,
            oidc: OidcSettings::default(),
            public_url: None,
            saml_relay_state_destinations: Vec::new(),
        }
    }
}

/// Values from flags/environment (clap fills these; `None` = not given).
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub listen: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub max_roles_per_account: Option<usize>,
    pub allow_http_issuers: bool,
    pub google_discovery_url: Option<String>,
    pub saml_relay_state_destinations: Option<Vec<String>>,
}

impl Settings {
    /// Layer flags/env over the file over defaults, then check the result.
    pub fn resolve(file: FileConfig, over: Overrides) -> Result<Settings, String> {
        let mut s = Settings::default();
        let data_dir = over
            .data_dir
            .or(file.data_dir)
            .unwrap_or(s.data_dir.clone());
        s.master_key_file = file
            .master_key_file
            .unwrap_or_else(|| data_dir.join("master.key"));
        s.data_dir = data_dir;
        if let Some(v) = over.listen.or(file.listen) {
            s.listen = v;
        }
        s.database_url = over
            .database_url
            .or(file.database_url)
            .filter(|u| !u.is_empty());
        if let Some(v) = over.max_roles_per_account.or(file.max_roles_per_account) {
            s.max_roles_per_account = v;
        }
        if let Some(v) = file.max_body_bytes {
            s.max_body_bytes = v;
        }
        if let Some(v) = file.cache_refresh_ms {
            s.cache_refresh_ms = v;
        }
        s.oidc.allow_http_issuers =
            over.allow_http_issuers || file.allow_http_issuers.unwrap_or(false);
        if let Some(v) = file.token_leeway_secs {
            s.oidc.leeway_secs = v;
        }
        if let Some(v) = file.jwks_refresh_cooldown_secs {
            s.oidc.jwks_refresh_cooldown = std::time::Duration::from_secs(v);
        }
        if let Some(v) = over.google_discovery_url.or(file.google_discovery_url) {
            s.oidc.google_discovery_url = v;
        }
        s.public_url = file.public_url;
        if let Some(v) = over
            .saml_relay_state_destinations
            .or(file.saml_relay_state_destinations)
        {
            s.saml_relay_state_destinations = v
                .into_iter()
                .map(|d| d.trim().to_string())
                .filter(|d| !d.is_empty())
                .collect();
        }
        s.check()?;
        Ok(s)
    }

    fn check(&self) -> Result<(), String> {
        if self.listen.parse::<std::net::SocketAddr>().is_err() {
            return Err(format!(
                "invalid listen address '{}': expected HOST:PORT such as 127.0.0.1:8090",
                self.listen
            ));
        }
        if let Some(url) = &self.database_url
            && !(url.starts_with("postgres://")
                || url.starts_with("postgresql://")
                || url.starts_with("sqlite:"))
        {
            return Err(format!(
                "invalid database URL '{}': expected postgres://… or sqlite:…",
                redact_url(url)
            ));
        }
        if self.max_roles_per_account == 0 {
            return Err("invalid max_roles_per_account '0': must be at least 1".into());
        }
        if self.max_body_bytes < 200_000 {
            return Err(format!(
                "invalid max_body_bytes '{}': must be at least 200000 so SAML assertions fit",
                self.max_body_bytes
            ));
        }
        if let Some(d) = self.saml_relay_state_destinations.iter().find(|d| {
            !crate::core::saml::sp::relay_destination_allowed(d, std::slice::from_ref(*d))
        }) {
            return Err(format!(
                "invalid saml_relay_state_destinations entry '{d}': expected an https://host[:port][/path] URL prefix"
            ));
        }
        if self.oidc.leeway_secs < 0 {
            return Err(format!(
                "invalid token_leeway_secs '{}': must not be negative",
                self.oidc.leeway_secs
            ));
        }
        Ok(())
    }
}

/// Hide a password in a database URL before printing it.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_flag_over_file_over_default() {
        let file: FileConfig =
            toml::from_str("listen = \"127.0.0.1:9000\"\nmax_roles_per_account = 7").unwrap();
        let s = Settings::resolve(file.clone(), Overrides::default()).unwrap();
        assert_eq!(s.listen, "127.0.0.1:9000");
        assert_eq!(s.max_roles_per_account, 7);
        let over = Overrides {
            listen: Some("127.0.0.1:9001".into()),
            ..Default::default()
        };
        assert_eq!(
            Settings::resolve(file, over).unwrap().listen,
            "127.0.0.1:9001"
        );
        let d = Settings::resolve(FileConfig::default(), Overrides::default()).unwrap();
        assert_eq!(d.max_roles_per_account, 500);
        assert_eq!(d.listen, DEFAULT_LISTEN);
    }

    #[test]
    fn typos_and_bad_values_are_errors() {
        assert!(toml::from_str::<FileConfig>("lisen = \"x\"").is_err());
        let bad = Overrides {
            listen: Some("nowhere".into()),
            ..Default::default()
        };
        let e = Settings::resolve(FileConfig::default(), bad).unwrap_err();
        assert!(e.contains("nowhere"));
        let bad = Overrides {
            database_url: Some("mysql://x".into()),
            ..Default::default()
        };
        assert!(Settings::resolve(FileConfig::default(), bad).is_err());
    }

    #[test]
    fn redacts_passwords() {
        assert_eq!(redact_url("postgres://u:pw@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
    }

    #[test]
    fn relay_state_destinations_from_file_env_and_checked() {
        let file: FileConfig = toml::from_str(
            "saml_relay_state_destinations = [\"https://console.example.com/home/\"]",
        )
        .unwrap();
        let s = Settings::resolve(file.clone(), Overrides::default()).unwrap();
        assert_eq!(
            s.saml_relay_state_destinations,
            vec!["https://console.example.com/home/"]
        );
        let over = Overrides {
            saml_relay_state_destinations: Some(vec!["https://a.example.com".into(), " ".into()]),
            ..Default::default()
        };
        let s = Settings::resolve(file, over).unwrap();
        assert_eq!(
            s.saml_relay_state_destinations,
            vec!["https://a.example.com"]
        );
        for bad in [
            "http://a.example.com/",
            "https://u@a.example.com/",
            "javascript:x",
        ] {
            let over = Overrides {
                saml_relay_state_destinations: Some(vec![bad.into()]),
                ..Default::default()
            };
            let e = Settings::resolve(FileConfig::default(), over).unwrap_err();
            assert!(e.contains("saml_relay_state_destinations"), "{e}");
        }
        assert!(
            Settings::resolve(FileConfig::default(), Overrides::default())
                .unwrap()
                .saml_relay_state_destinations
                .is_empty()
        );
    }
}
