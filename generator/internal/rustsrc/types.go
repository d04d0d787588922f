package rustsrc

import (
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
)

// typeDef is a struct of the crate or of its path dependencies.
type typeDef struct {
	p    *parsed
	node *sitter.Node
}

// fnDef is a function, for the defaults it returns.
type fnDef struct {
	p    *parsed
	node *sitter.Node
}

// collectTypes indexes structs, functions and `impl Default` bodies of
// the crate and its path dependencies.
func (a *analyzer) collectTypes() {
	a.structs = map[string][]typeDef{}
	a.fns = map[string]fnDef{}
	a.defaults = map[string]map[string]string{}
	for _, p := range append(append([]*parsed(nil), a.files...), a.lib...) {
		p.walk(p.root, func(n *sitter.Node) bool {
			switch n.Type() {
			case "struct_item":
				if name := n.ChildByFieldName("name"); name != nil {
					a.structs[p.text(name)] = append(a.structs[p.text(name)], typeDef{p, n})
				}
				return false
			case "function_item":
				if name := n.ChildByFieldName("name"); name != nil {
					if _, ok := a.fns[p.text(name)]; !ok {
						a.fns[p.text(name)] = fnDef{p, n}
					}
				}
				return false
			case "impl_item":
				tr, typ := n.ChildByFieldName("trait"), n.ChildByFieldName("type")
				if tr != nil && typ != nil && p.lastSegment(tr) == "Default" {
					a.implDefault(p, typeName(p.text(typ)), n)
				}
				// Functions of impls count too (Self::default_port).
				return true
			}
			return true
		})
	}
}

// implDefault reads `impl Default for T { fn default() -> Self { Self {
// port: 8020, .. } } }` into T's field defaults.
func (a *analyzer) implDefault(p *parsed, typ string, impl *sitter.Node) {
	fields := map[string]string{}
	p.walk(impl, func(n *sitter.Node) bool {
		if n.Type() != "struct_expression" {
			return true
		}
		name := n.ChildByFieldName("name")
		if name == nil || (p.text(name) != "Self" && typeName(p.text(name)) != typ) {
			return true
		}
		body := n.ChildByFieldName("body")
		for i := 0; body != nil && i < int(body.NamedChildCount()); i++ {
			fi := body.NamedChild(i)
			if fi.Type() != "field_initializer" {
				continue
			}
			f, v := fi.ChildByFieldName("field"), fi.ChildByFieldName("value")
			if f == nil || v == nil {
				continue
			}
			if s, ok := a.value(p, v); ok {
				fields[p.text(f)] = s
			}
		}
		return false
	})
	a.defaults[typ] = fields
}

// typeName is the bare name of a type: Config for crate::config::Config<'a>.
func typeName(t string) string {
	t = strings.TrimSpace(t)
	if i := strings.IndexByte(t, '<'); i >= 0 {
		t = t[:i]
	}
	if i := strings.LastIndex(t, "::"); i >= 0 {
		t = t[i+2:]
	}
	return strings.TrimPrefix(t, "&")
}

// innerType unwraps Option<T>, Box<T>, Result<T, E> and the like: T.
func innerType(t string) (string, string) {
	t = strings.ReplaceAll(t, " ", "")
	i := strings.IndexByte(t, '<')
	if i < 0 || !strings.HasSuffix(t, ">") {
		return "", t
	}
	outer, inner := typeName(t[:i]), t[i+1:len(t)-1]
	depth := 0
	for j, r := range inner {
		switch r {
		case '<':
			depth++
		case '>':
			depth--
		case ',':
			if depth == 0 {
				inner = inner[:j]
				return outer, inner
			}
		}
	}
	return outer, inner
}

