package rustsrc

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/nixgen/nixgen/generator/internal/ident"
	"github.com/nixgen/nixgen/generator/internal/model"
)

type analyzer struct {
	opt      Options
	files    []*parsed
	lib      []*parsed // the crate's path dependencies: read for constants and types only
	structs  map[string][]typeDef
	fns      map[string]fnDef
	defaults map[string]map[string]string // field defaults of `impl Default` by type
	// defaultExprs are the expressions of those fields, read or not.
	defaultExprs map[string]map[string]expr
	inFn         map[string]bool // functions being read, against recursion
	confs        []configSource
	fields       []confField
	rocket       []candidate
	flatten      map[string][]string // clap structs flattened into another, by the outer one
	// builderSubOpt: a builder command does not require a subcommand.
	builderSubOpt bool
	consts        map[string]string // const and static items by name: string or number
	readers       map[string]reader // the program's env helpers by function name
	settings      map[string]*setting
	order         []string
	clap          []clapArg
	subs          []subcommand
	subOpt        bool // the subcommand is optional: the binary serves without one
	routes        []model.Evidence
	pathLiterals  []model.Evidence // "/…/health" strings outside any route call
	literals      []literal
	bindHosts     []literal
	requiredKeys  []string                   // keys of the configuration file without a default // hosts bound as literals with a port from elsewhere: bind(("127.0.0.1", port))
	fileKeys      map[string]model.ConfigKey // keys of the configuration file with a known default
	unknowns      []string
}

type setting struct {
	name, def             string
	hasDefault, defaulted bool
	required              bool
	alternatives          []string
	flag                  string
	typ                   string // the clap field's type, when known
	key                   string // the configuration file's key it sets too
	at                    string
}

// literal is a "host:port" the program binds to as written.
type literal struct {
	host string
	port int
	at   string
}

// Options are what the caller knows about the crate beyond its files.
type Options struct {
	// Deps are the names of the crate's dependencies as Cargo.toml lists
	// them ("rocket", "figment"): a framework with a listener of its own
	// is known by them.
	Deps []string
	// Lib are the .rs files of the crate's path dependencies (its
	// workspace siblings). Their constants and types are read, so
	// `vars::PORT` or a configuration struct defined there resolve;
	// nothing in them counts as read by the program on its own.
	Lib []File
}

// Analyze reads the crate's files and returns its runtime surface.
func Analyze(files []File) (*model.Surface, error) {
	return AnalyzeWith(files, Options{})
}

// AnalyzeWith is Analyze with what the caller knows of the crate's
// dependencies.
func AnalyzeWith(files []File, opt Options) (*model.Surface, error) {
	ps, err := parse(files)
	if err != nil {
		return nil, err
	}
	lib, err := parse(opt.Lib)
	if err != nil {
		return nil, err
	}
	a := &analyzer{opt: opt, files: withoutTestModules(ps), lib: withoutTestModules(lib), consts: map[string]string{}, readers: map[string]reader{}, settings: map[string]*setting{}, fileKeys: map[string]model.ConfigKey{}}
	a.collectConsts()
	a.collectTypes()
	a.findReaders()
	a.collectEnv()
	a.collectClap()
	a.collectClapBuilder()
	a.clapSettings()
	a.collectConfig()
	a.collectRocket()
	a.collectRoutes()
	a.collectLiterals()
	return a.surface(), nil
}

// withoutTestModules drops the files of modules declared under
// #[cfg(test)] (`#[cfg(test)] mod testing;` in lib.rs makes src/testing.rs
// test code).
func withoutTestModules(files []*parsed) []*parsed {
	test := map[string]bool{}
	for _, p := range files {
		dir, base := path.Split(p.path)
		modDir := dir
		if base != "lib.rs" && base != "main.rs" && base != "mod.rs" {
			modDir = dir + strings.TrimSuffix(base, ".rs") + "/"
		}
		for i := 0; i < int(p.root.NamedChildCount()); i++ {
			n := p.root.NamedChild(i)
			if n.Type() != "mod_item" || n.ChildByFieldName("body") != nil || !p.isTest(n) {
				continue
			}
			if name := n.ChildByFieldName("name"); name != nil {
				test[modDir+p.text(name)] = true
			}
		}
	}
	if len(test) == 0 {
		return files
	}
	var out []*parsed
	for _, p := range files {
		mod := strings.TrimSuffix(strings.TrimSuffix(p.path, "/mod.rs"), ".rs")
		skip := false
		for t := range test {
			if mod == t || strings.HasPrefix(mod, t+"/") {
				skip = true
			}
		}
		if !skip {
			out = append(out, p)
		}
	}
	return out
}

