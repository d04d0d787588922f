package escape

import (
	"fmt"
	"strings"
)

// YAMLString returns s as a YAML double-quoted scalar that GitHub Actions
// reads back as exactly s: backslash and double quote escaped, and every
// character YAML does not allow raw or would fold as a line break (C0 and C1
// controls, DEL, U+2028, U+2029, BOM, surrogates, noncharacters) written as
// \uXXXX. Invalid UTF-8 becomes U+FFFD. And since GitHub evaluates ${{ }}
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
			fmt.Fprintf(&b, `\u%04x`, r)
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

// yamlUnsafe reports whether YAML forbids r raw in a scalar or a comment, or
// would read it as a line break.
func yamlUnsafe(r rune) bool {
	return r < 0x20 || r >= 0x7f && r <= 0x9f || r == 0x2028 || r == 0x2029 || r == 0xfeff ||
		r >= 0xd800 && r <= 0xdfff || r == 0xfffe || r == 0xffff
}
