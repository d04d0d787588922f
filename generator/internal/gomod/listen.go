package gomod

import (
	"fmt"
	"go/ast"
	"go/token"
	"net"
	"reflect"
	"strconv"
	"strings"
	"unicode"

	"github.com/nixgen/nixgen/generator/internal/ident"
)

// ListenKind says where a server's listen address comes from.
type ListenKind string

const (
	ListenUnknown ListenKind = ""        // not found, or not plain enough to read
	ListenLiteral ListenKind = "literal" // written in the source
	ListenEnv     ListenKind = "env"     // an environment variable
	ListenFlag    ListenKind = "flag"    // a command-line flag
)

// Listen describes how a server's address is configured, as far as the
// source says so plainly.
type Listen struct {
	Kind ListenKind
	// Name is the environment variable or the flag name (without dashes).
	Name string
	// PortOnly is true when the variable or flag holds a bare port
	// ("8080") rather than an address (":8080").
	PortOnly bool
	// Host is the host part of the literal or default address: "" for all
	// interfaces, "127.0.0.1", "localhost", ...
	Host string
	// Port is the default (or, for a literal, the only) port; 0 when
	// unknown.
	Port int
	// Fixed is true when the address is a literal: it cannot be changed
	// without patching the program.
	Fixed bool
	// Dashes prefix a flag's name on the command line: "--" for kingpin
	// and the exporter toolkit; "" is Go's flag package's "-".
	Dashes string
}

// value is what an expression is known to hold.
type value struct {
	kind     ListenKind // ListenUnknown with lit set means a constant
	name     string
	lit      string // constant text, or the default of an env var or flag
	hasLit   bool
	portOnly bool
	dashes   string // a flag's dashes on the command line: "" is Go's "-"
}

// scope is where identifiers of an expression are looked up.
type scope struct {
	s     *source
	file  int
	fn    *ast.BlockStmt // enclosing function body, nil at package level
	depth int
}

// listen finds the first listen site of the package and reads its address.
// An address, variable or flag it cannot take as it is comes with a
// warning at the site, and is left unknown.
func (s *source) listen() (Listen, string, bool) {
	for i, f := range s.files {
		var result Listen
		var warning string
		found := false
		for _, decl := range f.Decls {
			var body *ast.BlockStmt
			if fd, ok := decl.(*ast.FuncDecl); ok {
				body = fd.Body
			}
			ast.Inspect(decl, func(n ast.Node) bool {
				if found {
					return false
				}
				if fl, ok := n.(*ast.FuncLit); ok && body == nil {
					body = fl.Body
				}
				sc := scope{s: s, file: i, fn: body}
				if v, ok := sc.listenSite(n); ok {
					var why string
					result, why = v.toListen()
					found = true
					if why != "" {
						warning = fmt.Sprintf("%s: %s", s.fset.Position(n.Pos()), why)
					}
				}
				return !found
			})
			if found {
				return result, warning, true
			}
		}
	}
	return Listen{}, "", false
}

