package gomod

import (
	"go/ast"
	"go/token"
	"go/types"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// Environment variables and configuration keys: the program's own helpers,
// struct tags (caarlos0/env, kelseyhightower/envconfig,
// sethvargo/go-envconfig), viper, koanf and tables parsed from os.Environ.

type koanfEnv struct {
	prefix, sep string
	lower       bool
}

// envRoot is a struct filled from the environment by a tag library.
type envRoot struct {
	typ    types.Type
	prefix string
	upper  bool // kelseyhightower/envconfig: untagged fields are read too
}

// envTable reads a table of settings keyed by variable name, as a
// program that parses os.Environ() itself keeps them:
//
//	map[string]*option{"LISTEN_ADDR": {rawValue: "127.0.0.1:8080"}, ...}
//
// The default is the entry's raw or default string.
func (sc *scan) envTable(m *ast.CompositeLit) {
	type entry struct {
		name string
		kv   *ast.KeyValueExpr
	}
	var entries []entry
	for _, e := range m.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if !ok {
			return
		}
		name, ok := constString(sc.info, kv.Key)
		if !ok || !isEnvName(name) {
			return
		}
		entries = append(entries, entry{name, kv})
	}
	if len(entries) < 3 {
		return
	}
	if sc.envKeys == nil {
		sc.envKeys = map[string]bool{}
	}
	for _, en := range entries {
		sc.envKeys[en.name] = true
		s := sc.t.env(en.name, en.kv.Pos())
		v := en.kv.Value
		if u, ok := v.(*ast.UnaryExpr); ok {
			v = u.X
		}
		cl, ok := v.(*ast.CompositeLit)
		if !ok {
			continue
		}
		var first, best string
		found, foundBest := false, false
		for _, el := range cl.Elts {
			fkv, ok := el.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			d, ok := constString(sc.info, fkv.Value)
			if !ok {
				continue
			}
			key := strings.ToLower(funcName(fkv.Key))
			if !foundBest && (strings.Contains(key, "raw") || strings.Contains(key, "default")) {
				best, foundBest = d, true
			}
			if !found {
				first, found = d, true
			}
		}
		switch {
		case foundBest:
			s.setDefString(best, en.kv.Pos())
		case found:
			s.setDefString(first, en.kv.Pos())
		}
	}
}

// envHelper is a module function that reads an environment variable
// named by one of its parameters: getEnv(key, def), parseInt(&dst, key).
type envHelper struct {
	name, def, dst int // parameter indexes, -1 when none
	fileSuffix     string
}

// helper analyses fn as an environment helper, once.
func (sc *scan) helper(fn *types.Func) *envHelper {
	if h, ok := sc.helpers[fn]; ok {
		return h
	}
	sc.helpers[fn] = nil
	fd := sc.funcs[fn]
	sig, _ := fn.Type().(*types.Signature)
	if fd == nil || sig == nil {
		return nil
	}
	param := func(e ast.Expr) int {
		id, ok := ast.Unparen(e).(*ast.Ident)
		if !ok {
			return -1
		}
		o := sc.info.Uses[id]
		for i := range sig.Params().Len() {
			if sig.Params().At(i) == o {
				return i
			}
		}
		return -1
	}
	h := &envHelper{name: -1, def: -1, dst: -1}
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if inner := sc.callee(n); inner != nil && inner != fn {
				// A helper of a helper: parseInt(&dst, key) calls lookupEnv(key).
				if ih := sc.helper(inner); ih != nil && ih.name < len(n.Args) {
					if i := param(n.Args[ih.name]); i >= 0 && h.name < 0 {
						h.name, h.fileSuffix = i, ih.fileSuffix
					}
				}
				return true
			}
			sel, ok := n.Fun.(*ast.SelectorExpr)
			if !ok || len(n.Args) != 1 || (sel.Sel.Name != "Getenv" && sel.Sel.Name != "LookupEnv") {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); !ok || id.Name != "os" {
				return true
			}
			if i := param(n.Args[0]); i >= 0 && h.name < 0 {
				h.name = i
			}
			if b, ok := n.Args[0].(*ast.BinaryExpr); ok && b.Op == token.ADD {
				if suffix, ok := constString(sc.info, b.Y); ok && param(b.X) >= 0 {
					h.fileSuffix = suffix
				}
			}
		case *ast.ReturnStmt:
			for _, r := range n.Results {
				if i := param(r); i >= 0 && h.def < 0 {
					h.def = i
				}
			}
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if st, ok := l.(*ast.StarExpr); ok {
					if i := param(st.X); i >= 0 {
						h.dst = i
					}
				}
			}
		}
		return true
	})
	if h.name < 0 || h.def == h.name {
		return nil
	}
	sc.helpers[fn] = h
	return h
}

