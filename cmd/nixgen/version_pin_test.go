package main

import "testing"

// TestNixgenPin: the version nix.yml's generated job runs comes from the
// override when set, and a development build pins nothing (@latest).
func TestNixgenPin(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	if got := nixgenPin(env(nil)); got != "" {
		t.Errorf("a test binary ((devel)) pins %q, want nothing", got)
	}
	if got := nixgenPin(env(map[string]string{versionOverrideEnv: "v1.2.3"})); got != "v1.2.3" {
		t.Errorf("with %s=v1.2.3: %q", versionOverrideEnv, got)
	}
	for _, v := range []string{"v1.2.3", "v0.0.0-20250101154619-4bdde671e0a1", "v2.0.0-rc.1"} {
		if !fetchableVersion(v) {
			t.Errorf("%s is a version go run can fetch", v)
		}
	}
	for _, v := range []string{"", "(devel)", "v1.2.3+dirty", "1.2.3", "v1.2.3\nx", "latest"} {
		if fetchableVersion(v) {
			t.Errorf("%q is not a version go run can fetch", v)
		}
	}
}
