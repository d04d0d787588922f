package nixedit

import "strings"

// QuoteString returns s as a Nix double-quoted string literal that
// evaluates to exactly s. It escapes `\`, `"`, `${` (as `\${`), newline,
// carriage return and tab. Nix has no numeric escapes, so other control
// characters and non-UTF-8 bytes are written as they are; Nix reads them
// back unchanged. (A NUL byte cannot be part of a Nix string at all.)
func QuoteString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', '"':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '$':
			if i+1 < len(s) && s[i+1] == '{' {
				b.WriteByte('\\')
			}
			b.WriteByte('$')
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			// Nix reads a raw CR as a newline.
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
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
