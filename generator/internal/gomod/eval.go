package gomod

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strings"
)

// val is what an expression is known to hold: a settable value (slot), a
// constant, or a host:port made of two such parts.
type val struct {
	s      *slot
	lit    string
	hasLit bool
	intLit bool
	host   *val // with port: host:port built from parts; nil host is ""
	port   *val
	colon  bool // a host part that carries the colon: "127.0.0.1:"
}

func (v val) known() bool { return v.s != nil || v.hasLit || v.port != nil }

func litVal(c constant.Value) val {
	switch c.Kind() {
	case constant.String:
		return val{lit: constant.StringVal(c), hasLit: true}
	case constant.Int:
		return val{lit: c.ExactString(), hasLit: true, intLit: true}
	}
	return val{}
}

// eval follows an expression through constants, variables, struct
// fields, parameters, helper functions and the libraries that read flags,
// environment variables and configuration keys.
func (sc *scan) eval(e ast.Expr, depth int) val {
	if e == nil || depth > 12 {
		return val{}
	}
	depth++
	if c := constOf(sc.info, e); c != nil {
		return litVal(c)
	}
	switch e := ast.Unparen(e).(type) {
	case *ast.StarExpr:
		return sc.eval(e.X, depth)
	case *ast.UnaryExpr:
		if e.Op == token.AND {
			return sc.eval(e.X, depth)
		}
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			return sc.concat(e, depth)
		}
	case *ast.CallExpr:
		return sc.callVal(e, depth)
	case *ast.IndexExpr:
		// options["LISTEN_ADDR"] of a program's own table of variables.
		if k, ok := constString(sc.info, e.Index); ok && sc.envKeys[k] {
			return val{s: sc.t.env(k, e.Pos())}
		}
		return sc.eval(e.X, depth) // addrs[0]
	case *ast.SelectorExpr:
		if ix, ok := ast.Unparen(e.X).(*ast.IndexExpr); ok {
			if k, ok := constString(sc.info, ix.Index); ok && sc.envKeys[k] {
				return val{s: sc.t.env(k, e.Pos())} // options["X"].value
			}
		}
		if k, ok := keyOf(sc.info, e); ok {
			return sc.objVal(k, depth)
		}
	case *ast.Ident:
		if k, ok := keyOf(sc.info, e); ok {
			return sc.objVal(k, depth)
		}
	case *ast.CompositeLit:
		// []string{addr}: what its first element holds.
		if t := sc.info.TypeOf(e); t != nil && len(e.Elts) > 0 {
			if _, ok := t.Underlying().(*types.Slice); !ok {
				return val{}
			}
			return sc.eval(e.Elts[0], depth)
		}
	}
	return val{}
}

// objVal is what a variable or field holds: its slot, else what is
// assigned to it (a configured value, with a constant as its default),
// else, for a parameter, what the callers pass.
func (sc *scan) objVal(o objKey, depth int) val {
	if s, ok := sc.t.lookupObj(o); ok {
		return val{s: s}
	}
	if v, ok := sc.objMemo[o]; ok {
		return v
	}
	sc.objMemo[o] = val{} // a cycle reads nothing
	v := sc.objValOnce(o, depth)
	sc.objMemo[o] = v
	return v
}

func (sc *scan) objValOnce(o objKey, depth int) val {
	var configured, fallback val
	exprs := sc.assigns[o]
	if o.parent != nil {
		exprs = append(exprs[:len(exprs):len(exprs)], sc.assigns[objKey{obj: o.obj}]...)
	}
	var fallbackAt token.Pos
	for _, e := range exprs {
		v := sc.eval(e, depth)
		switch {
		case v.s != nil || v.port != nil:
			if configured.s == nil && configured.port == nil {
				configured = v
			}
		case v.hasLit && !fallback.hasLit:
			fallback, fallbackAt = v, e.Pos()
		}
	}
	for _, tp := range sc.tuples[o.obj] {
		if fn := sc.callee(tp.call); fn != nil && configured.s == nil && configured.port == nil {
			if v := sc.returns(fn, tp.k, depth); v.known() {
				configured = v
			}
		}
	}
	if configured.s != nil {
		if fallback.hasLit && !sc.noDefaults {
			configured.s.find().setDefString(fallback.lit, fallbackAt)
			if fallback.intLit {
				configured.s.find().intDef = configured.s.find().intDef || configured.s.find().def == fallback.lit
			}
		}
		return configured
	}
	if configured.port != nil {
		return configured
	}
	if fallback.hasLit {
		return fallback
	}
	if v, ok := o.obj.(*types.Var); ok && !sc.noParams {
		if p, ok := sc.params[v]; ok {
			for _, c := range sc.calls[p.fn] {
				if p.idx < len(c.Args) {
					if r := sc.eval(c.Args[p.idx], depth); r.known() {
						return r
					}
				}
			}
		}
	}
	return val{}
}