// listenSite reads the address of a call or literal that starts a server.
func (sc scope) listenSite(n ast.Node) (value, bool) {
	s, i := sc.s, sc.file
	switch n := n.(type) {
	case *ast.CallExpr:
		if _, ok := s.pkgCall(i, n, "net/http", "ListenAndServe", "ListenAndServeTLS"); ok && len(n.Args) > 0 {
			return sc.eval(n.Args[0]), true
		}
		if _, ok := s.pkgCall(i, n, "net", "Listen"); ok && len(n.Args) == 2 {
			return sc.eval(n.Args[1]), true
		}
		// Prometheus exporters: the exporter toolkit's server reads the
		// --web.listen-address flag that kingpinflag.AddFlags defines.
		if _, ok := s.pkgCall(i, n, "github.com/prometheus/exporter-toolkit/web", "ListenAndServe", "Serve"); ok {
			return sc.toolkitFlag(), true
		}
		sel, ok := n.Fun.(*ast.SelectorExpr)
		if !ok {
			return value{}, false
		}
		switch {
		case sel.Sel.Name == "Run" && s.importsAny(i, "github.com/gin-gonic/gin"):
			if len(n.Args) == 0 {
				// gin's Run() without an address reads PORT, else :8080.
				return value{kind: ListenEnv, name: "PORT", lit: "8080", hasLit: true, portOnly: true}, true
			}
			return sc.eval(n.Args[0]), true
		case (sel.Sel.Name == "Start" || sel.Sel.Name == "StartTLS") && s.importsAny(i, "github.com/labstack/echo", "github.com/labstack/echo/v4") && len(n.Args) > 0:
			return sc.eval(n.Args[0]), true
		case sel.Sel.Name == "Listen" && s.importsAny(i, "github.com/gofiber/fiber/v2", "github.com/gofiber/fiber/v3") && len(n.Args) > 0:
			return sc.eval(n.Args[0]), true
		}
	case *ast.CompositeLit:
		sel, ok := n.Type.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Server" {
			return value{}, false
		}
		if id, ok := sel.X.(*ast.Ident); !ok || s.imports[i][id.Name] != "net/http" {
			return value{}, false
		}
		for _, e := range n.Elts {
			kv, ok := e.(*ast.KeyValueExpr)
			if k, isID := kv.Key.(*ast.Ident); ok && isID && k.Name == "Addr" {
				return sc.eval(kv.Value), true
			}
		}
	}
	return value{}, false
}

// eval reads what an expression holds, following identifiers to their
// definitions in the enclosing function or at package level.
func (sc scope) eval(e ast.Expr) value {
	if sc.depth > 8 {
		return value{}
	}
	sc.depth++
	switch e := e.(type) {
	case *ast.ParenExpr:
		return sc.eval(e.X)
	case *ast.StarExpr:
		return sc.eval(e.X)
	case *ast.BasicLit:
		if e.Kind == token.INT {
			return value{lit: e.Value, hasLit: true, portOnly: true}
		}
		if s, ok := stringLit(e); ok {
			return value{lit: s, hasLit: true}
		}
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			return concat(sc.eval(e.X), sc.eval(e.Y))
		}
	case *ast.Ident:
		return sc.ident(e.Name)
	case *ast.SelectorExpr:
		return sc.field(e.Sel.Name)
	case *ast.CallExpr:
		return sc.call(e)
	}
	return value{}
}

// concat combines the parts of a + expression: ":" + port makes port a
// bare port; two constants make a constant.
func concat(x, y value) value {
	switch {
	case x.kind == ListenUnknown && x.hasLit && y.kind == ListenUnknown && y.hasLit:
		return value{lit: x.lit + y.lit, hasLit: true}
	case y.kind != ListenUnknown && x.kind == ListenUnknown:
		if x.hasLit && strings.HasSuffix(x.lit, ":") {
			y.portOnly = true
		}
		return y
	case x.kind != ListenUnknown:
		return x
	}
	return value{}
}

