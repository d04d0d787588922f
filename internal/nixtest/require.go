// Package nixtest holds test helpers that run the real Nix, systemd and
// shell tooling against generated files.
//
// Every helper calls Require first: on a developer machine without the tool
// the test is skipped, but under CI (the CI environment variable set) a
// missing tool fails the test, so a check can never silently vanish there.
package nixtest

import (
	"os"
	"os/exec"
	"testing"
)

// Require returns the path of tool on PATH. When it is missing the test is
// skipped, or failed when the CI environment variable is set.
func Require(t testing.TB, tool string) string {
	t.Helper()
	path, err := exec.LookPath(tool)
	if err == nil {
		return path
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is required in CI but not on PATH: install it in .ci/run", tool)
	}
	t.Skipf("%s not on PATH; skipping (CI installs it)", tool)
	return ""
}