// helperCall ties a pointer passed to an environment helper to the
// variable: parseInt(&cfg.Port, "PORT").
func (sc *scan) helperCall(c *ast.CallExpr, fn *types.Func) {
	h := sc.helper(fn)
	if h == nil || h.dst < 0 || h.dst >= len(c.Args) || h.name >= len(c.Args) {
		return
	}
	name, ok := constString(sc.info, c.Args[h.name])
	o, found := keyOf(sc.info, c.Args[h.dst])
	if !ok || !found {
		return
	}
	s := sc.t.merge(sc.t.obj(o), sc.t.env(name, c.Pos()))
	if h.fileSuffix != "" {
		s.fileEnv = name + h.fileSuffix
	}
}

// viperCall reads viper's defaults, bindings and environment rules.
func (sc *scan) viperCall(c *ast.CallExpr, name string) {
	info := sc.info
	key := func() (string, bool) {
		if len(c.Args) == 0 {
			return "", false
		}
		return sc.str(c.Args[0])
	}
	switch name {
	case "SetDefault":
		if k, ok := key(); ok && len(c.Args) == 2 {
			s := sc.t.key(k, c.Pos())
			s.setKeyDef(k, constOf(info, c.Args[1]), info.TypeOf(c.Args[1]), c.Args[1].Pos())
			if list, ok := sc.constStrings(c.Args[1]); ok {
				s.setList(list, c.Args[1].Pos(), origin{key: strings.ToLower(k), at: c.Args[1].Pos()})
			}
		}
	case "BindEnv":
		if k, ok := key(); ok {
			s := sc.t.key(k, c.Pos())
			if len(c.Args) == 1 {
				sc.viperBindKeys = append(sc.viperBindKeys, k)
			}
			for _, a := range c.Args[1:] {
				if n, ok := constString(info, a); ok {
					s = sc.t.addEnv(s, n, c.Pos())
				}
			}
		}
	case "BindPFlag":
		if k, ok := key(); ok && len(c.Args) == 2 {
			if lc, ok := c.Args[1].(*ast.CallExpr); ok && funcName(lc.Fun) == "Lookup" && len(lc.Args) == 1 {
				if fl, ok := constString(info, lc.Args[0]); ok {
					sc.pflags = append(sc.pflags, [2]string{k, fl})
				}
			}
		}
	case "SetEnvPrefix":
		if p, ok := key(); ok {
			sc.viperPrefix = p
		}
	case "AutomaticEnv":
		sc.viperAuto = true
	case "SetEnvKeyReplacer":
		if len(c.Args) == 1 {
			if r, ok := c.Args[0].(*ast.CallExpr); ok && funcName(r.Fun) == "NewReplacer" && len(r.Args) >= 2 {
				from, _ := constString(info, r.Args[0])
				to, _ := constString(info, r.Args[1])
				if from == "." {
					sc.viperKeySep = to
				}
			}
		}
	case "Unmarshal", "UnmarshalExact":
		if len(c.Args) >= 1 {
			if t := info.TypeOf(c.Args[0]); t != nil {
				sc.configRoots = append(sc.configRoots, t)
			}
		}
	case "SetConfigType":
		if f, ok := key(); ok {
			sc.addFormat(f, 0, c.Pos())
		}
	}
}

