package rustsrc

import (
	"net"
	"net/url"
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
	Module string
}

// What a test may need that the Nix build sandbox lacks.
const (
	needDocker   = "Docker (testcontainers)"
	needSqlxTest = "a database (#[sqlx::test] connects to DATABASE_URL)"
	needDatabase = "a database server"
	needNetwork  = "the network"
	needMtime    = "file modification times, which the Nix store sets to 1970"
)

// clientCrates reach the network when given a remote address.
var clientCrates = map[string]bool{
	"reqwest": true, "ureq": true, "curl": true, "attohttpc": true, "minreq": true, "isahc": true,
	"surf": true, "hyper": true, "hyper_util": true, "awc": true, "tokio_tungstenite": true, "tungstenite": true,
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
	plain := make([]File, len(files))
	for i, f := range files {
		plain[i] = f.File
	}
	ps, err := parse(plain)
	if err != nil {
		return nil, err
	}
	s := &sandbox{fns: map[string][]fnBody{}, needs: map[string]needs{}, busy: map[string]bool{}}
	type test struct {
		name string
		at   string
		body fnBody
		sqlx bool
	}
	var tests []test
	for i, p := range ps {
		file := &testSource{p: p, imported: map[string]string{}, consts: map[string]string{}}
		p.walkAll(p.root, func(n *sitter.Node) bool {
			switch n.Type() {
			case "use_declaration":
				text := strings.ReplaceAll(p.text(n), " ", "")
				root, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(text, "use"), "::"), "::")
				for _, id := range identifiers(p, n) {
					if id != root {
						file.imported[id] = root
					}
				}
				return false
			case "const_item", "static_item":
				name, value := n.ChildByFieldName("name"), n.ChildByFieldName("value")
				if name != nil && value != nil {
					if v, ok := p.stringValue(value); ok {
						file.consts[p.text(name)] = v
					}
				}
				return false
			}
			return true
		})
		var visit func(n *sitter.Node, mod []string)
		visit = func(n *sitter.Node, mod []string) {
			for i := 0; i < int(n.NamedChildCount()); i++ {
				c := n.NamedChild(i)
				switch c.Type() {
				case "mod_item":
					if body := c.ChildByFieldName("body"); body != nil {
						visit(body, append(append([]string(nil), mod...), p.text(c.ChildByFieldName("name"))))
					}
				case "function_item":
					name := p.text(c.ChildByFieldName("name"))
					body := fnBody{src: file, node: c}
					s.fns[name] = append(s.fns[name], body)
					kind, ignored := testAttrs(p, c)
					if kind != "" && !ignored {
						path := append(append([]string(nil), mod...), name)
						tests = append(tests, test{name: strings.Join(path, "::"), at: p.at(c), body: body, sqlx: kind == "sqlx"})
					}
				case "impl_item", "trait_item":
					// Methods are not tests; their bodies are helpers by name.
					p.walkAll(c, func(m *sitter.Node) bool {
						if m.Type() == "function_item" {
							s.fns[p.text(m.ChildByFieldName("name"))] = append(s.fns[p.text(m.ChildByFieldName("name"))], fnBody{src: file, node: m})
							return false
						}
						return true
					})
				}
			}
		}
		var mod []string
		if files[i].Module != "" {
			mod = strings.Split(files[i].Module, "::")
		}
		visit(p.root, mod)
	}

	var out []model.SkippedTest
	seen := map[string]bool{}
	for _, t := range tests {
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

// testAttrs reads a function's attributes: kind is "test" for a test
// ("sqlx" for #[sqlx::test]), "" for another function; ignored is
// #[ignore].
func testAttrs(p *parsed, fn *sitter.Node) (kind string, ignored bool) {
	for s := fn.PrevNamedSibling(); s != nil; s = s.PrevNamedSibling() {
		if s.Type() == "line_comment" || s.Type() == "block_comment" {
			continue
		}
		if s.Type() != "attribute_item" || s.NamedChildCount() == 0 {
			break
		}
		attr := s.NamedChild(0)
		path := attr.NamedChild(0)
		if path == nil {
			continue
		}
		full := strings.ReplaceAll(p.text(path), " ", "")
		switch last := p.lastSegment(path); {
		case full == "ignore":
			ignored = true
		case full == "sqlx::test":
			kind = "sqlx"
		case last == "test" && kind == "", full == "rstest", full == "test_case", strings.HasSuffix(full, "::rstest"), strings.HasSuffix(full, "::test_case"):
			if kind == "" {
				kind = "test"
			}
		}
	}
	return kind, ignored
}

type testSource struct {
	p        *parsed
	imported map[string]string // name -> the crate it is `use`d from
	consts   map[string]string // string constants by name
}

type fnBody struct {
	src  *testSource
	node *sitter.Node
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
	fns   map[string][]fnBody
	needs map[string]needs
	busy  map[string]bool
}

// closure is what fn needs, with every function of the files it calls by
// name.
func (s *sandbox) closure(fn fnBody) needs {
	own, calls := s.direct(fn)
	for _, c := range calls {
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

// direct is what fn's own code shows, and the names it calls.
func (s *sandbox) direct(fn fnBody) (needs, []string) {
	var n needs
	var calls []string
	p, src := fn.src.p, fn.src
	rootOf := func(id string) string {
		if c := src.imported[id]; c != "" {
			return c
		}
		return id
	}
	literal := func(v string) {
		switch {
		case strings.Contains(v, "://"):
			u, err := url.Parse(v)
			if err != nil {
				return
			}
			if databaseSchemes[strings.ToLower(u.Scheme)] {
				n.database = true
			} else if !loopback(u.Hostname()) {
				n.remote = true
			}
		case remoteHostPort(v):
			n.remote = true
		case !strings.HasPrefix(v, "/") && strings.Contains(v, "/") && !strings.ContainsAny(v, " \n{}"):
			n.fixture = true
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
	p.walkAll(fn.node, func(c *sitter.Node) bool {
		switch c.Type() {
		case "scoped_identifier", "scoped_type_identifier":
			root := c
			for root.ChildByFieldName("path") != nil {
				root = root.ChildByFieldName("path")
			}
			crate := rootOf(p.text(root))
			switch {
			case crate == "testcontainers" || crate == "testcontainers_modules":
				n.docker = true
			case clientCrates[crate]:
				n.client = true
			case crate == "tempfile" || crate == "filetime":
				n.tempFiles = true
			}
			if name := c.ChildByFieldName("name"); name != nil {
				switch p.text(name) {
				case "connect", "lookup_host":
					if strings.Contains(p.text(c), "TcpStream") || strings.Contains(p.text(c), "UdpSocket") || p.text(name) == "lookup_host" {
						n.client = true
					}
				}
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
			switch {
			case crate == "testcontainers" || crate == "testcontainers_modules":
				n.docker = true
			case clientCrates[crate]:
				n.client = true
			}
			if v, ok := src.consts[id]; ok {
				literal(v)
			}
			switch id {
			case "CARGO_MANIFEST_DIR":
				n.fixture = true
			case "tempdir", "tempfile", "TempDir", "NamedTempFile", "set_modified", "set_file_mtime", "set_file_times":
				n.tempFiles = true
			}
		case "string_literal", "raw_string_literal":
			if v, ok := p.stringValue(c); ok {
				literal(v)
			}
			return false
		case "field_identifier":
			field(p.text(c))
		case "call_expression":
			if f := c.ChildByFieldName("function"); f != nil {
				if name := p.lastSegment(f); name != "" && f.Type() != "field_expression" {
					calls = append(calls, name)
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
