package escape

import (
	"fmt"
	"strings"
)

// YAMLString returns s as a YAML double-quoted scalar that GitHub Actions
// reads back as exactly s: backslash and double quote escaped, and every
// character YAML does not allow raw or would fold as a line break (C0 and C1
// controls, DEL, U+2028, U+2029, BOM, surrogates, noncharacters) or that
// does not show (format characters such as the bidi override U+202E, see
// Invisible) written as \uXXXX or \UXXXXXXXX, so the value is exact and the
// file shows every character of it. Invalid UTF-8 becomes U+FFFD. And since GitHub evaluates ${{ }}
// inside any string, "${{" is written as an expression whose value is "${{".
func YAMLString(s string) string {
	s = strings.ReplaceAll(s, "${{", "${{ '${{' }}")
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case yamlUnsafe(r):
			b.WriteString(unicodeEscape(r))
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// YAMLComment returns s made safe to follow "# " on one line: line breaks
// and the characters YAMLString escapes become spaces.
func YAMLComment(s string) string {
	return strings.Map(func(r rune) rune {
		if r != '\t' && yamlUnsafe(r) {
			return ' '
		}
		return r
	}, s)
}

// yamlUnsafe reports whether YAML forbids r raw in a scalar or a comment,
// would read it as a line break, or r does not show.
func yamlUnsafe(r rune) bool {
	return Invisible(r) || r >= 0xd800 && r <= 0xdfff || r == 0xfffe || r == 0xffff
}

// unicodeEscape writes r as \uXXXX, or \UXXXXXXXX beyond U+FFFF: the
// escapes of YAML, TOML and Python strings alike.
func unicodeEscape(r rune) string {
	if r > 0xffff {
		return fmt.Sprintf(`\U%08x`, r)
	}
	return fmt.Sprintf(`\u%04x`, r)
}

// escapeInvisible writes each invisible character of lit, a string literal
// an encoder wrote in a language whose strings know unicodeEscape, as that
// escape. An invisible character is never part of an escape, so it may be
// replaced wherever it stands.
func escapeInvisible(lit string) string {
	if !strings.ContainsFunc(lit, Invisible) {
		return lit
	}
	var b strings.Builder
	for _, r := range lit {
		if Invisible(r) {
			b.WriteString(unicodeEscape(r))
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}
