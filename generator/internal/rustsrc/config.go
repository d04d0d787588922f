package rustsrc

import (
	"path"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
)

// configSource is where one function of the program reads a
// configuration struct from: figment, config-rs, envy or a serde format
// crate over a file.
type configSource struct {
	typ       string // the struct it fills
	envPrefix string // APP_ for Env::prefixed("APP_")
	envAll    bool   // every variable, without a prefix
	envSep    string // the separator of nested keys in a variable's name
	defaulted bool   // Serialized::defaults: every field has its default
	// setDefaults are config-rs's .set_default("key", value).
	setDefaults map[string]setDefault
	format      string // toml, yaml or json
	path        string // the file's literal path
	file        bool   // a file is read
	required    bool   // the program stops without the file
	at          string
}

// setDefault is config-rs's default for a key: its value when nixgen
// can read it, and the expression it is read from.
type setDefault struct {
	value string
	known bool
	expr  expr
}

// formats maps the crates and providers that parse a file to its format.
var formats = map[string]string{
	"toml": "toml", "serde_yaml": "yaml", "serde_yml": "yaml", "serde_norway": "yaml", "serde_json": "json", "json5": "json",
	"Toml": "toml", "Yaml": "yaml", "Json": "json",
}

// collectConfig finds the functions that read a configuration struct and
// walks the struct into settings and listener keys.
func (a *analyzer) collectConfig() {
	// A path dependency's function counts when the program calls it
	// (garage_util::config::read_config).
	called := map[string]bool{}
	for _, p := range a.files {
		p.walk(p.root, func(n *sitter.Node) bool {
			if n.Type() == "call_expression" {
				called[p.lastSegment(n.ChildByFieldName("function"))] = true
			}
			return true
		})
	}
	for _, p := range append(append([]*parsed(nil), a.files...), a.lib...) {
		lib := !a.isProgram(p)
		p.walk(p.root, func(n *sitter.Node) bool {
			if n.Type() != "function_item" {
				return true
			}
			if name := n.ChildByFieldName("name"); lib && (name == nil || !called[p.text(name)]) {
				return false
			}
			a.confs = append(a.confs, a.configIn(p, n)...)
			return false
		})
	}
	byKey := map[string]int{}
	for i := range a.confs {
		src := &a.confs[i]
		if src.typ == "" {
			continue
		}
		var leaves []confField
		a.structFields(src, src.typ, nil, 0, src.defaulted, &leaves)
		// A field without a default must be set; by its variable, unless a
		// file the program needs can set it.
		envLayer := (src.envPrefix != "" || src.envAll) && !src.required
		for _, f := range leaves {
			f.required = envLayer && !f.hasDef && !f.optional && f.typ != "bool"
			// Read from a file the program needs, a field without a default
			// must be in it: deserialising fails without it.
			if src.file && src.required && !envLayer && !f.hasDef && !f.optional && !f.inOptional && f.key != "" {
				a.requiredKeys = append(a.requiredKeys, f.key)
			}
			if k := f.fileKey; src.file && k != nil {
				if _, ok := a.fileKeys[k.Key]; !ok {
					a.fileKeys[k.Key] = *k
				}
			}
			if i, ok := byKey[f.key]; ok {
				// Two functions read the same struct: one field.
				g := &a.fields[i]
				if g.env == "" {
					g.env, g.required = f.env, f.required
				}
				if !g.hasDef || g.def == "" && f.def != "" {
					g.def, g.hasDef = f.def, f.hasDef
				}
				continue
			}
			byKey[f.key] = len(a.fields)
			a.fields = append(a.fields, f)
		}
	}
	a.unwrappedFields()
	for _, f := range a.fields {
		if f.env == "" {
			continue
		}
		a.addRead(envRead{name: f.env, def: f.def, hasDefault: !f.required && (f.hasDef || f.optional), required: f.required, at: f.at})
		if s := a.settings[f.env]; s.key == "" {
			s.key = f.key
		}
	}
}

