package escape

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/nixgen/nixgen/internal/nixtest"
)

// TestShell runs every quoted word through sh and compares.
func TestShell(t *testing.T) {
	sh := nixtest.Require(t, "sh")
	for _, s := range hostile {
		if strings.Contains(s, "\x00") {
			continue // no argv holds NUL; it is refused at input
		}
		for name, quote := range map[string]func(string) string{"ShellQuote": ShellQuote, "ShellWord": ShellWord} {
			out, err := exec.Command(sh, "-c", "printf %s "+quote(s)).Output()
			if err != nil || string(out) != s {
				t.Errorf("%s(%q) = %s: sh reads %q (%v)", name, s, quote(s), out, err)
			}
		}
	}
	for _, tc := range []struct{ in, want string }{
		{`a\`, `'a'\\''`},
		{`a\'b`, `'a'\\''\''b'`},
		{`a\b`, `'a\b'`},
		{"${x} `id`", "''\\$'{x} '\\`'id'\\`''"},
	} {
		if got := ShellQuote(tc.in); got != tc.want {
			t.Errorf("ShellQuote(%q) = %s, want %s", tc.in, got, tc.want)
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