// koanfCall reads koanf's environment provider and file parsers.
func (sc *scan) koanfCall(ff fileFunc, c *ast.CallExpr, name string) {
	switch name {
	case "Load":
		if len(c.Args) == 0 {
			return
		}
		p, ok := c.Args[0].(*ast.CallExpr)
		if !ok {
			return
		}
		ip := ff.pkgOf(p.Fun)
		if strings.Contains(ip, "koanf/providers/env") && len(p.Args) >= 2 {
			prefix, _ := constString(sc.info, p.Args[0])
			ke := koanfEnv{prefix: prefix, sep: "_"}
			if len(p.Args) >= 3 {
				ast.Inspect(p.Args[2], func(n ast.Node) bool {
					if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						if v, _ := strconv.Unquote(lit.Value); v == "__" {
							ke.sep = "__"
						}
					}
					if funcName(nodeFun(n)) == "ToLower" {
						ke.lower = true
					}
					return true
				})
			}
			sc.koanfEnvs = append(sc.koanfEnvs, ke)
		}
		if len(c.Args) == 2 {
			if pc, ok := c.Args[1].(*ast.CallExpr); ok {
				ip := ff.pkgOf(pc.Fun)
				for _, f := range []string{"toml", "yaml", "json", "hcl", "dotenv"} {
					if strings.HasSuffix(ip, "/parsers/"+f) {
						sc.addFormat(f, 1, c.Pos())
					}
				}
			}
		}
	case "Unmarshal", "UnmarshalWithConf":
		if len(c.Args) == 2 {
			if t := sc.info.TypeOf(c.Args[1]); t != nil {
				sc.configRoots = append(sc.configRoots, t)
			}
		}
	}
}

func nodeFun(n ast.Node) ast.Expr {
	if c, ok := n.(*ast.CallExpr); ok {
		return c.Fun
	}
	return nil
}

// envRootCall finds the structs that a tag library fills from the
// environment: caarlos0/env, kelseyhightower/envconfig and
// sethvargo/go-envconfig.
func (sc *scan) envRootCall(ff fileFunc, c *ast.CallExpr, pkg, name string) {
	info := sc.info
	typeOf := func(e ast.Expr) types.Type { return info.TypeOf(e) }
	switch {
	case hasPrefixPath(pkg, "github.com/caarlos0/env"):
		if (name == "Parse" || name == "ParseWithOptions") && len(c.Args) >= 1 {
			r := envRoot{typ: typeOf(c.Args[0])}
			if name == "ParseWithOptions" && len(c.Args) == 2 {
				r.prefix = sc.compositeString(c.Args[1], "Prefix")
			}
			sc.envRoots = append(sc.envRoots, r)
		}
	case pkg == "github.com/kelseyhightower/envconfig":
		if (name == "Process" || name == "MustProcess") && len(c.Args) == 2 {
			p, _ := constString(info, c.Args[0])
			r := envRoot{typ: typeOf(c.Args[1]), upper: true}
			if p != "" {
				r.prefix = strings.ToUpper(p) + "_"
			}
			sc.envRoots = append(sc.envRoots, r)
		}
	case hasPrefixPath(pkg, "github.com/sethvargo/go-envconfig"):
		switch {
		case name == "Process" && len(c.Args) >= 2:
			sc.envRoots = append(sc.envRoots, envRoot{typ: typeOf(c.Args[1])})
		case name == "ProcessWith" && len(c.Args) == 2:
			r := envRoot{}
			var visit func(n ast.Node) bool
			visit = func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.Ident:
					// Lookuper: lookupers, a variable built before.
					if o := sc.info.Uses[n]; o != nil {
						if v, ok := o.(*types.Var); ok && !v.IsField() && !isPackageLevel(v) {
							for _, e := range sc.assigns[objKey{obj: v}] {
								ast.Inspect(e, visit)
							}
						}
					}
				case *ast.KeyValueExpr:
					if id, ok := n.Key.(*ast.Ident); ok && id.Name == "Target" {
						r.typ = typeOf(n.Value)
					}
				case *ast.CallExpr:
					if funcName(n.Fun) == "PrefixLookuper" && len(n.Args) >= 1 {
						r.prefix, _ = constString(info, n.Args[0])
					}
				}
				return true
			}
			ast.Inspect(c.Args[1], visit)
			if r.typ != nil {
				sc.envRoots = append(sc.envRoots, r)
			}
		}
	}
}