// configIn reads one function's configuration source, nil when it has
// none.
func (a *analyzer) configIn(p *parsed, fn *sitter.Node) []configSource {
	body := fn.ChildByFieldName("body")
	if body == nil {
		return nil
	}
	var src configSource
	var extra []configSource
	seen := false
	p.walk(body, func(n *sitter.Node) bool {
		if n.Type() == "closure_expression" || n.Type() == "function_item" {
			return n.Type() != "function_item"
		}
		if n.Type() != "call_expression" {
			return true
		}
		f := n.ChildByFieldName("function")
		if f == nil {
			return true
		}
		as := args(n)
		fp := strings.ReplaceAll(p.text(f), " ", "")
		if f.Type() == "generic_function" {
			if inner := f.ChildByFieldName("function"); inner != nil {
				fp = strings.ReplaceAll(p.text(inner), " ", "")
			}
		}
		last := p.lastSegment(f)
		switch {
		case strings.HasSuffix(fp, "Env::prefixed") || strings.HasSuffix(fp, "envy::prefixed"):
			if len(as) == 1 {
				if s, ok := a.str(p, as[0]); ok {
					src.envPrefix, seen = s, true
					src.at = p.at(n)
				}
			}
			a.envChain(p, n, &src, "")
		case strings.HasSuffix(fp, "Env::raw") || fp == "envy::from_env" || strings.HasSuffix(fp, "Environment::default") || strings.HasSuffix(fp, "Environment::new"):
			src.envAll, seen = true, true
			src.at = p.at(n)
			a.envChain(p, n, &src, "")
		case strings.HasSuffix(fp, "Environment::with_prefix"):
			if len(as) == 1 {
				if s, ok := a.str(p, as[0]); ok {
					seen = true
					src.at = p.at(n)
					a.envChain(p, n, &src, strings.ToUpper(s))
				}
			}
		case strings.HasSuffix(fp, "Serialized::defaults"):
			src.defaulted, seen = true, true
			if len(as) == 1 && src.typ == "" {
				src.typ = a.constructed(p, as[0])
			}
		case last == "set_default" && len(as) == 2:
			if k, ok := a.str(p, as[0]); ok {
				if src.setDefaults == nil {
					src.setDefaults = map[string]setDefault{}
				}
				// A default nixgen cannot read is still one.
				v, ok := a.value(p, as[1])
				src.setDefaults[k] = setDefault{value: v, known: ok, expr: expr{p, as[1]}}
			}
		case strings.HasSuffix(fp, "Toml::file") || strings.HasSuffix(fp, "Yaml::file") || strings.HasSuffix(fp, "Json::file"):
			src.format = formats[lastPathSegment(strings.TrimSuffix(fp, "::file"))]
			src.file, seen = true, true
			if len(as) == 1 {
				src.path, _ = a.str(p, as[0])
			}
		case strings.HasSuffix(fp, "File::with_name") || strings.HasSuffix(fp, "File::new") || strings.HasSuffix(fp, "File::from") && inAddSource(p, n):
			if strings.HasSuffix(fp, "File::new") && len(as) < 2 {
				return true // std's File has no new
			}
			src.file, seen = true, true
			src.required = !conditional(p, n, body) && !chainedFalse(p, n, "required") && !a.calledConditionally(p, fn)
			if len(as) >= 1 {
				if s, ok := a.str(p, as[0]); ok {
					src.path = s
					src.format = formats[strings.TrimPrefix(path.Ext(s), ".")]
				}
			}
			if len(as) == 2 {
				src.format = strings.ToLower(p.lastSegment(as[1]))
			}
		case last == "try_deserialize" || last == "try_into" && src.file || last == "extract" || last == "from_env" || last == "deserialize" && src.file:
			if t := a.target(p, n, fn); t != "" {
				src.typ = t
			}
		default:
			if i := strings.Index(fp, "::"); i > 0 && formats[fp[:i]] != "" && strings.HasPrefix(last, "from_") {
				// Only a struct named like a configuration: serde_json also
				// reads data.
				t := a.target(p, n, fn)
				if t == "" || !configish(t) && !configish(p.text(fn.ChildByFieldName("name"))) {
					return true
				}
				// A file parsed on its own: a source of its own.
				extra = append(extra, configSource{typ: t, format: formats[fp[:i]], file: true, at: p.at(n),
					required: !conditional(p, n, body) && !a.calledConditionally(p, fn)})
			}
		}
		return true
	})
	if !seen {
		return extra
	}
	if src.at == "" {
		src.at = p.at(fn)
	}
	return append([]configSource{src}, extra...)
}