func (a *analyzer) unknown(p *parsed, n *sitter.Node, what string) {
	a.unknowns = append(a.unknowns, fmt.Sprintf("%s: %s", p.at(n), what))
}

// collectConsts records `const NAME: &str = "..."` and numeric constants.
func (a *analyzer) collectConsts() {
	for _, p := range append(append([]*parsed(nil), a.lib...), a.files...) {
		p.walk(p.root, func(n *sitter.Node) bool {
			switch n.Type() {
			case "const_item", "static_item":
				name, value := n.ChildByFieldName("name"), n.ChildByFieldName("value")
				if name == nil || value == nil {
					return false
				}
				if s, ok := p.stringValue(value); ok {
					a.consts[p.text(name)] = s
				} else if value.Type() == "integer_literal" {
					a.consts[p.text(name)] = intText(p.text(value))
				}
				return false
			}
			return true
		})
	}
}

// str reads a string argument: a literal, a constant, or a path to one.
func (a *analyzer) str(p *parsed, n *sitter.Node) (string, bool) {
	if s, ok := p.stringValue(n); ok {
		return s, true
	}
	switch n.Type() {
	case "identifier", "scoped_identifier":
		if s, ok := a.consts[p.lastSegment(n)]; ok {
			return s, true
		}
	case "reference_expression":
		if v := n.ChildByFieldName("value"); v != nil {
			return a.str(p, v)
		}
	}
	return "", false
}

// value reads a default: a string or number literal, a constant, or such a
// value converted (.to_string(), .into(), String::from).
func (a *analyzer) value(p *parsed, n *sitter.Node) (string, bool) {
	if s, ok := a.str(p, n); ok {
		return s, true
	}
	switch n.Type() {
	case "integer_literal", "float_literal", "boolean_literal":
		return intText(p.text(n)), true
	case "call_expression":
		fn := n.ChildByFieldName("function")
		as := args(n)
		if fn == nil {
			return "", false
		}
		switch fn.Type() {
		case "field_expression": // "x".to_string(), "x".into()
			switch p.lastSegment(fn) {
			case "to_string", "into", "to_owned", "parse":
				if v := fn.ChildByFieldName("value"); v != nil {
					return a.value(p, v)
				}
			}
		case "scoped_identifier": // String::from("x")
			if p.lastSegment(fn) == "from" && len(as) == 1 {
				return a.value(p, as[0])
			}
		}
	case "closure_expression": // |_| "x".into()
		if body := n.ChildByFieldName("body"); body != nil {
			return a.value(p, body)
		}
	case "block":
		if n.NamedChildCount() == 1 {
			return a.value(p, n.NamedChild(0))
		}
	case "macro_invocation": // format!("0.0.0.0") with no arguments
		if m := n.ChildByFieldName("macro"); m != nil && p.text(m) == "format" {
			for i := 0; i < int(n.NamedChildCount()); i++ {
				if tt := n.NamedChild(i); tt.Type() == "token_tree" && tt.NamedChildCount() == 1 {
					return a.value(p, tt.NamedChild(0))
				}
			}
		}
	}
	return "", false
}

// intText drops a numeric literal's separators and type suffix.
func intText(s string) string {
	s = strings.ReplaceAll(s, "_", "")
	for _, suf := range []string{"u16", "u32", "u64", "usize", "i32", "i64", "u8"} {
		s = strings.TrimSuffix(s, suf)
	}
	return s
}

