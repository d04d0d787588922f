package shipcfg

import (
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/nixgen/nixgen/generator/internal/model"
)

func TestFill(t *testing.T) {
	fsys := fstest.MapFS{
		"config.toml":            {Data: []byte("[server]\naddress = \"127.0.0.1:8000\"\n")},
		"svc/relay.example.yaml": {Data: []byte("listen:\n  port: 2333\n  host: \"::\"\n")},
		"bad/config.json":        {Data: []byte("{")},
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
		{"a key the file lacks", ".", "toml",
			model.Listener{Name: "http", AddrKey: "web.listen"},
			model.Listener{Name: "http", AddrKey: "web.listen"}, "config.toml", false},
		{"a broken file is an error", "bad", "json",
			model.Listener{Name: "http", AddrKey: "listen"},
			model.Listener{Name: "http", AddrKey: "listen"}, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sf := &model.Surface{Listeners: []model.Listener{tc.in}, Config: &model.ConfigFile{Format: tc.format}}
			dirs := []string{tc.dir}
			if tc.dir != "." {
				dirs = append(dirs, ".")
			}
			file, err := Fill(fsys, dirs, "relay", sf)
			if (err != nil) != tc.err || file != tc.file {
				t.Errorf("Fill = %q, %v; want %q, error %v", file, err, tc.file, tc.err)
			}
			if diff := cmp.Diff(tc.want, sf.Listeners[0]); diff != "" {
				t.Errorf("listener (-want +got):\n%s", diff)
			}
		})
	}
}