// compositeString is the string constant of field name in a composite
// literal (or a pointer to one).
func (sc *scan) compositeString(e ast.Expr, name string) string {
	if u, ok := e.(*ast.UnaryExpr); ok {
		e = u.X
	}
	cl, ok := e.(*ast.CompositeLit)
	if !ok {
		return ""
	}
	for _, el := range cl.Elts {
		if kv, ok := el.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok && id.Name == name {
				v, _ := constString(sc.info, kv.Value)
				return v
			}
		}
	}
	return ""
}

// applyTags gives struct fields the environment variables, defaults and
// configuration keys their tags declare, from each root struct down.
func (sc *scan) applyTags() {
	if len(sc.envRoots) == 0 {
		// No parse call seen (it may sit behind an interface): read the
		// tags of every struct that has them, without a prefix.
		for _, t := range sc.taggedStructs() {
			sc.envRoots = append(sc.envRoots, envRoot{typ: t})
		}
	}
	for _, r := range sc.envRoots {
		sc.walkStruct(r.typ, nil, r, "", map[types.Type]bool{}, true)
	}
	for _, t := range sc.configRoots {
		sc.walkStruct(t, nil, envRoot{}, "", map[types.Type]bool{}, false)
	}
}

func (sc *scan) walkStruct(t types.Type, parent types.Object, r envRoot, keyPrefix string, seen map[types.Type]bool, env bool) {
	if t == nil {
		return
	}
	for {
		p, ok := t.(*types.Pointer)
		if !ok {
			break
		}
		t = p.Elem()
	}
	if seen[t] || len(seen) > 64 {
		return
	}
	seen[t] = true
	defer delete(seen, t)
	st, ok := t.Underlying().(*types.Struct)
	if !ok {
		return
	}
	for i := range st.NumFields() {
		f := st.Field(i)
		tag := reflect.StructTag(st.Tag(i))
		// Without a tag, decoders match the field's name in lower case
		// (yaml.v3) or in any case (viper, encoding/json, toml); a tag's
		// name is the file's, in its case.
		key, exact := strings.ToLower(f.Name()), false
		for _, k := range []string{"koanf", "mapstructure", "yaml", "toml", "json"} {
			if v, ok := tag.Lookup(k); ok {
				if n, _, _ := strings.Cut(v, ","); n != "" {
					key, exact = n, true
				}
				if v == "-" {
					key = ""
				}
				break
			}
		}
		envTag, envOpts, _ := strings.Cut(tag.Get("env"), ",")
		if e := tag.Get("envconfig"); e != "" {
			envTag, _, _ = strings.Cut(e, ",")
		}
		ft := f.Type()
		if pt, ok := ft.(*types.Pointer); ok {
			ft = pt.Elem()
		}
		if _, isStruct := ft.Underlying().(*types.Struct); isStruct && !isOpaqueStruct(ft) {
			sub := r
			if p, ok := tag.Lookup("envPrefix"); ok {
				sub.prefix += p
			} else if strings.HasPrefix(envOpts, "prefix=") || strings.Contains(envOpts, ",prefix=") {
				_, p, _ := strings.Cut(envOpts, "prefix=")
				p, _, _ = strings.Cut(p, ",")
				sub.prefix += p
			} else if r.upper && !f.Anonymous() {
				sub.prefix += strings.ToUpper(f.Name()) + "_"
			}
			kp := keyPrefix
			if key != "" && !f.Anonymous() {
				kp += key + "."
				if _, ptr := f.Type().(*types.Pointer); ptr {
					// A section the file turns on by having it.
					sc.optionalSections = append(sc.optionalSections, strings.ToLower(kp))
				}
			}
			sc.walkStruct(f.Type(), f, sub, kp, seen, env)
			continue
		}
		s := (*slot)(nil)
		get := func() *slot {
			if s == nil {
				s = sc.t.obj(objKey{parent, f})
			}
			return s
		}
		if env {
			name := envTag
			if name == "" && r.upper && tag.Get("ignored") != "true" {
				name = strings.ToUpper(f.Name())
			}
			if name != "" && name != "-" {
				s = sc.t.addEnv(get(), r.prefix+name, f.Pos())
			}
			for _, d := range []string{"envDefault", "default"} {
				if v, ok := tag.Lookup(d); ok && get().setDefString(v, f.Pos()) {
					get().find().defFrom = origin{obj: objKey{parent, f}}
				}
			}
			for _, o := range strings.Split(envOpts, ",") {
				switch {
				case strings.HasPrefix(o, "default="):
					_, d, _ := strings.Cut(tag.Get("env"), "default=")
					if get().setDefString(d, f.Pos()) {
						get().find().defFrom = origin{obj: objKey{parent, f}}
					}
				case o == "required" || o == "notEmpty":
					get().required = true
				}
			}
			if tag.Get("required") == "true" {
				get().required = true
			}
		}
		if key != "" && (!env || tag.Get("yaml") != "" || tag.Get("toml") != "" || tag.Get("koanf") != "" || tag.Get("mapstructure") != "") {
			s = sc.t.addKey(get(), keyPrefix+key, exact)
			if sc.keyFields == nil {
				sc.keyFields = map[objKey][]string{}
			}
			fk := objKey{parent, f}
			sc.keyFields[fk] = appendNew(sc.keyFields[fk], strings.ToLower(keyPrefix+key))
		}
	}
}