// collectRoutes finds HTTP routes that look like health checks.
func (a *analyzer) collectRoutes() {
	for _, p := range a.files {
		p.walk(p.root, func(n *sitter.Node) bool {
			switch n.Type() {
			case "call_expression":
				switch p.lastSegment(n.ChildByFieldName("function")) {
				case "route", "at", "nest", "resource", "path", "get", "service", "to", "and", "route_service":
					for _, arg := range args(n) {
						if s, ok := a.str(p, arg); ok && healthPath(s) {
							a.routes = append(a.routes, model.Evidence{Value: routePath(s), At: p.at(arg)})
						}
					}
				}
			case "attribute_item": // #[get("/health")]
				t := p.text(n)
				for _, verb := range []string{"#[get(", "#[head(", "#[route(", "#[handler("} {
					if strings.HasPrefix(t, verb) {
						if s, ok := quoted(t); ok && healthPath(s) {
							a.routes = append(a.routes, model.Evidence{Value: routePath(s), At: p.at(n)})
						}
					}
				}
			case "macro_invocation": // warp::path!("health")
				if m := n.ChildByFieldName("macro"); m != nil && strings.HasSuffix(p.text(m), "path") {
					if s, ok := quoted(p.text(n)); ok && healthPath(s) {
						a.routes = append(a.routes, model.Evidence{Value: routePath(s), At: p.at(n)})
					}
				}
			case "binary_expression": // req.uri().path() == "/health", path == HEALTH_PATH
				if op := n.ChildByFieldName("operator"); op == nil || p.text(op) != "==" {
					return true
				}
				for _, side := range []*sitter.Node{n.ChildByFieldName("left"), n.ChildByFieldName("right")} {
					if side == nil {
						continue
					}
					if s, ok := a.str(p, side); ok && healthPath(s) && strings.Contains(s, "/") {
						a.routes = append(a.routes, model.Evidence{Value: routePath(s), At: p.at(n)})
					}
				}
			case "string_literal": // a route held in a variable: "/x/healthcheck".into()
				if s, ok := p.stringValue(n); ok && strings.HasPrefix(s, "/") && strongHealthPath(s) {
					a.pathLiterals = append(a.pathLiterals, model.Evidence{Value: s, At: p.at(n)})
				}
			}
			return true
		})
	}
}

// quoted returns the first double-quoted string in s.
func quoted(s string) (string, bool) {
	i := strings.IndexByte(s, '"')
	if i < 0 {
		return "", false
	}
	j := strings.IndexByte(s[i+1:], '"')
	if j < 0 {
		return "", false
	}
	return s[i+1 : i+1+j], true
}

var healthWords = []string{"healthz", "health", "healthcheck", "livez", "readyz", "ready", "alive", "ping", "status", "up"}

// strongHealthPath reports whether s ends in a word that only names a
// health check (not ping or status, which mean other things too).
func strongHealthPath(s string) bool {
	last := strings.ToLower(s[strings.LastIndexByte(s, '/')+1:])
	switch strings.TrimLeft(last, "_-") {
	case "health", "healthz", "healthcheck", "livez", "readyz":
		return !strings.ContainsAny(s, " {}")
	}
	return false
}

func healthPath(s string) bool {
	last := s[strings.LastIndexByte(s, '/')+1:]
	for _, w := range healthWords {
		if strings.EqualFold(last, w) || strings.EqualFold(last, "_"+w) || strings.EqualFold(last, "-"+w) {
			return true
		}
	}
	return false
}

func routePath(s string) string {
	if !strings.HasPrefix(s, "/") {
		return "/" + s
	}
	return s
}

