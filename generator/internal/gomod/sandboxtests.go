package gomod

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/model"
	"github.com/nixgen/nixgen/generator/internal/projfs"
)

// sandboxTests finds the tests of the module that cannot pass in the Nix
// sandbox, which has no network, no DNS, no Docker and no database
// server, by reading the _test.go files with go/ast:
//
//   - the network: net.Dial (and DialTimeout, a Dialer's Dial) of a
//     literal address that is not loopback, an HTTP request (http.Get,
//     Head, Post, PostForm; a client's; http.NewRequest sent with Do) to a
//     literal URL that is not loopback or a reserved example name;
//   - DNS: net.Lookup* and net.Resolve* of such a name;
//   - Docker: testcontainers-go, dockertest, the Docker client, or
//     running docker, docker-compose or podman;
//   - a database: sql.Open of a driver other than SQLite, pgx's and
//     pgxpool's connects, gorm's postgres and mysql drivers, or a
//     variable naming a database (DATABASE_URL, PG*, *_DSN, ...).
//
// What a test reaches through the package's other functions counts (in
// the package's non-test files, only Docker: its own code is configured by
// the test), and what TestMain needs, every test of the package needs. A
// test that skips itself (t.Skip, or a helper named for skipping, under any
// condition but testing.Short(), which buildGoModule does not set) is left
// to do so.
// Tests of left-out directories (examples, test programs) never run.
func sandboxTests(fsys fs.FS, dirs []testDir, pkgs []*pkg, leftOut []Main) ([]model.SkippedTest, []string, error) {
	var out []model.SkippedTest
	var warnings []string
	files := map[string][]string{} // the package's own files, for its helpers
	for _, pk := range pkgs {
		files[pk.Dir] = pk.Files
	}
	for _, d := range dirs {
		if slices.ContainsFunc(leftOut, func(m Main) bool { return m.LeftOutDir != "" && inDir(d.Dir, m.LeftOutDir) }) {
			continue
		}
		// The package's test files and its external test package's, each
		// a set of functions calling one another.
		byPkg := map[string]*testPkg{}
		var order []string
		fset := token.NewFileSet()
		for _, name := range slices.Concat(files[d.Dir], d.Files) {
			data, err := projfs.ReadFile(fsys, name)
			if skip, ok := projfs.Skipped(err); ok {
				warnings = append(warnings, skip.Error())
				continue
			}
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", name, err)
			}
			f, err := parser.ParseFile(fset, name, data, parser.SkipObjectResolution)
			if err != nil {
				return nil, nil, err
			}
			tp := byPkg[f.Name.Name]
			if tp == nil {
				tp = &testPkg{fset: fset, funcs: map[string]*testFunc{}}
				byPkg[f.Name.Name] = tp
				order = append(order, f.Name.Name)
			}
			tp.add(f, strings.HasSuffix(name, "_test.go"))
		}
		for _, name := range order {
			out = append(out, byPkg[name].needing()...)
		}
	}
	slices.SortFunc(out, func(a, b model.SkippedTest) int { return strings.Compare(a.Name, b.Name) })
	out = slices.CompactFunc(out, func(a, b model.SkippedTest) bool { return a.Name == b.Name })
	return out, warnings, nil
}

// testPkg is the functions of one test package.
type testPkg struct {
	fset  *token.FileSet
	funcs map[string]*testFunc
	tests []*testFunc // Test* functions, in file order
	main  *testFunc   // TestMain
}

// testFunc is one top-level function: what it needs itself, whether it
// skips, and the package functions it calls.
type testFunc struct {
	name  string
	at    string
	needs []string // "the network (http.Get https://... at x_test.go:12)"
	skips bool
	calls []string
}

// add reads a file's functions; only a _test.go file's Test functions
// are tests.
func (tp *testPkg) add(f *ast.File, test bool) {
	imports := fileImports(f)
	for _, decl := range f.Decls {
		fd, ok := decl.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		name := fd.Name.Name
		if fd.Recv != nil {
			name = "(method)." + name // methods are reached by name only
		}
		fn := &testFunc{name: fd.Name.Name, at: tp.pos(fd.Pos())}
		fn.read(tp, imports, fd.Body)
		if !test {
			// The package's own code takes its database and addresses from
			// the configuration a test gives it: only the test harness it
			// holds (containers) counts.
			fn.needs = slices.DeleteFunc(fn.needs, func(n string) bool { return !strings.HasPrefix(n, "Docker") })
		}
		tp.funcs[name] = fn
		switch {
		case !test:
		case name == "TestMain":
			tp.main = fn
		case fd.Recv == nil && isTestName(name) && fd.Type.Params.NumFields() == 1:
			tp.tests = append(tp.tests, fn)
		}
	}
}

