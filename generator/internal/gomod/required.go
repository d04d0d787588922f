package gomod

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// markRequired finds the values the program stops without, where the
// check runs whenever the program does (not inside a branch):
//
//	if cfg.DatabaseURL == "" { log.Fatal("...") }
//	if err := load(*configFile); err != nil { return 1 }
//	if dir, err = validatePath(dir); err != nil { log.Fatal(err) }
func (sc *scan) markRequired() {
	sc.noDefaults, sc.noParams = true, true
	sc.resetMemo()
	defer func() { sc.noDefaults, sc.noParams = false, false; sc.resetMemo() }()
	for _, m := range sc.markedFlags {
		if s := sc.t.lookupFlag(m.name); s != nil && !sc.elsewhere(m.at) && !sc.otherCommand(m.cmd) {
			s.required = true
		}
	}
	for _, b := range sc.bodies {
		if b.fn != nil && !sc.alwaysRun(b.fn, 0) || sc.elsewhere(b.body.Pos()) {
			continue
		}
		stmts := b.body.List
		for _, st := range b.body.List {
			// for _, f := range files { if err := load(f); err != nil { ... } }
			if rs, ok := st.(*ast.RangeStmt); ok {
				stmts = append(stmts[:len(stmts):len(stmts)], rs.Body.List...)
			}
		}
		// Checks that collect their complaint (errorText += "...") and fail
		// once at the end, when it is not empty: the values they test.
		pending := map[string][]ast.Expr{}
		sc.checkTables(stmts, pending)
		for i, st := range stmts {
			is, ok := st.(*ast.IfStmt)
			if ok && earlyReturn(is.Body) {
				break // what follows runs only sometimes
			}
			if ok && !exits(is.Body) {
				if acc := accumulates(is.Body); acc != "" {
					if x := emptyTest(is.Cond); x != nil {
						pending[acc] = append(pending[acc], x)
					}
					if x := prefixTest(is.Cond); x != nil {
						pending[acc] = append(pending[acc], x)
					}
				}
				continue
			}
			if !ok {
				continue
			}
			if acc := nonEmptyTest(is.Cond); acc != "" {
				for _, x := range pending[acc] {
					if v := sc.eval(x, 0); v.s != nil {
						v.s.find().required = true
					}
				}
			}
			for _, x := range []ast.Expr{emptyTest(is.Cond), prefixTest(is.Cond)} {
				if x == nil {
					continue
				}
				if v := sc.eval(x, 0); v.s != nil {
					v.s.find().required = true
				}
			}
			if !errTest(is.Cond) {
				continue
			}
			if is.Init != nil {
				sc.loadExits(is.Init)
			} else if i > 0 {
				sc.loadExits(stmts[i-1])
			}
		}
	}
}

// alwaysRun: fn runs whenever the program does, as far as the source
// shows: main, init, or called outside any branch of such a function or
// of a function literal (a command's Run or Action).
func (sc *scan) alwaysRun(fn *types.Func, depth int) bool {
	if r, ok := sc.always[fn]; ok {
		return r
	}
	if depth > 8 {
		return false
	}
	sc.always[fn] = false // a cycle
	r := fn.Name() == "main" && fn.Pkg() != nil && fn.Pkg().Name() == "main" || fn.Name() == "init"
	for _, caller := range sc.topCallers[fn] {
		if r {
			break
		}
		r = caller == nil || sc.alwaysRun(caller, depth+1)
	}
	sc.always[fn] = r
	return r
}

// requiredParams are the parameters a function fails without:
// if p == "" { return errors.New(...) } outside any branch.
func (sc *scan) requiredParams(fn *types.Func) []int {
	fd := sc.funcs[fn]
	if fd == nil {
		return nil
	}
	var out []int
	for _, st := range fd.Body.List {
		is, ok := st.(*ast.IfStmt)
		if ok && earlyReturn(is.Body) {
			break
		}
		if !ok || !exits(is.Body) {
			continue
		}
		if x, ok := emptyTest(is.Cond).(*ast.Ident); ok {
			if v, ok := sc.info.Uses[x].(*types.Var); ok {
				if p, ok := sc.params[v]; ok && p.fn == fn {
					out = append(out, p.idx)
				}
			}
		}
	}
	return out
}