func (sc scope) call(c *ast.CallExpr) value {
	s, i := sc.s, sc.file
	if _, ok := s.pkgCall(i, c, "os", "Getenv", "LookupEnv"); ok && len(c.Args) == 1 {
		if env, ok := stringLit(c.Args[0]); ok {
			return value{kind: ListenEnv, name: env, portOnly: strings.Contains(env, "PORT")}
		}
	}
	if _, ok := s.pkgCall(i, c, "fmt", "Sprintf"); ok && len(c.Args) > 1 {
		format, _ := stringLit(c.Args[0])
		for _, a := range c.Args[1:] {
			if v := sc.eval(a); v.kind != ListenUnknown {
				if strings.Contains(format, ":%") {
					v.portOnly = true
				}
				return v
			}
		}
	}
	if _, ok := s.pkgCall(i, c, "net", "JoinHostPort"); ok && len(c.Args) == 2 {
		if v := sc.eval(c.Args[1]); v.kind != ListenUnknown {
			v.portOnly = true
			return v
		}
	}
	if _, ok := s.pkgCall(i, c, "strconv", "Itoa", "FormatInt"); ok && len(c.Args) > 0 {
		return sc.eval(c.Args[0])
	}
	if _, ok := s.pkgCall(i, c, "fmt", "Sprint"); ok && len(c.Args) == 1 {
		return sc.eval(c.Args[0])
	}
	if v, ok := sc.flagCall(c); ok {
		return v
	}
	if v, ok := sc.kingpinFlag(c); ok {
		return v
	}
	// A helper such as getenv("PORT", "8080") or envOr("ADDR", ":8080").
	if len(c.Args) >= 1 && len(c.Args) <= 2 && strings.Contains(strings.ToLower(funcName(c.Fun)), "env") {
		env, ok := stringLit(c.Args[0])
		if ok && isEnvName(env) {
			v := value{kind: ListenEnv, name: env, portOnly: strings.Contains(env, "PORT")}
			if len(c.Args) == 2 {
				if d := sc.eval(c.Args[1]); d.kind == ListenUnknown && d.hasLit {
					v.lit, v.hasLit = d.lit, true
				}
			}
			return v
		}
	}
	return value{}
}

// toolkitFlag is the exporter toolkit's --web.listen-address flag, with the
// default the package passes to kingpinflag.AddFlags.
func (sc scope) toolkitFlag() value {
	v := value{kind: ListenFlag, name: "web.listen-address", dashes: "--"}
	for i, f := range sc.s.files {
		ast.Inspect(f, func(n ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			if !ok || v.hasLit {
				return !v.hasLit
			}
			if _, ok := sc.s.pkgCall(i, c, "github.com/prometheus/exporter-toolkit/web/kingpinflag", "AddFlags"); ok && len(c.Args) == 2 {
				if d := (scope{s: sc.s, file: i, depth: sc.depth + 1}).eval(c.Args[1]); d.kind == ListenUnknown && d.hasLit {
					v.lit, v.hasLit = d.lit, true
				}
			}
			return true
		})
	}
	return v
}

// kingpinFlag reads kingpin's app.Flag("listen", "...").Default(":8080").String()
// (and Envar or other calls in the chain).
func (sc scope) kingpinFlag(c *ast.CallExpr) (value, bool) {
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if !ok {
		return value{}, false
	}
	switch sel.Sel.Name {
	case "String", "Int", "Uint16", "TCP", "TCPList":
	default:
		return value{}, false
	}
	if !sc.s.importsAny(sc.file, "github.com/alecthomas/kingpin", "gopkg.in/alecthomas/kingpin") {
		return value{}, false
	}
	v := value{kind: ListenFlag, dashes: "--", portOnly: sel.Sel.Name == "Int" || sel.Sel.Name == "Uint16"}
	for e := sel.X; ; {
		call, ok := e.(*ast.CallExpr)
		if !ok {
			return value{}, false
		}
		inner, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return value{}, false
		}
		switch inner.Sel.Name {
		case "Default":
			if len(call.Args) > 0 {
				if d := sc.eval(call.Args[0]); d.kind == ListenUnknown && d.hasLit {
					v.lit, v.hasLit = d.lit, true
				}
			}
		case "Flag":
			if len(call.Args) == 0 {
				return value{}, false
			}
			name, ok := stringLit(call.Args[0])
			if !ok {
				return value{}, false
			}
			v.name = name
			return v, true
		}
		e = inner.X
	}
}

