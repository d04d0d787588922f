package generator

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// project writes files (path, content pairs) into a new directory.
func project(t *testing.T, kv ...string) string {
	t.Helper()
	dir := t.TempDir()
	for i := 0; i < len(kv); i += 2 {
		p := filepath.Join(dir, kv[i])
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(kv[i+1]), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

var (
	crate = []string{
		"Cargo.toml", "[package]\nname = \"hello\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
		"Cargo.lock", "version = 4\n\n[[package]]\nname = \"hello\"\nversion = \"0.1.0\"\n",
		"src/main.rs", "fn main() {}\n",
	}
	server = []string{
		"go.mod", "module example.com/web\n\ngo 1.22\n",
		"main.go", "package main\n\nimport (\n\t\"net/http\"\n\t\"os\"\n)\n\nfunc main() { http.ListenAndServe(\":\"+os.Getenv(\"PORT\"), nil) }\n",
	}
)

// The pipeline's decisions, end to end, without writing.
func TestInitDryRun(t *testing.T) {
	for _, tc := range []struct {
		name    string
		files   []string
		choices Choices
		paths   []string
		summary string
	}{
		{"rust crate", crate, Choices{}, []string{"flake.nix", "nixgen.toml"}, "hello 0.1.0 (rust crate, builder rust-platform, no NixOS module)"},
		{"rust crane", crate, Choices{Builder: "crane"}, []string{"flake.nix", "nixgen.toml"}, "builder crane"},
		{"rust service", crate, Choices{Service: ServiceOn, Port: 9000}, []string{"flake.nix", "nix/module.nix", "nixgen.toml"}, "service on port 9000"},
		{"go service", server, Choices{VendorHash: "fake"}, []string{"flake.nix", "nix/module.nix", "nixgen.toml"}, "web (go module, 1 command, service on port"},
		{"go no service", server, Choices{VendorHash: "fake", Service: ServiceOff}, []string{"flake.nix", "nixgen.toml"}, "no NixOS module"},
		{"ci", crate, Choices{Cachix: "cache"}, []string{".github/workflows/nix.yml", "flake.nix", "nixgen.toml"}, "hello"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := project(t, tc.files...)
			rep, err := Init(context.Background(), InitOptions{Dir: dir, Choices: tc.choices, Mode: DryRun})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.paths, rep.Files.Paths()); diff != "" {
				t.Errorf("files (-want +got):\n%s", diff)
			}
			if !strings.Contains(rep.Summary, tc.summary) {
				t.Errorf("summary %q, want it to contain %q", rep.Summary, tc.summary)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != len(tc.files)/2 && !hasDirs(tc.files) {
				t.Errorf("dry run wrote files: %v", entries)
			}
		})
	}
}

func hasDirs(files []string) bool {
	for i := 0; i < len(files); i += 2 {
		if strings.Contains(files[i], "/") {
			return true
		}
	}
	return false
}

// Bad input is exit 2, found before anything runs or is written.
func TestInitErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		files   []string
		choices Choices
		want    string
	}{
		{"no manifest", []string{"README", "x"}, Choices{}, "found neither Cargo.toml nor go.mod"},
		{"go.work only", []string{"go.work", "go 1.22\n\nuse (\n\t./api\n\t./lib\n)\n", "api/go.mod", "module example.com/api\n", "lib/go.mod", "module example.com/lib\n"},
			Choices{}, "go.work: a Go workspace without a module at its root"},
		{"library", []string{"Cargo.toml", "[package]\nname = \"lib\"\nversion = \"0.1.0\"\n", "Cargo.lock", "version = 4\n", "src/lib.rs", ""}, Choices{}, "no binary target"},
		{"builder for go", server, Choices{Builder: "crane", VendorHash: "fake"}, "--builder is for Rust projects"},
		{"port without service", crate, Choices{Port: 8080}, "does not look like a network service"},
		{"port range before vendoring", server, Choices{Port: 70000}, "want a port from 1 to 65535"},
		{"bin", crate, Choices{Bin: "nope"}, "nope"},
		{"include outside", append([]string{"nixgen.toml", "include = [\"../x\"]\n"}, crate...), Choices{}, "want a path inside the project"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := project(t, tc.files...)
			_, err := Init(context.Background(), InitOptions{Dir: dir, Choices: tc.choices})
			if ExitCode(err) != ExitInput || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Init: %v (exit %d), want exit 2 with %q", err, ExitCode(err), tc.want)
			}
			if _, err := os.Stat(filepath.Join(dir, "flake.nix")); err == nil {
				t.Error("flake.nix written")
			}
		})
	}
}

// Write, then check: up to date; an edit is drift (exit 1); an owned file
// is kept and not compared.
func TestInitCheck(t *testing.T) {
	dir := project(t, crate...)
	ctx := context.Background()
	rep, err := Init(ctx, InitOptions{Dir: dir, Choices: Choices{Service: ServiceOn}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"flake.nix", "nix/module.nix", "nixgen.toml"}, rep.Written); diff != "" {
		t.Errorf("written (-want +got):\n%s", diff)
	}
	if _, err := Init(ctx, InitOptions{Dir: dir}); ExitCode(err) != ExitInput || !strings.Contains(err.Error(), "refusing to overwrite") {
		t.Errorf("second init: %v, want a refusal", err)
	}
	if rep, err := Check(ctx, CheckOptions{Dir: dir}); err != nil || rep.Compared != 3 {
		t.Fatalf("check: %v, %+v", err, rep)
	}
	module := filepath.Join(dir, "nix", "module.nix")
	os.WriteFile(module, []byte("# mine\n"), 0o644)
	if _, err := Check(ctx, CheckOptions{Dir: dir}); ExitCode(err) != ExitDrift {
		t.Errorf("check after an edit: %v, want drift", err)
	}
	toml := filepath.Join(dir, "nixgen.toml")
	data, _ := os.ReadFile(toml)
	os.WriteFile(toml, []byte(strings.Replace(string(data), "owned = []", `owned = ["nix/module.nix"]`, 1)), 0o644)
	if rep, err := Check(ctx, CheckOptions{Dir: dir}); err != nil || rep.Compared != 2 {
		t.Errorf("check with an owned file: %v, %+v", err, rep)
	}
	rep, err = Init(ctx, InitOptions{Dir: dir, Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Kept) != 1 || rep.Kept[0].Path != "nix/module.nix" {
		t.Errorf("kept = %+v", rep.Kept)
	}
	if got, _ := os.ReadFile(module); string(got) != "# mine\n" {
		t.Error("an owned file was rewritten")
	}
}
