package escape

import (
	"slices"
	"testing"
	"unicode"
)

// hostile are values every escaper must carry through unchanged: quotes,
// escapes, interpolations of every output language, line breaks, control
// characters, Unicode line separators and invalid UTF-8.
var hostile = []string{
	"plain", `quote " and backslash \`, "it's", "'", "''", "'''", "''${x}", "${builtins.abort \"x\"}", "$${x}",
	"\\${", "${{ secrets.TOKEN }}", "$${{x}}", "${{", "}}", "$", "ends in $", "cost: $5",
	"line\nbreak\ttab\rcr", "\r\n", "# not a comment", "*/ /*", "key: value", "- item", "*alias", "&anchor", "!tag",
	"ünïcødé ✓ 😀", "\x01\x07\x1b\x7f", "\u0085\u2028\u2029\ufeff", "", " lead and trail ", "%n %% %i $HOME `id` $(id) \\$x",
	"\xff\xfe invalid", `C:\path\`, "a=b c=d", "-flag",
	// A lone quote before an interpolation, and quotes around escapes.
	"a'${builtins.currentSystem}", "'${", "''''${x}", "x'", "'$'{", "'''${x}", "a''\\${x}",
	// Invisible formatting: bidi overrides and isolates, zero-width and
	// soft hyphen, a tag character, and NUL.
	"ends in a backslash and a tab \\\t", "abc\u202edcb", "\u2066x\u2069 \u200b\u00ad\u061c", "tag\U000e0041", "nul\x00byte",
}

// valid is s with each byte of invalid UTF-8 replaced by U+FFFD, as the
// escapers for languages whose files must be UTF-8 write it.
func valid(s string) string { return string([]rune(s)) }

// invisibleRune is the test's own statement of what no generated file may
// hold raw: a control character other than tab and the line breaks, DEL, a
// C1 control, a Unicode line or paragraph separator, or a format character
// (category Cf: bidi controls, zero-width characters, the BOM, tags).
func invisibleRune(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r >= 0x7f && r <= 0x9f ||
		r == 0x2028 || r == 0x2029 || unicode.Is(unicode.Cf, r)
}

// checkVisible fails when out, written by the escaper what for s, holds a
// character invisibleRune forbids, other than those in allow.
func checkVisible(t *testing.T, what, s, out string, allow ...rune) {
	t.Helper()
	for _, r := range out {
		if invisibleRune(r) && !slices.Contains(allow, r) {
			t.Errorf("%s(%q) = %q holds the invisible character %U", what, s, out, r)
			return
		}
	}
}
