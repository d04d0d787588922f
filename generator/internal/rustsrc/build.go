package rustsrc

import (
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
)

// What a build needs of its features, read from the source: the
// compile_error! guards that stop a build without the right ones, and the
// downloads a build script makes, which the Nix sandbox forbids.

// Guard is a compile_error! the crate compiles when When holds: the build
// fails unless its features make When false.
type Guard struct {
	When    Cfg
	Message string // on one line, whole: it may name the feature to use
	At      string
}

// Guards finds the compile_error! invocations of a crate's sources (test
// code left out) and the cfg predicates that guard them.
func Guards(files []File) ([]Guard, error) {
	ps, err := parse(files)
	if err != nil {
		return nil, err
	}
	var out []Guard
	for _, p := range withoutTestModules(ps) {
		p.walk(p.root, func(n *sitter.Node) bool {
			if n.Type() != "macro_invocation" {
				return true
			}
			m := n.ChildByFieldName("macro")
			if m == nil || p.lastSegment(m) != "compile_error" {
				return true
			}
			g := Guard{When: p.attrGuard(n), At: p.at(n)}
			if g.When.Op == "true" {
				return false // unconditional: not a feature guard
			}
			for i := 0; i < int(n.NamedChildCount()); i++ {
				if tt := n.NamedChild(i); tt.Type() == "token_tree" {
					for j := 0; j < int(tt.NamedChildCount()); j++ {
						if s, ok := p.stringValue(tt.NamedChild(j)); ok {
							g.Message = strings.Join(strings.Fields(s), " ")
							break
						}
					}
				}
			}
			out = append(out, g)
			return false
		})
	}
	return out, nil
}

// attrGuard is the conjunction of the cfg attributes on n and on every item
// or statement around it.
func (p *parsed) attrGuard(n *sitter.Node) Cfg {
	g := Always
	for a := n; a != nil; a = a.Parent() {
		g = g.And(p.guardOf(a))
	}
	return g
}

// Download is a network fetch in a build script, which the Nix sandbox
// forbids: the build fails when When holds.
type Download struct {
	Via  string // "reqwest", "curl (command)", ...
	When Cfg
	At   string
}

// downloadCrates are HTTP clients a build script downloads with.
var downloadCrates = map[string]bool{
	"reqwest": true, "ureq": true, "curl": true, "attohttpc": true, "minreq": true, "isahc": true,
}

// downloadCommands are programs a build script downloads with.
var downloadCommands = map[string]bool{"curl": true, "wget": true}

// Downloads finds the network fetches of a build script and the features
// that make it run them: #[cfg(feature)] attributes and `cfg!` or
// CARGO_FEATURE_* conditions around the fetch, an early return before it,
// and the same around every call of the function that makes it.
// features are the crate's own, to read CARGO_FEATURE_* variables back.
func Downloads(script File, features []string) ([]Download, error) {
	ps, err := parse([]File{script})
	if err != nil {
		return nil, err
	}
	p := ps[0]
	b := &buildScript{p: p, features: features, fns: map[string]*sitter.Node{}, gates: map[string]Cfg{}, busy: map[string]bool{}}
	imported := map[string]string{} // a name `use`d from an HTTP client crate -> the crate
	p.walkAll(p.root, func(n *sitter.Node) bool {
		switch n.Type() {
		case "function_item":
			if name := n.ChildByFieldName("name"); name != nil {
				b.fns[p.text(name)] = n
			}
		case "use_declaration":
			text := strings.ReplaceAll(p.text(n), " ", "")
			root, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(text, "use"), "::"), "::")
			if downloadCrates[root] {
				for _, id := range identifiers(p, n) {
					if id != root {
						imported[id] = root
					}
				}
			}
			return false
		}
		return true
	})
	var out []Download
	seen := map[string]bool{}
	p.walkAll(p.root, func(n *sitter.Node) bool {
		via := ""
		switch n.Type() {
		case "use_declaration", "attribute_item":
			return false
		case "scoped_identifier", "scoped_type_identifier":
			root := n
			for root.ChildByFieldName("path") != nil {
				root = root.ChildByFieldName("path")
			}
			if c := p.text(root); downloadCrates[c] {
				via = c
			} else if c := imported[p.text(root)]; c != "" {
				via = c
			}
		case "call_expression":
			if fn := n.ChildByFieldName("function"); fn != nil {
				if c := imported[p.text(fn)]; c != "" && fn.Type() == "identifier" {
					via = c
				}
				if p.lastSegment(fn) == "new" && strings.HasSuffix(p.text(fn), "Command::new") {
					if as := args(n); len(as) == 1 {
						if s, ok := p.stringValue(as[0]); ok && downloadCommands[s] {
							via = s + " (command)"
						}
					}
				}
			}
		}
		if via == "" {
			return true
		}
		d := Download{Via: via, When: b.gate(n), At: p.at(n)}
		if key := d.Via + "\x00" + d.When.String(); !seen[key] {
			seen[key] = true
			out = append(out, d)
		}
		return false
	})
	return out, nil
}

