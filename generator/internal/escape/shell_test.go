package escape

import (
	"os/exec"
	"testing"

	"github.com/nixgen/nixgen/internal/nixtest"
)

// TestShell runs every quoted word through sh and compares.
func TestShell(t *testing.T) {
	sh := nixtest.Require(t, "sh")
	for _, s := range hostile {
		for name, quote := range map[string]func(string) string{"ShellQuote": ShellQuote, "ShellWord": ShellWord} {
			out, err := exec.Command(sh, "-c", "printf %s "+quote(s)).Output()
			if err != nil || string(out) != s {
				t.Errorf("%s(%q) = %s: sh reads %q (%v)", name, s, quote(s), out, err)
			}
		}
	}
	cmd := ShellCommand("printf", "%s|", "a b", "it's", "$HOME")
	if out, err := exec.Command(sh, "-c", cmd).Output(); err != nil || string(out) != "a b|it's|$HOME|" {
		t.Errorf("ShellCommand: sh runs %s as %q (%v)", cmd, out, err)
	}
	if got := ShellWord("/usr/local/sbin/app-deploy"); got != "/usr/local/sbin/app-deploy" {
		t.Errorf("ShellWord quotes a safe word: %s", got)
	}
}
