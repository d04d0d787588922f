package gomod

import (
	"fmt"
	"go/ast"
	"go/token"
	"net"
	"slices"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/ident"
	"github.com/nixgen/nixgen/generator/internal/model"
)

// site is a place that starts listening, with what its address holds.
type site struct {
	v  val
	at token.Pos
}

// sites finds the calls and literals that open a listening socket.
func (sc *scan) sites() []site {
	var out []site
	sc.walk(func(ff fileFunc, n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if v, ok := sc.siteCall(ff, n); ok {
				out = append(out, site{v: v, at: n.Pos()})
			}
		case *ast.CompositeLit:
			if e := serverAddr(ff, n); e != nil {
				out = append(out, site{v: sc.eval(e, 0), at: e.Pos()})
			}
		}
		return true
	})
	return out
}

// siteCall reads the address of a call that listens.
func (sc *scan) siteCall(ff fileFunc, c *ast.CallExpr) (val, bool) {
	pkg := ff.pkgOf(c.Fun)
	name := funcName(c.Fun)
	switch {
	case ff.imports("tailscale.com/tsnet") && pkg == "":
		// A userspace network stack listens on the tailnet, not on a
		// host socket.
		return val{}, false
	case pkg == "github.com/prometheus/exporter-toolkit/web" && (name == "ListenAndServe" || name == "Serve"):
		// The toolkit serves on the --web.listen-address flag that
		// kingpinflag.AddFlags defines.
		if s := sc.t.lookupFlag("web.listen-address"); s != nil {
			return val{s: s}, true
		}
		return val{}, true
	case name == "ListenAndServe" || name == "ListenAndServeTLS":
		if len(c.Args) > 0 && (pkg != "" || len(c.Args) == 1 || name == "ListenAndServeTLS" && len(c.Args) == 3) {
			return sc.eval(c.Args[0], 0), true
		}
	case name == "Listen" || name == "ListenPacket" || name == "ListenTLS":
		// net.Listen("tcp", addr), tls.Listen, (*net.ListenConfig).Listen(ctx, "tcp", addr)
		for i, a := range c.Args {
			network, ok := constString(sc.info, a)
			if !ok || i+1 >= len(c.Args) {
				continue
			}
			switch network {
			case "tcp", "tcp4", "tcp6", "udp", "udp4", "udp6":
				return sc.eval(c.Args[i+1], 0), true
			case "unix", "unixpacket":
				return val{}, false
			}
		}
		// (*net.ListenConfig).Listen(ctx, network, addr)
		if len(c.Args) == 3 && (pkg == "" || pkg == "net") && looksLikeContext(c.Args[0]) {
			return sc.eval(c.Args[2], 0), true
		}
		if len(c.Args) == 2 && (pkg == "net" || pkg == "crypto/tls") {
			return sc.eval(c.Args[1], 0), true
		}
		if len(c.Args) >= 1 && ff.imports("github.com/gofiber/fiber") {
			return sc.eval(c.Args[0], 0), true
		}
	case name == "Run" && ff.imports("github.com/gin-gonic/gin") && pkg == "":
		if len(c.Args) == 0 {
			// gin's Run() without an address reads PORT, else :8080.
			s := sc.t.env("PORT", c.Pos())
			s.setDefString("8080", c.Pos())
			s.intDef = true
			return val{s: s}, true
		}
		return sc.eval(c.Args[0], 0), true
	case (name == "Start" || name == "StartTLS") && ff.imports("github.com/labstack/echo") && len(c.Args) >= 1:
		return sc.eval(c.Args[0], 0), true
	case (name == "WithAddress" || name == "WithAddr" || name == "WithListenAddress") && len(c.Args) == 1:
		return sc.eval(c.Args[0], 0), true
	}
	return val{}, false
}

// looksLikeContext: ctx, context.Background(), r.Context().
func looksLikeContext(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident:
		return strings.Contains(strings.ToLower(e.Name), "ctx") || strings.Contains(strings.ToLower(e.Name), "context")
	case *ast.CallExpr:
		n := funcName(e.Fun)
		return n == "Background" || n == "TODO" || n == "Context"
	}
	return false
}

