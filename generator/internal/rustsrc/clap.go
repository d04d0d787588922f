package rustsrc

import (
	"strings"
	"unicode"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/nixgen/nixgen/generator/internal/ident"
	"github.com/nixgen/nixgen/generator/internal/model"
)

// clapArg is one field of a clap derive struct: `#[arg(long, env = "X",
// default_value_t = 3001)] port: u16`.
type clapArg struct {
	strct  string // the struct it belongs to
	field  string
	long   string // --long, "" for a positional or short-only argument
	env    string
	def    string
	hasDef bool
	typ    string
	at     string
	// builder: from clap's builder API, where an argument is optional
	// unless .required(true) says otherwise.
	builder  bool
	required bool
}

// subcommand is a variant of a clap Subcommand enum.
type subcommand struct {
	name string // as typed on the command line
	args string // the struct holding its arguments, "" for inline fields
}

// collectClap reads every clap derive struct and Subcommand enum.
func (a *analyzer) collectClap() {
	for _, p := range a.files {
		p.walk(p.root, func(n *sitter.Node) bool {
			switch n.Type() {
			case "struct_item":
				if derives(p, n, "Parser", "Args", "StructOpt") {
					a.clapStruct(p, n, p.text(n.ChildByFieldName("name")))
				}
				return false
			case "enum_item":
				if derives(p, n, "Subcommand", "Parser", "StructOpt") { // clap also derives Parser on an enum of commands
					a.clapEnum(p, n)
				}
				return false
			}
			return true
		})
	}
}

// clapSettings records each clap argument with env = "X" as a setting
// read from X. Arguments of a subcommand other than the one that serves
// are never required.
func (a *analyzer) clapSettings() {
	other := a.otherCommands()
	for _, c := range a.clap {
		if c.env == "" {
			continue
		}
		a.addRead(envRead{name: c.env, def: c.def, hasDefault: c.hasDef || strings.HasPrefix(c.typ, "Option<") || c.typ == "bool", at: c.at})
		s := a.settings[c.env]
		s.flag, s.typ = c.long, c.typ
		required := !c.hasDef && !strings.HasPrefix(c.typ, "Option<") && c.typ != "bool" && !strings.HasPrefix(c.typ, "Vec<")
		if c.builder {
			required = c.required && !c.hasDef
		}
		if required && !other[c.strct] {
			s.required = true // clap stops without a value
		}
	}
}

// otherCommands are the argument structs reached only from subcommands
// other than the one that serves.
func (a *analyzer) otherCommands() map[string]bool {
	serve := a.serveCommand()
	if len(serve) == 0 {
		return nil
	}
	reach := func(roots []string) map[string]bool {
		seen := map[string]bool{}
		for len(roots) > 0 {
			r := roots[0]
			roots = roots[1:]
			if seen[r] {
				continue
			}
			seen[r] = true
			roots = append(roots, a.flatten[r]...)
		}
		return seen
	}
	var mine, others []string
	for _, s := range a.subs {
		if s.name == serve[0] {
			mine = append(mine, s.args)
		} else {
			others = append(others, s.args)
		}
	}
	own := reach(mine)
	out := map[string]bool{}
	for s := range reach(others) {
		if !own[s] {
			out[s] = true
		}
	}
	return out
}

// derives reports whether an item has #[derive(...)] with one of names.
func derives(p *parsed, n *sitter.Node, names ...string) bool {
	for _, attr := range p.attributes(n) {
		if !strings.Contains(attr, "derive") {
			continue
		}
		for _, name := range names {
			if strings.Contains(attr, name) {
				return true
			}
		}
	}
	return false
}

func (a *analyzer) clapStruct(p *parsed, n *sitter.Node, strct string) {
	body := n.ChildByFieldName("body")
	if body == nil {
		return
	}
	for i := 0; i < int(body.NamedChildCount()); i++ {
		f := body.NamedChild(i)
		if f.Type() != "field_declaration" {
			continue
		}
		a.clapField(p, f, strct)
	}
}

