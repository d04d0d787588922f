package nixedit

import (
	"strings"

	"github.com/nixgen/nixgen/generator/internal/escape"
)

// QuoteString returns s as a Nix double-quoted string literal that
// evaluates to escape.NixValue(s), which is s for any value a pin holds (it
// replaces control and invisible formatting characters); it is
// escape.NixString, the escaper every generated file uses, so an edited
// value is written as generation would write it.
func QuoteString(s string) string { return escape.NixString(s) }

// UnquoteString decodes a Nix double-quoted string literal without
// interpolation, quotes included: the inverse of QuoteString.
func UnquoteString(lit string) string {
	return unescapeString(strings.TrimSuffix(strings.TrimPrefix(lit, `"`), `"`))
}

// unescapeString decodes the source text of a "..." string without
// interpolation, as Nix's unescapeStr does: \n \r \t are control
// characters, a backslash before anything else drops out, and a raw CR or
// CR LF becomes LF. `$$` stays `$$`.
func unescapeString(raw string) string {
	var b strings.Builder
	b.Grow(len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == '\\' && i+1 < len(raw):
			i++
			switch raw[i] {
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			default:
				b.WriteByte(raw[i])
			}
		case c == '\r':
			b.WriteByte('\n')
			if i+1 < len(raw) && raw[i+1] == '\n' {
				i++
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
