package rustsrc

import (
	"net"
	"sort"
	"strconv"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/model"
)

// role is what a setting says about a listener.
type role int

const (
	notListen role = iota
	rolePort
	roleHost
	roleAddr // host:port
)

// candidate is a setting (env or flag) that sets part of a listener.
type candidate struct {
	listener string
	role     role
	env      string
	flag     string
	key      string // the configuration file's dotted key
	def      string
	at       string
	fixed    bool // the program sets it in code over the variable
}

// notListener are words that make a HOST/PORT/ADDR setting something the
// program connects to, not something it listens on.
var notListener = map[string]bool{
	"DATABASE": true, "DB": true, "POSTGRES": true, "PG": true, "MYSQL": true, "REDIS": true, "MONGO": true,
	"REMOTE": true, "UPSTREAM": true, "TARGET": true, "PROXY": true, "RELAY": true, "EXTERNAL": true,
	"PUBLIC": true, "URL": true, "DOMAIN": true, "LOG": true, "CLIENT": true, "PEER": true, "BACKEND": true,
	"ORIGIN": true, "CALLBACK": true, "REDIRECT": true, "TRUSTED": true, "FORWARDED": true, "OTEL": true,
	"OTLP": true, "JAEGER": true, "SENTRY": true, "S3_ENDPOINT": true, "ENDPOINT": true, "MAX": true, "MIN": true,
	"CONSUL": true, "DISCOVERY": true, "KUBERNETES": true, "NATS": true, "KAFKA": true, "HEALTHCHECK": true, "TLS": true,
}

// protocols name listeners; the value is the listener's name.
var protocols = map[string]string{
	"HTTP": "http", "HTTPS": "https", "WEB": "http", "API": "http", "UI": "http", "SERVER": "http",
	"SMTP": "smtp", "SUBMISSION": "submission", "IMAP": "imap", "POP3": "pop3", "LDAP": "ldap", "LDAPS": "ldaps",
	"GRPC": "grpc", "RPC": "rpc", "METRICS": "metrics", "PROMETHEUS": "metrics", "STATS": "stats",
	"ADMIN": "admin", "SSH": "ssh", "GIT": "git", "DNS": "dns", "WS": "ws", "WEBSOCKET": "ws", "MQTT": "mqtt",
	"S3": "s3", "MANAGEMENT": "admin", "DEBUG": "debug", "HEALTH": "health",
}

// classify reads a setting's name (FOO_HTTP_PORT, --http-port) into the
// listener it belongs to and what it sets.
func classify(name, def, typ string) (string, role) {
	if typ == "bool" || def == "true" || def == "false" {
		return "", notListen
	}
	words := strings.FieldsFunc(strings.ToUpper(strings.TrimLeft(name, "-")), func(r rune) bool { return r == '_' || r == '-' || r == '.' })
	if len(words) == 0 {
		return "", notListen
	}
	for _, w := range words {
		if notListener[w] {
			return "", notListen
		}
	}
	last := words[len(words)-1]
	rest := words[:len(words)-1]
	var r role
	switch last {
	case "PORT":
		r = rolePort
		if len(rest) > 0 && (rest[len(rest)-1] == "ADDRESS" || rest[len(rest)-1] == "ADDR") {
			r = roleAddr // WASTEBIN_ADDRESS_PORT=0.0.0.0:8088
			rest = rest[:len(rest)-1]
		}
	case "HOST", "HOSTNAME", "IP", "INTERFACE":
		r = roleHost
		if _, _, ok := hostPort(def); ok {
			r = roleAddr
		}
	case "ADDR", "ADDRESS", "LISTEN", "BIND", "SOCKET", "LISTENADDR":
		r = roleAddr
		if def != "" {
			if _, _, ok := hostPort(def); !ok {
				if net.ParseIP(strings.Trim(def, "[]")) == nil && def != "localhost" {
					return "", notListen
				}
				r = roleHost
			}
		}
	default:
		return "", notListen
	}
	// LISTEN_ADDR, BIND_ADDRESS: the verb is not a listener's name.
	var named []string
	for _, w := range rest {
		switch w {
		case "LISTEN", "BIND", "SERVICE", "APP":
		default:
			named = append(named, w)
		}
	}
	return listenerName(named), r
}

