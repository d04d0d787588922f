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
	def      string
	at       string
}

// notListener are words that make a HOST/PORT/ADDR setting something the
// program connects to, not something it listens on.
var notListener = map[string]bool{
	"DATABASE": true, "DB": true, "POSTGRES": true, "PG": true, "MYSQL": true, "REDIS": true, "MONGO": true,
	"REMOTE": true, "UPSTREAM": true, "TARGET": true, "PROXY": true, "RELAY": true, "EXTERNAL": true,
	"PUBLIC": true, "URL": true, "DOMAIN": true, "LOG": true, "CLIENT": true, "PEER": true, "BACKEND": true,
	"ORIGIN": true, "CALLBACK": true, "REDIRECT": true, "TRUSTED": true, "FORWARDED": true, "OTEL": true,
	"OTLP": true, "JAEGER": true, "SENTRY": true, "S3_ENDPOINT": true, "ENDPOINT": true, "MAX": true, "MIN": true,
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
	listener := "http"
	for i := len(named) - 1; i >= 0; i-- {
		if p, ok := protocols[named[i]]; ok {
			listener = p
			break
		}
	}
	return listener, r
}

// listeners groups the settings and clap flags that set listeners, and
// falls back to literal addresses when nothing sets one.
func (a *analyzer) listeners() []model.Listener {
	var cands []candidate
	flagsWithEnv := map[string]bool{}
	for _, name := range a.order {
		s := a.settings[name]
		if l, r := classify(name, s.def, s.typ); r != notListen {
			cands = append(cands, candidate{listener: l, role: r, env: name, flag: s.flag, def: s.def, at: s.at})
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
	byName := map[string]*model.Listener{}
	var names []string
	for _, c := range cands {
		l := byName[c.listener]
		if l == nil {
			l = &model.Listener{Name: c.listener, At: c.at}
			byName[c.listener] = l
			names = append(names, c.listener)
		}
		switch c.role {
		case rolePort:
			if l.PortEnv == "" && l.PortFlag == "" {
				l.PortEnv, l.PortFlag = c.env, c.flag
				if n, ok := portNumber(c.def); ok {
					l.Port = n
				}
			}
		case roleHost:
			if l.HostEnv == "" && l.HostFlag == "" {
				l.HostEnv, l.HostFlag = c.env, c.flag
				if c.def != "" {
					l.Host = c.def
				}
			}
		case roleAddr:
			if l.AddrEnv == "" && l.AddrFlag == "" {
				l.AddrEnv, l.AddrFlag = c.env, c.flag
				if host, port, ok := hostPort(c.def); ok {
					l.Host, l.Port = host, port
				}
			}
		}
	}
	var out []model.Listener
	for _, name := range names {
		l := byName[name]
		// A host alone is an address the program connects to or announces,
		// unless it defaults to a local bind address.
		if l.PortEnv == "" && l.PortFlag == "" && l.AddrEnv == "" && l.AddrFlag == "" {
			continue
		}
		out = append(out, *l)
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
	if len(out) == 0 && len(a.literals) > 0 {
		lit := a.literals[0]
		out = append(out, model.Listener{Name: "http", Host: lit.host, Port: lit.port, Fixed: true, At: lit.at})
	}
	sort.SliceStable(out, func(i, j int) bool {
		return out[i].Name == "http" && out[j].Name != "http" || (out[i].Name != "http") == (out[j].Name != "http") && out[i].Name < out[j].Name
	})
	return out
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
