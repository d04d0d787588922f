package rustsrc

import (
	"testing"

	"github.com/google/go-cmp/cmp"

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
