package escape

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// NixString returns s as a Nix double-quoted string literal that evaluates
// to NixValue(s): backslashes, double quotes and "${" are escaped, as are
// newline, carriage return and tab.
func NixString(s string) string {
	return `"` + NixInString(s) + `"`
}

// NixInString returns s escaped for the inside of a Nix double-quoted
// string, without the quotes, for text that sits beside interpolations.
func NixInString(s string) string {
	s = NixValue(s)
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b.WriteString(`\\`)
		case '"':
			b.WriteString(`\"`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '$':
			if i+1 < len(s) && s[i+1] == '{' {
				b.WriteString(`\$`)
			} else {
				b.WriteByte('$')
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// NixValue is the string the Nix escapers' output evaluates to: s with
// every invisible character (see Invisible) and every byte of invalid UTF-8
// replaced by U+FFFD. Nix has escapes for newline, carriage return and tab
// only; anything else would have to sit in the file raw, where a bidi
// override (U+202E) makes the file read differently from what Nix parses
// and a NUL cuts it short. nixgen chose to replace such characters rather
// than refuse the input: they occur only in text (descriptions, names), and
// the replacement character shows where one was. The names that must be
// exact (attributes, programs, paths) are checked by their grammars first.
func NixValue(s string) string {
	if utf8.ValidString(s) && !strings.ContainsFunc(s, invisibleInNix) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s { // each byte of invalid UTF-8 comes as U+FFFD
		if invisibleInNix(r) {
			r = utf8.RuneError
		}
		b.WriteRune(r)
	}
	return b.String()
}

func invisibleInNix(r rune) bool {
	return r != '\t' && r != '\n' && r != '\r' && Invisible(r)
}

// Invisible reports whether r is a character no generated file holds raw:
// a C0 control (tab, newline and carriage return included: each language
// escapes or keeps them as it can), DEL, a C1 control, the Unicode line
// and paragraph separators, or a format character (category Cf: the bidi
// embeddings, overrides, isolates and marks, zero-width spaces and joiners,
// the soft hyphen, the byte order mark, tags). They either do not show or
// reorder the text around them.
func Invisible(r rune) bool {
	return r < 0x20 || r >= 0x7f && r <= 0x9f || r == '\u2028' || r == '\u2029' || unicode.Is(unicode.Cf, r)
}

var nixIdentRE = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_'-]*$`)

var nixKeywords = map[string]bool{
	"if": true, "then": true, "else": true, "assert": true, "with": true,
	"let": true, "in": true, "rec": true, "inherit": true, "or": true,
}

// IsNixIdent reports whether s can be written as a bare Nix identifier.
func IsNixIdent(s string) bool {
	return nixIdentRE.MatchString(s) && !nixKeywords[s]
}

// NixAttrName returns s as an attribute name: bare when it is a plain
// identifier, quoted otherwise.
func NixAttrName(s string) string {
	if IsNixIdent(s) {
		return s
	}
	return NixString(s)
}

// NixSelect returns the attribute selection expr.name, quoting name when
// needed.
func NixSelect(expr, name string) string {
	return expr + "." + NixAttrName(name)
}

var nixPathRE = regexp.MustCompile(`^[a-zA-Z0-9._+~-]+(/[a-zA-Z0-9._+~-]+)*$`)

// NixPath returns a Nix expression for the path rel, relative to the
// directory of the .nix file: a path literal such as ./migrations when rel
// fits Nix's path syntax, or (./. + "/odd name") when it does not. rel uses
// forward slashes and must not be absolute; "." is the directory itself.
func NixPath(rel string) string {
	rel = strings.TrimPrefix(rel, "./")
	if rel == "" || rel == "." {
		return "./."
	}
	if nixPathRE.MatchString(rel) && !strings.HasSuffix(rel, "/") {
		if strings.HasPrefix(rel, "../") || rel == ".." {
			return rel
		}
		return "./" + rel
	}
	return "(./. + " + NixString("/"+rel) + ")"
}

// NixComment returns s made safe to follow "# " on one line: line breaks
// become spaces, so a value cannot end the comment and start code, and
// other invisible characters U+FFFD.
func NixComment(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029':
			return ' '
		case r != '\t' && Invisible(r):
			return utf8.RuneError
		}
		return r
	}, validUTF8(s))
}

// NixIndented returns s escaped for the inside of a Nix indented string,
// the one between two pairs of single quotes; it evaluates to NixValue(s).
// A pair of single quotes gets a third, "${" gets a pair in front, a
// carriage return is written ”\r, and a single quote right before "${" is
// written ”\' (raw, it would join the escape's quotes: "”'" is an
// escaped pair of quotes, and the interpolation would follow). Line
// structure is kept; the caller supplies the surrounding quotes and
// indentation, and puts s on lines of its own (a single quote right before
// the closing pair would escape it).
func NixIndented(s string) string {
	s = NixValue(s)
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case strings.HasPrefix(s[i:], "''"):
			b.WriteString("'''")
			i++
		case strings.HasPrefix(s[i:], "'${"):
			b.WriteString(`''\'`)
		case strings.HasPrefix(s[i:], "${"):
			b.WriteString("''$")
		case c == '\r':
			b.WriteString(`''\r`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// NixStoreName returns s with every character a Nix store path name cannot
// hold (anything but letters, digits and +-._?=) replaced by "-", and a
// leading "." replaced too. Derivation names (pname-version) must fit.
func NixStoreName(s string) string {
	b := []byte(s)
	for i, c := range b {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("+-._?=", c) >= 0
		if !ok || (i == 0 && c == '.') {
			b[i] = '-'
		}
	}
	return string(b)
}