// buildScript is a build script being read for the conditions its code
// runs under.
type buildScript struct {
	p        *parsed
	features []string
	fns      map[string]*sitter.Node
	gates    map[string]Cfg
	busy     map[string]bool
}

// gate is the condition under which n runs: the conditions inside its
// function, and those of the function's callers (main always runs).
func (b *buildScript) gate(n *sitter.Node) Cfg {
	g := Always
	var fn *sitter.Node
	for a := n; a != nil; a = a.Parent() {
		g = g.And(b.p.guardOf(a))
		if c, ok := b.branch(a); ok {
			g = g.And(c)
		}
		if c, ok := b.afterReturn(a); ok {
			g = g.And(c)
		}
		if a.Type() == "function_item" && fn == nil {
			fn = a
		}
	}
	if fn == nil {
		return g
	}
	name := b.p.text(fn.ChildByFieldName("name"))
	return g.And(b.fnGate(name))
}

// fnGate is the condition under which the function named name runs: any
// of its call sites' conditions.
func (b *buildScript) fnGate(name string) Cfg {
	if name == "main" {
		return Always
	}
	if g, ok := b.gates[name]; ok {
		return g
	}
	if b.busy[name] {
		return Always // recursion: no condition to add
	}
	b.busy[name] = true
	defer delete(b.busy, name)
	var sites []Cfg
	b.p.walkAll(b.p.root, func(n *sitter.Node) bool {
		if n.Type() == "call_expression" {
			if fn := n.ChildByFieldName("function"); fn != nil && b.p.lastSegment(fn) == name {
				sites = append(sites, b.gate(n))
			}
		}
		return true
	})
	g := Always // never called by name: it may run however it is reached
	switch len(sites) {
	case 0:
	case 1:
		g = sites[0]
	default:
		g = Cfg{Op: "any", Args: sites}
		for _, s := range sites {
			if s.Op == "true" {
				g = Always
			}
		}
	}
	b.gates[name] = g
	return g
}

// branch is the condition of the if-expression whose consequence (or, negated,
// whose alternative) is n.
func (b *buildScript) branch(n *sitter.Node) (Cfg, bool) {
	parent := n.Parent()
	if parent == nil {
		return Cfg{}, false
	}
	if parent.Type() == "else_clause" {
		if ifx := parent.Parent(); ifx != nil && ifx.Type() == "if_expression" {
			return b.condition(ifx.ChildByFieldName("condition")).Not(), true
		}
	}
	if parent.Type() == "if_expression" && parent.ChildByFieldName("consequence") != nil && parent.ChildByFieldName("consequence").Equal(n) {
		return b.condition(parent.ChildByFieldName("condition")), true
	}
	return Cfg{}, false
}

// afterReturn is the condition under which statement n is reached when a
// statement before it in its block returns early: `if !cfg!(feature = "x")
// { return; }`.
func (b *buildScript) afterReturn(n *sitter.Node) (Cfg, bool) {
	if n.Parent() == nil || n.Parent().Type() != "block" {
		return Cfg{}, false
	}
	var conds []Cfg
	for s := n.PrevNamedSibling(); s != nil; s = s.PrevNamedSibling() {
		ifx := s
		if s.Type() == "expression_statement" && s.NamedChildCount() > 0 {
			ifx = s.NamedChild(0)
		}
		if ifx.Type() != "if_expression" || ifx.ChildByFieldName("alternative") != nil {
			continue
		}
		if body := ifx.ChildByFieldName("consequence"); body != nil && returns(body) {
			conds = append(conds, b.condition(ifx.ChildByFieldName("condition")).Not())
		}
	}
	switch len(conds) {
	case 0:
		return Cfg{}, false
	case 1:
		return conds[0], true
	}
	return Cfg{Op: "all", Args: conds}, true
}

