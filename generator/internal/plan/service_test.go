package plan

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nixgen/nixgen/generator/internal/choices"
	"github.com/nixgen/nixgen/generator/internal/model"
)

func serverProject(sf *model.Surface) *model.Project {
	return &model.Project{
		Name: "mailer", Server: true, Default: "mailer",
		Packages: []model.Package{{Name: "mailer", MainProgram: "mailer"}},
		Surface:  sf,
	}
}

// Every listener becomes an endpoint: the first is the main one, behind
// the proxy on loopback; the others keep their source's host, get option
// names that clash with nothing, and the SMTP one is public while metrics
// is not.
func TestServiceListeners(t *testing.T) {
	p := serverProject(&model.Surface{
		Listeners: []model.Listener{
			{Name: "http", Host: "127.0.0.0", Port: 3001, PortEnv: "HTTP_PORT", HostEnv: "HTTP_HOST", PortFlag: "--port", At: "config.rs:26"},
			{Name: "smtp", Host: "0.0.0.0", Port: 25, PortEnv: "SMTP_PORT", At: "config.rs:28"},
			{Name: "user", Port: 4000, AddrEnv: "USER_ADDR", AddrFlag: "--user-addr"},
			{Name: "metrics", Port: 9090, AddrKey: "metrics.listen"},
			{Name: "grpc", At: "grpc.rs:3"},
		},
		Settings: []model.Setting{
			{Name: "DATABASE_URL", Required: true, Secret: true, FileEnv: "DATABASE_URL_FILE", At: "config.rs:33"},
			{Name: "HTTP_PORT", Required: true},
			{Name: "MAIL_DOMAIN", Required: true, Alternatives: []string{"DOMAIN"}},
			{Name: "LOG", Default: "info"},
		},
	})
	warnings, err := service(p, choices.Choices{})
	if err != nil {
		t.Fatal(err)
	}
	s := p.Service
	got := s.Endpoints()
	want := []model.Endpoint{
		{Name: "http", Port: 3001, PortSource: "config.rs:26", Address: "127.0.0.1", PortEnv: "HTTP_PORT", HostEnv: "HTTP_HOST", Public: true},
		{Name: "smtp", Port: 25, PortSource: "config.rs:28", Address: "0.0.0.0", PortEnv: "SMTP_PORT", Public: true},
		{Name: "userListener", Port: 4000, PortSource: "the source", Address: "127.0.0.1", ListenEnv: "USER_ADDR", Public: true},
		// No configuration file: the key cannot be passed on.
		{Name: "metrics", Port: 9090, PortSource: "the source", Address: "0.0.0.0"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("endpoints (-want +got):\n%s", diff)
	}
	all := strings.Join(warnings, "\n")
	for _, w := range []string{"grpc.rs:3: the grpc listener's default port is unknown", "configuration key \"metrics.listen\"", "set the metrics listener's port"} {
		if !strings.Contains(all, w) {
			t.Errorf("warnings lack %q:\n%s", w, all)
		}
	}
	// HTTP_PORT is set by the module itself.
	wantReq := []model.Required{
		{Name: "DATABASE_URL", Secret: true, FileEnv: "DATABASE_URL_FILE", At: "config.rs:33"},
		{Name: "MAIL_DOMAIN", Alternatives: []string{"DOMAIN"}},
	}
	if diff := cmp.Diff(wantReq, s.Required); diff != "" {
		t.Errorf("required (-want +got):\n%s", diff)
	}
	// The unknown listener stays in the surface, recorded for the user.
	if n := len(p.Surface.Listeners); n != 5 {
		t.Errorf("surface keeps %d listeners, want 5", n)
	}
}

// nixgen.toml's corrections replace what the source showed.
func TestServiceCorrections(t *testing.T) {
	p := serverProject(&model.Surface{
		Subcommand: []string{"run"},
		Listeners:  []model.Listener{{Name: "ldap", Port: 3890, PortEnv: "LDAP_PORT"}},
		Settings:   []model.Setting{{Name: "JWT", Required: true}, {Name: "SEED"}},
	})
	c := choices.Choices{
		Subcommand: &[]string{"serve"},
		Required:   &[]string{"SEED", "TOKEN"},
		Listeners:  []model.Listener{{Name: "http", Port: 17170, PortEnv: "HTTP_PORT"}, {Name: "ldap", Port: 3890, PortEnv: "LDAP_PORT"}},
	}
	if _, err := service(p, c); err != nil {
		t.Fatal(err)
	}
	s := p.Service
	if diff := cmp.Diff([]string{"serve"}, s.Subcommand); diff != "" {
		t.Errorf("subcommand: %s", diff)
	}
	if s.Port != 17170 || len(s.Extra) != 1 || s.Extra[0].Name != "ldap" {
		t.Errorf("endpoints %+v", s.Endpoints())
	}
	var names []string
	for _, r := range s.Required {
		names = append(names, r.Name)
	}
	if diff := cmp.Diff([]string{"SEED", "TOKEN"}, names); diff != "" {
		t.Errorf("required: %s", diff)
	}
}

// A listener whose port the source does not give gets nixgen's default
// with a warning that says it is unknown, never silently.
func TestServiceUnknownPortWarns(t *testing.T) {
	p := serverProject(nil)
	warnings, err := service(p, choices.Choices{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Service.Port != DefaultPort || !strings.Contains(strings.Join(warnings, "\n"), "the port is unknown") {
		t.Errorf("port %d, warnings %q", p.Service.Port, warnings)
	}
}

// A program with its own port setting takes only the host in its address
// setting; an exporter is probed on /metrics; a configuration file given
// as the positional argument is passed on.
func TestServiceReadings(t *testing.T) {
	p := serverProject(&model.Surface{
		Listeners: []model.Listener{{Name: "metrics", Port: 9586, PortEnv: "X_PORT", PortFlag: "--port", AddrEnv: "X_BIND", AddrFlag: "--bind"}},
		Config:    &model.ConfigFile{Positional: true, Format: "toml", Required: true},
	})
	if _, err := service(p, choices.Choices{}); err != nil {
		t.Fatal(err)
	}
	s := p.Service
	if s.PortEnv != "X_PORT" || s.HostEnv != "X_BIND" || s.ListenEnv != "" || s.ListenFlag != "" {
		t.Errorf("endpoint %+v: want port X_PORT, host X_BIND", s.Endpoint)
	}
	if s.HealthPath != "/metrics" {
		t.Errorf("health %q, want /metrics", s.HealthPath)
	}
	if s.Config == nil || !s.Config.Positional {
		t.Errorf("config %+v, want the positional file", s.Config)
	}
}
