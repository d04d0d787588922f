package nixtest

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Nix 2.27 lets a flake declare inputs.self.submodules = true (copy the
// repository's submodules into its own source); older Nix rejects the
// attribute ("unexpected flake input attribute 'submodules'"), and Debian's
// is 2.8. A path: flake is copied whole, submodules included, so the
// attribute changes nothing the harness evaluates: on an older Nix the
// harness evaluates a copy of the flake without that one line, and only
// when it is the line nixgen writes.

// selfSubmodulesLine is the attribute as render writes it.
var selfSubmodulesLine = regexp.MustCompile(`(?m)^    self\.submodules = true;\n`)

var (
	nixVersionOnce sync.Once
	nixMinor       int // 2.MINOR; 0 when unknown
)

// selfInputsSupported reports whether this Nix reads inputs.self (2.27).
func selfInputsSupported(t testing.TB) bool {
	nixVersionOnce.Do(func() {
		res, err := run(t, "nix", "--version")
		if err != nil {
			return
		}
		// "nix (Nix) 2.8.0"
		if m := regexp.MustCompile(`\b2\.(\d+)`).FindStringSubmatch(res.Stdout); m != nil {
			nixMinor, _ = strconv.Atoi(m[1])
		}
	})
	return nixMinor >= 27
}

// evalDirFor returns the directory to evaluate for the flake in flakeDir:
// itself, or on a Nix without inputs.self a copy whose flake.nix lacks
// nixgen's `self.submodules = true;` line.
func evalDirFor(t testing.TB, flakeDir string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(flakeDir, "flake.nix"))
	if err != nil || !strings.Contains(string(data), "self.submodules") || selfInputsSupported(t) {
		return flakeDir
	}
	if n := len(selfSubmodulesLine.FindAllIndex(data, -1)); n != 1 {
		t.Fatalf("nixtest: %s/flake.nix mentions self.submodules, but not once as the line nixgen writes (found %d)", flakeDir, n)
	}
	copyDir := t.TempDir()
	if err := os.CopyFS(copyDir, os.DirFS(flakeDir)); err != nil {
		t.Fatal(err)
	}
	stripped := selfSubmodulesLine.ReplaceAll(data, nil)
	if err := os.WriteFile(filepath.Join(copyDir, "flake.nix"), stripped, 0o644); err != nil {
		t.Fatal(err)
	}
	return copyDir
}
