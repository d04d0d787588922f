package escape

// hostile are values every escaper must carry through unchanged: quotes,
// escapes, interpolations of every output language, line breaks, control
// characters, Unicode line separators and invalid UTF-8.
var hostile = []string{
	"plain", `quote " and backslash \`, "it's", "'", "''", "'''", "''${x}", "${builtins.abort \"x\"}", "$${x}",
	"\\${", "${{ secrets.TOKEN }}", "$${{x}}", "${{", "}}", "$", "ends in $", "cost: $5",
	"line\nbreak\ttab\rcr", "\r\n", "# not a comment", "*/ /*", "key: value", "- item", "*alias", "&anchor", "!tag",
	"ünïcødé ✓ 😀", "\x01\x07\x1b\x7f", "\u0085\u2028\u2029\ufeff", "", " lead and trail ", "%n %% %i $HOME `id` $(id) \\$x",
	"\xff\xfe invalid", `C:\path\`, "a=b c=d", "-flag",
}

// valid is s with each byte of invalid UTF-8 replaced by U+FFFD, as the
// escapers for languages whose files must be UTF-8 write it.
func valid(s string) string { return string([]rune(s)) }
