package gomod

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"slices"
	"strconv"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/projfs"
)

// source is a parsed package: what the command analyses read.
type source struct {
	*pkg
	fset    *token.FileSet // positions of files, for warnings
	files   []*ast.File
	imports []map[string]string // per file: local name -> import path
}

// analyseCommands fills what depends on the code the commands run:
// Main.Server, Server, Main.Surface and VersionVar. A command is
// its main package plus the module packages it imports, directly or not.
func analyseCommands(fsys fs.FS, p *Project, pkgs []*pkg) error {
	byPath := map[string]*pkg{}
	for _, pk := range pkgs {
		byPath[pk.ImportPath] = pk
	}
	fset := token.NewFileSet()
	parsed := map[string]*source{}
	load := func(pk *pkg) (*source, error) {
		if s, ok := parsed[pk.ImportPath]; ok {
			return s, nil
		}
		s := &source{pkg: pk, fset: fset}
		for _, name := range pk.Files {
			data, err := projfs.ReadFile(fsys, name)
			if skip, ok := projfs.Skipped(err); ok {
				p.Warnings = append(p.Warnings, skip.Error())
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			f, err := parser.ParseFile(fset, name, data, parser.SkipObjectResolution)
			if err != nil {
				return nil, err // "dir/file.go:line:col: msg"
			}
			s.files = append(s.files, f)
			s.imports = append(s.imports, fileImports(f))
		}
		parsed[pk.ImportPath] = s
		return s, nil
	}

	var loadErr error
	types := newChecker(fset, func(ip string) *source {
		pk, ok := byPath[ip]
		if !ok {
			return nil
		}
		s, err := load(pk)
		if err != nil {
			loadErr = err
			return nil
		}
		return s
	})

	var versionVars []string
	for i := range p.Mains {
		if p.Mains[i].LeftOut != "" {
			continue
		}
		main := byPath[importPathOf(p.ModulePath, p.Mains[i].Dir)]
		// The main package first, then the packages it reaches, by path.
		reach := []*pkg{main}
		seen := map[string]bool{main.ImportPath: true}
		for q := 0; q < len(reach); q++ {
			for _, imp := range reach[q].Imports {
				if dep, ok := byPath[imp]; ok && !seen[imp] {
					seen[imp] = true
					reach = append(reach, dep)
				}
			}
		}
		slices.SortFunc(reach[1:], func(a, b *pkg) int { return strings.Compare(a.Dir, b.Dir) })

		var srcs []*source
		for _, pk := range reach {
			s, err := load(pk)
			if err != nil {
				return err
			}
			srcs = append(srcs, s)
		}
		for _, s := range srcs {
			if s.isServer() {
				p.Mains[i].Server = true
			}
		}
		if p.Mains[i].Server {
			p.Server = true
			p.Mains[i].Surface = surfaceOf(types, srcs, p.Mains[i].Name)
			if loadErr != nil {
				return loadErr
			}
		}
		if v := versionVar(srcs); v != "" {
			versionVars = append(versionVars, v)
		}
		p.Mains[i].Vars, p.Mains[i].Deps = linkerVars(srcs, byPath)
	}
	if len(versionVars) > 0 {
		p.VersionVar = versionVars[0]
	}
	return nil
}

func fileImports(f *ast.File) map[string]string {
	m := map[string]string{}
	for _, imp := range f.Imports {
		ip, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			continue
		}
		name := importName(ip)
		if imp.Name != nil {
			name = imp.Name.Name
		}
		m[name] = ip
	}
	return m
}

// pkgCall reports whether call is importPath.fn(...) in file i, with fn
// one of names, returning the function name.
func (s *source) pkgCall(i int, call *ast.CallExpr, importPath string, names ...string) (string, bool) {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return "", false
	}
	id, ok := sel.X.(*ast.Ident)
	if !ok || s.imports[i][id.Name] != importPath {
		return "", false
	}
	return sel.Sel.Name, slices.Contains(names, sel.Sel.Name)
}

