package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nixgen/nixgen/internal/nixtest"
)

// TestGoldenParse parses every golden .nix file with the real Nix parser.
func TestGoldenParse(t *testing.T) {
	nixInstantiate := nixtest.Require(t, "nix-instantiate")
	files, err := filepath.Glob(filepath.Join(fixturesDir, "*", "want", "*.nix"))
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob(filepath.Join(fixturesDir, "*", "want", "*", "*.nix"))
	files = append(files, more...)
	if len(files) < 10 {
		t.Fatalf("found only %d golden .nix files", len(files))
	}
	for _, f := range files {
		out, err := exec.Command(nixInstantiate, "--parse", f).CombinedOutput()
		if err != nil {
			t.Errorf("%s does not parse: %v\n%s", f, err, strings.TrimSpace(string(out)))
		}
	}
}
