package rustsrc

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/nixgen/nixgen/generator/internal/model"
)

// settingsByName indexes a surface's settings.
func settingsByName(s *model.Surface) map[string]model.Setting {
	out := map[string]model.Setting{}
	for _, st := range s.Settings {
		out[st.Name] = st
	}
	return out
}

// figment over a serde struct: defaults from impl Default, a prefixed
// environment with nested keys, an optional secret the program unwraps.
func TestFigment(t *testing.T) {
	s := analyze(t, "src/settings.rs", `
use figment::{Figment, providers::{Env, Format, Serialized, Toml}};

#[derive(serde::Deserialize, serde::Serialize)]
struct Metrics { bind_port: u16 }

#[derive(serde::Deserialize, serde::Serialize)]
struct Settings {
    listen_host: String,
    listen_port: u16,
    admin_token: Option<String>,
    metrics: Metrics,
}

impl Default for Settings {
    fn default() -> Self {
        Self { listen_host: String::from("0.0.0.0"), listen_port: 7400, admin_token: None, metrics: Metrics { bind_port: 9400 } }
    }
}

pub fn load() -> anyhow::Result<Settings> {
    let s: Settings = Figment::from(Serialized::defaults(Settings::default()))
        .merge(Toml::file("kite.toml"))
        .merge(Env::prefixed("KITE_").split("__"))
        .extract()?;
    s.admin_token.as_ref().ok_or_else(|| anyhow::anyhow!("set KITE_ADMIN_TOKEN"))?;
    Ok(s)
}
`)
	want := []model.Listener{
		{Name: "http", Host: "0.0.0.0", Port: 7400, PortEnv: "KITE_LISTEN_PORT", HostEnv: "KITE_LISTEN_HOST", PortKey: "listen_port", HostKey: "listen_host"},
		{Name: "metrics", PortEnv: "KITE_METRICS__BIND_PORT", PortKey: "metrics.bind_port"},
	}
	if diff := cmp.Diff(want, s.Listeners, ignoreAt); diff != "" {
		t.Errorf("listeners (-want +got):\n%s", diff)
	}
	if st := settingsByName(s)["KITE_ADMIN_TOKEN"]; !st.Required || !st.Secret {
		t.Errorf("KITE_ADMIN_TOKEN = %+v, want required secret", st)
	}
	if s.Config == nil || s.Config.Format != "toml" || s.Config.Required || s.Config.Default != "kite.toml" {
		t.Errorf("config = %+v, want an optional toml file kite.toml", s.Config)
	}
}

// config-rs: a prefix with nested keys, set_default, a field without a
// default that must come from the environment.
func TestConfigRs(t *testing.T) {
	s := analyze(t, "src/conf.rs", `
use config::{Config, Environment, File, FileFormat};

#[derive(serde::Deserialize)]
pub struct Admin { pub port: u16 }

#[derive(serde::Deserialize)]
pub struct Conf {
    pub bind: String,
    pub admin: Admin,
    pub store_url: String,
    pub motd: Option<String>,
}

impl Conf {
    pub fn load() -> Result<Self, config::ConfigError> {
        let mut b = Config::builder()
            .set_default("bind", "0.0.0.0:6100")?
            .set_default("admin.port", 6101)?
            .add_source(Environment::with_prefix("orca").separator("__"));
        if std::path::Path::new("orca.toml").exists() {
            b = b.add_source(File::new("orca.toml", FileFormat::Toml));
        }
        b.build()?.try_deserialize()
    }
}
`)
	want := []model.Listener{
		{Name: "http", Host: "0.0.0.0", Port: 6100, AddrEnv: "ORCA__BIND", AddrKey: "bind"},
		{Name: "admin", Port: 6101, PortEnv: "ORCA__ADMIN__PORT", PortKey: "admin.port"},
	}
	if diff := cmp.Diff(want, s.Listeners, ignoreAt); diff != "" {
		t.Errorf("listeners (-want +got):\n%s", diff)
	}
	byName := settingsByName(s)
	if st := byName["ORCA__STORE_URL"]; !st.Required {
		t.Errorf("ORCA__STORE_URL = %+v, want required", st)
	}
	if st := byName["ORCA__MOTD"]; st.Required {
		t.Errorf("ORCA__MOTD = %+v, want optional", st)
	}
	if s.Config == nil || s.Config.Format != "toml" || s.Config.Required || s.Config.Default != "orca.toml" {
		t.Errorf("config = %+v, want optional toml orca.toml", s.Config)
	}
}