// importsAny reports whether file i imports a path equal to or below one
// of prefixes.
func (s *source) importsAny(i int, prefixes ...string) bool {
	for _, ip := range s.imports[i] {
		for _, p := range prefixes {
			if ip == p || strings.HasPrefix(ip, p+"/") {
				return true
			}
		}
	}
	return false
}

// routerFrameworks are imports that make a program a server on their own:
// they exist to serve HTTP.
var routerFrameworks = []string{
	"github.com/gin-gonic/gin",
	"github.com/labstack/echo",
	"github.com/labstack/echo/v4",
	"github.com/go-chi/chi",
	"github.com/go-chi/chi/v5",
	"github.com/gofiber/fiber/v2",
	"github.com/gofiber/fiber/v3",
	"github.com/gorilla/mux",
}

// isServer: the package imports a router framework, creates a gRPC
// server, or imports net/http or net and starts listening.
func (s *source) isServer() bool {
	for i, f := range s.files {
		if s.importsAny(i, routerFrameworks...) {
			return true
		}
		found := false
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || found {
				return !found
			}
			if _, ok := s.pkgCall(i, call, "google.golang.org/grpc", "NewServer"); ok {
				found = true
			}
			if _, ok := s.pkgCall(i, call, "net", "Listen", "ListenTCP"); ok {
				found = true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && s.importsAny(i, "net/http") {
				switch sel.Sel.Name {
				case "ListenAndServe", "ListenAndServeTLS", "Serve", "ServeTLS":
					found = true
				}
			}
			return !found
		})
		if found {
			return true
		}
	}
	return false
}

// healthNames are the last elements of health routes, in order of
// preference: "/healthz", "/api/health", "/-/healthy", "/ping".
var healthNames = []string{"healthz", "health", "healthcheck", "livez", "healthy", "liveness", "ping", "readyz", "readiness"}

// healthRoute finds a health endpoint registered with a router method
// (HandleFunc, Handle, GET, Get, ...) or a heartbeat middleware under a
// constant pattern, or compared with a request's path; Go 1.22 patterns
// such as "GET /healthz" count too. It returns the path and where it is
// registered. str reads a string constant.
func healthRoute(srcs []*source, str func(ast.Expr) (string, bool)) (string, string) {
	type route struct {
		path, at string
		depth    int
	}
	// lit is a route's constant pattern, or "/" and its constant tail
	// when a configurable prefix comes first: webroot + "livez",
	// path.Join(prefix, "/-/healthy").
	lit := func(e ast.Expr) (string, bool) {
		switch e := e.(type) {
		case *ast.BinaryExpr:
			if tail, ok := str(e.Y); ok && e.Op == token.ADD {
				return "/" + strings.TrimPrefix(tail, "/"), true
			}
		case *ast.CallExpr:
			if funcName(e.Fun) == "Join" && len(e.Args) > 1 {
				if tail, ok := str(e.Args[len(e.Args)-1]); ok {
					return "/" + strings.TrimPrefix(tail, "/"), true
				}
			}
		}
		return str(e)
	}
	var found []route
	for _, s := range srcs {
		for _, f := range s.files {
			ast.Inspect(f, func(n ast.Node) bool {
				var pattern string
				ok := false
				switch n := n.(type) {
				case *ast.CallExpr:
					if len(n.Args) == 0 {
						return true
					}
					switch funcName(n.Fun) {
					case "HandleFunc", "Handle", "Get", "GET", "Head", "HEAD", "Any", "Route", "Path", "Method", "Match", "Heartbeat", "HandlerFunc", "Handler":
					default:
						return true
					}
					pattern, ok = lit(n.Args[0])
					if (!ok || !strings.Contains(pattern, "/")) && len(n.Args) > 1 {
						pattern, ok = lit(n.Args[1]) // router.Handler("GET", "/health", h)
					}
				case *ast.BinaryExpr:
					// r.URL.Path == healthPath
					if sel, isSel := n.X.(*ast.SelectorExpr); n.Op == token.EQL && isSel && sel.Sel.Name == "Path" {
						pattern, ok = str(n.Y)
					}
				}
				if !ok {
					return true
				}
				if _, rest, ok := strings.Cut(pattern, " "); ok {
					pattern = strings.TrimSpace(rest)
				}
				if !strings.HasPrefix(pattern, "/") || strings.ContainsAny(pattern, "{}:*") {
					return true
				}
				pos := s.fset.Position(n.Pos())
				found = append(found, route{pattern, fmt.Sprintf("%s:%d", pos.Filename, pos.Line), strings.Count(pattern, "/")})
				return true
			})
		}
	}
	// The shallowest route, then the preferred name.
	best, bestRank := route{}, 0
	for _, r := range found {
		i := slices.Index(healthNames, r.path[strings.LastIndex(r.path, "/")+1:])
		if i < 0 {
			continue
		}
		rank := r.depth*100 + i
		if best.path == "" || rank < bestRank {
			best, bestRank = r, rank
		}
	}
	return best.path, best.at
}