// taggedStructs are the module's named struct types with env or
// envconfig tags, in source order.
func (sc *scan) taggedStructs() []types.Type {
	var out []types.Type
	for _, src := range sc.srcs {
		for _, f := range src.files {
			ast.Inspect(f, func(n ast.Node) bool {
				ts, ok := n.(*ast.TypeSpec)
				if !ok {
					return true
				}
				st, ok := ts.Type.(*ast.StructType)
				if !ok {
					return true
				}
				for _, fld := range st.Fields.List {
					if fld.Tag == nil {
						continue
					}
					tag, _ := strconv.Unquote(fld.Tag.Value)
					if _, ok := reflect.StructTag(tag).Lookup("env"); ok {
						if o := sc.info.Defs[ts.Name]; o != nil {
							out = append(out, o.Type())
						}
						break
					}
					if _, ok := reflect.StructTag(tag).Lookup("envconfig"); ok {
						if o := sc.info.Defs[ts.Name]; o != nil {
							out = append(out, o.Type())
						}
						break
					}
				}
				return true
			})
		}
	}
	return out
}

// isOpaqueStruct: a struct type from a dependency (time.Time, url.URL)
// is one value, not a section.
func isOpaqueStruct(t types.Type) bool {
	n, ok := t.(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return false
	}
	return !strings.Contains(n.Obj().Pkg().Path(), ".") || n.Obj().Pkg().Path() == "time"
}

// applyViperKoanf gives configuration keys the environment variables
// viper's AutomaticEnv and koanf's env provider map them to.
func (sc *scan) applyViperKoanf() {
	keys := make([]string, 0, len(sc.t.byKey))
	for k := range sc.t.byKey {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	viperEnv := func(k string) string {
		if sc.viperKeySep != "" {
			k = strings.ReplaceAll(k, ".", sc.viperKeySep)
		}
		k = strings.ToUpper(k)
		if sc.viperPrefix != "" {
			k = strings.ToUpper(sc.viperPrefix) + "_" + k
		}
		return k
	}
	for _, k := range keys {
		s := sc.t.byKey[k]
		if sc.viperAuto {
			sc.t.addEnv(s, viperEnv(k), s.find().at)
		}
		for _, ke := range sc.koanfEnvs {
			part := strings.ReplaceAll(k, ".", ke.sep)
			if !ke.lower {
				part = strings.ToUpper(part)
			}
			sc.t.addEnv(s, ke.prefix+part, s.find().at)
		}
	}
	for _, k := range sc.viperBindKeys {
		s := sc.t.key(k, 0)
		sc.t.addEnv(s, viperEnv(k), s.find().at)
	}
}