// envChain reads .split("__"), .separator("__") and .prefix_separator("_")
// chained on an environment provider; prefix is config-rs's prefix, which
// the prefix separator follows.
func (a *analyzer) envChain(p *parsed, n *sitter.Node, src *configSource, prefix string) {
	prefixSep := ""
	for call := n; ; {
		method, next, as := chained(p, call)
		if next == nil {
			break
		}
		call = next
		if len(as) != 1 {
			continue
		}
		s, ok := a.str(p, as[0])
		if !ok {
			continue
		}
		switch method {
		case "split", "separator":
			src.envSep = s
		case "prefix_separator":
			prefixSep = s
		}
	}
	if prefix != "" {
		if prefixSep == "" {
			prefixSep = src.envSep // config-rs: the separator, else _
			if prefixSep == "" {
				prefixSep = "_"
			}
		}
		src.envPrefix = prefix + prefixSep
	}
}

// constructed names the type of `T::default()`, `TBuilder::default()
// .build()` or `T { .. }`.
func (a *analyzer) constructed(p *parsed, n *sitter.Node) string {
	var typ string
	p.walk(n, func(c *sitter.Node) bool {
		if typ != "" {
			return false
		}
		switch c.Type() {
		case "scoped_identifier":
			if path := c.ChildByFieldName("path"); path != nil {
				t := p.lastSegment(path)
				if p.text(path) == "Self" {
					t = implType(p, c)
				}
				if _, ok := a.structs[t]; ok {
					typ = t
				} else if _, ok := a.structs[strings.TrimSuffix(t, "Builder")]; ok && strings.HasSuffix(t, "Builder") {
					typ = strings.TrimSuffix(t, "Builder")
				}
			}
		case "struct_expression":
			if name := c.ChildByFieldName("name"); name != nil {
				typ = typeName(p.text(name))
			}
		}
		return true
	})
	return typ
}

// target reads the type a parsing call fills: a turbofish, the type of the
// let it is bound to, the type of the variable it is assigned to, or the
// function's return type.
func (a *analyzer) target(p *parsed, call, fn *sitter.Node) string {
	if f := call.ChildByFieldName("function"); f != nil && f.Type() == "generic_function" {
		if ta := f.ChildByFieldName("type_arguments"); ta != nil && ta.NamedChildCount() > 0 {
			return a.known(p, call, p.text(ta.NamedChild(0)))
		}
	}
	for n := call.Parent(); n != nil && n != fn; n = n.Parent() {
		switch n.Type() {
		case "let_declaration":
			if t := n.ChildByFieldName("type"); t != nil {
				return a.known(p, call, p.text(t))
			}
			return ""
		case "assignment_expression":
			left := n.ChildByFieldName("left")
			if left == nil || left.Type() != "identifier" {
				return ""
			}
			return a.varType(p, fn, p.text(left))
		case "closure_expression", "function_item":
			return ""
		}
	}
	if rt := fn.ChildByFieldName("return_type"); rt != nil {
		t := strings.ReplaceAll(p.text(rt), " ", "")
		if outer, inner := innerType(t); outer == "Result" || outer == "Option" {
			t = inner
		}
		return a.known(p, call, t)
	}
	return ""
}

// known resolves Self and keeps only structs the analyser has.
func (a *analyzer) known(p *parsed, n *sitter.Node, t string) string {
	t = typeName(t)
	if t == "Self" {
		t = implType(p, n)
	}
	if _, ok := a.structs[t]; ok {
		return t
	}
	return ""
}

// varType reads the type of a local variable from its let: an annotation
// or `T::default()`.
func (a *analyzer) varType(p *parsed, fn *sitter.Node, name string) string {
	var typ string
	p.walk(fn, func(n *sitter.Node) bool {
		if typ != "" || n.Type() != "let_declaration" {
			return typ == ""
		}
		pat := n.ChildByFieldName("pattern")
		if pat == nil || strings.TrimPrefix(p.text(pat), "mut ") != name {
			return true
		}
		if t := n.ChildByFieldName("type"); t != nil {
			typ = a.known(p, n, p.text(t))
		} else if v := n.ChildByFieldName("value"); v != nil {
			if c := a.constructed(p, v); c != "" {
				typ = a.known(p, n, c)
			}
		}
		return false
	})
	return typ
}