// returns reports whether a block ends by leaving the function.
func returns(block *sitter.Node) bool {
	for i := int(block.NamedChildCount()) - 1; i >= 0; i-- {
		c := block.NamedChild(i)
		if c.Type() == "line_comment" || c.Type() == "block_comment" {
			continue
		}
		if c.Type() == "expression_statement" && c.NamedChildCount() > 0 {
			c = c.NamedChild(0)
		}
		return c.Type() == "return_expression"
	}
	return false
}

// condition reads an if-condition as a predicate on features: cfg!(...),
// CARGO_FEATURE_* variables, !, && and ||; anything else is unknown.
func (b *buildScript) condition(n *sitter.Node) Cfg {
	p := b.p
	if n == nil {
		return Cfg{Op: "other", Name: "?"}
	}
	switch n.Type() {
	case "parenthesized_expression":
		if n.NamedChildCount() == 1 {
			return b.condition(n.NamedChild(0))
		}
	case "unary_expression":
		if strings.HasPrefix(p.text(n), "!") && n.NamedChildCount() == 1 {
			return b.condition(n.NamedChild(0)).Not()
		}
	case "binary_expression":
		op := n.ChildByFieldName("operator")
		l, r := n.ChildByFieldName("left"), n.ChildByFieldName("right")
		if op != nil && l != nil && r != nil {
			switch p.text(op) {
			case "&&":
				return Cfg{Op: "all", Args: []Cfg{b.condition(l), b.condition(r)}}
			case "||":
				return Cfg{Op: "any", Args: []Cfg{b.condition(l), b.condition(r)}}
			}
		}
	case "macro_invocation":
		if m := n.ChildByFieldName("macro"); m != nil && p.lastSegment(m) == "cfg" {
			for i := 0; i < int(n.NamedChildCount()); i++ {
				if tt := n.NamedChild(i); tt.Type() == "token_tree" {
					if list := p.cfgList(tt); len(list) == 1 {
						return list[0]
					}
				}
			}
		}
	case "call_expression":
		// env::var("CARGO_FEATURE_X").is_ok() and friends.
		fn := n.ChildByFieldName("function")
		if fn == nil || fn.Type() != "field_expression" {
			break
		}
		method := p.text(fn.ChildByFieldName("field"))
		inner := fn.ChildByFieldName("value")
		if inner == nil || inner.Type() != "call_expression" {
			break
		}
		read := p.lastSegment(inner.ChildByFieldName("function"))
		as := args(inner)
		if (read != "var" && read != "var_os") || len(as) != 1 {
			break
		}
		name, ok := p.stringValue(as[0])
		if !ok || !strings.HasPrefix(name, "CARGO_FEATURE_") {
			break
		}
		f := b.featureOfEnv(strings.TrimPrefix(name, "CARGO_FEATURE_"))
		switch method {
		case "is_ok", "is_some":
			return f
		case "is_err", "is_none":
			return f.Not()
		}
	}
	return Cfg{Op: "other", Name: oneLine(p.text(n))}
}

// featureOfEnv maps the X of CARGO_FEATURE_X back to the crate's feature
// (Cargo upper-cases the name and turns - into _).
func (b *buildScript) featureOfEnv(x string) Cfg {
	for _, f := range b.features {
		if strings.ToUpper(strings.ReplaceAll(f, "-", "_")) == x {
			return Cfg{Op: "feature", Name: f}
		}
	}
	return Cfg{Op: "other", Name: "CARGO_FEATURE_" + x}
}

// walkAll visits every node below n in source order, test code included.
func (p *parsed) walkAll(n *sitter.Node, visit func(*sitter.Node) bool) {
	for i := 0; i < int(n.NamedChildCount()); i++ {
		c := n.NamedChild(i)
		if visit(c) {
			p.walkAll(c, visit)
		}
	}
}

// identifiers are the names a node binds or mentions.
func identifiers(p *parsed, n *sitter.Node) []string {
	var out []string
	p.walkAll(n, func(c *sitter.Node) bool {
		switch c.Type() {
		case "identifier", "type_identifier":
			out = append(out, p.text(c))
		}
		return true
	})
	return out
}
