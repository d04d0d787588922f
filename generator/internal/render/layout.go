package render

import (
	"strings"
)

// maxWidth is nixfmt's default line width.
const maxWidth = 100

// list lays out a Nix list whose items are already Nix expressions, as
// nixfmt's RFC 166 style does: "[ ]" when empty, one line when it holds one
// item, otherwise one item a line. indent is the column of the line the
// list starts on.
func list(indent int, items []string) string {
	switch len(items) {
	case 0:
		return "[ ]"
	case 1:
		if !strings.Contains(items[0], "\n") {
			return "[ " + items[0] + " ]"
		}
	}
	pad := strings.Repeat(" ", indent+2)
	var b strings.Builder
	b.WriteString("[\n")
	for _, it := range items {
		b.WriteString(pad)
		b.WriteString(it)
		b.WriteByte('\n')
	}
	b.WriteString(strings.Repeat(" ", indent))
	b.WriteByte(']')
	return b.String()
}

// chain joins operands with a binary operator the way nixfmt lays out a
// binding's value: on one line when it fits and no list has more than one
// item, otherwise the first operand expanded and each further operator
// starting a line at the binding's indentation.
func chain(indent int, name, op string, operands [][]string, heads []string) string {
	// operands[i] are list items; heads[i] is what precedes the list
	// ("" for a bare list, "lib.optionals pkgs.stdenv.isDarwin" otherwise).
	var one []string
	simple := true
	for i, items := range operands {
		if len(items) > 1 {
			simple = false
		}
		one = append(one, join(heads[i], list(indent, items)))
	}
	line := strings.Join(one, " "+op+" ")
	if simple && indent+len(name)+3+len(line)+1 <= maxWidth {
		return line
	}
	var b strings.Builder
	for i, items := range operands {
		if i > 0 {
			b.WriteString("\n" + strings.Repeat(" ", indent) + op + " ")
		}
		if i == 0 {
			b.WriteString(join(heads[i], expanded(indent, items)))
		} else {
			b.WriteString(join(heads[i], list(indent, items)))
		}
	}
	return b.String()
}

// expanded is list, but one item a line even for a single item.
func expanded(indent int, items []string) string {
	if len(items) != 1 {
		return list(indent, items)
	}
	return "[\n" + strings.Repeat(" ", indent+2) + items[0] + "\n" + strings.Repeat(" ", indent) + "]"
}

func join(head, expr string) string {
	if head == "" {
		return expr
	}
	return head + " " + expr
}

// binding is one `name = value;` line in a template; Value may span lines.
type binding struct {
	Name, Value, Comment string
}
