package ident

import "testing"

func TestEnvName(t *testing.T) {
	for s, want := range map[string]bool{
		"PORT": true, "APP_PORT": true, "_X": true, "app_port2": true,
		"": false, "2PORT": false, "APP-PORT": false, "APP PORT": false,
		"APP_PORT=//;e id;#": false, "PORT\n": false, "PÖRT": false, "$PORT": false,
	} {
		if got := EnvName(s); got != want {
			t.Errorf("EnvName(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestFlagName(t *testing.T) {
	for s, want := range map[string]bool{
		"port": true, "listen-addr": true, "http.port": true, "p": true, "bind_addr": true,
		"": false, "-port": false, "--port": false, "port=1": false, "a b": false,
		"x;rm -rf": false, "port\n": false, "$(id)": false,
	} {
		if got := FlagName(s); got != want {
			t.Errorf("FlagName(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestFetchURL(t *testing.T) {
	for s, ok := range map[string]bool{
		"https://github.com/a/b": true, "ssh://git@host/x": true, "git@github.com:a/b.git": true,
		"file:///srv/git/x": true, "git://host/x": true,
		"--upload-pack=touch pwned": false, "-u": false, "https://a/b\nc": false,
		"https://-x": false, "": false, "/abs/path": false, "ext::sh -c id": false,
	} {
		if err := FetchURL(s); (err == nil) != ok {
			t.Errorf("FetchURL(%q) = %v, want ok %v", s, err, ok)
		}
	}
}

func TestListenHost(t *testing.T) {
	for s, want := range map[string]bool{
		"": true, "0.0.0.0": true, "127.0.0.1": true, "::1": true, "::": true, "localhost": true, "api.example.org": true,
		"a\nb": false, "x\"; rm -rf /\"": false, "-x": false, "a b": false, "${x}": false, "a..b": false,
	} {
		if got := ListenHost(s); got != want {
			t.Errorf("ListenHost(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestPort(t *testing.T) {
	for s, want := range map[string]int{"1": 1, "8080": 8080, "65535": 65535, "0": 0, "65536": 0, "99999": 0, "http": 0, "+80": 0, "-1": 0, "": 0, "080": 80} {
		got, ok := Port(s)
		if got != want && ok || ok != (want != 0) {
			t.Errorf("Port(%q) = %d, %v; want %d", s, got, ok, want)
		}
	}
}

func TestListenerName(t *testing.T) {
	for s, want := range map[string]bool{"http": true, "smtp2": true, "": false, "2fa": false, "web-ui": false, "Http": false, "port": true} {
		if got := ListenerName(s); got != want {
			t.Errorf("ListenerName(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestConfigKey(t *testing.T) {
	for s, want := range map[string]bool{"server.address": true, "http_port": true, "a.b-c.d": true, "": false, ".a": false, "a..b": false, "a b": false, "${x}": false, `a"b`: false} {
		if got := ConfigKey(s); got != want {
			t.Errorf("ConfigKey(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestCargoFeature(t *testing.T) {
	for s, want := range map[string]bool{
		"sqlite": true, "tls-rustls": true, "v1_24": true, "serde+std": true, "server/metrics": true, "2d": true, "server/tokio/full": true,
		"": false, "dep:x": false, "a/b/c/d": false, "a//c": false, "2d/x": false, "/x": false, "x/": false, "a b": false,
		"x,y": false, "x\"": false, "${x}": false, "x;id": false, "x\n": false, "--features=x": false,
	} {
		if got := CargoFeature(s); got != want {
			t.Errorf("CargoFeature(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestTestPath(t *testing.T) {
	for s, want := range map[string]bool{
		"connects": true, "db::tests::connects": true, "TestConnect": true, "_x::y2": true,
		"": false, "db::": false, "::db": false, "db:tests": false, "a b": false, "--exact": false,
		"x; rm -rf /": false, "${x}": false, "x\"": false, "TestX/sub": false, "x\n": false, "$(id)": false,
	} {
		if got := TestPath(s); got != want {
			t.Errorf("TestPath(%q) = %v, want %v", s, got, want)
		}
	}
}
