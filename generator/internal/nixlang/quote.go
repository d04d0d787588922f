// Package nixlang turns values taken from users' files into Nix syntax that
// means exactly those values. Every string a template interpolates into a
// .nix file goes through one of these functions.
package nixlang

import (
	"regexp"
	"strings"
)

// String returns s as a Nix double-quoted string literal that evaluates to s.
// Backslashes, double quotes and "${" are escaped, as are newline, carriage
// return and tab. Nix has no escape for other control characters; they are
// legal inside a string literal and are kept as they are. s must not contain
// a NUL byte, which no Nix string can hold (detection rejects it earlier).
func String(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
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
	b.WriteByte('"')
	return b.String()
}

var identRE = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_'-]*$`)

var keywords = map[string]bool{
	"if": true, "then": true, "else": true, "assert": true, "with": true,
	"let": true, "in": true, "rec": true, "inherit": true, "or": true,
}

// IsIdent reports whether s can be written as a bare Nix identifier.
func IsIdent(s string) bool {
	return identRE.MatchString(s) && !keywords[s]
}

// AttrName returns s as an attribute name: bare when it is a plain
// identifier, quoted otherwise.
func AttrName(s string) string {
	if IsIdent(s) {
		return s
	}
	return String(s)
}

// Select returns the attribute selection expr.name, quoting name when needed.
func Select(expr, name string) string {
	return expr + "." + AttrName(name)
}

var pathRE = regexp.MustCompile(`^[a-zA-Z0-9._+~-]+(/[a-zA-Z0-9._+~-]+)*$`)

// Path returns a Nix expression for the path rel, relative to the directory
// of the .nix file: a path literal such as ./migrations when rel fits Nix's
// path syntax, or (./. + "/odd name") when it does not. rel uses forward
// slashes and must not be absolute; "." is the directory itself.
func Path(rel string) string {
	rel = strings.TrimPrefix(rel, "./")
	if rel == "" || rel == "." {
		return "./."
	}
	if pathRE.MatchString(rel) && !strings.HasSuffix(rel, "/") {
		if strings.HasPrefix(rel, "../") || rel == ".." {
			return rel
		}
		return "./" + rel
	}
	return "(./. + " + String("/"+rel) + ")"
}

// List returns items, each already a Nix expression, as a one-line list.
func List(items []string) string {
	if len(items) == 0 {
		return "[ ]"
	}
	return "[ " + strings.Join(items, " ") + " ]"
}

// Strings returns ss as a one-line list of string literals.
func Strings(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = String(s)
	}
	return List(q)
}

// Comment returns s made safe to follow "# " on one line: line breaks
// become spaces, so a value cannot end the comment and start code.
func Comment(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
}

// Indented returns s escaped for the inside of a Nix indented string
// (”...”): "”" becomes "”'" and "${" becomes "”${". Line structure is
// kept; the caller supplies the surrounding quotes and indentation.
func Indented(s string) string {
	s = strings.ReplaceAll(s, "''", "'''")
	return strings.ReplaceAll(s, "${", "''${")
}

// StoreName returns s with every character a Nix store path name cannot
// hold (anything but letters, digits and +-._?=) replaced by "-", and a
// leading "." replaced too. Derivation names (pname-version) must fit.
func StoreName(s string) string {
	b := []byte(s)
	for i, c := range b {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("+-._?=", c) >= 0
		if !ok || (i == 0 && c == '.') {
			b[i] = '-'
		}
	}
	return string(b)
}
