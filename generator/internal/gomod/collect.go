package gomod

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/model"
)

// scan is the surface analysis of one command: its parsed packages (the
// main package first), their types, and the table of settable values.
type scan struct {
	fset  *token.FileSet
	info  *types.Info
	srcs  []*source
	t     *slots
	funcs map[*types.Func]*ast.FuncDecl
	// calls lists the calls of each module function, for following a
	// parameter to its arguments.
	calls map[*types.Func][]*ast.CallExpr
	// assigns lists what is assigned to each variable or field: a = x,
	// T{F: x}, var a = x.
	assigns map[objKey][]ast.Expr
	// litParent is the field whose value a struct literal is.
	litParent map[*ast.CompositeLit]types.Object
	helpers   map[*types.Func]*envHelper
	// defaults are the expressions a default is read from: package-level
	// initialisers and struct-literal fields.
	defaults      map[ast.Expr]bool
	files         map[*token.File]fileFunc
	bodies        []funcBody
	topCallers    map[*types.Func][]*types.Func // nil: called from a function literal
	always        map[*types.Func]bool
	envPrefix     []string
	serving       []string             // the serving subcommand, nil for the root
	markedFlags   []markedFlag         // cobra's MarkFlagRequired, applied in the serving command only
	environ       bool                 // the program reads os.Environ() itself
	envKeys       map[string]bool      // keys of its table of variables
	elsewhere     func(token.Pos) bool // in a subcommand other than the serving one
	objMemo       map[objKey]val
	tuples        map[types.Object][]tuplePart
	retMemo       map[retKey]val
	binary        string
	flagEnvPrefix string // every flag is read from PREFIX_FLAG_NAME too
	params        map[*types.Var]paramRef
	noDefaults    bool        // eval must not record fallbacks as defaults
	noParams      bool        // eval must not follow parameters to their callers
	pflags        [][2]string // viper.BindPFlag(key, flag), tied once all flags are known
	viperBindKeys []string

	// viper: SetEnvPrefix, AutomaticEnv, SetEnvKeyReplacer.
	viperPrefix  string
	viperAuto    bool
	viperKeySep  string
	koanfEnvs    []koanfEnv
	envRoots     []envRoot
	configRoots  []types.Type
	formats      []format
	unknown      []string
	configExited []*slot // config values whose loading exits on error
	// optionalSections are the lower-case key prefixes of sections held
	// by a pointer: the file turns them on by having them.
	optionalSections []string
	// keyFields are the lower-case keys of the file a struct tag or name
	// gives each field: a field's default is its keys'.
	keyFields map[objKey][]string
}

// tuplePart is the k-th result of a call, assigned to a variable.
type tuplePart struct {
	call *ast.CallExpr
	k    int
}

// funcBody is a function's body; fn is nil for a function literal.
type funcBody struct {
	fn   *types.Func
	body *ast.BlockStmt
}

// fileFunc is a walk's position: the file and its enclosing function.
type fileFunc struct {
	src  *source
	file int
}

func (sc *scan) walk(visit func(ff fileFunc, n ast.Node) bool) {
	for _, s := range sc.srcs {
		for i, f := range s.files {
			ff := fileFunc{src: s, file: i}
			ast.Inspect(f, func(n ast.Node) bool {
				if n == nil {
					return false
				}
				return visit(ff, n)
			})
		}
	}
}

func (ff fileFunc) imports(prefixes ...string) bool { return ff.src.importsAny(ff.file, prefixes...) }

// pkgOf is the import path of the package a selector's X names in this
// file, "" when X is not a package.
func (ff fileFunc) pkgOf(e ast.Expr) string {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	id, ok := sel.X.(*ast.Ident)
	if !ok {
		return ""
	}
	return ff.src.imports[ff.file][id.Name]
}

func hasPrefixPath(ip string, prefixes ...string) bool {
	for _, p := range prefixes {
		if ip == p || strings.HasPrefix(ip, p+"/") || strings.HasPrefix(ip, p+".") {
			return true
		}
	}
	return false
}