// generic protocols name the main listener; a specific one (s3_api,
// admin.http_port) names its own.
var generic = map[string]bool{"HTTP": true, "WEB": true, "API": true, "UI": true, "SERVER": true}

// listenerName picks the last specific protocol of a name's words, else
// the last generic one, else http.
func listenerName(words []string) string {
	for _, wantGeneric := range []bool{false, true} {
		for i := len(words) - 1; i >= 0; i-- {
			if p, ok := protocols[words[i]]; ok && generic[words[i]] == wantGeneric {
				return p
			}
		}
	}
	return "http"
}

// listeners groups the settings, clap flags and configuration keys that
// set listeners, and falls back to literal addresses when nothing sets
// one.
func (a *analyzer) listeners() []model.Listener {
	var cands []candidate
	flagsWithEnv := map[string]bool{}
	names := map[string]bool{}
	for _, name := range a.order {
		names[name] = true
	}
	for _, f := range a.fields {
		names[strings.ToUpper(f.key)] = true
	}
	for _, name := range a.order {
		s := a.settings[name]
		if l, r := classify(name, s.def, s.typ); r != notListen && !clientSetting(name, names) {
			cands = append(cands, candidate{listener: l, role: r, env: name, flag: s.flag, key: s.key, def: s.def, at: s.at})
			flagsWithEnv[s.flag] = true
		}
	}
	for _, c := range a.clap {
		if c.long == "" || c.env != "" || flagsWithEnv[c.long] {
			continue
		}
		if l, r := classify(c.long, c.def, c.typ); r != notListen {
			cands = append(cands, candidate{listener: l, role: r, flag: c.long, def: c.def, at: c.at})
		}
	}
	for _, f := range a.fields {
		if f.env != "" {
			continue
		}
		if l, r := classify(f.key, f.def, f.typ); r != notListen && !clientSetting(strings.ToUpper(f.key), names) {
			cands = append(cands, candidate{listener: l, role: r, key: f.key, def: f.def, at: f.at})
		}
	}
	cands = append(cands, a.rocket...)
	var groups []*group
	for _, c := range cands {
		var g *group
		g, c.listener = findGroup(groups, c)
		if g == nil {
			g = &group{l: model.Listener{Name: c.listener, At: c.at}}
			groups = append(groups, g)
		}
		g.add(c)
	}
	var out []model.Listener
	for _, g := range groups {
		l := g.l
		// A host alone is an address the program connects to or announces,
		// unless it defaults to a local bind address.
		if l.PortEnv == "" && l.PortFlag == "" && l.PortKey == "" && l.AddrEnv == "" && l.AddrFlag == "" && l.AddrKey == "" && !l.Fixed {
			continue
		}
		out = append(out, l)
	}
	// A listener whose port has no default in its setting often falls back
	// to the one literal address the program has.
	if len(a.literals) == 1 {
		for i := range out {
			if out[i].Port == 0 {
				out[i].Port = a.literals[0].port
				if out[i].Host == "" {
					out[i].Host = a.literals[0].host
				}
			}
		}
	}
	// A program with one listener whose host is a literal of its bind call.
	if len(out) == 1 && len(a.bindHosts) == 1 && out[0].Host == "" && out[0].HostEnv+out[0].HostFlag+out[0].HostKey+out[0].AddrEnv+out[0].AddrFlag+out[0].AddrKey == "" {
		out[0].Host = a.bindHosts[0].host
	}
	if len(out) == 0 && len(a.literals) > 0 {
		lit := a.literals[0]
		out = append(out, model.Listener{Name: "http", Host: lit.host, Port: lit.port, Fixed: true, At: lit.at})
	}
	sort.SliceStable(out, func(i, j int) bool {
		return out[i].Name == "http" && out[j].Name != "http" || (out[i].Name != "http") == (out[j].Name != "http") && out[i].Name < out[j].Name
	})
	return out
}

