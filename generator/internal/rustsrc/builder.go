package rustsrc

import (
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/nixgen/nixgen/generator/internal/ident"
)

// collectClapBuilder reads clap's builder API: `Arg::new("port")
// .long("port").env("APP_PORT").default_value("5000")` and `arg!(--port
// <PORT>)`, each with the methods chained on it, and the subcommands
// built by `Command::new("serve")` that hold them.
func (a *analyzer) collectClapBuilder() {
	for _, p := range a.files {
		p.walk(p.root, func(n *sitter.Node) bool {
			switch n.Type() {
			case "call_expression":
				fn := n.ChildByFieldName("function")
				if fn == nil || fn.Type() != "scoped_identifier" {
					return true
				}
				path := fn.ChildByFieldName("path")
				name := p.lastSegment(fn)
				if path == nil || (name != "new" && name != "with_name") {
					return true
				}
				switch p.lastSegment(path) {
				case "Arg":
					if as := args(n); len(as) == 1 {
						if id, ok := a.str(p, as[0]); ok {
							a.builderArg(p, n, clapArg{field: strings.ReplaceAll(id, "-", "_"), at: p.at(n)})
						}
					}
				case "Command", "App", "SubCommand":
					a.builderCommand(p, n)
				}
			case "macro_invocation":
				if m := n.ChildByFieldName("macro"); m != nil && p.lastSegment(m) == "arg" || m != nil && p.text(m) == "arg" {
					if c, ok := a.argMacro(p, n); ok {
						a.builderArg(p, n, c)
					}
					return false
				}
			}
			return true
		})
	}
}

// argMacro reads `arg!(-p --port <PORT> "help")`: the long flag, and
// whether it takes a value.
func (a *analyzer) argMacro(p *parsed, n *sitter.Node) (clapArg, bool) {
	var tree *sitter.Node
	for i := 0; i < int(n.NamedChildCount()); i++ {
		if c := n.NamedChild(i); c.Type() == "token_tree" {
			tree = c
		}
	}
	if tree == nil {
		return clapArg{}, false
	}
	// The usage part ends where the help string starts.
	end := tree.EndByte() - 1
	for i := 0; i < int(tree.NamedChildCount()); i++ {
		if c := tree.NamedChild(i); c.Type() == "string_literal" || c.Type() == "raw_string_literal" {
			end = c.StartByte()
			break
		}
	}
	usage := string(p.src[tree.StartByte()+1 : end])
	c := clapArg{at: p.at(n), typ: "bool"}
	for _, w := range strings.Fields(usage) {
		w = strings.Trim(w, ",")
		switch {
		case strings.HasPrefix(w, "--"):
			name := strings.TrimPrefix(w, "--")
			if !ident.FlagName(name) {
				return clapArg{}, false
			}
			c.long, c.field = "--"+name, strings.ReplaceAll(name, "-", "_")
		case strings.HasPrefix(w, "<") || strings.HasPrefix(w, "["):
			c.typ = ""
			if c.field == "" {
				c.field = strings.Trim(w, "<>[].")
			}
		}
	}
	return c, c.field != ""
}

// builderArg follows the methods chained on an Arg.
func (a *analyzer) builderArg(p *parsed, n *sitter.Node, c clapArg) {
	c.strct = a.builderOwner(p, n)
	for call := n; ; {
		method, next, as := chained(p, call)
		if next == nil {
			break
		}
		call = next
		switch method {
		case "long":
			if len(as) == 1 {
				if s, ok := a.str(p, as[0]); ok && ident.FlagName(s) {
					c.long = "--" + s
				}
			}
		case "env":
			if len(as) == 1 {
				if s, ok := a.str(p, as[0]); ok && ident.EnvName(s) {
					c.env = s
				} else {
					a.unknown(p, call, "an Arg's env(...) that is not a variable name nixgen can read")
				}
			}
		case "default_value", "default_value_t", "default_value_os":
			if len(as) == 1 {
				c.hasDef = true
				if v, ok := a.value(p, as[0]); ok {
					c.def = v
				}
			}
		case "required":
			c.required = len(as) == 1 && p.text(as[0]) == "true"
		case "action":
			if len(as) == 1 {
				switch t := p.text(as[0]); {
				case strings.HasSuffix(t, "SetTrue"), strings.HasSuffix(t, "SetFalse"), strings.HasSuffix(t, "Count"):
					c.typ = "bool"
				case strings.HasSuffix(t, "Set"), strings.HasSuffix(t, "Append"):
					c.typ = ""
				}
			}
		case "takes_value":
			if len(as) == 1 && p.text(as[0]) == "false" {
				c.typ = "bool"
			}
		}
	}
	if c.def == "true" || c.def == "false" {
		c.typ = "bool"
	}
	c.builder = true
	a.clap = append(a.clap, c)
}

