package rustsrc

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nixgen/nixgen/generator/internal/model"
)

// clap's builder API: Arg::new chains and arg!, a serving subcommand
// built with Command::new.
func TestClapBuilder(t *testing.T) {
	s := analyze(t, "src/cli.rs", `
use clap::{arg, Arg, ArgAction, Command};

pub fn cli() -> Command {
    Command::new("heron")
        .subcommand_required(true)
        .subcommand(
            Command::new("serve")
                .arg(Arg::new("port").long("port").short('p').env("HERON_PORT").default_value("5080"))
                .arg(Arg::new("bind").long("bind").env("HERON_BIND").default_value("0.0.0.0"))
                .arg(Arg::new("token").long("token").env("HERON_TOKEN").required(true))
                .arg(Arg::new("verbose").long("verbose").env("HERON_VERBOSE").action(ArgAction::SetTrue))
                .arg(arg!(--stats-port <PORT> "port of the stats page").default_value("5081")),
        )
        .subcommand(Command::new("check").arg(Arg::new("target").long("target").env("HERON_TARGET").required(true)))
}
`)
	want := []model.Listener{
		{Name: "http", Host: "0.0.0.0", Port: 5080, PortEnv: "HERON_PORT", HostEnv: "HERON_BIND", PortFlag: "--port", HostFlag: "--bind"},
		{Name: "stats", Port: 5081, PortFlag: "--stats-port"},
	}
	if diff := cmp.Diff(want, s.Listeners, ignoreAt); diff != "" {
		t.Errorf("listeners (-want +got):\n%s", diff)
	}
	if !cmp.Equal(s.Subcommand, []string{"serve"}) {
		t.Errorf("subcommand = %v, want [serve]", s.Subcommand)
	}
	byName := map[string]model.Setting{}
	for _, st := range s.Settings {
		byName[st.Name] = st
	}
	if st := byName["HERON_TOKEN"]; !st.Required || !st.Secret || st.Flag != "--token" {
		t.Errorf("HERON_TOKEN = %+v, want required secret with --token", st)
	}
	if st := byName["HERON_TARGET"]; st.Required {
		t.Errorf("HERON_TARGET = %+v: an argument of another subcommand is not required to serve", st)
	}
	if st := byName["HERON_VERBOSE"]; st.Required {
		t.Errorf("HERON_VERBOSE = %+v, want optional", st)
	}
}

// structopt derive; a nested section naming the server the program
// connects to (a port beside a server and a user) is no listener.
func TestStructoptAndClientPort(t *testing.T) {
	s := analyze(t, "src/main.rs", `
#[derive(structopt::StructOpt)]
struct Opt {
    #[structopt(long = "ldap-port", env = "WREN_LDAP_PORT", default_value = "3389")]
    ldap_port: u16,
    #[structopt(long, env = "WREN_MAIL_RELAY__SERVER")]
    mail_server: Option<String>,
    #[structopt(long, env = "WREN_MAIL_RELAY__USER")]
    mail_user: Option<String>,
    #[structopt(long, env = "WREN_MAIL_RELAY__PORT", default_value = "587")]
    mail_port: u16,
}
fn main() {}
`)
	want := []model.Listener{{Name: "ldap", Port: 3389, PortEnv: "WREN_LDAP_PORT", PortFlag: "--ldap-port"}}
	if diff := cmp.Diff(want, s.Listeners, ignoreAt); diff != "" {
		t.Errorf("listeners (-want +got):\n%s", diff)
	}
}
