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

// The module declares a typed option for each key with a default it can
// write, and leaves to the freeform part the keys the listener options
// set, the keys the program stops without, defaults of the wrong type and
// keys that would make an option a section.
func TestSettingsKeys(t *testing.T) {
	p := serverProject(&model.Surface{
		Listeners: []model.Listener{{Name: "http", Port: 8080, AddrKey: "server.listen", At: "config.rs:3"}},
		Config: &model.ConfigFile{Format: "toml", Flag: "--config", Required: true, RequiredKeys: []string{"site.url"}, Keys: []model.ConfigKey{
			{Key: "workers", Type: model.KeyUnsigned, Default: "4"},
			{Key: "log.level", Type: model.KeyString, Default: "info"},
			{Key: "server.listen", Type: model.KeyString, Default: "0.0.0.0:8080"},  // a listener's
			{Key: "site.url", Type: model.KeyString, Default: ""},                   // required
			{Key: "retries", Type: model.KeyInt, Default: "three"},                  // not an int
			{Key: "offset", Type: model.KeyUnsigned, Default: "-1"},                 // not unsigned
			{Key: "cache", Type: model.KeyBool, Default: "true"},                    // a section below
			{Key: "cache.size", Type: model.KeyUnsigned, Default: "100"},            //
			{Key: "server.listen.backlog", Type: model.KeyUnsigned, Default: "128"}, // below a listener key
			{Key: "origins", Type: model.KeyStrings, Default: `["https://a.example"]`},
			{Key: "ratio", Type: model.KeyFloat, Default: "0.5"},
			{Key: "weird key", Type: model.KeyString, Default: "x"}, // not a key nixgen writes
			{Key: "workers", Type: model.KeyUnsigned, Default: "4"}, // twice
		}},
	})
	warnings, err := service(p, choices.Choices{Service: choices.ServiceAuto})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, k := range p.Service.Config.Keys {
		got = append(got, k.Key)
	}
	want := []string{"log.level", "origins", "ratio", "workers"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	if n := strings.Count(strings.Join(warnings, "\n"), "leaves it untyped"); n != 2 {
		t.Errorf("want a warning for each of the 2 defaults of the wrong type, got %q", warnings)
	}
}

// Only keys the service keeps to itself are generated; anything someone
// else must know is given by the user.
func TestGeneratable(t *testing.T) {
	for name, want := range map[string]bool{
		"JWT_SECRET": true, "SESSION_SECRET": true, "APP_SESSION_KEY": true, "COOKIE_SECRET": true,
		"TOKEN_SIGNING_KEY": true, "SECRET_KEY": true, "DJANGO_SECRET_KEY": true, "SECRET_KEY_BASE": true, "CSRF_SECRET": true,
		"ADMIN_TOKEN": false, "SMTP_PASSWORD": false, "DATABASE_URL": false, "API_KEY": false, "JWT_PUBLIC_KEY": false,
		"JWT_PRIVATE_KEY": false, "VAPID_PRIVATE_KEY": false, "SESSION_STORE_URL": false, "OAUTH_CLIENT_SECRET": false, "SESSION": false,
	} {
		if got := generatable(name); got != want {
			t.Errorf("generatable(%s) = %v, want %v", name, got, want)
		}
	}
}