// chained returns the method called on call's value (`x.long("p")` for
// x), that call, and its arguments; "" and nil at the end of the chain.
func chained(p *parsed, call *sitter.Node) (string, *sitter.Node, []*sitter.Node) {
	parent := call.Parent()
	if parent == nil || parent.Type() != "field_expression" {
		return "", nil, nil
	}
	next := parent.Parent()
	if next == nil || next.Type() != "call_expression" {
		return "", nil, nil
	}
	field := parent.ChildByFieldName("field")
	if field == nil {
		return "", nil, nil
	}
	return p.text(field), next, args(next)
}

// builderOwner names the subcommand an Arg is added to: "sub:serve" for
// an argument of `Command::new("serve")` passed to .subcommand(...), ""
// for the top-level command.
func (a *analyzer) builderOwner(p *parsed, n *sitter.Node) string {
	for c := n.Parent(); c != nil; c = c.Parent() {
		if c.Type() == "function_item" {
			return ""
		}
		if c.Type() != "arguments" {
			continue
		}
		call := c.Parent()
		if call == nil || call.Type() != "call_expression" || p.lastSegment(call.ChildByFieldName("function")) != "subcommand" {
			continue
		}
		// The argument of .subcommand(...) holding n starts with Command::new("name").
		for i := 0; i < int(c.NamedChildCount()); i++ {
			arg := c.NamedChild(i)
			if arg.StartByte() <= n.StartByte() && n.EndByte() <= arg.EndByte() {
				if name, ok := a.commandName(p, arg); ok {
					return "sub:" + name
				}
			}
		}
	}
	return ""
}

// commandName reads the name of the command a builder chain starts with.
func (a *analyzer) commandName(p *parsed, n *sitter.Node) (string, bool) {
	for n != nil && n.Type() == "call_expression" {
		fn := n.ChildByFieldName("function")
		if fn == nil {
			return "", false
		}
		if fn.Type() == "field_expression" {
			n = fn.ChildByFieldName("value")
			continue
		}
		if fn.Type() == "scoped_identifier" {
			if as := args(n); len(as) == 1 {
				return a.str(p, as[0])
			}
		}
		return "", false
	}
	return "", false
}

// builderCommand records a subcommand built with Command::new("name")
// passed to .subcommand(...), and whether the top command requires one.
func (a *analyzer) builderCommand(p *parsed, n *sitter.Node) {
	top := n
	for {
		_, next, _ := chained(p, top)
		if next == nil {
			break
		}
		top = next
	}
	parent := top.Parent()
	if parent != nil && parent.Type() == "arguments" {
		if call := parent.Parent(); call != nil && p.lastSegment(call.ChildByFieldName("function")) == "subcommand" {
			if name, ok := a.commandName(p, n); ok {
				a.subs = append(a.subs, subcommand{name: name, args: "sub:" + name})
			}
			return
		}
	}
	required, clap := false, p.lastSegment(n.ChildByFieldName("function").ChildByFieldName("path")) == "SubCommand"
	for call := n; ; {
		method, next, as := chained(p, call)
		if next == nil {
			break
		}
		call = next
		switch method {
		case "arg", "args", "subcommand", "about", "version", "author", "get_matches", "try_get_matches":
			clap = true // std::process::Command::new has none of these
		}
		if (method == "subcommand_required" || method == "arg_required_else_help") && len(as) == 1 && p.text(as[0]) == "true" {
			required = true
		}
		if method == "setting" && len(as) == 1 && strings.HasSuffix(p.text(as[0]), "SubcommandRequired") {
			required = true
		}
	}
	if clap && !required {
		a.builderSubOpt = true
	}
}