// envy over a struct with serde default functions; a file parsed with
// serde_yaml into a struct with SmartDefault-free defaults.
func TestEnvyAndSerdeFile(t *testing.T) {
	s := analyze(t, "src/main.rs", `
#[derive(serde::Deserialize)]
struct Env {
    #[serde(default = "default_port")]
    grpc_port: u16,
    api_secret: String,
}
fn default_port() -> u16 { 50051 }

#[derive(serde::Deserialize)]
struct FileConfig { #[serde(default = "Self::listen")] listen: String }
impl FileConfig { fn listen() -> String { "127.0.0.1:7000".into() } }

fn main() -> anyhow::Result<()> {
    let env = envy::prefixed("PIKE_").from_env::<Env>()?;
    let text = std::fs::read_to_string("/etc/pike.yaml")?;
    let file: FileConfig = serde_yaml::from_str(&text)?;
    Ok(())
}
`)
	want := []model.Listener{
		{Name: "http", Host: "127.0.0.1", Port: 7000, AddrKey: "listen"},
		{Name: "grpc", Port: 50051, PortEnv: "PIKE_GRPC_PORT", PortKey: "grpc_port"},
	}
	if diff := cmp.Diff(want, s.Listeners, ignoreAt); diff != "" {
		t.Errorf("listeners (-want +got):\n%s", diff)
	}
	if st := settingsByName(s)["PIKE_API_SECRET"]; !st.Required || !st.Secret {
		t.Errorf("PIKE_API_SECRET = %+v, want required secret", st)
	}
	// The file's path is the program's own: nothing to give, but said.
	if s.Config != nil || len(s.Unknown) != 1 {
		t.Errorf("config = %+v, unknown = %q, want none and one unknown", s.Config, s.Unknown)
	}
}

// A crate using Rocket listens on ROCKET_ADDRESS:ROCKET_PORT; a literal
// merged into Config::figment() replaces the port.
func TestRocket(t *testing.T) {
	s := analyze(t, "src/main.rs", `
#[rocket::main]
async fn main() { rocket::build().launch().await.unwrap(); }
`)
	want := []model.Listener{{Name: "http", Host: "127.0.0.1", Port: 8000, PortEnv: "ROCKET_PORT", HostEnv: "ROCKET_ADDRESS"}}
	if diff := cmp.Diff(want, s.Listeners, ignoreAt); diff != "" {
		t.Errorf("listeners (-want +got):\n%s", diff)
	}
	s, err := AnalyzeWith([]File{{Path: "src/main.rs", Src: []byte(`
fn main() {
    let figment = rocket::Config::figment().merge(("port", 9123));
    let _ = rocket::custom(figment);
}
`)}}, Options{Deps: []string{"rocket"}})
	if err != nil {
		t.Fatal(err)
	}
	want = []model.Listener{{Name: "http", Host: "127.0.0.1", Port: 9123, HostEnv: "ROCKET_ADDRESS", Fixed: true}}
	if diff := cmp.Diff(want, s.Listeners, ignoreAt); diff != "" {
		t.Errorf("merged port (-want +got):\n%s", diff)
	}
}