// fnValue reads what a function without parameters returns, when it is
// plainly a value: `fn default_port() -> u16 { 5000 }`.
func (a *analyzer) fnValue(name string) (string, bool) {
	f, ok := a.fns[name]
	if !ok || f.node == nil {
		return "", false
	}
	if params := paramNames(f.p, f.node); len(params) > 0 {
		return "", false
	}
	body := f.node.ChildByFieldName("body")
	if body == nil || body.NamedChildCount() == 0 {
		return "", false
	}
	last := body.NamedChild(int(body.NamedChildCount()) - 1)
	if a.inFn == nil {
		a.inFn = map[string]bool{}
	}
	if a.inFn[name] {
		return "", false
	}
	a.inFn[name] = true
	defer delete(a.inFn, name)
	return a.value(f.p, last)
}

// exprValue reads a default written as Rust source inside a string, as
// derive_builder's `#[builder(default = r#"String::from("::")"#)]`.
func (a *analyzer) exprValue(src string) (string, bool) {
	ps, err := parse([]File{{Path: "attr", Src: []byte("const X: T = " + src + ";")}})
	if err != nil || len(ps) != 1 {
		return "", false
	}
	root := ps[0].root
	if root.NamedChildCount() != 1 {
		return "", false
	}
	v := root.NamedChild(0).ChildByFieldName("value")
	if v == nil || root.HasError() {
		return "", false
	}
	return a.value(ps[0], v)
}

// confField is one leaf of a configuration struct: its key in the file,
// the variable that sets it and its default.
type confField struct {
	key      string // dotted, from the top of the file
	field    string // the Rust field's name
	env      string
	def      string
	hasDef   bool
	optional bool // Option<T>, a list or a map: absent is fine
	// inOptional: a section that holds it may be absent (an Option or a
	// field with a default), so the file need not have it.
	inOptional bool
	typ        string
	required   bool
	at         string
}