// index records functions, calls and assignments.
func (sc *scan) index() {
	sc.funcs = map[*types.Func]*ast.FuncDecl{}
	sc.calls = map[*types.Func][]*ast.CallExpr{}
	sc.assigns = map[objKey][]ast.Expr{}
	sc.litParent = map[*ast.CompositeLit]types.Object{}
	sc.tuples = map[types.Object][]tuplePart{}
	sc.defaults = map[ast.Expr]bool{}
	sc.helpers = map[*types.Func]*envHelper{}
	sc.resetMemo()
	sc.files = map[*token.File]fileFunc{}
	sc.params = map[*types.Var]paramRef{}
	sc.topCallers = map[*types.Func][]*types.Func{}
	sc.always = map[*types.Func]bool{}
	for _, s := range sc.srcs {
		for i, f := range s.files {
			sc.files[sc.fset.File(f.Pos())] = fileFunc{src: s, file: i}
		}
	}
	for _, s := range sc.srcs {
		for _, f := range s.files {
			for _, d := range f.Decls {
				if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.VAR {
					for _, spec := range gd.Specs {
						for _, v := range spec.(*ast.ValueSpec).Values {
							sc.defaults[v] = true
						}
					}
				}
			}
		}
	}
	sc.walk(func(ff fileFunc, n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			if fn, ok := sc.info.Defs[n.Name].(*types.Func); ok && n.Body != nil {
				sc.funcs[fn] = n
				sc.bodies = append(sc.bodies, funcBody{fn, n.Body})
				sc.topCalls(fn, n.Body)
				if sig, ok := fn.Type().(*types.Signature); ok {
					for i := range sig.Params().Len() {
						sc.params[sig.Params().At(i)] = paramRef{fn: fn, idx: i}
					}
				}
			}
		case *ast.FuncLit:
			sc.bodies = append(sc.bodies, funcBody{nil, n.Body})
			sc.topCalls(nil, n.Body)
		case *ast.CallExpr:
			if fn := sc.callee(n); fn != nil {
				sc.calls[fn] = append(sc.calls[fn], n)
			}
		case *ast.AssignStmt:
			for k, lhs := range n.Lhs {
				o, ok := keyOf(sc.info, lhs)
				if !ok {
					continue
				}
				switch {
				case len(n.Rhs) == len(n.Lhs):
					sc.assigns[o] = append(sc.assigns[o], n.Rhs[k])
					sc.holds(o.obj, n.Rhs[k])
				case len(n.Rhs) == 1 && k == 0:
					sc.assigns[o] = append(sc.assigns[o], n.Rhs[0]) // v, ok := os.LookupEnv("X")
				case len(n.Rhs) == 1:
					if c, ok := n.Rhs[0].(*ast.CallExpr); ok {
						sc.tuples[o.obj] = append(sc.tuples[o.obj], tuplePart{c, k}) // network, addr := split(...)
					}
				}
			}
		case *ast.RangeStmt:
			// for _, addr := range addrs: addr holds what addrs holds.
			for _, x := range []ast.Expr{n.Value} {
				if id, ok := x.(*ast.Ident); ok {
					if o := sc.info.Defs[id]; o != nil {
						k := objKey{obj: o}
						sc.assigns[k] = append(sc.assigns[k], n.X)
					}
				}
			}
		case *ast.ValueSpec:
			for k, id := range n.Names {
				if o := sc.info.Defs[id]; o != nil && k < len(n.Values) && len(n.Values) == len(n.Names) {
					key := objKey{obj: o}
					sc.assigns[key] = append(sc.assigns[key], n.Values[k])
					sc.holds(o, n.Values[k])
				}
			}
		case *ast.CompositeLit:
			for _, e := range n.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					if id, ok := kv.Key.(*ast.Ident); ok {
						if o, ok := sc.info.Uses[id].(*types.Var); ok && o.IsField() {
							k := objKey{sc.litParent[n], o}
							sc.assigns[k] = append(sc.assigns[k], kv.Value)
							sc.defaults[kv.Value] = true
							// Server{...} inside Config{SSH: Server{...}}
							if inner, ok := unwrapRef(kv.Value).(*ast.CompositeLit); ok {
								sc.litParent[inner] = o
							}
						}
					}
				}
			}
		}
		return true
	})
}

// topCalls records the functions body calls outside any branch.
func (sc *scan) topCalls(caller *types.Func, body *ast.BlockStmt) {
	var nodes []ast.Node
	for _, st := range body.List {
		switch st := st.(type) {
		case *ast.IfStmt:
			nodes = append(nodes, st.Init, st.Cond)
		case *ast.ExprStmt, *ast.AssignStmt, *ast.DeclStmt, *ast.ReturnStmt, *ast.DeferStmt, *ast.GoStmt:
			nodes = append(nodes, st)
		}
	}
	for _, n := range nodes {
		if n == nil {
			continue
		}
		ast.Inspect(n, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.CallExpr:
				if fn := sc.callee(n); fn != nil {
					sc.topCallers[fn] = append(sc.topCallers[fn], caller)
				}
			}
			return true
		})
	}
}

