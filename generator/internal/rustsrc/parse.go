// Package rustsrc reads a Rust crate's source with tree-sitter's Rust
// grammar and reports its runtime surface: the environment variables it
// reads (directly, through its own helper functions and constants, or
// through clap), the sockets it listens on, the subcommand that serves and
// its health route. Test code (#[cfg(test)] modules, #[test] functions)
// never counts. It reads only the bytes it is given and runs nothing.
package rustsrc

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
	"github.com/smacker/go-tree-sitter/rust"
)

// File is one source file of the crate.
type File struct {
	Path string // slash-separated, relative to the project root, for evidence
	Src  []byte
}

// parsed is a file and its syntax tree.
type parsed struct {
	path string
	src  []byte
	root *sitter.Node
}

func parse(files []File) ([]*parsed, error) {
	lang := rust.GetLanguage()
	out := make([]*parsed, 0, len(files))
	for _, f := range files {
		root, err := sitter.ParseCtx(context.Background(), f.Src, lang)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Path, err)
		}
		out = append(out, &parsed{path: f.Path, src: f.Src, root: root})
	}
	return out, nil
}

func (p *parsed) text(n *sitter.Node) string { return n.Content(p.src) }

func (p *parsed) at(n *sitter.Node) string {
	return fmt.Sprintf("%s:%d", p.path, n.StartPoint().Row+1)
}

// walk visits every node below n in source order, skipping test code. visit
// returns false to skip a node's children.
func (p *parsed) walk(n *sitter.Node, visit func(*sitter.Node) bool) {
	for i := 0; i < int(n.NamedChildCount()); i++ {
		c := n.NamedChild(i)
		if p.isTest(c) {
			continue
		}
		if visit(c) {
			p.walk(c, visit)
		}
	}
}

// attributes returns the texts of the attribute items right before n.
func (p *parsed) attributes(n *sitter.Node) []string {
	var attrs []string
	for s := n.PrevNamedSibling(); s != nil; s = s.PrevNamedSibling() {
		switch s.Type() {
		case "attribute_item":
			attrs = append(attrs, p.text(s))
		case "line_comment", "block_comment":
		default:
			return attrs
		}
	}
	return attrs
}

// isTest reports whether n is an item that only tests compile: a module or
// function under #[cfg(test)], or a #[test] function of any test framework.
func (p *parsed) isTest(n *sitter.Node) bool {
	switch n.Type() {
	case "mod_item", "function_item", "impl_item", "const_item", "static_item", "use_declaration":
	default:
		return false
	}
	for _, a := range p.attributes(n) {
		a = strings.ReplaceAll(a, " ", "")
		if strings.Contains(a, "cfg(test)") || strings.HasSuffix(a, "test]") || strings.Contains(a, "::test(") || strings.Contains(a, "::test]") {
			return true
		}
	}
	if n.Type() == "mod_item" {
		if name := n.ChildByFieldName("name"); name != nil && p.text(name) == "tests" {
			return true
		}
	}
	return false
}

// stringValue reads a string literal, or "" and false.
func (p *parsed) stringValue(n *sitter.Node) (string, bool) {
	t := p.text(n)
	// A byte or C string (b"x", br"x", c"x") has a prefix before the quote.
	if strings.HasPrefix(t, "b") || strings.HasPrefix(t, "c") {
		t = t[1:]
	}
	switch n.Type() {
	case "string_literal":
		if len(t) < 2 {
			return "", false
		}
		s, err := strconv.Unquote(t)
		if err != nil {
			// Rust escapes Go does not know (\u{...}): keep the raw content.
			return t[1 : len(t)-1], true
		}
		return s, true
	case "raw_string_literal":
		// r##"..."##: as many hashes after the closing quote as before
		// the opening one; the content may itself end with a quote.
		t = strings.TrimPrefix(t, "r")
		h := len(t) - len(strings.TrimLeft(t, "#"))
		if len(t) < 2*h+2 {
			return "", false
		}
		return t[h+1 : len(t)-h-1], true
	}
	return "", false
}

// lastSegment is the name a call is made by: "var" for std::env::var,
// "env_or" for self.env_or and Self::env_or.
func (p *parsed) lastSegment(fn *sitter.Node) string {
	switch fn.Type() {
	case "identifier", "type_identifier":
		return p.text(fn)
	case "scoped_identifier", "scoped_type_identifier":
		if name := fn.ChildByFieldName("name"); name != nil {
			return p.text(name)
		}
	case "field_expression":
		if f := fn.ChildByFieldName("field"); f != nil {
			return p.text(f)
		}
	case "generic_function":
		if f := fn.ChildByFieldName("function"); f != nil {
			return p.lastSegment(f)
		}
	}
	return ""
}

// args returns the named children of a call's argument list.
func args(call *sitter.Node) []*sitter.Node {
	list := call.ChildByFieldName("arguments")
	if list == nil {
		return nil
	}
	out := make([]*sitter.Node, 0, list.NamedChildCount())
	for i := 0; i < int(list.NamedChildCount()); i++ {
		if c := list.NamedChild(i); c.Type() != "line_comment" && c.Type() != "block_comment" {
			out = append(out, c)
		}
	}
	return out
}

// tokens splits an attribute's or a macro's token tree into top-level
// key = value pairs and bare words: `long, env = "X", default_value_t = 3`.
func (p *parsed) tokens(tree *sitter.Node) []attrArg {
	var out []attrArg
	var cur attrArg
	flush := func() {
		if cur.key != "" || cur.node != nil {
			out = append(out, cur)
		}
		cur = attrArg{}
	}
	afterEq := false
	for i := 0; i < int(tree.ChildCount()); i++ {
		c := tree.Child(i)
		t := p.text(c)
		switch {
		case t == "(" || t == ")" || t == "[" || t == "]":
		case t == ",":
			flush()
			afterEq = false
		case t == "=":
			afterEq = true
		case afterEq:
			if cur.node == nil {
				cur.node = c
				cur.value = t
			} else {
				cur.value += t
			}
		case cur.key == "":
			cur.key = t
		default:
			cur.key += t
		}
	}
	flush()
	return out
}

type attrArg struct {
	key   string
	value string
	node  *sitter.Node
}