// flagCall reads flag.String("addr", ":8080", ...) and its relatives of
// the flag package and of pflag/cobra (StringP, StringVarP, ...).
func (sc scope) flagCall(c *ast.CallExpr) (value, bool) {
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if !ok {
		return value{}, false
	}
	if id, ok := sel.X.(*ast.Ident); ok {
		if ip, isPkg := sc.s.imports[sc.file][id.Name]; isPkg && ip != "flag" && ip != "github.com/spf13/pflag" {
			return value{}, false
		}
	}
	method := sel.Sel.Name
	nameArg := 0
	if strings.HasSuffix(strings.TrimSuffix(method, "P"), "Var") {
		nameArg = 1
	}
	defArg := nameArg + 1
	if strings.HasSuffix(method, "P") {
		defArg++
	}
	base := strings.TrimSuffix(strings.TrimSuffix(method, "P"), "Var")
	switch base {
	case "String", "Int", "Int64", "Uint", "Uint16", "Uint64":
	default:
		return value{}, false
	}
	if len(c.Args) <= defArg {
		return value{}, false
	}
	name, ok := stringLit(c.Args[nameArg])
	if !ok {
		return value{}, false
	}
	v := value{kind: ListenFlag, name: name, portOnly: base != "String"}
	if d := sc.eval(c.Args[defArg]); d.kind == ListenUnknown && d.hasLit {
		v.lit, v.hasLit = d.lit, true
	}
	return v, true
}

// ident follows a name to its assignments in the enclosing function, else
// its package-level definition, else a flag bound with
// flag.StringVar(&name, ...). When one assignment reads an env var or a
// flag and another is a constant, the constant is the default:
//
//	port := os.Getenv("PORT")
//	if port == "" { port = "8080" }
func (sc scope) ident(name string) value {
	var defs []ast.Expr
	if sc.fn != nil {
		ast.Inspect(sc.fn, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				for k, lhs := range n.Lhs {
					id, ok := lhs.(*ast.Ident)
					if !ok || id.Name != name {
						continue
					}
					if len(n.Rhs) == len(n.Lhs) {
						defs = append(defs, n.Rhs[k])
					} else if len(n.Rhs) == 1 && k == 0 {
						defs = append(defs, n.Rhs[0]) // port, ok := os.LookupEnv("PORT")
					}
				}
			case *ast.ValueSpec:
				for k, id := range n.Names {
					if id.Name == name && k < len(n.Values) {
						defs = append(defs, n.Values[k])
					}
				}
			}
			return true
		})
	}
	if len(defs) == 0 {
		if def := sc.packageValue(name); def != nil {
			defs = append(defs, def)
		}
	}
	var configured, constant value
	for _, def := range defs {
		if def == nil {
			continue
		}
		v := sc.eval(def)
		switch {
		case v.kind != ListenUnknown && configured.kind == ListenUnknown:
			configured = v
		case v.kind == ListenUnknown && v.hasLit && !constant.hasLit:
			constant = v
		}
	}
	if configured.kind != ListenUnknown {
		if !configured.hasLit && constant.hasLit {
			configured.lit, configured.hasLit = constant.lit, true
		}
		return configured
	}
	if fv, ok := sc.boundFlag(name); ok {
		return fv
	}
	return constant
}

// packageValue returns the value a package-level var or const is
// initialised with.
func (sc scope) packageValue(name string) ast.Expr {
	for _, f := range sc.s.files {
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || (gd.Tok != token.VAR && gd.Tok != token.CONST) {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for k, id := range vs.Names {
					if id.Name == name && k < len(vs.Values) {
						return vs.Values[k]
					}
				}
			}
		}
	}
	return nil
}

// boundFlag finds flag.StringVar(&name, "addr", ":8080", ...) anywhere in
// the package.
func (sc scope) boundFlag(name string) (value, bool) {
	var v value
	found := false
	for i, f := range sc.s.files {
		ast.Inspect(f, func(n ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			if !ok || found || len(c.Args) == 0 {
				return !found
			}
			u, ok := c.Args[0].(*ast.UnaryExpr)
			if !ok || u.Op != token.AND {
				return true
			}
			target := ""
			switch x := u.X.(type) {
			case *ast.Ident:
				target = x.Name
			case *ast.SelectorExpr:
				target = x.Sel.Name
			}
			if target != name {
				return true
			}
			if fv, ok := (scope{s: sc.s, file: i, depth: sc.depth}).flagCall(c); ok {
				v, found = fv, true
			}
			return !found
		})
	}
	return v, found
}

