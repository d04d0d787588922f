package render

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nixgen/nixgen/generator/internal/escape"
	"github.com/nixgen/nixgen/generator/internal/model"
	"github.com/nixgen/nixgen/internal/nixtest"
)

func fuzzProject(desc, bin string) *model.Project {
	return &model.Project{
		Language: model.Rust, Name: "app", Version: "1.0.0", Description: desc, Homepage: desc,
		Packages: []model.Package{{Name: "app", Dir: ".", Version: "1.0.0", Description: desc + "!",
			Binaries: []string{bin}, MainProgram: bin, Features: []string{desc}}},
		// Validation keeps such names out; the flake must parse all the same.
		SkipTests: []model.SkippedTest{{Name: desc, Reason: desc, At: desc}},
		Default:   "app",
		Native:    model.Native{DarwinBuildInputs: []string{"libiconv"}},
		Rust:      &model.RustInfo{},
	}
}

// FuzzRustFlake checks that whatever a Cargo.toml says, the flake parses and
// its description evaluates back to the original text (as Nix carries it,
// escape.NixValue; the project's name when it is empty). The seed corpus
// runs with every `go test`; `go test -fuzz FuzzRustFlake` explores.
func FuzzRustFlake(f *testing.F) {
	for _, s := range []string{
		"plain", `quote " and backslash \`, "${builtins.abort \"x\"}", "$${x}", "''", "'''", "''${x}",
		"line\nbreak\ttab\rcr", "ünïcødé ✓ 😀", "\x01\x7f", "$", "\\${", "#not a comment", "*/ /*", "\xff\xfe",
		"", "a'${builtins.currentSystem}", "abc\u202edcb", "nul\x00",
	} {
		f.Add(s, "bin")
		f.Add("d", s)
	}
	parse := nixtest.Require(f, "nix-instantiate")
	nix := nixtest.Require(f, "nix")
	f.Fuzz(func(t *testing.T, desc, bin string) {
		if bin == "" || strings.ContainsRune(bin, 0) {
			t.Skip("a binary has a name, without NUL (detection rejects both)")
		}
		for _, builder := range model.Builders {
			files, _, err := Rust(fuzzProject(desc, bin), Options{Builder: builder, Channel: model.DefaultChannel})
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			path := filepath.Join(dir, "flake.nix")
			if err := os.WriteFile(path, files["flake.nix"], 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(parse, "--parse", path).CombinedOutput(); err != nil {
				t.Fatalf("generated flake does not parse: %v\n%s\n%s", err, out, files["flake.nix"])
			}
			out, err := exec.Command(nix, "--extra-experimental-features", "nix-command", "eval", "--raw", "--file", path, "description").Output()
			if err != nil {
				t.Fatalf("evaluating description: %v", err)
			}
			// An empty description falls back to the project's name.
			if want := escape.NixValue(orName(desc, "app")); string(out) != want {
				t.Fatalf("description evaluates to %q, want %q", out, want)
			}
		}
	})
}