func (tp *testPkg) pos(p token.Pos) string {
	pos := tp.fset.Position(p)
	return fmt.Sprintf("%s:%d", pos.Filename, pos.Line)
}

// isTestName is go test's rule: Test, then not a lower-case letter.
func isTestName(name string) bool {
	rest, ok := strings.CutPrefix(name, "Test")
	return ok && (rest == "" || !(rest[0] >= 'a' && rest[0] <= 'z'))
}

// needing returns the package's tests that need what the sandbox lacks.
func (tp *testPkg) needing() []model.SkippedTest {
	var mainNeeds []string
	if tp.main != nil {
		if needs, skips := tp.reach(tp.main); !skips {
			mainNeeds = needs
		}
	}
	var out []model.SkippedTest
	for _, t := range tp.tests {
		needs, skips := tp.reach(t)
		if skips {
			needs = nil
		}
		needs = append(slices.Clone(mainNeeds), needs...)
		if len(needs) == 0 {
			continue
		}
		out = append(out, model.SkippedTest{Name: t.name, Reason: needs[0], At: t.at})
	}
	return out
}

// reach follows fn's calls to the package's functions: everything they
// need, and whether one of them skips.
func (tp *testPkg) reach(fn *testFunc) ([]string, bool) {
	seen := map[*testFunc]bool{}
	var needs []string
	skips := false
	var visit func(f *testFunc, depth int)
	visit = func(f *testFunc, depth int) {
		if seen[f] || depth > 8 {
			return
		}
		seen[f] = true
		needs = append(needs, f.needs...)
		skips = skips || f.skips
		for _, c := range f.calls {
			if g, ok := tp.funcs[c]; ok {
				visit(g, depth+1)
			}
		}
	}
	visit(fn, 0)
	return needs, skips
}

// dockerPackages are imports whose use needs a Docker daemon.
var dockerPackages = []string{
	"github.com/testcontainers/testcontainers-go", "github.com/ory/dockertest",
	"github.com/docker/docker/client", "github.com/moby/moby/client", "github.com/fsouza/go-dockerclient",
}

// databaseVar matches a variable that names a database server.
var databaseVar = regexp.MustCompile(`^(DATABASE_URL|DB_URL|DB_DSN|PG[A-Z]+|POSTGRES_[A-Z_]+|MYSQL_[A-Z_]+|[A-Z0-9_]*_(DATABASE_URL|DB_URL|DSN|POSTGRES_URL|MYSQL_URL|PG_URL))$`)

// read records what a function body needs, whether it skips, and what it
// calls.
func (fn *testFunc) read(tp *testPkg, imports map[string]string, body *ast.BlockStmt) {
	sends := false // the function sends a request it built (.Do)
	var requests []string
	calls := func(short bool) func(ast.Node) bool {
		return func(n ast.Node) bool {
			if c, ok := n.(*ast.CallExpr); ok {
				if short && isSkip(c) {
					return false
				}
				fn.call(tp, imports, c, &sends, &requests)
			}
			return true
		}
	}
	ast.Inspect(body, func(n ast.Node) bool {
		if ifs, ok := n.(*ast.IfStmt); ok && mentionsShort(ifs.Cond, imports) {
			// testing.Short() guards nothing here: buildGoModule runs the
			// tests without -short. Its branch counts, its skip does not.
			ast.Inspect(ifs.Body, calls(true))
			if ifs.Else != nil {
				ast.Inspect(ifs.Else, calls(false))
			}
			return false
		}
		return calls(false)(n)
	})
	if sends {
		fn.needs = append(fn.needs, requests...)
	}
}

// isSkip reports t.Skip, t.Skipf, t.SkipNow, or a helper named for
// skipping (testcontainers.SkipIfProviderIsNotHealthy, skipWithoutDocker,
// IntegrationSkip).
func isSkip(c *ast.CallExpr) bool {
	name := funcName(c.Fun)
	return strings.HasPrefix(name, "skip") || strings.Contains(name, "Skip")
}

func mentionsShort(e ast.Expr, imports map[string]string) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == "Short" {
			if id, ok := sel.X.(*ast.Ident); ok && imports[id.Name] == "testing" {
				found = true
			}
		}
		return !found
	})
	return found
}