// serverAddr is the address field of a dependency's Server literal:
// http.Server{Addr: ...}, ssh.Server{Addr: ...}.
func serverAddr(ff fileFunc, lit *ast.CompositeLit) ast.Expr {
	sel, ok := lit.Type.(*ast.SelectorExpr)
	if !ok || !strings.HasSuffix(sel.Sel.Name, "Server") || ff.pkgOf(sel) == "" {
		return nil
	}
	for _, e := range lit.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		if k, ok := kv.Key.(*ast.Ident); ok {
			switch k.Name {
			case "Addr", "Address", "ListenAddr", "ListenAddress":
				return kv.Value
			}
		}
	}
	return nil
}

// listeners turns the listen sites into listeners, the main HTTP one
// first, and adds the values named and defaulted like a listen address
// that no site was seen to use.
func (sc *scan) listeners() []model.Listener {
	type cand struct {
		l     model.Listener
		unset bool // no default address: off unless configured
		at    token.Pos
	}
	var cands []cand
	used := map[*slot]bool{}
	fixed := map[int]bool{}
	for _, st := range sc.sites() {
		if sc.elsewhere(st.at) {
			continue // another subcommand's
		}
		l, parts, why := sc.listener(st.v)
		switch {
		case why != "":
			sc.unknown = append(sc.unknown, fmt.Sprintf("%s: %s", sc.pos(st.at), why))
			continue
		case len(parts) > 0 && used[parts[0]]:
			continue
		case len(parts) == 0 && fixed[l.Port]:
			continue
		}
		for _, p := range parts {
			used[p] = true
		}
		if len(parts) == 0 {
			fixed[l.Port] = true
			l.At = sc.pos(st.at)
		}
		if l.At == "" {
			l.At = sc.pos(st.at)
		}
		cands = append(cands, cand{l, l.Port == 0 && !anyDefault(parts), st.at})
	}
	// Values named like a listen address, with a default port, that no
	// site was seen to use (a server library takes them).
	for _, s := range sc.t.all {
		if s.parent != nil || used[s] || !s.hasDef || sc.elsewhereSlot(s) {
			continue
		}
		w := s.words()
		if !slices.Contains(w, "listen") && !slices.Contains(w, "bind") {
			continue
		}
		l, _, why := sc.listener(val{s: s})
		if why != "" || l.Port == 0 {
			continue
		}
		used[s] = true
		cands = append(cands, cand{l, false, s.at})
	}
	// The main (HTTP) listener first.
	slices.SortStableFunc(cands, func(a, b cand) int {
		return boolRank(a.l.Name != "http") - boolRank(b.l.Name != "http")
	})
	var out []model.Listener
	for i, c := range cands {
		if c.unset && i > 0 {
			// An extra listener with no default address is off unless
			// configured.
			sc.unknown = append(sc.unknown, fmt.Sprintf("%s: a %s listener with no default address, off unless configured; left out", sc.pos(c.at), c.l.Name))
			continue
		}
		out = append(out, c.l)
	}
	return out
}

func anyNamed(parts []*slot) bool {
	for _, p := range parts {
		if len(p.envs)+len(p.flags)+len(p.keys) > 0 {
			return true
		}
	}
	return false
}