// versionVar finds a package-level string variable meant for -X: version
// or Version in the main package, else Version or version in a module
// package named like build information (buildinfo, version, ...).
func versionVar(srcs []*source) string {
	for k, s := range srcs {
		if k > 0 && !buildInfoName(s.Name) && !buildInfoName(s.Dir[strings.LastIndex(s.Dir, "/")+1:]) {
			continue
		}
		names := []string{"version", "Version"}
		if k > 0 {
			names = []string{"Version", "version"}
		}
		for _, name := range names {
			if s.hasStringVar(name) {
				if s.Name == "main" {
					return "main." + name
				}
				return s.ImportPath + "." + name
			}
		}
	}
	return ""
}

func buildInfoName(name string) bool {
	switch name {
	case "version", "buildinfo", "build", "info", "meta", "about", "release":
		return true
	}
	return false
}

// hasStringVar reports a package-level `var name string` or `var name =
// "literal"`: the only forms the linker's -X can set.
func (s *source) hasStringVar(name string) bool {
	for _, f := range s.files {
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for j, id := range vs.Names {
					if id.Name != name {
						continue
					}
					if t, ok := vs.Type.(*ast.Ident); ok && t.Name == "string" {
						if len(vs.Values) == 0 {
							return true
						}
						_, lit := vs.Values[j].(*ast.BasicLit)
						return lit
					}
					if vs.Type == nil && j < len(vs.Values) {
						lit, ok := vs.Values[j].(*ast.BasicLit)
						return ok && lit.Kind == token.STRING
					}
				}
			}
		}
	}
	return false
}

func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// linkerVars returns the package-level variables of srcs that -X can set
// (declared string, or initialised with a string literal or another
// constant expression), named as -X names them, and the packages outside
// the module they import (standard library left out), both sorted.
func linkerVars(srcs []*source, module map[string]*pkg) (vars, deps []string) {
	for _, s := range srcs {
		prefix := s.ImportPath + "."
		if s.Name == "main" {
			prefix = "main."
		}
		for _, f := range s.files {
			for _, decl := range f.Decls {
				gd, ok := decl.(*ast.GenDecl)
				if !ok || gd.Tok != token.VAR {
					continue
				}
				for _, spec := range gd.Specs {
					vs := spec.(*ast.ValueSpec)
					for j, id := range vs.Names {
						if t, ok := vs.Type.(*ast.Ident); ok && t.Name == "string" {
							vars = append(vars, prefix+id.Name)
							continue
						}
						if vs.Type != nil || j >= len(vs.Values) {
							continue
						}
						switch v := vs.Values[j].(type) {
						case *ast.BasicLit:
							if v.Kind == token.STRING {
								vars = append(vars, prefix+id.Name)
							}
						case *ast.Ident, *ast.SelectorExpr, *ast.BinaryExpr:
							vars = append(vars, prefix+id.Name) // a constant, perhaps a string
						}
					}
				}
			}
		}
		for _, imp := range s.Imports {
			if _, ok := module[imp]; !ok && strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") {
				deps = append(deps, imp)
			}
		}
	}
	return sortedUnique(vars), sortedUnique(deps)
}
