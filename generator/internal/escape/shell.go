package escape

import (
	"regexp"
	"strings"
)

var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./-]+$`)

// ShellQuote returns s as one POSIX shell word that expands to exactly s:
// in single quotes, each single quote written as quote, backslash, quote,
// quote (close, a literal quote, reopen). "$", "`" and a backslash right
// before a quote (or the closing one) are written outside the quotes the
// same way, escaped: quoted, they are data all the same, but shellcheck
// takes them for an expansion the author meant (SC2016) or a mistaken
// escape (SC1003), and generated scripts pass shellcheck.
func ShellQuote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\'':
			b.WriteString(`'\''`)
		case s[i] == '\\' && (i+1 == len(s) || s[i+1] == '\''), s[i] == '$', s[i] == '`':
			b.WriteString(`'\` + s[i:i+1] + `'`)
		default:
			b.WriteByte(s[i])
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// ShellWord is ShellQuote, but leaves words that need no quoting bare, for
// command lines people read.
func ShellWord(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return ShellQuote(s)
}

// ShellCommand joins words into a command line for sh.
func ShellCommand(words ...string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = ShellWord(w)
	}
	return strings.Join(q, " ")
}