// collectLiterals finds "host:port" strings and SocketAddr::from((ip,
// port)) in the program, which are listen addresses when nothing else
// sets them.
func (a *analyzer) collectLiterals() {
	for _, p := range a.files {
		p.walk(p.root, func(n *sitter.Node) bool {
			switch n.Type() {
			case "string_literal":
				s, _ := p.stringValue(n)
				if host, port, ok := hostPort(s); ok && listenContext(p, n) {
					a.literals = append(a.literals, literal{host: host, port: port, at: p.at(n)})
				}
			case "call_expression":
				fn := n.ChildByFieldName("function")
				if fn == nil {
					return true
				}
				switch f := strings.ReplaceAll(p.text(fn), " ", ""); {
				case strings.HasSuffix(f, "SocketAddr::from"):
					if host, port, ok := a.sockAddr(p, args(n)); ok {
						a.literals = append(a.literals, literal{host: host, port: port, at: p.at(n)})
					}
				case strings.HasSuffix(f, "::bind") || f == "bind":
					// A literal host, the port from a setting.
					if as := args(n); len(as) == 1 && as[0].Type() == "tuple_expression" && as[0].NamedChildCount() == 2 {
						host, ok := p.stringValue(as[0].NamedChild(0))
						if !ok {
							host, ok = ipConst(p.text(as[0].NamedChild(0)))
						}
						if _, _, full := a.sockAddr(p, as); ok && !full {
							a.bindHosts = append(a.bindHosts, literal{host: host, at: p.at(n)})
						}
					}
				case strings.HasSuffix(f, "SocketAddr::new") || strings.HasSuffix(f, "SocketAddrV4::new") || strings.HasSuffix(f, "SocketAddrV6::new"):
					if as := args(n); len(as) >= 2 {
						host, hok := ipConst(p.text(as[0]))
						v, vok := a.value(p, as[1])
						if port, pok := portNumber(v); hok && vok && pok {
							a.literals = append(a.literals, literal{host: host, port: port, at: p.at(n)})
						}
					}
				}
			}
			return true
		})
	}
}

// ipConst reads Ipv4Addr::UNSPECIFIED and its kin.
func ipConst(s string) (string, bool) {
	s = strings.ReplaceAll(s, " ", "")
	s = strings.TrimSuffix(strings.TrimSuffix(s, ".into()"), ".into")
	switch {
	case strings.HasSuffix(s, "Ipv4Addr::UNSPECIFIED"):
		return "0.0.0.0", true
	case strings.HasSuffix(s, "Ipv4Addr::LOCALHOST"):
		return "127.0.0.1", true
	case strings.HasSuffix(s, "Ipv6Addr::UNSPECIFIED"):
		return "::", true
	case strings.HasSuffix(s, "Ipv6Addr::LOCALHOST"):
		return "::1", true
	}
	return "", false
}

// listenContext reports whether a string literal is an argument of a call
// that binds or parses an address (not a URL in a log line).
func listenContext(p *parsed, n *sitter.Node) bool {
	for c := n.Parent(); c != nil; c = c.Parent() {
		switch c.Type() {
		case "call_expression":
			switch p.lastSegment(c.ChildByFieldName("function")) {
			case "bind", "parse", "serve", "listen", "from_str", "try_bind", "bind_addr", "run", "http", "https":
				return true
			}
		case "let_declaration", "const_item", "static_item", "field_initializer":
			return true
		case "function_item", "macro_invocation":
			return false
		}
	}
	return false
}

func (a *analyzer) sockAddr(p *parsed, as []*sitter.Node) (string, int, bool) {
	if len(as) != 1 || as[0].Type() != "tuple_expression" || as[0].NamedChildCount() != 2 {
		return "", 0, false
	}
	ip, port := as[0].NamedChild(0), as[0].NamedChild(1)
	pv, ok := a.value(p, port)
	if !ok {
		return "", 0, false
	}
	n, ok := portNumber(pv)
	if !ok {
		return "", 0, false
	}
	if ip.Type() != "array_expression" {
		return "", 0, false
	}
	var parts []string
	for i := 0; i < int(ip.NamedChildCount()); i++ {
		parts = append(parts, p.text(ip.NamedChild(i)))
	}
	if len(parts) != 4 {
		return "", 0, false
	}
	return strings.Join(parts, "."), n, true
}

// surface turns what was collected into the model.
func (a *analyzer) surface() *model.Surface {
	s := &model.Surface{}
	names := append([]string(nil), a.order...)
	sort.Strings(names)
	for _, name := range names {
		st := a.settings[name]
		set := model.Setting{Name: name, Default: st.def, Required: st.required && !st.defaulted, Flag: st.flag, At: st.at,
			Secret: secretName(name)}
		set.Alternatives = dedupe(st.alternatives, name)
		s.Settings = append(s.Settings, set)
	}
	s.Listeners = a.listeners()
	switch {
	case len(a.routes) > 0:
		s.Health = bestRoute(a.routes)
	case len(a.pathLiterals) > 0:
		// No route names it, but a path only a health check has is in
		// the program (a route built at run time from it).
		s.Health = bestRoute(a.pathLiterals)
	}
	s.Subcommand = a.serveCommand()
	s.Config = a.configFile()
	// A required file given only by a variable, with no default path the
	// source shows, needs that variable.
	if c := s.Config; c != nil && c.Required && c.Flag == "" && c.Default == "" {
		for i := range s.Settings {
			if s.Settings[i].Name == c.Env {
				s.Settings[i].Required = true
			}
		}
	}
	s.Unknown = a.unknowns
	return s
}

