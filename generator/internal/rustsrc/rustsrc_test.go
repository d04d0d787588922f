package rustsrc

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/nixgen/nixgen/generator/internal/model"
)

func analyze(t *testing.T, files ...string) *model.Surface {
	t.Helper()
	var fs []File
	for i := 0; i < len(files); i += 2 {
		fs = append(fs, File{Path: files[i], Src: []byte(files[i+1])})
	}
	s, err := Analyze(fs)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var ignoreAt = cmpopts.IgnoreFields(model.Listener{}, "At")

// The mail service this project was designed around: settings read through
// the program's own helpers, names in constants, two listeners, a required
// domain with a fallback variable, a Postgres URL and an /api/health route.
func TestHelpersAndListeners(t *testing.T) {
	s := analyze(t, "src/config.rs", `
use std::env;

const HTTP_PORT: &str = "HTTP_PORT";

fn env_or(key: &str, default: &str) -> String {
    env::var(key).unwrap_or_else(|_| default.to_string())
}

fn env_parse<T: std::str::FromStr>(key: &str, default: T) -> T {
    env::var(key).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

pub struct Config { pub http: String, pub smtp_port: u16 }

impl Config {
    pub fn from_env() -> anyhow::Result<Self> {
        let host = env_or("HTTP_HOST", "127.0.0.0");
        let port: u16 = env_parse(HTTP_PORT, 3001);
        let smtp_host = env_or("SMTP_HOST", "0.0.0.0");
        let smtp_port: u16 = env_parse("SMTP_PORT", 25);
        let domain = env::var("MAIL_DOMAIN").or_else(|_| env::var("DOMAIN")).expect("MAIL_DOMAIN or DOMAIN must be set");
        let db = env::var("DATABASE_URL")?;
        let _ = (host, port, smtp_host, smtp_port, domain, db);
        todo!()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn t() { std::env::var("TEST_ONLY").unwrap(); let _ = "127.0.0.1:0".parse::<std::net::SocketAddr>(); }
}
`, "src/main.rs", `
async fn health() -> &'static str { "ok" }
fn router() -> axum::Router { axum::Router::new().route("/api/health", axum::routing::get(health)) }
fn main() {}
`)
	wantListeners := []model.Listener{
		{Name: "http", Host: "127.0.0.0", Port: 3001, PortEnv: "HTTP_PORT", HostEnv: "HTTP_HOST"},
		{Name: "smtp", Host: "0.0.0.0", Port: 25, PortEnv: "SMTP_PORT", HostEnv: "SMTP_HOST"},
	}
	if diff := cmp.Diff(wantListeners, s.Listeners, ignoreAt); diff != "" {
		t.Errorf("listeners (-want +got):\n%s", diff)
	}
	byName := map[string]model.Setting{}
	for _, st := range s.Settings {
		byName[st.Name] = st
	}
	if _, ok := byName["TEST_ONLY"]; ok {
		t.Error("a variable read only by a test counted")
	}
	if st := byName["MAIL_DOMAIN"]; !st.Required || !cmp.Equal(st.Alternatives, []string{"DOMAIN"}) {
		t.Errorf("MAIL_DOMAIN = %+v, want required with alternative DOMAIN", st)
	}
	if st := byName["DATABASE_URL"]; !st.Required || !st.Secret {
		t.Errorf("DATABASE_URL = %+v, want required and secret", st)
	}
	if st := byName["HTTP_PORT"]; st.Required || st.Default != "3001" {
		t.Errorf("HTTP_PORT = %+v, want default 3001", st)
	}
	if s.Health.Value != "/api/health" {
		t.Errorf("health = %q, want /api/health", s.Health.Value)
	}
}

// clap derive: env and defaults on fields, a subcommand that serves with
// its own arguments, and a boolean *_ADDRESS switch that is no listener.
func TestClapSubcommand(t *testing.T) {
	s := analyze(t, "src/main.rs", `
use clap::{Parser, Subcommand, Args};

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server
    Serve(ServeArgs),
    Migrate,
}

#[derive(Args)]
struct ServeArgs {
    #[arg(long, env = "APP_LISTEN", default_value = "0.0.0.0:8443")]
    listen: String,
    #[arg(long, env = "APP_LOG_REMOTE_ADDRESS", default_value_t = false)]
    log_remote_address: bool,
    #[arg(long, env = "APP_JWT_SECRET")]
    jwt_secret: String,
    #[arg(long, default_value_t = 9100)]
    metrics_port: u16,
}

fn main() {}
`)
	want := []model.Listener{
		{Name: "http", Host: "0.0.0.0", Port: 8443, AddrEnv: "APP_LISTEN", AddrFlag: "--listen"},
		{Name: "metrics", Port: 9100, PortFlag: "--metrics-port"},
	}
	if diff := cmp.Diff(want, s.Listeners, ignoreAt); diff != "" {
		t.Errorf("listeners (-want +got):\n%s", diff)
	}
	if !cmp.Equal(s.Subcommand, []string{"serve"}) {
		t.Errorf("subcommand = %v, want [serve]", s.Subcommand)
	}
	for _, st := range s.Settings {
		if st.Name == "APP_JWT_SECRET" && (!st.Required || !st.Secret || st.Flag != "--jwt-secret") {
			t.Errorf("APP_JWT_SECRET = %+v, want required secret with --jwt-secret", st)
		}
	}
}

// A literal bind address counts only outside tests.
func TestLiteral(t *testing.T) {
	s := analyze(t, "src/main.rs", `
#[tokio::main]
async fn main() {
    let listener = tokio::net::TcpListener::bind("0.0.0.0:7878").await.unwrap();
}
#[cfg(test)]
mod tests {
    fn helper() { let _ = std::net::TcpListener::bind("127.0.0.1:0"); }
}
`)
	want := []model.Listener{{Name: "http", Host: "0.0.0.0", Port: 7878, Fixed: true}}
	if diff := cmp.Diff(want, s.Listeners, ignoreAt); diff != "" {
		t.Errorf("listeners (-want +got):\n%s", diff)
	}

	// A module declared under #[cfg(test)] is test code, in its own file too.
	s = analyze(t, "src/lib.rs", "#[cfg(test)]\nmod testing;\npub fn serve() { let _ = std::net::SocketAddr::new(std::net::Ipv4Addr::UNSPECIFIED.into(), 8088); }\n",
		"src/testing.rs", "pub fn bind() { let _ = std::net::TcpListener::bind(\"127.0.0.1:1234\"); }\n")
	want = []model.Listener{{Name: "http", Host: "0.0.0.0", Port: 8088, Fixed: true}}
	if diff := cmp.Diff(want, s.Listeners, ignoreAt); diff != "" {
		t.Errorf("listeners (-want +got):\n%s", diff)
	}
}

// clap also derives Parser on the enum of commands itself.
func TestParserEnum(t *testing.T) {
	s := analyze(t, "src/main.rs", `
#[derive(clap::Parser)]
enum Command {
    ExportSchema,
    Run(RunOpts),
}

#[derive(clap::Args)]
struct RunOpts {
    #[arg(long, env = "APP_HTTP_PORT", default_value_t = 17170)]
    http_port: u16,
}
fn main() {}
`)
	if !cmp.Equal(s.Subcommand, []string{"run"}) {
		t.Errorf("subcommand %v, want [run]", s.Subcommand)
	}
}
