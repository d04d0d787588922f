package render

import (
	"strings"
	"testing"

	"github.com/nixgen/nixgen/generator/internal/model"
)

// bindgen: rustPlatform.bindgenHook with either builder, as nixpkgs' own
// packages and crane's FAQ do, never a hand-set LIBCLANG_PATH; with crane
// one random seed for every derivation that shares the dependency build,
// kept out of the devShell.
func TestBindgenHook(t *testing.T) {
	for _, builder := range model.Builders {
		t.Run(string(builder), func(t *testing.T) {
			p := rustCrate()
			p.Rust.Bindgen = true
			files, _, err := Rust(p, Options{Builder: builder, Channel: model.DefaultChannel})
			if err != nil {
				t.Fatal(err)
			}
			flake := string(files["flake.nix"])
			if !strings.Contains(flake, "            pkgs.rustPlatform.bindgenHook\n") {
				t.Errorf("no bindgenHook in nativeBuildInputs:\n%s", flake)
			}
			for _, bad := range []string{"LIBCLANG_PATH", "pkgs.clang", "libclang"} {
				if strings.Contains(flake, bad) {
					t.Errorf("flake sets %s by hand:\n%s", bad, flake)
				}
			}
			seeds := strings.Count(flake, seedVar+` = "cargodeps0";`)
			if want := map[model.Builder]int{model.Crane: 1, model.RustPlatform: 0}[builder]; seeds != want {
				t.Errorf("%s set %d times, want %d (in commonArgs only):\n%s", seedVar, seeds, want, flake)
			}
		})
	}
}

// Generated flakes list their systems: the default three, or the chosen
// ones in a fixed order, through flake-utils.lib.eachSystem.
func TestFlakeSystems(t *testing.T) {
	for _, c := range []struct {
		systems []string
		want    string
	}{
		{nil, `[
        "x86_64-linux"
        "aarch64-linux"
        "aarch64-darwin"
      ]`},
		{[]string{"x86_64-darwin", "x86_64-linux"}, `[
        "x86_64-linux"
        "x86_64-darwin"
      ]`},
	} {
		rust, _, err := Rust(rustCrate(), Options{Builder: model.Crane, Channel: model.DefaultChannel, Systems: c.systems})
		if err != nil {
			t.Fatal(err)
		}
		golang, _, err := Go(goService(), Options{Channel: model.DefaultChannel, Systems: c.systems})
		if err != nil {
			t.Fatal(err)
		}
		for _, flake := range []string{string(rust["flake.nix"]), string(golang["flake.nix"])} {
			if !strings.Contains(flake, "      systems = "+c.want+";\n") || !strings.Contains(flake, "flake-utils.lib.eachSystem systems (\n") {
				t.Errorf("systems %v: want the list %s and eachSystem:\n%s", c.systems, c.want, flake)
			}
			if strings.Contains(flake, "eachDefaultSystem") {
				t.Errorf("flake uses eachDefaultSystem:\n%s", flake)
			}
		}
	}
	_, warnings, err := Rust(rustCrate(), Options{Channel: "nixos-26.11", Systems: []string{"x86_64-darwin"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) == 0 || !strings.Contains(warnings[0], "x86_64-darwin") {
		t.Errorf("x86_64-darwin on nixos-26.11: warnings %q, want one about it", warnings)
	}
}

// Runners: the current macOS 26 labels (actions/runner-images), the arm
// Ubuntu runner kept; the plain build runs on a current runner in a
// container of the hosts' OS.
func TestRunners(t *testing.T) {
	want := map[string]string{
		"x86_64-linux": "ubuntu-24.04", "aarch64-linux": "ubuntu-24.04-arm",
		"aarch64-darwin": "macos-26", "x86_64-darwin": "macos-26-intel",
	}
	for _, s := range model.Systems {
		if runners[s] != want[s] {
			t.Errorf("runners[%s] = %q, want %q", s, runners[s], want[s])
		}
	}
	p := plainService()
	for _, c := range []struct{ container, want string }{{"", model.DefaultContainer}, {"debian:12", "debian:12"}} {
		files, _, err := CI(p, model.CI{Target: model.TargetPlain, PinActions: model.PinTag, Container: c.container})
		if err != nil {
			t.Fatal(err)
		}
		wf := string(files[".github/workflows/deploy.yml"])
		for _, line := range []string{
			`    runs-on: "ubuntu-24.04"`,
			`    container: "` + c.want + `"`,
			"      - name: install build tools",
			"      - name: refuse a Nix-linked binary",
		} {
			if !strings.Contains(wf, line+"\n") {
				t.Errorf("container %q: deploy.yml lacks %q:\n%s", c.container, line, wf)
			}
		}
		if strings.Contains(wf, "ubuntu-22.04") {
			t.Errorf("deploy.yml still runs on the ubuntu-22.04 runner:\n%s", wf)
		}
	}
}