// Constants and configuration structs of a path dependency resolve.
func TestLibConstants(t *testing.T) {
	s, err := AnalyzeWith([]File{{Path: "server/src/main.rs", Src: []byte(`
use core::vars;
fn main() {
    let addr = std::env::var(vars::LISTEN).unwrap_or_else(|_| "[::]:4040".to_string());
}
`)}}, Options{Lib: []File{{Path: "core/src/lib.rs", Src: []byte(`pub mod vars { pub const LISTEN: &str = "OWL_LISTEN"; }
pub fn unrelated() { let _ = std::env::var("LIB_ONLY"); }`)}}})
	if err != nil {
		t.Fatal(err)
	}
	want := []model.Listener{{Name: "http", Host: "::", Port: 4040, AddrEnv: "OWL_LISTEN"}}
	if diff := cmp.Diff(want, s.Listeners, ignoreAt); diff != "" {
		t.Errorf("listeners (-want +got):\n%s", diff)
	}
	if _, ok := settingsByName(s)["LIB_ONLY"]; ok {
		t.Error("a variable read only by the library counted")
	}
}

// A file the program cannot start without must hold every field that has
// no default, unless an optional section (Option, or a default) holds it.
func TestRequiredKeys(t *testing.T) {
	s := analyze(t, "src/main.rs", `
#[derive(serde::Deserialize)]
struct Config {
    data_dir: std::path::PathBuf,
    rpc_bind_addr: std::net::SocketAddr,
    #[serde(default)]
    replicas: usize,
    token: Option<String>,
    s3: S3,
    consul: Option<Consul>,
}
#[derive(serde::Deserialize)]
struct S3 { region: String, #[serde(default = "default_root")] root: String }
#[derive(serde::Deserialize)]
struct Consul { address: String }
fn default_root() -> String { "/".into() }

#[derive(clap::Parser)]
struct Args {
    #[arg(long, env = "STORE_CONFIG", default_value = "/etc/store.toml")]
    config: std::path::PathBuf,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let text = std::fs::read_to_string(&args.config)?;
    let config: Config = toml::from_str(&text)?;
    Ok(())
}
`)
	if s.Config == nil {
		t.Fatal("no configuration file")
	}
	if diff := cmp.Diff([]string{"data_dir", "rpc_bind_addr", "s3.region"}, s.Config.RequiredKeys); diff != "" {
		t.Errorf("required keys (-want +got):\n%s", diff)
	}
}

