package rustsrc

import (
	"bytes"
	"net"
	"net/url"
	"path"
	"slices"
	"sort"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/nixgen/nixgen/generator/internal/model"
)

// TestFile is a source file that may hold tests, with the module path its
// items have in their test binary ("db" for src/db.rs, "" for a crate
// root or an integration test's main file).
type TestFile struct {
	File
	Crate  string // the package it belongs to: a test calls the functions of its own
	Module string
	Test   bool // an integration test's file: test code throughout
}

// What a test may need that the Nix build sandbox lacks.
const (
	needDocker   = "Docker (testcontainers)"
	needSqlxTest = "a database (#[sqlx::test] connects to DATABASE_URL)"
	needDatabase = "a database server"
	needNetwork  = "the network"
	needMtime    = "file modification times, which the Nix store sets to 1970"
)

// sandboxSigns are texts without one of which no test of a crate needs
// what the sandbox lacks: what the needs below look for.
var sandboxSigns = []string{"testcontainers", "sqlx::test", "://", "modified", "TcpStream", "UdpSocket", "lookup_host", "to_socket_addrs"}

// clientCrates reach the network when given a remote address.
var clientCrates = map[string]bool{
	"reqwest": true, "ureq": true, "curl": true, "attohttpc": true, "minreq": true, "isahc": true,
	"surf": true, "awc": true, "tokio_tungstenite": true, "tungstenite": true,
}

// databaseSchemes are URL schemes of servers a test would connect to.
var databaseSchemes = map[string]bool{
	"postgres": true, "postgresql": true, "mysql": true, "mariadb": true, "redis": true, "rediss": true,
	"mongodb": true, "mongodb+srv": true, "amqp": true, "amqps": true, "nats": true,
}

