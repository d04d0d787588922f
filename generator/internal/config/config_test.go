package config

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestRoundTrip(t *testing.T) {
	on := true
	c := &Config{
		Builder: "crane", Nixpkgs: "nixos-26.05", Bin: "api", VendorHash: "",
		Service: Service{Enabled: &on, Port: 3000, Subcommand: &[]string{"serve"}, Required: &[]string{"DATABASE_URL", "MAIL_DOMAIN"},
			Listeners: []Listener{
				{Name: "http", Port: 3000, Host: "127.0.0.1", PortEnv: "HTTP_PORT", HostFlag: "--host"},
				{Name: "smtp", Port: 25, Host: "0.0.0.0", AddrKey: "smtp.listen"},
				{Name: "metrics", Fixed: true},
			}},
		CI:          CI{Cachix: "acme", DeployRepo: "acme/nixos", PinActions: "sha", Target: "plain", Systems: []string{"x86_64-linux"}},
		Owned:       []string{"nix/module.nix", "flake.nix"},
		Description: "a \"quoted\" description", Include: []string{"assets", "fixtures"},
		Generated: []string{"flake.nix", "nixgen.toml"},
		Vendor:    Vendor{Hash: "sha256-AAAA", Go: "1.26", Inputs: "sha256-BBBB"},
		Features:  &[]string{"sqlite", "worker/queue"}, NoDefaultFeatures: &on,
		SkipTests: &[]string{"db::tests::connects", "fetches"},
	}
	data := c.Render()
	got, ok, err := Load(fstest.MapFS{FileName: {Data: data}})
	if err != nil || !ok {
		t.Fatalf("Load: %v %v\n%s", ok, err, data)
	}
	want := *c
	want.Owned = []string{"flake.nix", "nix/module.nix"}
	if diff := cmp.Diff(&want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if string(got.Render()) != string(data) {
		t.Error("rendering a loaded file changed it")
	}
}

// TestRenderReadsBack: whatever the values hold, nixgen can read its own
// file back. strconv.Quote wrote U+0007 as "\a", which TOML does not know.
func TestRenderReadsBack(t *testing.T) {
	for _, s := range []string{"bell \a", "esc \x1b del \x7f", `"quoted" \ back`, "line\nbreak\ttab\rcr", "ünïcødé \u2028 😀", "# [table]\nkey = 1", "'''"} {
		off := false
		c := &Config{Nixpkgs: s, Bin: s, Description: s, Src: s, Include: []string{s}, Owned: []string{s}, Service: Service{Enabled: &off},
			Features: &[]string{s}, NoDefaultFeatures: &off, SkipTests: &[]string{s},
			CI: CI{Cachix: s, DeployRepo: s, PinActions: s, Target: s, Systems: []string{s}}}
		got, ok, err := Load(fstest.MapFS{FileName: {Data: c.Render()}})
		if err != nil || !ok {
			t.Errorf("%q: Load: %v\n%s", s, err, c.Render())
			continue
		}
		if diff := cmp.Diff(c, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%q: (-want +got):\n%s", s, diff)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct{ data, want string }{
		{"builder = crane\n", "nixgen.toml:1:"},
		{"buidler = \"crane\"\n", "unknown keys: buidler"},
		{"[service]\nport = \"x\"\n", "nixgen.toml"},
	} {
		_, _, err := Load(fstest.MapFS{FileName: {Data: []byte(tc.data)}})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Load(%q) = %v, want an error containing %q", tc.data, err, tc.want)
		}
	}
	if _, ok, err := Load(fstest.MapFS{}); ok || err != nil {
		t.Errorf("missing file: ok=%v err=%v", ok, err)
	}
}