// The keys of the configuration file a program declares with a default
// nixgen knows exactly, and only those.
func TestConfigKeys(t *testing.T) {
	// main reads the struct Config from a TOML file given by --config.
	const main = `
#[derive(clap::Parser)]
struct Args {
    #[arg(long, default_value = "/etc/app.toml")]
    config: std::path::PathBuf,
}
fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let text = std::fs::read_to_string(&args.config)?;
    let config: Config = toml::from_str(&text)?;
    Ok(())
}
`
	for _, tc := range []struct {
		name, src string
		want      []model.ConfigKey
	}{{
		name: "impl Default under a struct-level serde default",
		src: `
#[derive(serde::Deserialize)]
#[serde(default)]
struct Config {
    listen: String,
    port: u16,
    offset: i32,
    debug: bool,
    ratio: f64,
    peers: Vec<String>,
    workers: usize,
    motd: Option<String>,
    name: String,
    tags: Vec<String>,
}
impl Default for Config {
    fn default() -> Self {
        Self {
            listen: "0.0.0.0".into(),
            port: 8_080u16,
            offset: 3,
            debug: true,
            ratio: 0.5,
            peers: vec!["a.example".to_string(), String::from("b.example")],
            workers: num_cpus::get(),
            motd: Some("hi".into()),
            name: String::new(),
            tags: Vec::new(),
        }
    }
}
`,
		// workers: a default nixgen cannot read is no default it knows.
		want: []model.ConfigKey{
			{Key: "debug", Type: model.KeyBool, Default: "true", At: "src/config.rs:22"},
			{Key: "listen", Type: model.KeyString, Default: "0.0.0.0", At: "src/config.rs:19"},
			{Key: "name", Type: model.KeyString, Default: "", At: "src/config.rs:27"},
			{Key: "offset", Type: model.KeyInt, Default: "3", At: "src/config.rs:21"},
			{Key: "peers", Type: model.KeyStrings, Default: `["a.example","b.example"]`, At: "src/config.rs:24"},
			{Key: "port", Type: model.KeyUnsigned, Default: "8080", At: "src/config.rs:20"},
			{Key: "ratio", Type: model.KeyFloat, Default: "0.5", At: "src/config.rs:23"},
			{Key: "tags", Type: model.KeyStrings, Default: "[]", At: "src/config.rs:28"},
		},
	}, {
		name: "field defaults: bare, a function, Default::default",
		src: `
#[derive(serde::Deserialize)]
struct Config {
    data_dir: std::path::PathBuf,
    #[serde(default)]
    fsync: bool,
    #[serde(default)]
    bootstrap_peers: Vec<String>,
    #[serde(default)]
    name: String,
    #[serde(default = "default_engine")]
    engine: String,
    #[serde(default = "default_port")]
    port: u16,
    #[serde(default = "Default::default")]
    limit: u64,
    #[serde(default = "default_size")]
    size: usize,
    #[serde(default, deserialize_with = "deserialize_capacity")]
    map_size: usize,
    #[serde(default = "default_mode")]
    mode: Mode,
    #[serde(default)]
    token: Option<String>,
    #[serde(default, with = "humantime_serde")]
    timeout: std::time::Duration,
}
#[derive(serde::Deserialize, Default)]
enum Mode { #[default] Fast }
fn default_engine() -> String { "lmdb".into() }
fn default_port() -> u16 { 3900 }
fn default_size() -> usize { 256 * 1024 }
fn default_mode() -> Mode { Mode::Fast }
`,
		want: []model.ConfigKey{
			{Key: "bootstrap_peers", Type: model.KeyStrings, Default: "[]"},
			{Key: "engine", Type: model.KeyString, Default: "lmdb"},
			{Key: "fsync", Type: model.KeyBool, Default: "false"},
			{Key: "limit", Type: model.KeyUnsigned, Default: "0"},
			{Key: "name", Type: model.KeyString, Default: ""},
			{Key: "port", Type: model.KeyUnsigned, Default: "3900"},
		},
	}, {
		name: "a struct-level default without an impl nixgen can read",
		src: `
#[derive(serde::Deserialize)]
#[serde(default)]
struct Config {
    #[serde(default = "default_port")]
    port: u16,
    host: String,
}
impl Default for Config {
    fn default() -> Self { toml::from_str(include_str!("default.toml")).unwrap() }
}
fn default_port() -> u16 { 9000 }
`,
		want: []model.ConfigKey{{Key: "port", Type: model.KeyUnsigned, Default: "9000"}},
	}, {
		name: "renamed keys",
		src: `
#[derive(serde::Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Config {
    listen_addr: String,
    #[serde(rename = "max-conns")]
    max_conns: u32,
    #[serde(skip)]
    cache: Vec<String>,
}
`,
		want: []model.ConfigKey{
			{Key: "listenAddr", Type: model.KeyString, Default: ""},
			{Key: "max-conns", Type: model.KeyUnsigned, Default: "0"},
		},
	}, {
		name: "nested sections",
		src: `
#[derive(serde::Deserialize)]
struct Config {
    server: Server,
    web: Option<Web>,
    #[serde(default)]
    log: Log,
    #[serde(default)]
    db: Db,
}
// A section the file must have: its keys with defaults are offered.
#[derive(serde::Deserialize)]
struct Server {
    address: String,
    #[serde(default = "default_workers")]
    workers: u16,
    #[serde(flatten)]
    tls: Tls,
    #[serde(flatten)]
    proxy: Option<Proxy>,
}
#[derive(serde::Deserialize)]
struct Tls { #[serde(default)] tls_enabled: bool }
// Flattened as an Option: writing its key turns it on.
#[derive(serde::Deserialize)]
struct Proxy { #[serde(default)] proxy_protocol: bool }
// Writing a key of an Option section turns it on: none offered.
#[derive(serde::Deserialize)]
struct Web { bind_addr: String, #[serde(default)] gzip: bool }
// A section with a default whose keys all have one.
#[derive(serde::Deserialize, Default)]
struct Log { #[serde(default)] level: String }
// A section with a default that has a key without one: writing any key
// would need it too.
#[derive(serde::Deserialize, Default)]
struct Db { url: String, #[serde(default)] pool: u32 }
fn default_workers() -> u16 { 4 }
`,
		want: []model.ConfigKey{
			{Key: "log.level", Type: model.KeyString, Default: ""},
			{Key: "server.tls_enabled", Type: model.KeyBool, Default: "false"},
			{Key: "server.workers", Type: model.KeyUnsigned, Default: "4"},
		},
	}, {
		name: "SmartDefault",
		src: `
#[derive(serde::Deserialize, smart_default::SmartDefault)]
#[serde(default)]
struct Config {
    #[default("127.0.0.1:9000")]
    bind: std::net::SocketAddr,
    #[default(64)]
    depth: u8,
    verbose: bool,
    #[default(vec!["en".into()])]
    langs: Vec<String>,
    #[default(compute())]
    seed: u64,
}
`,
		want: []model.ConfigKey{
			{Key: "bind", Type: model.KeyString, Default: "127.0.0.1:9000"},
			{Key: "depth", Type: model.KeyUnsigned, Default: "64"},
			{Key: "langs", Type: model.KeyStrings, Default: `["en"]`},
			{Key: "verbose", Type: model.KeyBool, Default: "false"},
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			s := analyze(t, "src/main.rs", main, "src/config.rs", tc.src)
			if s.Config == nil {
				t.Fatal("no configuration file")
			}
			opt := cmpopts.IgnoreFields(model.ConfigKey{}, "At")
			if tc.want[0].At != "" {
				opt = nil
			}
			if diff := cmp.Diff(tc.want, s.Config.Keys, opt); diff != "" {
				t.Errorf("keys (-want +got):\n%s", diff)
			}
		})
	}
}