// concat reads a + chain: ":" + port, host + ":" + port, "host:" + port.
func (sc *scan) concat(b *ast.BinaryExpr, depth int) val {
	var ops []ast.Expr
	var flatten func(e ast.Expr)
	flatten = func(e ast.Expr) {
		if b, ok := ast.Unparen(e).(*ast.BinaryExpr); ok && b.Op == token.ADD && constOf(sc.info, b) == nil {
			flatten(b.X)
			flatten(b.Y)
			return
		}
		ops = append(ops, e)
	}
	flatten(b)
	vals := make([]val, len(ops))
	for i, op := range ops {
		vals[i] = sc.eval(op, depth)
	}
	part := func(vs []val) *val {
		switch len(vs) {
		case 0:
			return nil
		case 1:
			return &vs[0]
		}
		for _, v := range vs {
			if v.known() && !v.hasLit {
				return &v
			}
		}
		return nil
	}
	for i, v := range vals {
		if !v.hasLit || v.intLit {
			continue
		}
		switch {
		case v.lit == ":":
			return val{host: part(vals[:i]), port: part(vals[i+1:])}
		case strings.HasSuffix(v.lit, ":") && i == 0:
			h := val{lit: strings.TrimSuffix(v.lit, ":"), hasLit: true}
			return val{host: &h, port: part(vals[1:])}
		case strings.HasPrefix(v.lit, ":") && i == len(vals)-1 && i > 0:
			p := val{lit: v.lit[1:], hasLit: true, intLit: true}
			return val{host: part(vals[:i]), port: &p}
		}
	}
	if p := part(vals); p != nil {
		return *p
	}
	return val{}
}

// callVal is what a call returns.
func (sc *scan) callVal(c *ast.CallExpr, depth int) val {
	info := sc.info
	if tv, ok := info.Types[c.Fun]; ok && tv.IsType() && len(c.Args) == 1 {
		return sc.eval(c.Args[0], depth) // string(x), int(x)
	}
	ff, ok := sc.fileAt(c.Pos())
	if !ok {
		return val{}
	}
	pkg := ff.pkgOf(c.Fun)
	name := funcName(c.Fun)
	arg := func(i int) (string, bool) {
		if i >= len(c.Args) {
			return "", false
		}
		return constString(info, c.Args[i])
	}
	switch {
	case pkg == "os" && (name == "Getenv" || name == "LookupEnv"):
		if n, ok := arg(0); ok {
			return val{s: sc.t.env(n, c.Pos())}
		}
		return val{}
	case pkg == "fmt" && name == "Sprintf" && len(c.Args) >= 2:
		return sc.sprintf(c, depth)
	case pkg == "fmt" && name == "Sprint" && len(c.Args) == 1,
		pkg == "strconv" && (name == "Itoa" || name == "FormatInt" || name == "FormatUint" || name == "Atoi" || name == "ParseInt" || name == "ParseUint"),
		pkg == "strings" && (name == "TrimSpace" || name == "ToLower"):
		return sc.eval(c.Args[0], depth)
	case pkg == "net" && name == "JoinHostPort" && len(c.Args) == 2:
		h, p := sc.eval(c.Args[0], depth), sc.eval(c.Args[1], depth)
		return val{host: &h, port: &p}
	}
	if fn := sc.callee(c); fn != nil {
		if h := sc.helper(fn); h != nil && h.name < len(c.Args) {
			n, ok := arg(h.name)
			if !ok {
				return val{}
			}
			s := sc.t.env(n, c.Pos())
			if h.def >= 0 && h.def < len(c.Args) && h.def != h.dst {
				if d := constOf(info, c.Args[h.def]); d != nil {
					s.setDef(d, c.Args[h.def].Pos())
				}
			}
			if h.fileSuffix != "" {
				s.fileEnv = n + h.fileSuffix
			}
			return val{s: s}
		}
		return sc.returns(fn, 0, depth)
	}
	if s, ok := sc.flagDef(ff, c); ok {
		return val{s: s}
	}
	if s, ok := sc.kingpinFlag(ff, c); ok {
		return val{s: s}
	}
	sel, ok := ast.Unparen(c.Fun).(*ast.SelectorExpr)
	if !ok || len(c.Args) != 1 {
		return val{}
	}
	key, ok := arg(0)
	if !ok {
		return val{}
	}
	recvFlags := false
	if rc, ok := sel.X.(*ast.CallExpr); ok {
		switch funcName(rc.Fun) {
		case "Flags", "PersistentFlags", "LocalFlags":
			recvFlags = true
		}
	}
	switch {
	case strings.HasPrefix(name, "Get") && (recvFlags || !ff.imports("github.com/spf13/viper")) && ff.imports("github.com/spf13/cobra", "github.com/spf13/pflag"):
		if s := sc.t.lookupFlag(key); s != nil {
			return val{s: s}
		}
	case strings.HasPrefix(name, "Get") && ff.imports("github.com/spf13/viper"):
		return val{s: sc.t.key(key, c.Pos())}
	case ff.imports("github.com/knadh/koanf"):
		switch strings.TrimPrefix(name, "Must") {
		case "String", "Int", "Int64", "Bool", "Duration", "Strings", "Get", "Float64":
			return val{s: sc.t.key(key, c.Pos())}
		}
	case ff.imports("github.com/urfave/cli", "gopkg.in/urfave/cli"):
		switch name {
		case "String", "Int", "Int64", "Uint", "Uint64", "Bool", "Duration", "StringSlice", "Path", "Value", "Generic", "Float64":
			if s := sc.t.lookupFlag(key); s != nil {
				return val{s: s}
			}
		}
	}
	return val{}
}