// fields walks a configuration struct into its leaves.
func (a *analyzer) structFields(src *configSource, typ string, keys []string, depth int, out *[]confField) {
	defs, ok := a.structs[typ]
	if !ok || depth > 4 {
		return
	}
	def := defs[0]
	p, n := def.p, def.node
	structDefault := false
	renameAll := ""
	for _, attr := range p.attributes(n) {
		t := strings.ReplaceAll(attr, " ", "")
		if strings.HasPrefix(t, "#[serde(") {
			if strings.Contains(t, "(default") || strings.Contains(t, ",default") {
				structDefault = true
			}
			if i := strings.Index(t, "rename_all="); i >= 0 {
				renameAll, _ = quoted(t[i:])
			}
		}
	}
	implDefs := a.defaults[typ]
	body := n.ChildByFieldName("body")
	if body == nil || body.Type() != "field_declaration_list" {
		return
	}
	for i := 0; i < int(body.NamedChildCount()); i++ {
		f := body.NamedChild(i)
		if f.Type() != "field_declaration" {
			continue
		}
		name, ft := f.ChildByFieldName("name"), f.ChildByFieldName("type")
		if name == nil || ft == nil {
			continue
		}
		c := confField{field: p.text(name), typ: strings.ReplaceAll(p.text(ft), " ", ""), at: p.at(f)}
		key := renamed(c.field, renameAll)
		skip, flatten := false, false
		if v, ok := implDefs[c.field]; ok {
			c.def, c.hasDef = v, true
		} else if structDefault || src.defaulted {
			c.hasDef = true
		}
		for _, attr := range p.attributes(f) {
			tree := tokenTree(f, attr, p)
			t := strings.TrimPrefix(attr, "#[")
			if tree == nil {
				continue
			}
			switch {
			case strings.HasPrefix(t, "serde("):
				for _, kv := range p.tokens(tree) {
					switch kv.key {
					case "skip", "skip_deserializing":
						skip = true
					case "flatten":
						flatten = true
					case "rename", "alias":
						if kv.key == "rename" && kv.node != nil {
							if s, ok := p.stringValue(kv.node); ok {
								key = s
							}
						}
					case "default":
						c.hasDef = true
						if kv.node != nil {
							if fn, ok := p.stringValue(kv.node); ok {
								if v, ok := a.fnValue(lastPathSegment(fn)); ok {
									c.def = v
								}
							}
						}
					}
				}
			case strings.HasPrefix(t, "builder("):
				for _, kv := range p.tokens(tree) {
					if kv.key != "default" {
						continue
					}
					c.hasDef = true
					if kv.node != nil {
						if s, ok := p.stringValue(kv.node); ok {
							if v, ok := a.exprValue(s); ok {
								c.def = v
							}
						}
					}
				}
			case strings.HasPrefix(t, "default("): // SmartDefault
				if tree.NamedChildCount() == 1 {
					if v, ok := a.value(p, tree.NamedChild(0)); ok {
						c.def, c.hasDef = v, true
					}
				} else if v, ok := a.tokenCall(p, tree); ok {
					c.def, c.hasDef = v, true
				}
			}
		}
		if skip {
			continue
		}
		outer, inner := innerType(c.typ)
		switch outer {
		case "Option":
			c.optional = true
		case "Vec", "HashMap", "BTreeMap", "HashSet", "BTreeSet", "IndexMap":
			c.optional = true
			inner = ""
		case "":
		default:
			inner = c.typ
		}
		nested := typeName(inner)
		if _, ok := a.structs[nested]; !ok && flatten {
			a.unknowns = append(a.unknowns, c.at+": a flattened configuration struct "+nested+" nixgen does not have the source of")
			continue
		}
		if _, ok := a.structs[nested]; ok && nested != typ {
			if flatten {
				a.structFields(src, nested, keys, depth+1, out)
				continue
			}
			n := len(*out)
			a.structFields(src, nested, append(append([]string(nil), keys...), key), depth+1, out)
			if c.optional || c.hasDef {
				for i := n; i < len(*out); i++ {
					(*out)[i].inOptional = true
				}
			}
			continue
		}
		c.key = strings.Join(append(append([]string(nil), keys...), key), ".")
		if src.envPrefix != "" || src.envAll {
			if len(keys) == 0 || src.envSep != "" {
				parts := append(append([]string(nil), keys...), key)
				env := src.envPrefix + strings.ToUpper(strings.ReplaceAll(strings.Join(parts, src.envSep), "-", "_"))
				if isEnvName(env) {
					c.env = env
				}
			}
		}
		if v, ok := src.setDefaults[c.key]; ok {
			c.def, c.hasDef = v, true
		}
		*out = append(*out, c)
	}
}

// tokenCall reads a token tree holding a call of a function without
// arguments: `#[default(default_port())]`.
func (a *analyzer) tokenCall(p *parsed, tree *sitter.Node) (string, bool) {
	t := strings.TrimSpace(p.text(tree))
	t = strings.TrimSuffix(strings.TrimPrefix(t, "("), ")")
	if strings.HasSuffix(t, "()") {
		return a.fnValue(lastPathSegment(strings.TrimSuffix(t, "()")))
	}
	return "", false
}

func lastPathSegment(s string) string {
	if i := strings.LastIndex(s, "::"); i >= 0 {
		return s[i+2:]
	}
	return s
}

func isEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// renamed applies serde's rename_all to a field name.
func renamed(field, rule string) string {
	switch rule {
	case "kebab-case":
		return strings.ReplaceAll(field, "_", "-")
	case "camelCase", "PascalCase":
		parts := strings.Split(field, "_")
		for i, w := range parts {
			if (i > 0 || rule == "PascalCase") && w != "" {
				parts[i] = strings.ToUpper(w[:1]) + w[1:]
			}
		}
		return strings.Join(parts, "")
	case "SCREAMING_SNAKE_CASE":
		return strings.ToUpper(field)
	case "lowercase":
		return strings.ToLower(field)
	case "UPPERCASE":
		return strings.ToUpper(field)
	}
	return field
}
