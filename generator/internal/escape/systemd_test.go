package escape

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nixgen/nixgen/internal/nixtest"
)

// unitWords decodes a setting's value the way systemd reads ExecStart= and
// Environment=: "%%" is a percent sign (any other "%" a specifier), words
// are bare or double-quoted with C escapes, and in ExecStart= "$$" is a
// dollar sign (any other "$" a variable). It fails on what the escapers must
// never write: a specifier, a variable, an unterminated quote.
func unitWords(value string, execLine bool) ([]string, error) {
	var words []string
	for i := 0; ; {
		for i < len(value) && (value[i] == ' ' || value[i] == '\t') {
			i++
		}
		if i == len(value) {
			return words, nil
		}
		quoted := value[i] == '"'
		if quoted {
			i++
		}
		var w strings.Builder
		for {
			if i == len(value) {
				if quoted {
					return nil, fmt.Errorf("unterminated quote in %s", value)
				}
				break
			}
			c := value[i]
			i++
			switch {
			case quoted && c == '"':
				if i < len(value) && value[i] != ' ' {
					return nil, fmt.Errorf("text after a closing quote in %s", value)
				}
			case !quoted && (c == ' ' || c == '\t'):
			case c == '\\' && quoted && i < len(value):
				e, ok := map[byte]byte{'\\': '\\', '"': '"', 'n': '\n', 'r': '\r', 't': '\t'}[value[i]]
				if !ok {
					return nil, fmt.Errorf("unknown escape \\%c in %s", value[i], value)
				}
				w.WriteByte(e)
				i++
				continue
			case c == '\\' || c == '"':
				return nil, fmt.Errorf("%c outside quotes in %s", c, value)
			case c == '%' || (execLine && c == '$'):
				if i == len(value) || value[i] != c {
					return nil, fmt.Errorf("a lone %c (a specifier or variable) in %s", c, value)
				}
				w.WriteByte(c)
				i++
				continue
			default:
				w.WriteByte(c)
				continue
			}
			break
		}
		words = append(words, w.String())
	}
}

// unitText decodes a free-text value such as Description=: trimmed, and
// "%%" a percent sign.
func unitText(value string) (string, error) {
	var b strings.Builder
	value = strings.TrimSpace(value)
	for i := 0; i < len(value); i++ {
		if value[i] == '%' {
			if i++; i == len(value) || value[i] != '%' {
				return "", fmt.Errorf("a specifier in %s", value)
			}
		}
		b.WriteByte(value[i])
	}
	return b.String(), nil
}

// TestSystemd decodes every value, and has systemd-analyze verify a unit
// that holds them all.
func TestSystemd(t *testing.T) {
	var unit strings.Builder
	unit.WriteString("[Unit]\n")
	for _, s := range hostile {
		text := SystemdText(s)
		checkVisible(t, "SystemdText", s, text, '\t')
		// systemd strips trailing blanks, then reads a trailing backslash as
		// a continuation.
		if strings.ContainsAny(text, "\n\r") || strings.HasSuffix(strings.TrimRight(text, " \t"), `\`) {
			t.Errorf("SystemdText(%q) = %q spans lines", s, text)
		}
		if got, err := unitText(text); err != nil {
			t.Errorf("SystemdText(%q) = %s: %v", s, text, err)
		} else if want := strings.TrimSpace(strings.TrimRight(SystemdComment(s), " \t\\")); got != want {
			t.Errorf("SystemdText(%q) = %s reads back as %q, want %q", s, text, got, want)
		}
		fmt.Fprintf(&unit, "# %s\nDescription=%s\n", SystemdComment(s), text)
	}
	unit.WriteString("[Service]\nType=exec\n")
	for _, s := range hostile {
		if s != valid(s) || strings.Contains(s, "\x00") {
			continue // systemd refuses invalid UTF-8 in an environment variable; NUL is refused at input
		}
		env := SystemdQuote("K=" + s)
		if got, err := unitWords(env, false); err != nil || len(got) != 1 || got[0] != "K="+s {
			t.Errorf("SystemdQuote(%q) = %s reads back as %q (%v)", "K="+s, env, got, err)
		}
		fmt.Fprintf(&unit, "Environment=%s\n", env)
	}
	args := []string{"/bin/echo"}
	for _, s := range hostile {
		if s != "" && s == valid(s) && !strings.Contains(s, "\x00") {
			args = append(args, s)
		}
	}
	words := make([]string, len(args))
	for i, a := range args {
		words[i] = SystemdExecArg(a)
	}
	line := strings.Join(words, " ")
	if got, err := unitWords(line, true); err != nil || strings.Join(got, "\x00") != strings.Join(args, "\x00") {
		t.Errorf("ExecStart=%s reads back as %q (%v)", line, got, err)
	}
	fmt.Fprintf(&unit, "ExecStart=%s\n", line)
	for _, tc := range []struct{ got, want string }{
		{SystemdText("50% off\nnext line \\"), "50%% off next line"},
		{SystemdQuote(`A=b "c" \d %e`), `"A=b \"c\" \\d %%e"`},
		{SystemdArg("/usr/local/lib/app/app"), "/usr/local/lib/app/app"},
		{SystemdArg("with space"), `"with space"`},
		{SystemdExecArg("$HOME"), `"$$HOME"`},
		{SystemdExecArg("--listen"), "--listen"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %s, want %s", tc.got, tc.want)
		}
	}

	tool := nixtest.Require(t, "systemd-analyze")
	path := filepath.Join(t.TempDir(), "escape.service")
	if err := os.WriteFile(path, []byte(unit.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "verify", "--man=no", path).CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s\n%s", err, out, unit.String())
	}
}
