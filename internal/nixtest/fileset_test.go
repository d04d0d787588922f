package nixtest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// filesetTree is a small crate with the files crane's filesets tell apart.
var filesetTree = map[string]string{
	"Cargo.toml":           "[package]\nname = \"probe\"\nversion = \"0.1.0\"\n",
	"Cargo.lock":           "version = 4\n\n[[package]]\nname = \"probe\"\nversion = \"0.1.0\"\n",
	"src/main.rs":          "fn main() {}\n",
	"src/util/mod.rs":      "pub fn f() {}\n",
	".cargo/config.toml":   "[build]\n",
	".cargo/config":        "[build]\n",
	".config/nextest.toml": "[profile.ci]\n",
	"nixgen.toml":          "systems = []\n",
	"templates/page.html":  "<p>hi</p>\n",
	"README.md":            "probe\n",
	"notes~":               "editor backup\n",
	".git/HEAD":            "ref: refs/heads/main\n",
	".git/x.toml":          "inside .git\n",
}

// filesetProbe writes filesetTree and a flake whose outputs are the given
// Nix expressions, with pkgs, lib and craneLib in scope.
func filesetProbe(t *testing.T, outputs map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	var body strings.Builder
	for _, name := range sortedKeys(outputs) {
		body.WriteString("      " + name + " = " + outputs[name] + ";\n")
	}
	files := map[string]string{"flake.nix": `{
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05";
    crane.url = "github:ipetkov/crane";
  };
  outputs = { self, nixpkgs, crane }:
    let
      pkgs = nixpkgs.legacyPackages.x86_64-linux;
      inherit (pkgs) lib;
      craneLib = crane.mkLib pkgs;
      # The files of a file set, relative to the flake.
      names = fs: map (f: lib.removePrefix "${toString ./.}/" (toString f)) (lib.fileset.toList fs);
    in
    {
` + body.String() + `    };
}
`}
	for name, text := range filesetTree {
		files[name] = text
	}
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestCraneFilesets checks that crane's file sets and source filters keep
// the files crane's own definitions keep, on the stand-in's lib.fileset.
func TestCraneFilesets(t *testing.T) {
	t.Parallel()
	Require(t, "nix")
	sets := map[string][]string{
		"cargoTomlAndLock": {"Cargo.lock", "Cargo.toml"},
		"rust":             {"src/main.rs", "src/util/mod.rs"},
		"toml":             {".cargo/config.toml", ".config/nextest.toml", ".git/x.toml", "Cargo.toml", "nixgen.toml"},
		// Only the name can be matched: .cargo/config (no extension) is not kept.
		"configToml":         {".cargo/config.toml"},
		"commonCargoSources": {".cargo/config.toml", ".config/nextest.toml", ".git/x.toml", "Cargo.lock", "Cargo.toml", "nixgen.toml", "src/main.rs", "src/util/mod.rs"},
	}
	outputs := map[string]string{}
	for name := range sets {
		outputs[name] = "names (craneLib.fileset." + name + " ./.)"
	}
	dir := filesetProbe(t, outputs)
	for _, name := range sortedKeys(sets) {
		var got []string
		EvalFlakeJSON(t, dir, name, &got)
		slices.Sort(got)
		if !slices.Equal(got, sets[name]) {
			t.Errorf("craneLib.fileset.%s = %q, want %q", name, got, sets[name])
		}
	}
}

// TestCraneCleanCargoSource realises craneLib.cleanCargoSource, which is
// nixpkgs' cleanSource (no .git, no editor backups) under crane's
// filterCargoSources (Rust, TOML, Cargo.lock and .cargo/config), named
// after the crate.
func TestCraneCleanCargoSource(t *testing.T) {
	t.Parallel()
	Require(t, "nix")
	dir := filesetProbe(t, map[string]string{"clean": `"${craneLib.cleanCargoSource ./.}"`})
	var path string
	EvalFlakeJSON(t, dir, "clean", &path)
	if !strings.HasSuffix(path, "-probe") {
		t.Errorf("cleanCargoSource is %s, want the crate's name", path)
	}
	want := []string{".cargo/config", ".cargo/config.toml", ".config/nextest.toml", "Cargo.lock", "Cargo.toml", "nixgen.toml", "src/main.rs", "src/util/mod.rs"}
	if got := listFiles(t, path); !slices.Equal(got, want) {
		t.Errorf("cleanCargoSource keeps %q, want %q", got, want)
	}
}

// TestReadFileTypePolyfill checks the Nix 2.8 stand-in for
// builtins.readFileType on the paths a flake's file sets meet: the flake's
// own top-level store path, files and directories in it, a symlink, a path
// that does not exist, and a top-level store file, whose kind it cannot tell
// and so does not guess.
func TestReadFileTypePolyfill(t *testing.T) {
	t.Parallel()
	Require(t, "nix")
	dir := filesetProbe(t, map[string]string{
		"types": `let inherit (import "${nixpkgs}/polyfills.nix") readFileType; in {
        root = readFileType ./.;
        rootString = readFileType self.outPath;
        file = readFileType ./Cargo.toml;
        dir = readFileType ./src;
        link = readFileType ./link;
      }`,
		"missing":   `(import "${nixpkgs}/polyfills.nix").readFileType ./absent`,
		"storeFile": `(import "${nixpkgs}/polyfills.nix").readFileType (builtins.toFile "probe" "x")`,
	})
	if err := os.Symlink("Cargo.toml", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	var types map[string]string
	EvalFlakeJSON(t, dir, "types", &types)
	want := map[string]string{"root": "directory", "rootString": "directory", "file": "regular", "dir": "directory", "link": "symlink"}
	if got, _ := json.Marshal(types); string(got) != mustJSON(t, want) {
		t.Errorf("readFileType: %s, want %s", got, mustJSON(t, want))
	}
	if err := EvalFlakeErr(t, dir, "missing"); err == nil || !strings.Contains(err.Error(), "No such file or directory") {
		t.Errorf("a missing path: want an error, got %v", err)
	}
	// Pure evaluation refuses the string before the polyfill can; either
	// way there is no answer to guess.
	if err := EvalFlakeErr(t, dir, "storeFile"); err == nil ||
		!strings.Contains(err.Error(), "cannot tell whether the top-level store path") && !strings.Contains(err.Error(), "forbidden in pure eval mode") {
		t.Errorf("a top-level store file: want an error, got %v", err)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