// figment's Serialized::defaults: the struct's Default gives every key
// the file leaves out, down into sections that are their type's Default;
// config-rs's set_default gives a key its default whatever serde says.
func TestConfigKeysLayered(t *testing.T) {
	s := analyze(t, "src/settings.rs", `
use figment::{Figment, providers::{Env, Format, Serialized, Toml}};

#[derive(serde::Deserialize, serde::Serialize)]
struct Settings {
    listen_host: String,
    #[serde(default)]
    listen_port: u16,
    metrics: Metrics,
    limits: Limits,
}
#[derive(serde::Deserialize, serde::Serialize, Default)]
struct Metrics { bind_port: u16 }
#[derive(serde::Deserialize, serde::Serialize)]
struct Limits { max_body: u64 }
impl Default for Limits { fn default() -> Self { Self { max_body: 1024 } } }

impl Default for Settings {
    fn default() -> Self {
        Self { listen_host: "0.0.0.0".into(), listen_port: 7400, metrics: Metrics::default(), limits: Limits { max_body: 2048 } }
    }
}

pub fn load() -> anyhow::Result<Settings> {
    Ok(Figment::from(Serialized::defaults(Settings::default()))
        .merge(Toml::file("kite.toml"))
        .merge(Env::prefixed("KITE_").split("__"))
        .extract()?)
}
`)
	// limits.max_body: the section's value is written out in Settings'
	// Default, which nixgen does not read.
	want := []model.ConfigKey{
		{Key: "listen_host", Type: model.KeyString, Default: "0.0.0.0"},
		{Key: "listen_port", Type: model.KeyUnsigned, Default: "7400"},
		{Key: "metrics.bind_port", Type: model.KeyUnsigned, Default: "0"},
	}
	if s.Config == nil {
		t.Fatal("no configuration file")
	}
	if diff := cmp.Diff(want, s.Config.Keys, cmpopts.IgnoreFields(model.ConfigKey{}, "At")); diff != "" {
		t.Errorf("figment keys (-want +got):\n%s", diff)
	}

	// derive_builder's defaults, with a Default that calls the builder.
	s = analyze(t, "src/configuration.rs", `
use figment::{Figment, providers::{Env, Format, Serialized, Toml}};

#[derive(serde::Deserialize, serde::Serialize, derive_builder::Builder)]
#[builder(pattern = "owned", build_fn(name = "private_build"))]
pub struct Configuration {
    #[builder(default = r#"String::from("::")"#)]
    pub ldap_host: String,
    #[builder(default = "3890")]
    pub ldap_port: u16,
    #[builder(default)]
    pub mail: Mail,
    pub database_url: String,
}
#[derive(serde::Deserialize, serde::Serialize, derive_builder::Builder)]
pub struct Mail { #[builder(default = "587")] pub port: u16, #[builder(default)] pub user: String }
impl Default for Mail { fn default() -> Self { MailBuilder::default().build().unwrap() } }
impl Default for Configuration {
    fn default() -> Self { ConfigurationBuilder::default().private_build().unwrap() }
}
pub fn init() -> anyhow::Result<Configuration> {
    Ok(Figment::from(Serialized::defaults(ConfigurationBuilder::default().private_build().unwrap()))
        .merge(Toml::file("owl.toml"))
        .merge(Env::prefixed("OWL_").split("__"))
        .extract()?)
}
`, "src/main.rs", `
fn main() { let _ = configuration::init(); }
`)
	want = []model.ConfigKey{
		{Key: "ldap_host", Type: model.KeyString, Default: "::"},
		{Key: "ldap_port", Type: model.KeyUnsigned, Default: "3890"},
		{Key: "mail.port", Type: model.KeyUnsigned, Default: "587"},
		{Key: "mail.user", Type: model.KeyString, Default: ""},
	}
	if s.Config == nil {
		t.Fatal("no configuration file")
	}
	if diff := cmp.Diff(want, s.Config.Keys, cmpopts.IgnoreFields(model.ConfigKey{}, "At")); diff != "" {
		t.Errorf("builder keys (-want +got):\n%s", diff)
	}

	s = analyze(t, "src/conf.rs", `
use config::{Config, Environment, File};

#[derive(serde::Deserialize)]
pub struct Conf {
    pub bind: String,
    #[serde(default = "default_workers")]
    pub workers: u16,
    pub origins: Vec<String>,
    pub secret: String,
}
fn default_workers() -> u16 { 2 }

impl Conf {
    pub fn load() -> Result<Self, config::ConfigError> {
        // An unreadable default first: still a default, of unknown value.
        Config::builder()
            .set_default("secret", std::env::var("SECRET").unwrap_or_default())?
            .set_default("bind", "0.0.0.0:6100")?
            .set_default("workers", 8)?
            .set_default("origins", vec!["https://a.example"])?
            .add_source(File::with_name("/etc/orca.toml"))
            .add_source(Environment::with_prefix("orca").separator("__"))
            .build()?
            .try_deserialize()
    }
}
`)
	want = []model.ConfigKey{
		{Key: "bind", Type: model.KeyString, Default: "0.0.0.0:6100", At: "src/conf.rs:19"},
		{Key: "origins", Type: model.KeyStrings, Default: `["https://a.example"]`, At: "src/conf.rs:21"},
		{Key: "workers", Type: model.KeyUnsigned, Default: "8", At: "src/conf.rs:20"},
	}
	if s.Config == nil {
		t.Fatal("no configuration file")
	}
	if diff := cmp.Diff(want, s.Config.Keys); diff != "" {
		t.Errorf("config-rs keys (-want +got):\n%s", diff)
	}
}