// group is a listener being assembled from candidates, with the
// configuration section its keys sit in.
type group struct {
	l        model.Listener
	sections map[role]string
}

// findGroup finds the listener a candidate belongs to: the one of its
// name, unless that one's part is set by a key of another section of the
// configuration file (s3_api.bind_addr and s3_web.bind_addr are two).
func findGroup(groups []*group, c candidate) (*group, string) {
	for _, g := range groups {
		if g.l.Name != c.listener {
			continue
		}
		if sec, ok := g.sections[c.role]; ok && c.key != "" && sec != section(c.key) {
			if alt := alternateName(c.key); alt != c.listener {
				c.listener = alt
				return findGroup(groups, c)
			}
		}
		return g, c.listener
	}
	return nil, c.listener
}

func (g *group) add(c candidate) {
	l := &g.l
	if c.key != "" {
		if g.sections == nil {
			g.sections = map[role]string{}
		}
		if _, ok := g.sections[c.role]; !ok {
			g.sections[c.role] = section(c.key)
		}
		if l.Name != c.listener && l.PortKey == "" && l.HostKey == "" && l.AddrKey == "" {
			l.Name = c.listener
		}
	}
	first := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	switch c.role {
	case rolePort:
		first(&l.PortEnv, c.env)
		first(&l.PortFlag, c.flag)
		first(&l.PortKey, c.key)
		if n, ok := portNumber(c.def); ok && l.Port == 0 {
			l.Port = n
		}
	case roleHost:
		first(&l.HostEnv, c.env)
		first(&l.HostFlag, c.flag)
		first(&l.HostKey, c.key)
		first(&l.Host, c.def)
	case roleAddr:
		first(&l.AddrEnv, c.env)
		first(&l.AddrFlag, c.flag)
		first(&l.AddrKey, c.key)
		if host, port, ok := hostPort(c.def); ok && l.Port == 0 {
			first(&l.Host, host)
			l.Port = port
		}
	}
	if c.fixed && c.env == "" {
		l.Fixed = true
	}
}

// section is the dotted path above a key: "s3_api" for s3_api.bind_addr.
func section(key string) string {
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		return key[:i]
	}
	return ""
}

// alternateName names a listener after the generic protocol word of its
// section (s3_web: web), else after the section.
func alternateName(key string) string {
	sec := section(key)
	words := strings.FieldsFunc(strings.ToUpper(sec), func(r rune) bool { return r == '_' || r == '-' || r == '.' })
	for i := len(words) - 1; i >= 0; i-- {
		if generic[words[i]] {
			return strings.ToLower(words[i])
		}
	}
	if sec == "" {
		return strings.ToLower(strings.ReplaceAll(key, ".", "_"))
	}
	return strings.ToLower(strings.ReplaceAll(sec, ".", "_"))
}

// clientSetting reports whether a port or address belongs to a group of
// settings for a server the program connects to: a sibling names the
// server or a user to log in as (SMTP_OPTIONS__PORT beside
// SMTP_OPTIONS__SERVER).
func clientSetting(name string, names map[string]bool) bool {
	u := strings.ToUpper(name)
	i := strings.LastIndexAny(u, "_.-")
	if i < 0 {
		return false
	}
	prefix := u[:i+1]
	if len(strings.FieldsFunc(prefix, func(r rune) bool { return r == '_' || r == '.' || r == '-' })) < 2 {
		return false
	}
	for _, w := range []string{"SERVER", "USER", "USERNAME", "SERVER_URL"} {
		if names[prefix+w] {
			return true
		}
	}
	return false
}

// hostPort splits "0.0.0.0:3000", "[::]:80" or ":8080".
func hostPort(s string) (string, int, bool) {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return "", 0, false
	}
	if host != "" && host != "localhost" && net.ParseIP(host) == nil {
		return "", 0, false
	}
	n, ok := portNumber(port)
	return host, n, ok
}

// portNumber reads a TCP port, 1 to 65535.
func portNumber(s string) (int, bool) {
	n, err := strconv.Atoi(intText(strings.TrimSpace(s)))
	if err != nil || n < 1 || n > 65535 {
		return 0, false
	}
	return n, true
}
