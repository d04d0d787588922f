package render

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Nix values in a view are laid out by the template that places them: it
// calls {{nix .Value}} where the value goes, and nix lays it out as
// nixfmt's RFC 166 style does for that place, indenting from the line the
// template started. No column number lives in Go.

// maxWidth is nixfmt's default line width.
const maxWidth = 100

// nixList is a Nix list whose items are already Nix expressions,
// optionally the last argument of a function (Fn, e.g. "lib.optionals
// pkgs.stdenv.isLinux" or "lib.fileset.unions").
type nixList struct {
	Fn    string
	Items []string
}

// nixConcat is lists joined with ++, the value of a binding.
type nixConcat []nixList

// binding is one `name = value;` line in a template. In a Nix view Value
// is a Nix expression: a string on one line, a nixList or a nixConcat; in
// other views it is text in the file's language.
type binding struct {
	Name    string
	Value   any
	Comment string
}

// cursor is the writer a template executes into. It remembers where the
// line being written starts, so that nix knows where the template put a
// value.
type cursor struct {
	buf       bytes.Buffer
	lineStart int
}

func (c *cursor) Write(p []byte) (int, error) {
	n, err := c.buf.Write(p)
	if i := bytes.LastIndexByte(p, '\n'); i >= 0 {
		c.lineStart = c.buf.Len() - len(p) + i + 1
	}
	return n, err
}

// line is what the current line holds so far.
func (c *cursor) line() []byte { return c.buf.Bytes()[c.lineStart:] }

// indent is the indentation of the current line: where a list's closing
// bracket and a continued binding's operators go.
func (c *cursor) indent() int {
	line := c.line()
	return len(line) - len(bytes.TrimLeft(line, " "))
}

// nix lays out v, a Nix value of a view, at the cursor.
func (c *cursor) nix(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case nixList:
		return v.layout(c.indent(), false), nil
	case *nixList:
		return v.layout(c.indent(), false), nil
	case nixConcat:
		return v.layout(c.indent(), utf8.RuneCount(c.line())), nil
	case optionTree:
		return v.layout(c.indent()), nil
	}
	return "", fmt.Errorf("nix: %T is not a Nix value", v)
}

// layout writes the list on the line indented by indent: "[ ]" when empty,
// on one line when it holds one item (unless expand), otherwise one item a
// line.
func (l nixList) layout(indent int, expand bool) string {
	var list string
	switch {
	case len(l.Items) == 0:
		list = "[ ]"
	case len(l.Items) == 1 && !expand && !strings.Contains(l.Items[0], "\n"):
		list = "[ " + l.Items[0] + " ]"
	default:
		pad := strings.Repeat(" ", indent+2)
		var b strings.Builder
		b.WriteString("[\n")
		for _, it := range l.Items {
			b.WriteString(pad + it + "\n")
		}
		b.WriteString(strings.Repeat(" ", indent) + "]")
		list = b.String()
	}
	if l.Fn == "" {
		return list
	}
	return l.Fn + " " + list
}

// layout writes the lists as the value of a binding starting at column on
// a line indented by indent: on one line when it fits before the closing
// semicolon and no list has more than one item, otherwise the first list
// expanded and each further ++ starting a line at the binding's
// indentation.
func (lists nixConcat) layout(indent, column int) string {
	one := make([]string, len(lists))
	simple := true
	for i, l := range lists {
		if len(l.Items) > 1 {
			simple = false
		}
		one[i] = l.layout(indent, false)
	}
	if line := strings.Join(one, " ++ "); simple && column+utf8.RuneCountInString(line)+len(";") <= maxWidth {
		return line
	}
	var b strings.Builder
	for i, l := range lists {
		if i > 0 {
			b.WriteString("\n" + strings.Repeat(" ", indent) + "++ ")
		}
		b.WriteString(l.layout(indent, i == 0))
	}
	return b.String()
}
