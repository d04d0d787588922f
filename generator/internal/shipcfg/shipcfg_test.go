package shipcfg

import (
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/nixgen/nixgen/generator/internal/model"
)

func TestFill(t *testing.T) {
	fsys := fstest.MapFS{
		"config.toml":              {Data: []byte("[server]\naddress = \"127.0.0.1:8000\"\n")},
		"svc/relay.example.yaml":   {Data: []byte("listen:\n  port: 2333\n  host: \"::\"\n")},
		"bad/config.json":          {Data: []byte("{")},
		"config.toml.sample":       {Data: []byte("[app]\naddress = \"localhost:9000\"\n")},
		"examples/config-dev.yaml": {Data: []byte("web:\n  http: 0.0.0.0:5556\n")},
	}
	for _, tc := range []struct {
		name, dir, format string
		in, want          model.Listener
		file              string
		err               bool
	}{
		{"address key in the root's config.toml", ".", "toml",
			model.Listener{Name: "http", AddrKey: "server.address"},
			model.Listener{Name: "http", Host: "127.0.0.1", Port: 8000, AddrKey: "server.address", At: "config.toml: server.address"}, "config.toml", false},
		{"port and host keys in an example beside the crate", "svc", "yaml",
			model.Listener{Name: "relay", PortKey: "listen.port", HostKey: "listen.host"},
			model.Listener{Name: "relay", Host: "::", Port: 2333, PortKey: "listen.port", HostKey: "listen.host", At: "svc/relay.example.yaml: listen.port"}, "svc/relay.example.yaml", false},
		{"a port the source gives is kept", ".", "toml",
			model.Listener{Name: "http", Port: 9000, AddrKey: "server.address"},
			model.Listener{Name: "http", Port: 9000, AddrKey: "server.address"}, "", false},
		{"a key no file has", ".", "toml",
			model.Listener{Name: "http", AddrKey: "web.listen"},
			model.Listener{Name: "http", AddrKey: "web.listen"}, "", false},
		{"a broken file is passed over, with a warning", "bad", "json",
			model.Listener{Name: "http", AddrKey: "listen"},
			model.Listener{Name: "http", AddrKey: "listen"}, "", true},
		{"an example below the root, named as a sample", ".", "toml",
			model.Listener{Name: "http", AddrKey: "app.address"},
			model.Listener{Name: "http", Host: "localhost", Port: 9000, AddrKey: "app.address", At: "config.toml.sample: app.address"}, "config.toml.sample", false},
		{"a development example in examples/", "srv", "yaml",
			model.Listener{Name: "http", AddrKey: "web.http"},
			model.Listener{Name: "http", Host: "0.0.0.0", Port: 5556, AddrKey: "web.http", At: "examples/config-dev.yaml: web.http"}, "examples/config-dev.yaml", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sf := &model.Surface{Listeners: []model.Listener{tc.in}, Config: &model.ConfigFile{Format: tc.format}}
			dirs := []string{tc.dir}
			if tc.dir != "." {
				dirs = append(dirs, ".")
			}
			file, warnings := Fill(fsys, dirs, "relay", sf)
			if (len(warnings) > 0) != tc.err || file != tc.file {
				t.Errorf("Fill = %q, %v; want %q, a warning %v", file, warnings, tc.file, tc.err)
			}
			if diff := cmp.Diff(tc.want, sf.Listeners[0]); diff != "" {
				t.Errorf("listener (-want +got):\n%s", diff)
			}
		})
	}
}

// When the code does not show the file's format, the one format of the
// examples decides it; examples in two formats leave it unknown.
func TestFillFormat(t *testing.T) {
	for _, tc := range []struct {
		name string
		fsys fstest.MapFS
		want string // the format, "" for unknown
		port int
	}{
		{"one example", fstest.MapFS{"config-example.yaml": {Data: []byte("listen_addr: 127.0.0.1:8080\n")}}, "yaml", 8080},
		{"two formats", fstest.MapFS{
			"config-example.yaml": {Data: []byte("listen_addr: 127.0.0.1:8080\n")},
			"config.toml.sample":  {Data: []byte("listen_addr = \"127.0.0.1:9090\"\n")},
		}, "", 0},
		{"none", fstest.MapFS{}, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sf := &model.Surface{Listeners: []model.Listener{{Name: "http", AddrKey: "listen_addr"}}, Config: &model.ConfigFile{Flag: "--config"}}
			Fill(tc.fsys, Dirs("cmd/app"), "app", sf)
			if sf.Config.Format != tc.want || sf.Listeners[0].Port != tc.port {
				t.Errorf("format %q, port %d; want %q, %d", sf.Config.Format, sf.Listeners[0].Port, tc.want, tc.port)
			}
		})
	}
}
