package config

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// FuzzRenderLoad writes a nixgen.toml holding hostile values and reads it
// back: it parses, and every value reads back as written (invalid UTF-8,
// which no TOML file holds, as U+FFFD), with no key added. The seed corpus
// runs with every `go test`.
func FuzzRenderLoad(f *testing.F) {
	for _, s := range []string{
		"plain", `quote " and backslash \`, "line\nbreak\r\n", "key = \"injected\"\n[ci]\ncachix = \"x\"", "'''", `"""`,
		"# comment", "\x00\x01\x7f", "abc\u202edcb", "\xff\xfe", "${x}", strings.Repeat("x", 5000), "",
	} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		enabled := true
		in := &Config{
			Builder: a, Nixpkgs: b, Bin: a, VendorHash: b, Description: a, Include: []string{a, b}, Src: b,
			Systems: []string{b}, Owned: []string{a}, Generated: []string{b},
			Service: Service{Enabled: &enabled, Port: 8080},
			CI:      CI{Cachix: a, DeployRepo: b, PinActions: a, Target: b, Systems: []string{a}, Container: b},
			Vendor:  Vendor{Hash: a, Go: b, Inputs: "x" + a},
		}
		data := in.Render()
		got, ok, err := Load(fstest.MapFS{FileName: {Data: data}})
		if err != nil || !ok {
			t.Fatalf("nixgen.toml does not load back: %v\n%s", err, data)
		}
		va, vb := valid(a), valid(b)
		sorted := func(ss ...string) []string { return slices.Sorted(slices.Values(ss)) }
		for _, c := range []struct {
			key       string
			got, want any
		}{
			{"builder", got.Builder, orEmpty(a, va)}, {"nixpkgs", got.Nixpkgs, vb}, {"bin", got.Bin, va},
			{"vendor-hash", got.VendorHash, orEmpty(b, vb)}, {"description", got.Description, va}, {"src", got.Src, vb},
			// As a set: Render sorts the values before it makes them valid UTF-8.
			{"include", strings.Join(sorted(got.Include...), "\x00"), strings.Join(sorted(va, vb), "\x00")},
			{"owned", strings.Join(got.Owned, "\x00"), va}, {"generated", strings.Join(got.Generated, "\x00"), vb},
			{"ci.cachix", got.CI.Cachix, va}, {"ci.deploy-repo", got.CI.DeployRepo, vb}, {"ci.target", got.CI.Target, vb},
			{"ci.container", got.CI.Container, orEmpty(b, vb)}, {"vendor.hash", got.Vendor.Hash, va},
			{"vendor.inputs", got.Vendor.Inputs, "x" + va}, {"service.port", got.Service.Port, 8080},
		} {
			if c.got != c.want {
				t.Errorf("%s reads back as %q, want %q\n%s", c.key, c.got, c.want, data)
			}
		}
	})
}

func valid(s string) string { return string([]rune(s)) }

// orEmpty is want, or "" when the value is empty (Render leaves the key out).
func orEmpty(v, want string) string {
	if v == "" {
		return ""
	}
	return want
}
