package escape

import (
	"regexp"
	"strings"
)

var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./-]+$`)

// ShellQuote returns s as one POSIX shell word that expands to exactly s:
// in single quotes, each single quote written as quote, backslash, quote,
// quote (close, a literal quote, reopen).
func ShellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
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
