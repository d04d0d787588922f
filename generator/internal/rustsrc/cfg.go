package rustsrc

import (
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
)

// Cfg is a parsed cfg predicate: `not(any(feature = "sqlite", feature =
// "postgres"))`. Only features are known when a build is planned; every
// other option (target_os, unix, debug_assertions, ...) is unknown.
type Cfg struct {
	Op   string // "all", "any", "not", "feature", "true" or "other"
	Name string // the feature, for Op "feature"; the option, for "other"
	Args []Cfg
}

// Always is the predicate of code that no cfg guards.
var Always = Cfg{Op: "true"}

// Eval evaluates the predicate with the features on for which on returns
// true. known is false when the answer depends on something other than
// features; value is meaningful only when known.
func (c Cfg) Eval(on func(feature string) bool) (value, known bool) {
	switch c.Op {
	case "true":
		return true, true
	case "feature":
		return on(c.Name), true
	case "not":
		if len(c.Args) != 1 {
			return false, false
		}
		v, k := c.Args[0].Eval(on)
		return !v, k
	case "all", "any":
		// all: false as soon as one is false; any: true as soon as one is true.
		decisive := c.Op == "any"
		allKnown := true
		for _, a := range c.Args {
			v, k := a.Eval(on)
			if k && v == decisive {
				return decisive, true
			}
			allKnown = allKnown && k
		}
		return !decisive, allKnown
	}
	return false, false
}

// Holds reports whether the predicate is true whatever the options other
// than features are.
func (c Cfg) Holds(on func(feature string) bool) bool {
	v, k := c.Eval(on)
	return k && v
}

// Features lists the features the predicate names, in source order.
func (c Cfg) Features() []string {
	var out []string
	var visit func(Cfg)
	visit = func(c Cfg) {
		if c.Op == "feature" {
			for _, f := range out {
				if f == c.Name {
					return
				}
			}
			out = append(out, c.Name)
		}
		for _, a := range c.Args {
			visit(a)
		}
	}
	visit(c)
	return out
}

// Not is the negation of the predicate.
func (c Cfg) Not() Cfg {
	if c.Op == "not" && len(c.Args) == 1 {
		return c.Args[0]
	}
	return Cfg{Op: "not", Args: []Cfg{c}}
}

// And is both predicates.
func (c Cfg) And(d Cfg) Cfg {
	switch {
	case c.Op == "true":
		return d
	case d.Op == "true":
		return c
	}
	return Cfg{Op: "all", Args: []Cfg{c, d}}
}

// String writes the predicate as Rust does.
func (c Cfg) String() string {
	switch c.Op {
	case "true":
		return "true"
	case "feature":
		return `feature = "` + c.Name + `"`
	case "other":
		return c.Name
	}
	args := make([]string, len(c.Args))
	for i, a := range c.Args {
		args[i] = a.String()
	}
	return c.Op + "(" + strings.Join(args, ", ") + ")"
}

// cfgOf parses the predicate of a `#[cfg(...)]` attribute item; ok is
// false for any other attribute.
func (p *parsed) cfgOf(item *sitter.Node) (Cfg, bool) {
	if item.Type() != "attribute_item" || item.NamedChildCount() == 0 {
		return Cfg{}, false
	}
	attr := item.NamedChild(0)
	name := attr.NamedChild(0)
	args := attr.ChildByFieldName("arguments")
	if name == nil || args == nil || p.text(name) != "cfg" {
		return Cfg{}, false
	}
	preds := p.cfgList(args)
	if len(preds) != 1 {
		return Cfg{Op: "other", Name: p.text(args)}, true
	}
	return preds[0], true
}

// cfgList parses the comma-separated predicates inside a token tree.
func (p *parsed) cfgList(tree *sitter.Node) []Cfg {
	var out []Cfg
	var key *sitter.Node
	var value *sitter.Node
	var inner *sitter.Node
	flush := func() {
		if key == nil {
			return
		}
		name := p.text(key)
		switch {
		case name == "feature" && value != nil:
			if s, ok := p.stringValue(value); ok {
				out = append(out, Cfg{Op: "feature", Name: s})
			} else {
				out = append(out, Cfg{Op: "other", Name: name})
			}
		case (name == "all" || name == "any" || name == "not") && inner != nil:
			out = append(out, Cfg{Op: name, Args: p.cfgList(inner)})
		case value != nil:
			out = append(out, Cfg{Op: "other", Name: name + " = " + p.text(value)})
		default:
			out = append(out, Cfg{Op: "other", Name: name})
		}
		key, value, inner = nil, nil, nil
	}
	for i := 0; i < int(tree.ChildCount()); i++ {
		c := tree.Child(i)
		switch {
		case c.Type() == "identifier" && key == nil:
			key = c
		case c.Type() == "token_tree":
			inner = c
		case c.Type() == "string_literal" || c.Type() == "raw_string_literal":
			value = c
		case p.text(c) == ",":
			flush()
		}
	}
	flush()
	return out
}

// guardOf is the conjunction of the cfg attributes right before n.
func (p *parsed) guardOf(n *sitter.Node) Cfg {
	g := Always
	for s := n.PrevNamedSibling(); s != nil; s = s.PrevNamedSibling() {
		if s.Type() == "line_comment" || s.Type() == "block_comment" {
			continue
		}
		if s.Type() != "attribute_item" {
			break
		}
		if c, ok := p.cfgOf(s); ok {
			g = g.And(c)
		}
	}
	return g
}
