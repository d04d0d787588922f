package rustsrc

import (
	"encoding/json"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/nixgen/nixgen/generator/internal/model"
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

// expr is an expression of a file: a default as written.
type expr struct {
	p    *parsed
	node *sitter.Node
}

// collectTypes indexes structs, functions and `impl Default` bodies of
// the crate and its path dependencies.
func (a *analyzer) collectTypes() {
	a.structs = map[string][]typeDef{}
	a.fns = map[string]fnDef{}
	a.defaults = map[string]map[string]string{}
	a.defaultExprs = map[string]map[string]expr{}
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
	exprs := map[string]expr{}
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
			exprs[p.text(f)] = expr{p, v}
			if s, ok := a.value(p, v); ok {
				fields[p.text(f)] = s
			}
		}
		return false
	})
	a.defaults[typ] = fields
	a.defaultExprs[typ] = exprs
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
	e, ok := a.fnResult(name)
	if !ok || a.inFn[name] {
		return "", false
	}
	if a.inFn == nil {
		a.inFn = map[string]bool{}
	}
	a.inFn[name] = true
	defer delete(a.inFn, name)
	return a.value(e.p, e.node)
}

// fnResult is the expression a function without parameters ends with.
func (a *analyzer) fnResult(name string) (expr, bool) {
	f, ok := a.fns[name]
	if !ok || f.node == nil {
		return expr{}, false
	}
	if params := paramNames(f.p, f.node); len(params) > 0 {
		return expr{}, false
	}
	body := f.node.ChildByFieldName("body")
	if body == nil || body.NamedChildCount() == 0 {
		return expr{}, false
	}
	return expr{f.p, body.NamedChild(int(body.NamedChildCount()) - 1)}, true
}

// exprValue reads a default written as Rust source inside a string, as
// derive_builder's `#[builder(default = r#"String::from("::")"#)]`.
func (a *analyzer) exprValue(src string) (string, bool) {
	e, ok := parseExpr(src)
	if !ok {
		return "", false
	}
	return a.value(e.p, e.node)
}

// parseExpr parses Rust source held in a string or a token tree as an
// expression.
func parseExpr(src string) (expr, bool) {
	ps, err := parse([]File{{Path: "attr", Src: []byte("const X: T = " + src + ";")}})
	if err != nil || len(ps) != 1 {
		return expr{}, false
	}
	root := ps[0].root
	if root.NamedChildCount() != 1 {
		return expr{}, false
	}
	v := root.NamedChild(0).ChildByFieldName("value")
	if v == nil || root.HasError() {
		return expr{}, false
	}
	return expr{ps[0], v}, true
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
	// fileKey is the key's type and the value the program gives it when
	// the file leaves it out, when both are known exactly; nil otherwise.
	fileKey *model.ConfigKey
}

// structInfo is what a configuration struct's attributes say about its
// defaults.
type structInfo struct {
	serdeDefault bool // #[serde(default)]: a missing field takes the struct's Default
	// serdeDefaultFn: #[serde(default = "path")], a function nixgen does
	// not read gives the missing fields.
	serdeDefaultFn bool
	renameAll      string
	derives        map[string]bool // Default, SmartDefault, Builder
	implDefault    bool            // an `impl Default` nixgen has read
}

func (a *analyzer) structInfo(p *parsed, n *sitter.Node, typ string) structInfo {
	si := structInfo{derives: map[string]bool{}}
	for _, attr := range p.attributes(n) {
		t := strings.Join(strings.Fields(attr), "")
		switch {
		case strings.HasPrefix(t, "#[serde("):
			if i := strings.Index(t, "rename_all="); i >= 0 {
				si.renameAll, _ = quoted(t[i:])
			}
			if strings.Contains(t, "(default") || strings.Contains(t, ",default") {
				si.serdeDefault = true
				// #[serde(default = "path")]: a function gives the whole struct.
				si.serdeDefaultFn = strings.Contains(t, "(default=") || strings.Contains(t, ",default=")
			}
		case strings.HasPrefix(t, "#[derive("):
			for _, d := range strings.Split(strings.TrimSuffix(strings.TrimPrefix(t, "#[derive("), ")]"), ",") {
				si.derives[lastPathSegment(d)] = true
			}
		}
	}
	_, si.implDefault = a.defaultExprs[typ]
	return si
}