// loadExits notes the configuration-file values passed to a call whose
// failure stops the program.
func (sc *scan) loadExits(st ast.Stmt) {
	as, ok := st.(*ast.AssignStmt)
	if !ok || len(as.Rhs) != 1 {
		return
	}
	c, ok := as.Rhs[0].(*ast.CallExpr)
	if !ok {
		return
	}
	// The path may be wrapped, k.Load(file.Provider(path), parser), or
	// passed in by the caller.
	sc.noParams = false
	sc.resetMemo()
	defer func() { sc.noParams = true; sc.resetMemo() }()
	ast.Inspect(c, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.Ident, *ast.SelectorExpr:
			if v := sc.eval(n.(ast.Expr), 0); v.s != nil && sc.isConfigSlot(v.s.find()) {
				sc.configExited = append(sc.configExited, v.s.find())
			}
		}
		return true
	})
	if fn := sc.callee(c); fn != nil {
		for _, i := range sc.requiredParams(fn) {
			if i < len(c.Args) {
				if v := sc.eval(c.Args[i], 0); v.s != nil {
					v.s.find().required = true
				}
			}
		}
	}
}

// emptyTest is x in x == "", len(x) == 0, x == nil.
func emptyTest(cond ast.Expr) ast.Expr {
	b, ok := ast.Unparen(cond).(*ast.BinaryExpr)
	if !ok {
		return nil
	}
	if b.Op == token.LOR {
		if x := emptyTest(b.X); x != nil {
			return x
		}
		return emptyTest(b.Y)
	}
	if b.Op != token.EQL {
		return nil
	}
	x, y := b.X, b.Y
	if lit, ok := y.(*ast.BasicLit); ok && (lit.Value == `""` || lit.Value == "``") {
		return x
	}
	if id, ok := y.(*ast.Ident); ok && id.Name == "nil" {
		return x
	}
	if lit, ok := y.(*ast.BasicLit); ok && lit.Value == "0" {
		if c, ok := x.(*ast.CallExpr); ok && funcName(c.Fun) == "len" && len(c.Args) == 1 {
			return c.Args[0]
		}
	}
	return nil
}

// checkTables reads a table of checks run in a loop:
//
//	checks := []struct{ bad bool; msg string }{{c.Issuer == "", "no issuer"}, ...}
//	for _, check := range checks { if check.bad { errs = append(errs, check.msg) } }
//	if len(errs) != 0 { return fmt.Errorf(...) }
//
// The values a row's first field tests empty (alone, not with &&) join
// what errs collects.
func (sc *scan) checkTables(stmts []ast.Stmt, pending map[string][]ast.Expr) {
	tables := map[string][]ast.Expr{} // table variable -> the rows' tests
	for _, st := range stmts {
		switch st := st.(type) {
		case *ast.AssignStmt:
			if len(st.Lhs) != 1 || len(st.Rhs) != 1 {
				continue
			}
			id, ok := st.Lhs[0].(*ast.Ident)
			lit, ok2 := st.Rhs[0].(*ast.CompositeLit)
			if !ok || !ok2 {
				continue
			}
			for _, row := range lit.Elts {
				r, ok := row.(*ast.CompositeLit)
				if !ok || len(r.Elts) == 0 {
					continue
				}
				first := r.Elts[0]
				if kv, ok := first.(*ast.KeyValueExpr); ok {
					first = kv.Value
				}
				if x := emptyTest(first); x != nil {
					if b, ok := ast.Unparen(first).(*ast.BinaryExpr); ok && b.Op == token.EQL {
						tables[id.Name] = append(tables[id.Name], x)
					}
				}
			}
		case *ast.RangeStmt:
			id, ok := st.X.(*ast.Ident)
			if !ok || tables[id.Name] == nil || st.Body == nil || len(st.Body.List) != 1 {
				continue
			}
			is, ok := st.Body.List[0].(*ast.IfStmt)
			if !ok {
				continue
			}
			if acc := accumulates(is.Body); acc != "" {
				pending[acc] = append(pending[acc], tables[id.Name]...)
			}
		}
	}
}