func (fn *testFunc) call(tp *testPkg, imports map[string]string, c *ast.CallExpr, sends *bool, requests *[]string) {
	name := funcName(c.Fun)
	pkgPath := ""
	if sel, ok := c.Fun.(*ast.SelectorExpr); ok {
		if id, ok := sel.X.(*ast.Ident); ok {
			pkgPath = imports[id.Name]
		}
	}
	at := tp.pos(c.Pos())
	lit := func(i int) (string, bool) {
		if i >= len(c.Args) {
			return "", false
		}
		return stringLit(c.Args[i])
	}
	need := func(what string) { fn.needs = append(fn.needs, what+" at "+at) }
	switch {
	case isSkip(c):
		fn.skips = true
	case pkgPath == "" && !strings.Contains(exprString(c.Fun), "."):
		fn.calls = append(fn.calls, name)
	case pkgPath == "" && name != "":
		fn.calls = append(fn.calls, "(method)."+name)
	}
	if hasPrefixPath(pkgPath, dockerPackages...) {
		need("Docker (" + pkgPath + ")")
	}
	switch pkgPath {
	case "os/exec":
		i := map[string]int{"Command": 0, "CommandContext": 1}[name]
		if cmd, ok := lit(i); ok && (name == "Command" || name == "CommandContext") {
			if cmd == "docker" || cmd == "docker-compose" || cmd == "podman" {
				need("Docker (runs " + cmd + ")")
			}
		}
	case "net":
		switch name {
		case "Dial", "DialTimeout":
			if addr, ok := lit(1); ok && external(hostOf(addr)) {
				need("the network (net." + name + " " + addr + ")")
			}
		case "LookupHost", "LookupIP", "LookupAddr", "LookupCNAME", "LookupMX", "LookupNS", "LookupTXT", "LookupPort":
			if host, ok := lit(0); ok && external(host) {
				need("DNS (net." + name + " " + host + ")")
			}
		case "ResolveTCPAddr", "ResolveUDPAddr", "ResolveIPAddr":
			if addr, ok := lit(1); ok && external(hostOf(addr)) {
				need("DNS (net." + name + " " + addr + ")")
			}
		}
	case "net/http":
		switch name {
		case "Get", "Head", "Post", "PostForm":
			if u, ok := lit(0); ok && externalURL(u) {
				need("the network (http." + name + " " + u + ")")
			}
		case "NewRequest", "NewRequestWithContext":
			i := 1
			if name == "NewRequestWithContext" {
				i = 2
			}
			if u, ok := lit(i); ok && externalURL(u) {
				*requests = append(*requests, "the network (a request to "+u+" at "+at+")")
			}
		}
	case "database/sql":
		if driver, ok := lit(0); ok && name == "Open" && !strings.Contains(driver, "sqlite") {
			need("a database (sql.Open " + strconv.Quote(driver) + ")")
		}
	case "github.com/jackc/pgx/v4", "github.com/jackc/pgx/v5":
		if name == "Connect" || name == "ConnectConfig" {
			need("a database (pgx." + name + ")")
		}
	case "github.com/jackc/pgx/v4/pgxpool", "github.com/jackc/pgx/v5/pgxpool":
		if name == "New" || name == "Connect" || name == "NewWithConfig" || name == "ConnectConfig" {
			need("a database (pgxpool." + name + ")")
		}
	case "gorm.io/driver/postgres", "gorm.io/driver/mysql":
		if name == "Open" || name == "New" {
			need("a database (" + pkgPath + ")")
		}
	case "os":
		if v, ok := lit(0); ok && (name == "Getenv" || name == "LookupEnv") && databaseVar.MatchString(v) {
			need("a database ($" + v + ")")
		}
	case "":
		// A method: a client's request, or sending a built one.
		switch name {
		case "Get", "Head", "Post", "PostForm":
			if u, ok := lit(0); ok && externalURL(u) {
				need("the network (" + name + " " + u + ")")
			}
		case "Do":
			*sends = true
		case "Dial", "DialContext":
			if addr, ok := lit(len(c.Args) - 1); ok && len(c.Args) >= 2 && external(hostOf(addr)) {
				need("the network (" + name + " " + addr + ")")
			}
		}
	}
}

func exprString(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return exprString(e.X) + "." + e.Sel.Name
	}
	return "?."
}

// hostOf is the host of host:port, or addr when it has no port.
func hostOf(addr string) string {
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return h
	}
	return addr
}

// externalURL reports an http(s) URL to a host outside the machine.
func externalURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https" || u.Scheme == "ws" || u.Scheme == "wss") && external(u.Hostname())
}

// external reports a host name outside the machine that is not one of the
// names reserved for examples and tests (RFC 2606, RFC 6761), which a
// test uses without reaching.
func external(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "" || host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return false
	}
	if ip := net.ParseIP(host); ip != nil {
		return !ip.IsLoopback() && !ip.IsUnspecified()
	}
	for _, reserved := range []string{"example", "test", "invalid", "local", "example.com", "example.org", "example.net"} {
		if host == reserved || strings.HasSuffix(host, "."+reserved) {
			return false
		}
	}
	return strings.Contains(host, ".")
}