// implType is the type of the impl block around n.
func implType(p *parsed, n *sitter.Node) string {
	for c := n.Parent(); c != nil; c = c.Parent() {
		if c.Type() == "impl_item" {
			if t := c.ChildByFieldName("type"); t != nil {
				return typeName(p.text(t))
			}
		}
	}
	return ""
}

// inAddSource reports whether a call is config-rs's .add_source(...) argument.
func inAddSource(p *parsed, n *sitter.Node) bool {
	list := n.Parent()
	if list == nil || list.Type() != "arguments" {
		return false
	}
	call := list.Parent()
	return call != nil && p.lastSegment(call.ChildByFieldName("function")) == "add_source"
}

// conditional reports whether n runs only under an if or a match arm of
// its function (a file read only when one is given or exists).
func conditional(p *parsed, n, body *sitter.Node) bool {
	for c := n.Parent(); c != nil && c != body; c = c.Parent() {
		switch c.Type() {
		case "if_expression", "match_arm", "if_let_expression", "closure_expression":
			return true
		}
	}
	return false
}

// chainedFalse reports whether .method(false) is chained on n.
func chainedFalse(p *parsed, n *sitter.Node, method string) bool {
	for call := n; ; {
		m, next, as := chained(p, call)
		if next == nil {
			return false
		}
		call = next
		if m == method && len(as) == 1 && p.text(as[0]) == "false" {
			return true
		}
	}
}

// unwrappedFields marks an optional configuration field required when the
// program stops without it: `cfg.secret.as_ref().ok_or_else(...)?`,
// `.expect(...)`.
func (a *analyzer) unwrappedFields() {
	count := map[string]int{}
	for _, f := range a.fields {
		count[f.field]++
	}
	for i := range a.fields {
		f := &a.fields[i]
		if f.env == "" || !f.optional || count[f.field] != 1 || !strings.HasPrefix(f.typ, "Option<") {
			continue
		}
		for _, p := range a.files {
			p.walk(p.root, func(n *sitter.Node) bool {
				if f.required {
					return false
				}
				if n.Type() != "field_expression" {
					return true
				}
				if fl := n.ChildByFieldName("field"); fl == nil || p.text(fl) != f.field {
					return true
				}
				if unwrapped(p, n) {
					f.required = true
				}
				return true
			})
		}
	}
}

// unwrapped follows the calls on an Option to one that stops the program
// on None.
func unwrapped(p *parsed, n *sitter.Node) bool {
	for {
		parent := n.Parent()
		if parent == nil || parent.Type() != "field_expression" {
			return false
		}
		call := parent.Parent()
		method := parent.ChildByFieldName("field")
		if call == nil || call.Type() != "call_expression" || method == nil {
			return false
		}
		switch p.text(method) {
		case "as_ref", "as_deref", "clone", "as_mut", "cloned":
			n = call
		case "expect", "unwrap":
			return true
		case "ok_or", "ok_or_else", "context", "with_context", "ok_or_message":
			up := call.Parent()
			return up != nil && up.Type() == "try_expression"
		default:
			return false
		}
	}
}

// configish reports whether a type's or function's name says it holds
// the program's configuration.
func configish(name string) bool {
	l := strings.ToLower(name)
	for _, w := range []string{"config", "conf", "settings", "args", "opts", "options"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// calledConditionally reports whether every call of fn in the program
// runs only under an if or a match arm (a file read only when it exists).
func (a *analyzer) calledConditionally(p *parsed, fn *sitter.Node) bool {
	name := fn.ChildByFieldName("name")
	if name == nil {
		return false
	}
	want := p.text(name)
	calls, plain := 0, 0
	for _, q := range a.files {
		q.walk(q.root, func(n *sitter.Node) bool {
			if n.Type() != "call_expression" || q.lastSegment(n.ChildByFieldName("function")) != want {
				return true
			}
			calls++
			cond := false
			for c := n.Parent(); c != nil && c.Type() != "function_item"; c = c.Parent() {
				switch c.Type() {
				case "if_expression", "match_arm", "if_let_expression", "closure_expression":
					cond = true
				}
			}
			if !cond {
				plain++
			}
			return true
		})
	}
	return calls > 0 && plain == 0
}

func (a *analyzer) isProgram(p *parsed) bool {
	for _, q := range a.files {
		if q == p {
			return true
		}
	}
	return false
}