// prefixTest is x in !strings.HasPrefix(x, "http://") &&
// !strings.HasPrefix(x, "https://"): a value that must start with one of
// them, which an empty one does not.
func prefixTest(cond ast.Expr) ast.Expr {
	var x ast.Expr
	var walk func(e ast.Expr) bool
	walk = func(e ast.Expr) bool {
		e = ast.Unparen(e)
		if b, ok := e.(*ast.BinaryExpr); ok && b.Op == token.LAND {
			return walk(b.X) && walk(b.Y)
		}
		u, ok := e.(*ast.UnaryExpr)
		if !ok || u.Op != token.NOT {
			return false
		}
		c, ok := ast.Unparen(u.X).(*ast.CallExpr)
		if !ok || funcName(c.Fun) != "HasPrefix" || len(c.Args) != 2 {
			return false
		}
		if lit, ok := c.Args[1].(*ast.BasicLit); !ok || lit.Kind != token.STRING || lit.Value == `""` {
			return false
		}
		if x == nil {
			x = c.Args[0]
		}
		return true
	}
	if !walk(cond) {
		return nil
	}
	return x
}

// accumulates is the variable a block adds its complaint to: errs +=
// "...", errs = append(errs, ...); "" when it does something else.
func accumulates(body *ast.BlockStmt) string {
	if body == nil || len(body.List) != 1 {
		return ""
	}
	as, ok := body.List[0].(*ast.AssignStmt)
	if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
		return ""
	}
	id, ok := as.Lhs[0].(*ast.Ident)
	if !ok {
		return ""
	}
	switch {
	case as.Tok == token.ADD_ASSIGN:
		return id.Name
	case as.Tok == token.ASSIGN:
		if c, ok := as.Rhs[0].(*ast.CallExpr); ok && funcName(c.Fun) == "append" && len(c.Args) > 1 {
			if first, ok := c.Args[0].(*ast.Ident); ok && first.Name == id.Name {
				return id.Name
			}
		}
	}
	return ""
}

// nonEmptyTest is v in v != "", len(v) > 0, len(v) != 0, v != nil.
func nonEmptyTest(cond ast.Expr) string {
	b, ok := ast.Unparen(cond).(*ast.BinaryExpr)
	if !ok || (b.Op != token.NEQ && b.Op != token.GTR) {
		return ""
	}
	x := b.X
	if c, ok := x.(*ast.CallExpr); ok && funcName(c.Fun) == "len" && len(c.Args) == 1 {
		x = c.Args[0]
	}
	id, ok := x.(*ast.Ident)
	if !ok {
		return ""
	}
	switch y := b.Y.(type) {
	case *ast.BasicLit:
		if y.Value == `""` || y.Value == "0" {
			return id.Name
		}
	case *ast.Ident:
		if y.Name == "nil" {
			return id.Name
		}
	}
	return ""
}

func errTest(cond ast.Expr) bool {
	b, ok := ast.Unparen(cond).(*ast.BinaryExpr)
	if !ok || b.Op != token.NEQ {
		return false
	}
	x, ok1 := b.X.(*ast.Ident)
	y, ok2 := b.Y.(*ast.Ident)
	return ok1 && ok2 && strings.HasPrefix(x.Name, "err") && y.Name == "nil"
}

// earlyReturn: the block returns without failing (return nil, return),
// so the rest of the function runs only sometimes.
func earlyReturn(body *ast.BlockStmt) bool {
	if body == nil || len(body.List) == 0 || exits(body) {
		return false
	}
	_, ok := body.List[len(body.List)-1].(*ast.ReturnStmt)
	return ok
}

// exits: the block stops the program or fails the function: a fatal log,
// os.Exit, panic, or a return of an error or a non-zero status.
func exits(body *ast.BlockStmt) bool {
	if body == nil {
		return false
	}
	found := false
	for _, st := range body.List {
		switch st := st.(type) {
		case *ast.ExprStmt:
			if c, ok := st.X.(*ast.CallExpr); ok {
				switch funcName(c.Fun) {
				case "Fatal", "Fatalf", "Fatalln", "Exit", "panic", "Panic", "Panicf", "Panicln":
					found = true
				}
			}
		case *ast.ReturnStmt:
			if len(st.Results) == 0 {
				continue
			}
			switch r := st.Results[len(st.Results)-1].(type) {
			case *ast.CallExpr:
				switch funcName(r.Fun) {
				case "New", "Errorf", "Wrap", "Wrapf", "Join", "NewExitError", "Exit":
					found = true
				}
			case *ast.BasicLit:
				found = r.Kind == token.INT && r.Value != "0"
			}
		}
	}
	return found
}