// sprintf reads fmt.Sprintf(":%d", port), ("%s:%d", host, port).
func (sc *scan) sprintf(c *ast.CallExpr, depth int) val {
	format, ok := constString(sc.info, c.Args[0])
	if !ok {
		return val{}
	}
	// The text between verbs, and the verbs' arguments.
	var texts []string
	cur := ""
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			cur += string(format[i])
			continue
		}
		if i+1 < len(format) && format[i+1] == '%' {
			cur += "%"
			i++
			continue
		}
		for i+1 < len(format) && !strings.ContainsRune("vsdqxX", rune(format[i+1])) {
			i++
		}
		i++
		texts = append(texts, cur)
		cur = ""
	}
	texts = append(texts, cur)
	args := c.Args[1:]
	if len(texts)-1 != len(args) {
		return val{}
	}
	switch {
	case len(args) == 1 && texts[0] == "" && texts[1] == "":
		return sc.eval(args[0], depth)
	case len(args) == 1 && strings.HasSuffix(texts[0], ":") && texts[1] == "":
		h := val{lit: strings.TrimSuffix(texts[0], ":"), hasLit: true}
		p := sc.eval(args[0], depth)
		return val{host: &h, port: &p}
	case len(args) == 2 && texts[0] == "" && texts[1] == ":" && texts[2] == "":
		h, p := sc.eval(args[0], depth), sc.eval(args[1], depth)
		return val{host: &h, port: &p}
	case len(args) == 2 && texts[0] == "" && texts[1] == "" && texts[2] == "":
		// "%s%d": a host that ends with its colon, then the port.
		h, p := sc.eval(args[0], depth), sc.eval(args[1], depth)
		h.colon = true
		return val{host: &h, port: &p}
	}
	return val{}
}

// returns is what a module function returns, when its returns agree on
// one readable value.
func (sc *scan) returns(fn *types.Func, k, depth int) val {
	key := retKey{fn, k}
	if v, ok := sc.retMemo[key]; ok {
		return v
	}
	sc.retMemo[key] = val{}
	v := sc.returnsOnce(fn, k, depth)
	sc.retMemo[key] = v
	return v
}

type retKey struct {
	fn *types.Func
	k  int
}

// resetMemo forgets what eval learnt, once slots have changed.
func (sc *scan) resetMemo() {
	sc.objMemo = map[objKey]val{}
	sc.retMemo = map[retKey]val{}
}

func (sc *scan) returnsOnce(fn *types.Func, k, depth int) val {
	fd := sc.funcs[fn]
	if fd == nil || fd.Type.Results == nil {
		return val{}
	}
	var out val
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		r, ok := n.(*ast.ReturnStmt)
		if !ok || len(r.Results) <= k || out.known() {
			return !out.known()
		}
		if v := sc.eval(r.Results[k], depth); v.s != nil || v.port != nil {
			out = v
		}
		return true
	})
	return out
}

type paramRef struct {
	fn  *types.Func
	idx int
}

// fileAt is the file that holds pos.
func (sc *scan) fileAt(pos token.Pos) (fileFunc, bool) {
	f := sc.fset.File(pos)
	if f == nil {
		return fileFunc{}, false
	}
	ff, ok := sc.files[f]
	return ff, ok
}