func (a *analyzer) clapField(p *parsed, f *sitter.Node, strct string) {
	name, typ := f.ChildByFieldName("name"), f.ChildByFieldName("type")
	if name == nil || typ == nil {
		return
	}
	c := clapArg{strct: strct, field: p.text(name), typ: strings.ReplaceAll(p.text(typ), " ", ""), at: p.at(f)}
	isArg := false
	for _, attr := range p.attributes(f) {
		t := strings.TrimSpace(strings.TrimPrefix(attr, "#["))
		if (strings.HasPrefix(t, "command(") || strings.HasPrefix(t, "clap(") || strings.HasPrefix(t, "structopt(")) && strings.Contains(t, "subcommand") {
			if strings.HasPrefix(c.typ, "Option<") {
				a.subOpt = true
			}
			return
		}
		if !strings.HasPrefix(t, "arg(") && !strings.HasPrefix(t, "clap(") && !strings.HasPrefix(t, "structopt(") {
			continue
		}
		isArg = true
		tree := tokenTree(f, attr, p)
		if tree == nil {
			continue
		}
		for _, kv := range p.tokens(tree) {
			switch kv.key {
			case "flatten":
				if a.flatten == nil {
					a.flatten = map[string][]string{}
				}
				a.flatten[strct] = append(a.flatten[strct], typeName(c.typ))
				return
			case "long":
				if kv.node == nil {
					c.long = "--" + strings.ReplaceAll(c.field, "_", "-")
				} else if s, ok := p.stringValue(kv.node); ok {
					if !ident.FlagName(s) {
						a.unknown(p, tree, "long = \"...\" is not a flag name nixgen can pass on the command line; ignored")
						continue
					}
					c.long = "--" + s
				}
			case "env":
				if kv.node == nil {
					c.env = strings.ToUpper(c.field)
				} else if s, ok := a.str(p, kv.node); ok {
					if !ident.EnvName(s) {
						a.unknown(p, tree, "env = \"...\" is not an environment variable name (letters, digits and _); ignored")
						continue
					}
					c.env = s
				}
			case "default_value", "default_value_t", "default_missing_value":
				if kv.node != nil {
					if v, ok := a.value(p, kv.node); ok {
						c.def, c.hasDef = v, true
					} else {
						c.hasDef = true
						c.def = clapDefaultExpr(kv.value)
					}
				}
			}
		}
	}
	if isArg {
		a.clap = append(a.clap, c)
	}
}

// clapDefaultExpr reads what default_value_t's expression plainly says.
func clapDefaultExpr(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, `"`) {
		return strings.Trim(s, `"`)
	}
	return intText(s)
}

// tokenTree finds the token tree of the attribute item whose text is attr.
func tokenTree(f *sitter.Node, attr string, p *parsed) *sitter.Node {
	for s := f.PrevNamedSibling(); s != nil && (s.Type() == "attribute_item" || s.Type() == "line_comment" || s.Type() == "block_comment"); s = s.PrevNamedSibling() {
		if s.Type() != "attribute_item" || p.text(s) != attr {
			continue
		}
		var tree *sitter.Node
		var find func(*sitter.Node)
		find = func(n *sitter.Node) {
			for i := 0; i < int(n.NamedChildCount()) && tree == nil; i++ {
				c := n.NamedChild(i)
				if c.Type() == "token_tree" {
					tree = c
					return
				}
				find(c)
			}
		}
		find(s)
		return tree
	}
	// Attributes inside a field declaration list come as children.
	for i := 0; i < int(f.NamedChildCount()); i++ {
		if c := f.NamedChild(i); c.Type() == "attribute_item" && p.text(c) == attr {
			return tokenTree(c, attr, p)
		}
	}
	return nil
}

func (a *analyzer) clapEnum(p *parsed, n *sitter.Node) {
	body := n.ChildByFieldName("body")
	if body == nil {
		return
	}
	for i := 0; i < int(body.NamedChildCount()); i++ {
		v := body.NamedChild(i)
		if v.Type() != "enum_variant" {
			continue
		}
		name := v.ChildByFieldName("name")
		if name == nil {
			continue
		}
		sub := subcommand{name: kebab(p.text(name))}
		for _, attr := range p.attributes(v) {
			if strings.Contains(attr, "name") && (strings.Contains(attr, "command(") || strings.Contains(attr, "clap(") || strings.Contains(attr, "structopt(")) {
				if s, ok := quoted(attr[strings.Index(attr, "name"):]); ok {
					sub.name = s
				}
			}
		}
		if fields := v.ChildByFieldName("body"); fields != nil {
			switch fields.Type() {
			case "ordered_field_declaration_list": // Server(ServerArgs)
				if t := fields.ChildByFieldName("type"); t != nil {
					sub.args = p.text(t)
				}
			case "field_declaration_list": // Server { port: u16 }
				sub.args = p.text(n.ChildByFieldName("name")) + "::" + p.text(name)
				for j := 0; j < int(fields.NamedChildCount()); j++ {
					if f := fields.NamedChild(j); f.Type() == "field_declaration" {
						a.clapField(p, f, sub.args)
					}
				}
			}
		}
		a.subs = append(a.subs, sub)
	}
}

// kebab turns a Rust variant name into clap's default command name.
func kebab(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('-')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// serveCommand picks the subcommand that serves, when the binary has
// subcommands and needs one.
func (a *analyzer) serveCommand() []string {
	if len(a.subs) == 0 {
		return nil
	}
	if a.subOpt || a.builderSubOpt {
		// A builder's subcommand that holds the listener's arguments serves.
		for _, c := range a.clap {
			if !c.builder || !strings.HasPrefix(c.strct, "sub:") {
				continue
			}
			name := c.long
			if c.env != "" {
				name = c.env
			}
			if _, r := classify(name, c.def, c.typ); r != notListen {
				return []string{strings.TrimPrefix(c.strct, "sub:")}
			}
		}
		return nil
	}
	for _, want := range model.ServeVerbs {
		for _, s := range a.subs {
			if s.name == want {
				return []string{s.name}
			}
		}
	}
	return nil
}
