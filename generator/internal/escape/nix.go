package escape

import (
	"regexp"
	"strings"
)

// NixString returns s as a Nix double-quoted string literal that evaluates
// to s. Backslashes, double quotes and "${" are escaped, as are newline,
// carriage return and tab. Nix has no escape for other control characters;
// they are legal inside a string literal and are kept as they are. s must
// not contain a NUL byte, which no Nix string can hold (detection rejects it
// earlier).
func NixString(s string) string {
	return `"` + NixInString(s) + `"`
}

// NixInString returns s escaped for the inside of a Nix double-quoted
// string, without the quotes, for text that sits beside interpolations.
func NixInString(s string) string {
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
// become spaces, so a value cannot end the comment and start code.
func NixComment(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
}

// NixIndented returns s escaped for the inside of a Nix indented string,
// the one between two pairs of single quotes: a pair of single quotes gets a
// third, and "${" gets a pair in front. Line structure is kept; the caller
// supplies the surrounding quotes and indentation, and puts s on lines of
// its own (a single quote right before the closing pair would escape it).
func NixIndented(s string) string {
	s = strings.ReplaceAll(s, "''", "'''")
	return strings.ReplaceAll(s, "${", "''${")
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