// holds notes that a package-level variable or a field is given a
// struct literal, whose fields are then that holder's:
// var Relay = relayConfig{Port: 25}.
func (sc *scan) holds(o types.Object, e ast.Expr) {
	v, ok := o.(*types.Var)
	if !ok || !(v.IsField() || isPackageLevel(v)) {
		return
	}
	if lit, ok := unwrapRef(e).(*ast.CompositeLit); ok {
		sc.litParent[lit] = v
	}
}

// callee is the module function or method a call calls, nil otherwise.
func (sc *scan) callee(c *ast.CallExpr) *types.Func {
	var id *ast.Ident
	switch f := ast.Unparen(c.Fun).(type) {
	case *ast.Ident:
		id = f
	case *ast.SelectorExpr:
		id = f.Sel
	}
	if id == nil {
		return nil
	}
	fn, _ := sc.info.Uses[id].(*types.Func)
	return fn
}

// collect fills the slot table from declarations the libraries read:
// defaults, flags, environment variables, struct tags, viper and koanf.
func (sc *scan) collect() {
	// Package-level defaults and struct-literal defaults.
	objs := make([]objKey, 0, len(sc.assigns))
	for o := range sc.assigns {
		objs = append(objs, o)
	}
	slices.SortFunc(objs, func(a, b objKey) int {
		if a.obj != b.obj {
			return int(a.obj.Pos()) - int(b.obj.Pos())
		}
		return int(posOf(a.parent)) - int(posOf(b.parent))
	})
	for _, o := range objs {
		exprs := sc.assigns[o]
		v, ok := o.obj.(*types.Var)
		if !ok || !(v.IsField() || isPackageLevel(v)) {
			continue
		}
		for _, e := range exprs {
			if c := constOf(sc.info, e); c != nil && sc.defaults[e] {
				if s := sc.t.obj(o); s.setDef(c, e.Pos()) {
					s.find().defFrom = origin{obj: o}
				}
				break
			}
		}
		for _, e := range exprs {
			if list, ok := sc.constStrings(e); ok && sc.defaults[e] {
				sc.t.obj(o).setList(list, e.Pos(), origin{obj: o})
				break
			}
		}
	}
	var envMaps []*ast.CompositeLit
	sc.walk(func(ff fileFunc, n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			sc.collectCall(ff, n)
		case *ast.CompositeLit:
			sc.urfaveFlag(ff, n)
			if _, ok := sc.info.TypeOf(n).(*types.Map); ok {
				envMaps = append(envMaps, n)
			}
		}
		return true
	})
	if sc.environ {
		for _, m := range envMaps {
			sc.envTable(m)
		}
	}
	for _, kf := range sc.pflags {
		if f := sc.t.lookupFlag(kf[1]); f != nil {
			sc.t.merge(sc.t.key(kf[0], f.at), f)
		}
	}
	sc.applyTags()
	sc.applyViperKoanf()
	sc.resetMemo()
	if sc.flagEnvPrefix != "" {
		names := make([]string, 0, len(sc.t.byFlag))
		for n := range sc.t.byFlag {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			s := sc.t.byFlag[n]
			env := sc.flagEnvPrefix + strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(n))
			sc.t.addEnv(s, env, s.find().at)
		}
	}
	// Assignments tie variables to what they are read from; twice, so
	// that a chain a = b; b = os.Getenv("X") is followed either way.
	for range 2 {
		sc.resetMemo()
		for _, o := range objs {
			if v, ok := o.obj.(*types.Var); !ok || !(v.IsField() || isPackageLevel(v)) {
				continue
			}
			for _, e := range sc.assigns[o] {
				v := sc.eval(e, 0)
				if v.s != nil {
					sc.t.merge(sc.t.obj(o), v.s)
				}
			}
		}
	}
}

// str is a string constant, or the constant a local variable holds.
func (sc *scan) str(e ast.Expr) (string, bool) {
	if v, ok := constString(sc.info, e); ok {
		return v, true
	}
	if v := sc.eval(e, 0); v.hasLit && !v.intLit {
		return v.lit, true
	}
	return "", false
}