// SandboxTests finds the tests (functions with #[test], #[tokio::test],
// #[sqlx::test], #[rstest], ... and no #[ignore]) that need what the Nix
// build sandbox lacks: Docker (testcontainers), a database (#[sqlx::test],
// a postgres:// or redis:// address), the network (an HTTP or socket
// client and a remote address), or the modification times of the files
// they read. What a test calls among the functions of these files counts
// as its own. Names are test paths as libtest prints them, sorted.
func SandboxTests(files []TestFile) ([]model.SkippedTest, error) {
	// Only files with tests or test code are read: first those that show
	// a sign of what the sandbox lacks and integration tests, then those
	// that name a helper the files read so far define, until none does (a
	// test with no sign in its own file reaches one through a helper).
	sign := func(f TestFile) bool {
		for _, m := range sandboxSigns {
			if bytes.Contains(f.Src, []byte(m)) {
				return true
			}
		}
		return false
	}
	crateSigns := map[string]bool{}
	for _, f := range files {
		crateSigns[f.Crate] = crateSigns[f.Crate] || sign(f)
	}
	testish := func(f TestFile) bool {
		if f.Test || strings.Contains(path.Base(f.Path), "test") {
			return true
		}
		for _, m := range []string{"test]", "test(", "#[rstest", "#[fixture", "cfg(test)"} {
			if bytes.Contains(f.Src, []byte(m)) {
				return true
			}
		}
		return false
	}
	var batch, pending []TestFile
	for _, f := range files {
		switch {
		case !crateSigns[f.Crate] || !testish(f):
		case f.Test || sign(f):
			batch = append(batch, f)
		default:
			pending = append(pending, f)
		}
	}

	s := &sandbox{fns: map[string][]fnBody{}, needs: map[string]needs{}, busy: map[string]bool{}}
	var all []*parsed
	for len(batch) > 0 {
		plain := make([]File, len(batch))
		for i, f := range batch {
			plain[i] = f.File
		}
		ps, err := parse(plain)
		if err != nil {
			return nil, err
		}
		all = append(all, ps...)
		testModule := map[*parsed]bool{} // files of #[cfg(test)] modules
		for _, p := range all {
			testModule[p] = true
		}
		for _, p := range withoutTestModules(all) {
			delete(testModule, p)
		}
		for i, p := range ps {
			// A module of test helpers is test code by its declaration,
			// which another file may hold that is not read: by its name too.
			s.read(p, batch[i], testModule[p] || strings.Contains(path.Base(p.path), "test"))
		}
		batch = nil
		pending = slices.DeleteFunc(pending, func(f TestFile) bool {
			if s.callsHelper(f) {
				batch = append(batch, f)
				return true
			}
			return false
		})
	}

	var out []model.SkippedTest
	seen := map[string]bool{}
	for _, t := range s.tests {
		if seen[t.name] {
			continue
		}
		reason := ""
		if t.sqlx {
			reason = needSqlxTest
		} else {
			reason = s.closure(t.body).reason()
		}
		if reason != "" {
			seen[t.name] = true
			out = append(out, model.SkippedTest{Name: t.name, Reason: reason, At: t.at})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// testAttrs reads a function's attributes: kind is "test" for a test,
// "sqlx" for #[sqlx::test], "rstest" for #[rstest], "fixture" for an
// rstest #[fixture], "" for another function; ignored is #[ignore].
func testAttrs(p *parsed, fn *sitter.Node) (kind string, ignored bool) {
	rank := map[string]int{"": 0, "fixture": 1, "test": 2, "rstest": 3, "sqlx": 4}
	set := func(k string) {
		if rank[k] > rank[kind] {
			kind = k
		}
	}
	for s := fn.PrevNamedSibling(); s != nil; s = s.PrevNamedSibling() {
		if s.Type() == "line_comment" || s.Type() == "block_comment" {
			continue
		}
		if s.Type() != "attribute_item" || s.NamedChildCount() == 0 {
			break
		}
		path := s.NamedChild(0).NamedChild(0)
		if path == nil {
			continue
		}
		switch full := strings.ReplaceAll(p.text(path), " ", ""); {
		case full == "ignore":
			ignored = true
		case full == "sqlx::test":
			set("sqlx")
		case full == "rstest" || strings.HasSuffix(full, "::rstest"):
			set("rstest")
		case full == "fixture" || strings.HasSuffix(full, "::fixture"):
			set("fixture")
		case p.lastSegment(path) == "test" || full == "test_case" || strings.HasSuffix(full, "::test_case"):
			set("test")
		}
	}
	return kind, ignored
}

type testSource struct {
	p        *parsed
	crate    string
	imported map[string]string // name -> the crate it is `use`d from
	consts   map[string]string // string constants by name
}

type fnBody struct {
	src  *testSource
	node *sitter.Node
	// fixtures are the functions rstest calls to make its parameters.
	fixtures []string
}

// fixtureParams are the parameter names of an rstest test or fixture:
// rstest calls the fixture function of the same name to make each.
func fixtureParams(p *parsed, fn *sitter.Node) []string {
	var out []string
	if params := fn.ChildByFieldName("parameters"); params != nil {
		for i := 0; i < int(params.NamedChildCount()); i++ {
			if pat := params.NamedChild(i).ChildByFieldName("pattern"); pat != nil && pat.Type() == "identifier" {
				out = append(out, p.text(pat))
			}
		}
	}
	return out
}

// needs is what a function's code shows, on its own or with what it calls.
type needs struct {
	docker, database, client, remote, mtime, tempFiles, fixture bool
}

func (n needs) or(m needs) needs {
	return needs{n.docker || m.docker, n.database || m.database, n.client || m.client, n.remote || m.remote,
		n.mtime || m.mtime, n.tempFiles || m.tempFiles, n.fixture || m.fixture}
}

// reason is the first thing the sandbox lacks, or "".
func (n needs) reason() string {
	switch {
	case n.docker:
		return needDocker
	case n.database:
		return needDatabase
	case n.client && n.remote:
		return needNetwork
	case n.mtime && n.fixture && !n.tempFiles:
		return needMtime
	}
	return ""
}

type sandbox struct {
	fns   map[string][]fnBody // test code's functions by "crate/name"
	needs map[string]needs
	busy  map[string]bool
	tests []test
}

type test struct {
	name string
	at   string
	body fnBody
	sqlx bool
}

// read registers a parsed file's tests and test code. inTest: the whole
// file is test code (a #[cfg(test)] module's).
func (s *sandbox) read(p *parsed, f TestFile, inTest bool) {
	file := &testSource{p: p, crate: f.Crate, imported: map[string]string{}, consts: map[string]string{}}
	p.walkAll(p.root, func(n *sitter.Node) bool {
		switch n.Type() {
		case "mod_item", "declaration_list", "function_item", "block", "impl_item", "trait_item":
			return true // items hold these
		case "use_declaration":
			text := strings.ReplaceAll(p.text(n), " ", "")
			root, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(text, "use"), "::"), "::")
			for _, id := range identifiers(p, n) {
				if id != root {
					file.imported[id] = root
				}
			}
		case "const_item", "static_item":
			name, value := n.ChildByFieldName("name"), n.ChildByFieldName("value")
			if name != nil && value != nil {
				if v, ok := p.stringValue(value); ok {
					file.consts[p.text(name)] = v
				}
			}
		}
		return false
	})
	helper := func(name string, body fnBody) {
		key := file.crate + "/" + name
		s.fns[key] = append(s.fns[key], body)
	}
	// Test code: integration tests, files of #[cfg(test)] modules, and
	// what #[cfg(test)] or a tests module holds. Only its functions count
	// as what a test calls: the program's own code is built to run
	// anywhere.
	var visit func(n *sitter.Node, mod []string, inTest bool)
	visit = func(n *sitter.Node, mod []string, inTest bool) {
		for i := 0; i < int(n.NamedChildCount()); i++ {
			c := n.NamedChild(i)
			switch c.Type() {
			case "mod_item":
				if body := c.ChildByFieldName("body"); body != nil {
					visit(body, append(append([]string(nil), mod...), p.text(c.ChildByFieldName("name"))), inTest || p.isTest(c))
				}
			case "function_item":
				name := p.text(c.ChildByFieldName("name"))
				body := fnBody{src: file, node: c}
				kind, ignored := testAttrs(p, c)
				if kind == "rstest" || kind == "fixture" {
					body.fixtures = fixtureParams(p, c)
				}
				if kind != "" && kind != "fixture" && !ignored {
					path := append(append([]string(nil), mod...), name)
					s.tests = append(s.tests, test{name: strings.Join(path, "::"), at: p.at(c), body: body, sqlx: kind == "sqlx"})
				} else if inTest || p.isTest(c) {
					helper(name, body)
				}
			case "impl_item", "trait_item":
				if !inTest {
					continue
				}
				// Methods of test helpers: called by name.
				p.walkAll(c, func(m *sitter.Node) bool {
					if m.Type() == "function_item" {
						helper(p.text(m.ChildByFieldName("name")), fnBody{src: file, node: m})
						return false
					}
					return true
				})
			}
		}
	}
	var mod []string
	if f.Module != "" {
		mod = strings.Split(f.Module, "::")
	}
	visit(p.root, mod, f.Test || inTest)
}

// callsHelper reports whether a file names a function of its crate's test
// code read so far.
func (s *sandbox) callsHelper(f TestFile) bool {
	word := func(b byte) bool {
		return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
	}
	for i := 0; i < len(f.Src); {
		if !word(f.Src[i]) {
			i++
			continue
		}
		j := i
		for j < len(f.Src) && word(f.Src[j]) {
			j++
		}
		if _, ok := s.fns[f.Crate+"/"+string(f.Src[i:j])]; ok {
			return true
		}
		i = j
	}
	return false
}

// closure is what fn needs, with every function of its crate's test
// code it calls by name.
func (s *sandbox) closure(fn fnBody) needs {
	own, calls := s.direct(fn)
	for _, name := range calls {
		c := fn.src.crate + "/" + name
		if s.busy[c] {
			continue
		}
		if n, ok := s.needs[c]; ok {
			own = own.or(n)
			continue
		}
		s.busy[c] = true
		var n needs
		for _, body := range s.fns[c] {
			n = n.or(s.closure(body))
		}
		delete(s.busy, c)
		s.needs[c] = n
		own = own.or(n)
	}
	return own
}

// requestCalls take the address a client reaches: reqwest::get(url),
// client.post(url), TcpStream::connect(addr), Request::builder().uri(url).
var requestCalls = map[string]bool{
	"get": true, "post": true, "put": true, "patch": true, "delete": true, "head": true,
	"request": true, "connect": true, "connect_async": true, "uri": true, "lookup_host": true,
}

// parseCalls read a URL without connecting to it.
var parseCalls = map[string]bool{"parse": true, "from_str": true, "try_from": true, "from": true}

// parsedOnly reports whether a literal is an argument of a parse call or of
// an assert!: a test of the URL's grammar, not of a server.
func parsedOnly(p *parsed, lit *sitter.Node) bool {
	parent := lit.Parent()
	if parent == nil {
		return false
	}
	switch parent.Type() {
	case "arguments":
		if call := parent.Parent(); call != nil && call.Type() == "call_expression" {
			return parseCalls[p.lastSegment(call.ChildByFieldName("function"))]
		}
	case "token_tree":
		for m := parent; m != nil; m = m.Parent() {
			if m.Type() == "macro_invocation" {
				return strings.HasPrefix(p.lastSegment(m.ChildByFieldName("macro")), "assert")
			}
		}
	}
	return false
}

// direct is what fn's own code shows, and the names it calls.
func (s *sandbox) direct(fn fnBody) (needs, []string) {
	var n needs
	var calls []string
	p, src := fn.src.p, fn.src
	crateOf := func(id string) string {
		if c := src.imported[id]; c != "" {
			return c
		}
		return id
	}
	// A crate's path or a name `use`d from it: what it says of the test.
	path := func(crate, text string) {
		switch {
		case crate == "testcontainers" || crate == "testcontainers_modules":
			n.docker = true
		case clientCrates[crate]:
			n.client = true
		case (crate == "hyper" || crate == "hyper_util") && strings.Contains(strings.ToLower(text), "client"):
			n.client = true // hyper's types serve servers too: only its client counts
		case crate == "tempfile" || crate == "filetime":
			n.tempFiles = true
		}
	}
	field := func(name string) {
		switch name {
		case "modified":
			n.mtime = true
		case "to_socket_addrs":
			n.client = true
		case "set_modified":
			n.tempFiles = true
		}
	}
	// address reads an argument of a request or connection as the
	// addresses it may hold: a literal, a constant, format!'s template.
	var address func(arg *sitter.Node)
	address = func(arg *sitter.Node) {
		var v string
		switch arg.Type() {
		case "string_literal", "raw_string_literal":
			v, _ = p.stringValue(arg)
		case "identifier":
			v = src.consts[p.text(arg)]
		case "reference_expression":
			if arg.NamedChildCount() > 0 {
				address(arg.NamedChild(int(arg.NamedChildCount()) - 1))
			}
			return
		case "macro_invocation":
			for i := 0; i < int(arg.NamedChildCount()); i++ {
				if tt := arg.NamedChild(i); tt.Type() == "token_tree" && tt.NamedChildCount() > 0 {
					address(tt.NamedChild(0))
				}
			}
			return
		}
		switch {
		case v == "":
		case strings.Contains(v, "://"):
			u, err := url.Parse(strings.NewReplacer("{}", "x", "{", "", "}", "").Replace(v))
			if err != nil {
				return
			}
			if !databaseSchemes[strings.ToLower(u.Scheme)] && !loopback(u.Hostname()) {
				n.remote = true
			}
		case remoteHostPort(v):
			n.remote = true
		}
	}
	calls = append(calls, fn.fixtures...)
	p.walkAll(fn.node, func(c *sitter.Node) bool {
		switch c.Type() {
		case "scoped_identifier", "scoped_type_identifier":
			root := c
			for root.ChildByFieldName("path") != nil {
				root = root.ChildByFieldName("path")
			}
			path(crateOf(p.text(root)), p.text(c))
			if name := c.ChildByFieldName("name"); name != nil && (p.text(name) == "lookup_host" ||
				p.text(name) == "connect" && (strings.Contains(p.text(c), "TcpStream") || strings.Contains(p.text(c), "UdpSocket"))) {
				n.client = true
			}
		case "identifier", "type_identifier":
			id := p.text(c)
			crate := src.imported[id]
			if c.Parent() != nil && c.Parent().Type() == "token_tree" {
				// Inside a macro's tokens (assert!, format!) paths and
				// method calls are flat: `reqwest :: get`, `. modified ( )`.
				if crate == "" {
					crate = id
				}
				field(id)
			}
			if crate != "" {
				path(crate, id)
			}
			switch id {
			case "CARGO_MANIFEST_DIR":
				n.fixture = true
			case "tempdir", "tempfile", "TempDir", "NamedTempFile", "set_modified", "set_file_mtime", "set_file_times":
				n.tempFiles = true
			}
		case "string_literal", "raw_string_literal":
			v, ok := p.stringValue(c)
			switch {
			case !ok:
			case strings.Contains(v, "://"):
				// A database server's URL, but one the test only parses or
				// compares: a test's default for its database is one too.
				if u, err := url.Parse(v); err == nil && databaseSchemes[strings.ToLower(u.Scheme)] && !parsedOnly(p, c) {
					n.database = true
				}
			case !strings.HasPrefix(v, "/") && strings.Contains(v, "/") && !strings.ContainsAny(v, " \n{}<>"):
				n.fixture = true // a relative path: a file of the repository
			}
			return false
		case "field_identifier":
			field(p.text(c))
		case "call_expression":
			f := c.ChildByFieldName("function")
			if f == nil {
				break
			}
			name := p.lastSegment(f)
			if f.Type() != "field_expression" && name != "" {
				calls = append(calls, name)
			}
			if requestCalls[name] {
				for _, a := range args(c) {
					address(a)
				}
			}
		}
		return true
	})
	return n, calls
}

// loopback reports whether a host is this machine, which the sandbox
// has.
func loopback(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "" || host == "localhost" || strings.HasSuffix(host, ".localhost") || strings.HasSuffix(host, ".invalid") {
		return true
	}
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsLoopback() || ip.IsUnspecified()
	}
	return false
}

// remoteHostPort reports whether s is "name:port" for a host name that is
// not this machine ("example.com:443").
func remoteHostPort(s string) bool {
	host, port, err := net.SplitHostPort(s)
	if err != nil || port == "" || strings.Trim(port, "0123456789") != "" || !strings.Contains(host, ".") {
		return false
	}
	if net.ParseIP(host) != nil {
		return !loopback(host)
	}
	return !loopback(host) && strings.Trim(strings.ToLower(host), "abcdefghijklmnopqrstuvwxyz0123456789.-") == ""
}