// field reads a struct field filled from the environment by a tag such as
// `env:"PORT" envDefault:"8080"` (caarlos0/env) or `envconfig:"PORT"
// default:"8080"` (kelseyhightower/envconfig), or bound to a flag.
func (sc scope) field(name string) value {
	if v, ok := sc.boundFlag(name); ok {
		return v
	}
	for _, f := range sc.s.files {
		var v value
		ast.Inspect(f, func(n ast.Node) bool {
			st, ok := n.(*ast.StructType)
			if !ok || v.kind != ListenUnknown {
				return v.kind == ListenUnknown
			}
			for _, fld := range st.Fields.List {
				if fld.Tag == nil {
					continue
				}
				for _, id := range fld.Names {
					if id.Name != name {
						continue
					}
					raw, _ := strconv.Unquote(fld.Tag.Value)
					tag := reflect.StructTag(raw)
					env := tag.Get("env")
					if env == "" {
						env = tag.Get("envconfig")
					}
					env, _, _ = strings.Cut(env, ",")
					if env == "" {
						continue
					}
					v = value{kind: ListenEnv, name: env, portOnly: strings.Contains(env, "PORT")}
					if d, ok := tag.Lookup("envDefault"); ok {
						v.lit, v.hasLit = d, true
					} else if d, ok := tag.Lookup("default"); ok {
						v.lit, v.hasLit = d, true
					}
				}
			}
			return false
		})
		if v.kind != ListenUnknown {
			return v
		}
	}
	return value{}
}

func funcName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return e.Sel.Name
	}
	return ""
}

// isEnvName: upper case letters, digits and underscores.
func isEnvName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !unicode.IsUpper(c) && !unicode.IsDigit(c) && c != '_' {
			return false
		}
	}
	return true
}

// toListen turns the value of a listen address into a Listen. The names
// and the address reach a shell script, the module and the unit, so only
// what ident accepts is taken: anything else is unknown, and why says so
// (without repeating the value, which may be anything).
func (v value) toListen() (l Listen, why string) {
	switch {
	case v.kind == ListenEnv && !ident.EnvName(v.name):
		return Listen{}, "the listen address comes from an environment variable whose name is not one (letters, digits and _); the address is left unknown"
	case v.kind == ListenFlag && !ident.FlagName(v.name):
		return Listen{}, "the listen address comes from a flag whose name nixgen cannot pass on a command line; the address is left unknown"
	}
	l = Listen{Kind: v.kind, Name: v.name, PortOnly: v.portOnly, Dashes: v.dashes}
	if v.kind == ListenUnknown {
		if !v.hasLit {
			return Listen{}, ""
		}
		l.Kind, l.Fixed = ListenLiteral, true
	}
	ok := true
	if v.hasLit {
		if _, err := strconv.Atoi(v.lit); err == nil {
			l.Port, ok = ident.Port(v.lit)
			if v.kind != ListenUnknown {
				l.PortOnly = true
			}
		} else if host, port, err := net.SplitHostPort(v.lit); err == nil {
			l.Port, ok = ident.Port(port)
			ok = ok && ident.ListenHost(host)
			l.Host, l.PortOnly = host, false
		} else {
			ok = v.lit == "" && v.kind != ListenUnknown // no default
		}
	}
	if !ok {
		if v.kind == ListenUnknown {
			return Listen{}, "the listen address is not a host:port nixgen can read (a port from 1 to 65535, an IP address or host name); the address is left unknown"
		}
		l.Port, l.Host = 0, ""
		why = "the default listen address is not a host:port nixgen can read (a port from 1 to 65535, an IP address or host name); the default port is left unknown"
	}
	if l.Kind == ListenLiteral {
		l.PortOnly = false
	}
	return l, why
}