func dedupe(list []string, not string) []string {
	var out []string
	seen := map[string]bool{not: true}
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// bestRoute prefers a path naming health over ping or status.
func bestRoute(routes []model.Evidence) model.Evidence {
	rank := func(s string) int {
		for i, w := range healthWords {
			if strings.Contains(strings.ToLower(s), w) {
				return i
			}
		}
		return len(healthWords)
	}
	best := routes[0]
	for _, r := range routes[1:] {
		if rank(r.Value) < rank(best.Value) {
			best = r
		}
	}
	return best
}

// secretName reports whether a variable's name says it holds a secret.
func secretName(name string) bool {
	u := strings.ToUpper(name)
	for _, w := range []string{"SECRET", "TOKEN", "PASSWORD", "PASSWD", "_PASS", "PRIVATE_KEY", "API_KEY", "_KEY", "CREDENTIAL", "DATABASE_URL", "_DSN", "_SEED", "_SALT"} {
		if strings.Contains(u, w) {
			return true
		}
	}
	switch u {
	case "PASS", "KEY", "DSN", "SEED", "SALT":
		return true
	}
	return false
}

// configFile finds how the program is given a configuration file: a clap
// argument named config (its flag and variable), else a variable named
// like one; and how the file is read, from the parsing call.
func (a *analyzer) configFile() *model.ConfigFile {
	var cf *model.ConfigFile
	for _, c := range a.clap {
		f := c.field
		if f == "config" || f == "config_file" || f == "config_path" || strings.HasSuffix(f, "_config") {
			// Without --long or env, clap takes it as a positional argument.
			cf = &model.ConfigFile{Flag: c.long, Env: c.env, Default: c.def, At: c.at, Positional: c.long == "" && c.env == ""}
			break
		}
	}
	if cf == nil {
		for _, name := range a.order {
			if configName(name) {
				cf = &model.ConfigFile{Env: name, At: a.settings[name].at}
				break
			}
		}
	}
	for _, src := range a.confs {
		if !src.file {
			continue
		}
		if cf == nil {
			cf = &model.ConfigFile{At: src.at}
		}
		if cf.Format == "" {
			cf.Format = src.format
		}
		if cf.Default == "" {
			cf.Default = src.path
		}
		cf.Required = cf.Required || src.required
	}
	if cf != nil {
		for _, k := range a.requiredKeys {
			if ident.ConfigKey(k) {
				cf.RequiredKeys = append(cf.RequiredKeys, k)
			}
		}
		slices.Sort(cf.RequiredKeys)
		cf.RequiredKeys = slices.Compact(cf.RequiredKeys)
		cf.Keys = fileKeys(a.fileKeys)
	}
	if cf != nil && cf.Flag == "" && cf.Env == "" && cf.Default == "" && !cf.Positional {
		a.unknowns = append(a.unknowns, cf.At+": a configuration file is read from a path nixgen cannot tell how to give")
		return nil
	}
	return cf
}

func configName(name string) bool {
	return name == "CONFIG" || name == "CONFIG_FILE" || name == "CONFIG_PATH" ||
		strings.HasSuffix(name, "_CONFIG") || strings.HasSuffix(name, "_CONFIG_FILE") || strings.HasSuffix(name, "_CONFIG_PATH")
}

// fileKeys are the keys with a known default the module can offer, sorted:
// a key that is a section of another is no leaf.
func fileKeys(byKey map[string]model.ConfigKey) []model.ConfigKey {
	var out []model.ConfigKey
	for k, ck := range byKey {
		if !ident.ConfigKey(k) {
			continue
		}
		section := false
		for other := range byKey {
			if strings.HasPrefix(other, k+".") {
				section = true
			}
		}
		if !section {
			out = append(out, ck)
		}
	}
	slices.SortFunc(out, func(a, b model.ConfigKey) int { return strings.Compare(a.Key, b.Key) })
	return out
}