// constStrings reads a []string literal of constants: []string{"a", "b"}.
func (sc *scan) constStrings(e ast.Expr) ([]string, bool) {
	cl, ok := ast.Unparen(e).(*ast.CompositeLit)
	if !ok {
		return nil, false
	}
	sl, ok := sc.info.TypeOf(cl).(*types.Slice)
	if !ok || keyType(sl) != model.KeyStrings {
		return nil, false
	}
	out := []string{}
	for _, el := range cl.Elts {
		s, ok := constString(sc.info, el)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

func posOf(o types.Object) token.Pos {
	if o == nil {
		return 0
	}
	return o.Pos()
}

func isPackageLevel(v *types.Var) bool {
	return v.Pkg() != nil && v.Parent() == v.Pkg().Scope()
}

func (sc *scan) collectCall(ff fileFunc, c *ast.CallExpr) {
	info := sc.info
	sel, _ := ast.Unparen(c.Fun).(*ast.SelectorExpr)
	pkg := ff.pkgOf(c.Fun)
	// Any decoder filling the program's configuration struct: the
	// struct's tags are the file's keys.
	if n := funcName(c.Fun); (strings.Contains(n, "nmarshal") || strings.HasPrefix(n, "Decode")) && len(c.Args) >= 1 {
		if t := sc.info.TypeOf(c.Args[len(c.Args)-1]); t != nil && configType(t) {
			sc.configRoots = append(sc.configRoots, t)
		}
	}
	if fn := sc.callee(c); fn != nil {
		if h := sc.helper(fn); h != nil {
			sc.callVal(c, 0) // records the variable and its default
		}
	}
	switch {
	case pkg == "os" && sel.Sel.Name == "Environ":
		sc.environ = true
	case pkg == "os" && (sel.Sel.Name == "Getenv" || sel.Sel.Name == "LookupEnv") && len(c.Args) == 1:
		if n, ok := constString(info, c.Args[0]); ok {
			sc.t.env(n, c.Pos())
		}
		return
	case sel == nil:
		if fn := sc.callee(c); fn != nil {
			sc.helperCall(c, fn)
		}
		return
	case pkg == "github.com/prometheus/exporter-toolkit/web/kingpinflag" && sel.Sel.Name == "AddFlags" && len(c.Args) == 2:
		s := sc.t.flag("web.listen-address", "--", c.Pos())
		s.setDef(constOf(info, c.Args[1]), c.Args[1].Pos())
		return
	}
	name := sel.Sel.Name
	if fn := sc.callee(c); fn != nil {
		sc.helperCall(c, fn)
		return
	}
	// Flags: the flag package, pflag and cobra.
	if s, ok := sc.flagDef(ff, c); ok {
		_ = s
		return
	}
	if _, ok := sc.kingpinFlag(ff, c); ok {
		return
	}
	switch {
	case name == "MarkFlagRequired" && ff.imports("github.com/spf13/cobra") && len(c.Args) == 1:
		if n, ok := constString(info, c.Args[0]); ok {
			sc.markedFlags = append(sc.markedFlags, markedFlag{n, c.Pos(), sc.commandOf(sel.X)})
		}
	case ff.imports("github.com/spf13/viper"):
		sc.viperCall(c, name)
		if strings.HasPrefix(name, "Get") {
			sc.callVal(c, 0) // viper.GetString("key") records the key
		}
	}
	if ff.imports("github.com/knadh/koanf") {
		sc.koanfCall(ff, c, name)
		sc.callVal(c, 0) // k.String("key") records the key
	}
	switch {
	case pkg == "go.senan.xyz/flagconf" && name == "ParseEnv":
		// flagconf reads PROGRAM_FLAG_NAME for each flag.
		sc.flagEnvPrefix = strings.ToUpper(strings.ReplaceAll(sc.binary, "-", "_")) + "_"
	case hasPrefixPath(pkg, "github.com/peterbourgon/ff") && name == "WithEnvVarPrefix" && len(c.Args) == 1:
		if p, ok := constString(info, c.Args[0]); ok {
			sc.flagEnvPrefix = p + "_"
		}
	}
	sc.envRootCall(ff, c, pkg, name)
	sc.formatCall(ff, c, pkg, name)
}