// fieldAttrs are what a field's serde, SmartDefault and derive_builder
// attributes say about its default.
type fieldAttrs struct {
	serdeDefault   bool   // #[serde(default)]: the type's Default
	serdeDefaultFn string // #[serde(default = "path")]
	custom         bool   // with or deserialize_with: the file's value is the function's to read
	skipSerialize  bool   // absent from a value serialised as defaults
	smart          *expr  // #[default(expr)], nil when unread
	smartSet       bool
	builder        string // #[builder(default = "expr")]
	builderSet     bool
}

// fields walks a configuration struct into its leaves. chain: the
// struct's own Default gives every field the file leaves out (figment's
// Serialized::defaults of it), not serde's attributes.
func (a *analyzer) structFields(src *configSource, typ string, keys []string, depth int, chain bool, out *[]confField) {
	defs, ok := a.structs[typ]
	if !ok || depth > 4 {
		return
	}
	def := defs[0]
	p, n := def.p, def.node
	si := a.structInfo(p, n, typ)
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
		key := renamed(c.field, si.renameAll)
		skip, flatten := false, false
		var fa fieldAttrs
		if v, ok := implDefs[c.field]; ok {
			c.def, c.hasDef = v, true
		} else if si.serdeDefault || src.defaulted {
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
					case "skip_serializing", "skip_serializing_if":
						fa.skipSerialize = true
					case "with", "deserialize_with":
						fa.custom = true
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
						fa.serdeDefault = kv.node == nil
						if kv.node != nil {
							if fn, ok := p.stringValue(kv.node); ok {
								fa.serdeDefaultFn = fn
								if v, ok := a.fnValue(lastPathSegment(fn)); ok {
									c.def = v
								}
							} else {
								fa.serdeDefaultFn = "?"
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
					fa.builderSet = true
					if kv.node != nil {
						fa.builder = "?"
						if s, ok := p.stringValue(kv.node); ok {
							fa.builder = s
							if v, ok := a.exprValue(s); ok {
								c.def = v
							}
						}
					}
				}
			case strings.HasPrefix(t, "default("): // SmartDefault
				fa.smartSet = true
				if tree.NamedChildCount() == 1 {
					fa.smart = &expr{p, tree.NamedChild(0)}
					if v, ok := a.value(p, tree.NamedChild(0)); ok {
						c.def, c.hasDef = v, true
					}
				} else if v, ok := a.tokenCall(p, tree); ok {
					c.def, c.hasDef = v, true
				}
				if fa.smart == nil {
					if e, ok := parseExpr(strings.TrimSuffix(strings.TrimPrefix(p.text(tree), "("), ")")); ok {
						fa.smart = &e
					}
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
			// The section's own Default gives its fields under figment's
			// defaults when this struct's Default is the section type's.
			innerChain := chain && !fa.skipSerialize && a.sectionIsDefault(si, typ, c.field, fa)
			n := len(*out)
			if flatten {
				a.structFields(src, nested, keys, depth+1, innerChain, out)
			} else {
				a.structFields(src, nested, append(append([]string(nil), keys...), key), depth+1, innerChain, out)
				if c.optional || c.hasDef {
					for i := n; i < len(*out); i++ {
						(*out)[i].inOptional = true
					}
				}
			}
			// Writing a key of the section (or of a flattened struct)
			// makes it present: an Option then means something (a
			// feature turned on), and a section with a default then
			// needs every key it has without one.
			drop := c.optional
			for _, g := range (*out)[n:] {
				if c.hasDef && !g.hasDef && !g.optional {
					drop = true
				}
			}
			if drop {
				for i := n; i < len(*out); i++ {
					(*out)[i].fileKey = nil
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
		if kt, ok := keyTypeOf(p, ft); ok && !fa.custom {
			if d, ok := src.setDefaults[c.key]; ok {
				// config-rs: the default is in the configuration's own
				// table, whatever serde's attributes say.
				c.fileKey = a.keyDefault(kt, d.expr, d.known || kt == model.KeyStrings)
			} else {
				c.fileKey = a.fieldDefault(kt, si, typ, c, fa, chain)
			}
			if c.fileKey != nil {
				c.fileKey.Key = c.key
			}
		}
		if v, ok := src.setDefaults[c.key]; ok {
			c.def, c.hasDef = v.value, true
		}
		*out = append(*out, c)
	}
}

// fieldDefault is the value a leaf takes when the file leaves it out, nil
// when nixgen does not know it exactly or the leaf has none.
func (a *analyzer) fieldDefault(kt model.KeyType, si structInfo, typ string, c confField, fa fieldAttrs, chain bool) *model.ConfigKey {
	switch {
	case chain && !fa.skipSerialize:
		return a.ownDefault(kt, si, typ, c, fa)
	case fa.serdeDefault || fa.serdeDefaultFn == "Default::default":
		return &model.ConfigKey{Type: kt, Default: zeroValue(kt), At: c.at}
	case fa.serdeDefaultFn != "":
		fn := lastPathSegment(fa.serdeDefaultFn)
		if fa.serdeDefaultFn == "?" || fn == "default" {
			return nil // some type's Default: which one is not plain
		}
		e, ok := a.fnResult(fn)
		return a.keyDefault(kt, e, ok)
	case si.serdeDefault:
		if si.serdeDefaultFn {
			return nil
		}
		return a.ownDefault(kt, si, typ, c, fa)
	}
	return nil
}

// ownDefault is what the struct's Default gives a field: its `impl
// Default`, SmartDefault's attribute, derive_builder's default or the
// field type's Default under #[derive(Default)].
func (a *analyzer) ownDefault(kt model.KeyType, si structInfo, typ string, c confField, fa fieldAttrs) *model.ConfigKey {
	switch {
	case si.derives["Builder"] && fa.builderSet:
		// derive_builder's default, for a Default built by the builder
		// (Serialized::defaults(ConfigBuilder::default().build()?)).
		if fa.builder == "" {
			return &model.ConfigKey{Type: kt, Default: zeroValue(kt), At: c.at}
		}
		e, ok := parseExpr(fa.builder)
		if !ok {
			return nil
		}
		k := a.keyDefault(kt, e, true)
		if k != nil {
			k.At = c.at // the expression sits in the attribute's string
		}
		return k
	case si.implDefault:
		e, ok := a.defaultExprs[typ][c.field]
		return a.keyDefault(kt, e, ok)
	case si.derives["SmartDefault"]:
		if !fa.smartSet {
			return &model.ConfigKey{Type: kt, Default: zeroValue(kt), At: c.at}
		}
		if fa.smart == nil {
			return nil
		}
		return a.keyDefault(kt, *fa.smart, true)
	case si.derives["Default"]:
		return &model.ConfigKey{Type: kt, Default: zeroValue(kt), At: c.at}
	}
	return nil
}

// sectionIsDefault reports whether the struct's Default gives a section
// field its own type's Default: `Inner::default()`, `Default::default()`,
// #[derive(Default)].
func (a *analyzer) sectionIsDefault(si structInfo, typ, field string, fa fieldAttrs) bool {
	switch {
	case si.derives["Builder"] && fa.builderSet:
		return fa.builder == ""
	case si.implDefault:
		e, ok := a.defaultExprs[typ][field]
		if !ok || e.node.Type() != "call_expression" || len(args(e.node)) != 0 {
			return false
		}
		fn := e.node.ChildByFieldName("function")
		return fn != nil && e.p.lastSegment(fn) == "default"
	case si.derives["SmartDefault"]:
		return !fa.smartSet
	case si.derives["Default"]:
		return true
	}
	return false
}

// keyDefault reads a default expression as a value of the key's type.
func (a *analyzer) keyDefault(kt model.KeyType, e expr, ok bool) *model.ConfigKey {
	if !ok || e.node == nil {
		return nil
	}
	if typeDefault(e) {
		return &model.ConfigKey{Type: kt, Default: zeroValue(kt), At: e.p.at(e.node)}
	}
	var v string
	if kt == model.KeyStrings {
		list, ok := a.stringList(e)
		if !ok {
			return nil
		}
		data, err := json.Marshal(list)
		if err != nil {
			return nil
		}
		v = string(data)
	} else {
		s, ok := a.value(e.p, e.node)
		if !ok {
			return nil
		}
		if v, ok = typedText(kt, s); !ok {
			return nil
		}
	}
	return &model.ConfigKey{Type: kt, Default: v, At: e.p.at(e.node)}
}

// typeDefault reports whether e is its type's Default: `Default::default()`,
// `String::new()`, `u16::default()`, `Vec::new()` (rustc has checked it is
// of the field's type).
func typeDefault(e expr) bool {
	p, n := e.p, e.node
	if n.Type() != "call_expression" || len(args(n)) != 0 {
		return false
	}
	fn := n.ChildByFieldName("function")
	if fn == nil || fn.Type() != "scoped_identifier" {
		return false
	}
	path := fn.ChildByFieldName("path")
	switch p.lastSegment(fn) {
	case "default":
		return true
	case "new":
		switch p.lastSegment(path) {
		case "String", "PathBuf", "Vec":
			return true
		}
	}
	return false
}

// stringList reads a list of strings: `vec!["a".into()]`, `["a"].into()`.
func (a *analyzer) stringList(e expr) ([]string, bool) {
	p, n := e.p, e.node
	switch n.Type() {
	case "macro_invocation":
		m := n.ChildByFieldName("macro")
		if m == nil || p.lastSegment(m) != "vec" {
			return nil, false
		}
		for i := 0; i < int(n.NamedChildCount()); i++ {
			if tt := n.NamedChild(i); tt.Type() == "token_tree" {
				t := p.text(tt)
				arr, ok := parseExpr("[" + t[1:len(t)-1] + "]")
				if !ok {
					return nil, false
				}
				return a.stringList(arr)
			}
		}
	case "array_expression":
		if n.ChildByFieldName("length") != nil {
			return nil, false // [x; n]
		}
		out := []string{}
		for i := 0; i < int(n.NamedChildCount()); i++ {
			el := n.NamedChild(i)
			if el.Type() == "line_comment" || el.Type() == "block_comment" {
				continue
			}
			s, ok := a.value(p, el)
			if !ok || el.Type() == "integer_literal" || el.Type() == "float_literal" || el.Type() == "boolean_literal" {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	case "call_expression":
		fn := n.ChildByFieldName("function")
		if fn == nil || len(args(n)) != 0 {
			return nil, false
		}
		switch fn.Type() {
		case "field_expression": // ["a"].into(), [..].to_vec()
			switch p.lastSegment(fn) {
			case "into", "to_vec", "to_owned":
				if v := fn.ChildByFieldName("value"); v != nil && v.Type() == "array_expression" {
					return a.stringList(expr{p, v})
				}
			}
		}
	case "block":
		if n.NamedChildCount() == 1 {
			return a.stringList(expr{p, n.NamedChild(0)})
		}
	}
	return nil, false
}

// keyTypeOf maps a field's Rust type to the type of its key: strings and
// what parses from one, integers, booleans, floats and lists of strings.
// Other types (Option, Duration, enums, maps, types of other crates) are
// not offered: the file's value for them is not plain.
func keyTypeOf(p *parsed, t *sitter.Node) (model.KeyType, bool) {
	switch t.Type() {
	case "primitive_type":
		switch s := p.text(t); s {
		case "bool":
			return model.KeyBool, true
		case "i8", "i16", "i32", "i64", "isize":
			return model.KeyInt, true
		case "u8", "u16", "u32", "u64", "usize":
			return model.KeyUnsigned, true
		case "f32", "f64":
			return model.KeyFloat, true
		}
	case "type_identifier", "scoped_type_identifier":
		switch p.lastSegment(t) {
		case "String", "PathBuf", "SocketAddr", "IpAddr", "Ipv4Addr", "Ipv6Addr", "Url":
			return model.KeyString, true
		}
	case "reference_type":
		if in := t.ChildByFieldName("type"); in != nil && in.Type() == "primitive_type" && p.text(in) == "str" {
			return model.KeyString, true
		}
	case "generic_type":
		base, ta := t.ChildByFieldName("type"), t.ChildByFieldName("type_arguments")
		if base == nil || ta == nil || ta.NamedChildCount() != 1 {
			return "", false
		}
		arg := ta.NamedChild(0)
		switch p.lastSegment(base) {
		case "Box":
			if arg.Type() == "primitive_type" && p.text(arg) == "str" {
				return model.KeyString, true
			}
		case "Vec":
			if k, ok := keyTypeOf(p, arg); ok && k == model.KeyString && arg.Type() != "reference_type" {
				if n := p.lastSegment(arg); n == "String" || n == "PathBuf" {
					return model.KeyStrings, true
				}
			}
		}
	}
	return "", false
}

// zeroValue is the Default of a key's type: serde's bare default.
func zeroValue(kt model.KeyType) string {
	switch kt {
	case model.KeyInt, model.KeyUnsigned, model.KeyFloat:
		return "0"
	case model.KeyBool:
		return "false"
	case model.KeyStrings:
		return "[]"
	}
	return ""
}

// typedText checks a default read as text against its key's type and
// writes numbers plainly: 8_000u16 is 8000.
func typedText(kt model.KeyType, s string) (string, bool) {
	if kt == model.KeyString || kt == model.KeyBool {
		return kt.Canonical(s)
	}
	// A Rust number literal: 10_000u64, 1.5f32.
	num := strings.ReplaceAll(s, "_", "")
	for _, suf := range []string{"i8", "i16", "i32", "i64", "isize", "u8", "u16", "u32", "u64", "usize", "f32", "f64"} {
		if strings.HasSuffix(num, suf) {
			num = strings.TrimSuffix(num, suf)
			break
		}
	}
	return kt.Canonical(num)
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