func anyDefault(parts []*slot) bool {
	for _, p := range parts {
		if p.hasDef && p.def != "" {
			return true
		}
	}
	return false
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// listener reads a listen address: the slots that set it, or why it
// cannot be read.
func (sc *scan) listener(v val) (model.Listener, []*slot, string) {
	var l model.Listener
	var parts []*slot
	switch {
	case v.s != nil:
		s := v.s.find()
		parts = append(parts, s)
		if s.portOnly() {
			sc.setPort(&l, s)
		} else {
			sc.setAddr(&l, s)
		}
	case v.port != nil:
		switch {
		case v.port.s != nil:
			s := v.port.s.find()
			parts = append(parts, s)
			sc.setPort(&l, s)
		case v.port.hasLit:
			p, ok := ident.Port(v.port.lit)
			if !ok {
				return l, nil, "the listen port is not a port from 1 to 65535"
			}
			l.Port = p
		default:
			return l, nil, "a listen address whose port nixgen cannot follow"
		}
		if v.host != nil {
			switch {
			case v.host.s != nil:
				s := v.host.s.find()
				parts = append(parts, s)
				sc.setHost(&l, s, v.host.colon)
			case v.host.hasLit:
				if v.host.colon {
					v.host.lit = strings.TrimSuffix(v.host.lit, ":")
				}
				if !ident.ListenHost(v.host.lit) {
					return l, nil, "the listen host is not an IP address or host name nixgen can take"
				}
				l.Host = v.host.lit
			}
		}
		if len(parts) == 0 {
			l.Fixed = true
		}
	case v.hasLit:
		host, port, ok := splitAddr(v.lit, v.intLit)
		if !ok {
			return l, nil, "the listen address is not a host:port nixgen can read"
		}
		l.Host, l.Port, l.Fixed = host, port, true
	default:
		return l, nil, "a listen address nixgen cannot follow to a flag, variable or constant"
	}
	if len(parts) > 0 && l.Port == 0 && l.AddrEnv == "" && l.AddrFlag == "" && l.AddrKey == "" &&
		l.PortEnv == "" && l.PortFlag == "" && l.PortKey == "" {
		if anyNamed(parts) {
			return l, nil, "the listen address is set by an environment variable, flag or key whose name nixgen cannot write into a unit or a command line; left unknown"
		}
		return l, nil, "a listen address held in a value nixgen cannot follow to a flag, variable or key"
	}
	l.Name = listenerName(parts)
	return l, parts, ""
}

// portOnly: the slot holds a bare port rather than host:port.
func (s *slot) portOnly() bool {
	if s.hasDef {
		return s.intDef || (s.def != "" && strings.Trim(s.def, "0123456789") == "")
	}
	w := s.words()
	return slices.Contains(w, "port") && !slices.Contains(w, "addr") && !slices.Contains(w, "address") && !slices.Contains(w, "listen")
}

func splitAddr(a string, bare bool) (string, int, bool) {
	if bare || strings.Trim(a, "0123456789") == "" {
		p, ok := ident.Port(a)
		return "", p, ok
	}
	host, port, err := net.SplitHostPort(a)
	if err != nil {
		return "", 0, false
	}
	p, ok := ident.Port(port)
	return host, p, ok && ident.ListenHost(host)
}

func (sc *scan) setAddr(l *model.Listener, s *slot) {
	l.AddrEnv, l.AddrFlag, l.AddrKey = firstEnv(s), firstFlag(s), firstKey(s)
	if s.hasDef {
		if host, port, ok := splitAddr(s.def, false); ok {
			l.Host, l.Port = host, port
		}
		l.At = sc.pos(s.at)
	}
}

func (sc *scan) setPort(l *model.Listener, s *slot) {
	l.PortEnv, l.PortFlag, l.PortKey = firstEnv(s), firstFlag(s), firstKey(s)
	if s.hasDef {
		if p, ok := ident.Port(s.def); ok {
			l.Port = p
		}
		l.At = sc.pos(s.at)
	}
}

func (sc *scan) setHost(l *model.Listener, s *slot, colon bool) {
	l.HostEnv, l.HostFlag, l.HostKey = firstEnv(s), firstFlag(s), firstKey(s)
	def := s.def
	if colon {
		def = strings.TrimSuffix(def, ":")
	}
	if s.hasDef && ident.ListenHost(def) {
		l.Host = def
	}
}

// Only names ident accepts reach the model: they are written into shell
// scripts, units and Nix.
func firstEnv(s *slot) string {
	for _, e := range s.envs {
		if ident.EnvName(e) {
			return e
		}
	}
	return ""
}

func firstFlag(s *slot) string {
	for _, f := range s.flags {
		if ident.FlagName(strings.TrimLeft(f, "-")) {
			return f
		}
	}
	return ""
}

func firstKey(s *slot) string {
	for _, k := range s.keys {
		if ident.FlagName(k) {
			return k
		}
	}
	return ""
}

// listenerKinds name a listener by the words of what sets it.
var listenerKinds = []struct {
	name  string
	words []string
}{
	{"smtp", []string{"smtp", "mail"}},
	{"pop3", []string{"pop3", "pop"}},
	{"imap", []string{"imap"}},
	{"ssh", []string{"ssh", "sftp"}},
	{"git", []string{"git"}},
	{"grpc", []string{"grpc", "rpc"}},
	{"ldap", []string{"ldap", "ldaps"}},
	{"dns", []string{"dns"}},
	{"metrics", []string{"metrics", "prometheus", "stats", "telemetry", "monitoring", "debug", "pprof"}},
}

func listenerName(parts []*slot) string {
	var words []string
	for _, p := range parts {
		words = append(words, p.words()...)
	}
	for _, k := range listenerKinds {
		for _, w := range k.words {
			if slices.Contains(words, w) {
				return k.name
			}
		}
	}
	return "http"
}
