package nixtest

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

var exposureRe = regexp.MustCompile(`Overall exposure level for (\S+): ([0-9]+(?:\.[0-9]+)?) (\S+)`)

// SecurityExposure scores a systemd unit with `systemd-analyze security
// --offline=true` (systemd 252) and returns its overall exposure level,
// from 0.0 (locked down) to 10.0 (fully exposed). unitName is the file
// name, such as "demo.service". systemd-analyze does not need the
// ExecStart binary to exist for this.
func SecurityExposure(t testing.TB, unitName, unitText string) float64 {
	t.Helper()
	tool := Require(t, "systemd-analyze")
	path := filepath.Join(t.TempDir(), unitName)
	if err := os.WriteFile(path, []byte(unitText), 0o644); err != nil {
		t.Fatalf("nixtest: %v", err)
	}
	res, err := run(t, tool, "security", "--offline=true", "--no-pager", path)
	if err != nil {
		t.Fatalf("systemd-analyze security %s:\n%s", unitName, errorText(err))
	}
	m := exposureRe.FindStringSubmatch(res.Stdout)
	if m == nil {
		t.Fatalf("systemd-analyze security %s: no overall exposure level in its output:\n%s", unitName, res.Stdout)
	}
	score, err := strconv.ParseFloat(m[2], 64)
	if err != nil {
		t.Fatalf("systemd-analyze security %s: %v", unitName, err)
	}
	t.Logf("systemd-analyze security %s: exposure %.1f %s", unitName, score, m[3])
	return score
}
