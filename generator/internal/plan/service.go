package plan

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/choices"
	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/ident"
	"github.com/nixgen/nixgen/generator/internal/model"
)

// DefaultPort is the port a service gets when its source names none.
const DefaultPort = 8080

// moduleOptions are the options every generated module declares; an extra
// listener's options (services.NAME.<listener>.port) must not take them.
var moduleOptions = []string{
	"enable", "package", "listenAddress", "port", "openFirewall", "settings",
	"environment", "environmentFile", "credentials", "extraArgs", "dynamicUser",
	"user", "group", "domain", "nginx", "caddy", "hardening",
}

// privateListeners are names of listeners besides the main one that the
// firewall option leaves closed: they serve the operator, not the users.
var privateListeners = []string{"metrics", "admin", "debug", "pprof", "stats"}

// service builds the service the module runs from the program's surface,
// corrected by the user's choices, or drops it. It returns the warnings
// about what the module cannot control.
func service(p *model.Project, c choices.Choices) ([]string, error) {
	mode, port := c.Service, c.Port
	if mode == choices.ServiceOff || (mode == choices.ServiceAuto && !p.Server) || p.Default == "" {
		if port != 0 && mode != choices.ServiceOff {
			return nil, diag.Inputf("--port %d: %s does not look like a network service, so nixgen writes no NixOS module; pass --service to write one", port, p.Name)
		}
		p.Service = nil
		return nil, nil
	}
	sf := p.Surface
	if sf == nil {
		sf = &model.Surface{}
		p.Surface = sf
	}
	correct(sf, c)

	s := &model.Service{
		Name:        p.Name,
		Description: p.Description,
		Program:     p.Package(p.Default).MainProgram,
		Subcommand:  sf.Subcommand,
		HealthPath:  sf.Health.Value,
	}
	var warnings []string
	warn := func(format string, args ...any) { warnings = append(warnings, fmt.Sprintf(format, args...)) }
	s.Config = configFile(sf.Config, warn)

	endpoints := endpoints(sf, s.Config != nil, warn)
	if len(endpoints) > 0 {
		s.Endpoint, s.Extra = endpoints[0], endpoints[1:]
	} else {
		s.Endpoint = model.Endpoint{Name: "http", Public: true}
	}
	if err := mainEndpoint(s, p.Name, port, warn); err != nil {
		return nil, err
	}
	if s.Config != nil {
		s.Config.Keys = settingsKeys(s.Config, s.Endpoints(), warn)
	}
	if s.HealthPath == "" && s.Endpoint.Name == "metrics" {
		// A metrics exporter: what it serves answers 200 when it is up.
		s.HealthPath = "/metrics"
	}
	warnings = append(warnings, stores(p, sf, s)...)
	s.Required = required(sf, s)
	p.Service = s
	return warnings, nil
}

// correct applies the user's corrections from nixgen.toml to the surface,
// so that what is recorded next time is what the module was made from.
func correct(sf *model.Surface, c choices.Choices) {
	if c.Subcommand != nil {
		sf.Subcommand = append([]string(nil), *c.Subcommand...)
	}
	if c.Listeners != nil {
		detected := sf.Listeners
		sf.Listeners = append([]model.Listener(nil), c.Listeners...)
		// A recorded listener the source still shows keeps its evidence.
		for i := range sf.Listeners {
			for _, d := range detected {
				l := d
				l.At = sf.Listeners[i].At
				if l == sf.Listeners[i] {
					sf.Listeners[i].At = d.At
				}
			}
		}
	}
	if c.Required != nil {
		want := map[string]bool{}
		for _, n := range *c.Required {
			want[n] = true
		}
		for i := range sf.Settings {
			st := &sf.Settings[i]
			st.Required = want[st.Name]
			delete(want, st.Name)
		}
		for _, n := range *c.Required {
			if want[n] {
				sf.Settings = append(sf.Settings, model.Setting{Name: n, Required: true, At: "nixgen.toml"})
				delete(want, n)
			}
		}
		slices.SortFunc(sf.Settings, func(a, b model.Setting) int { return strings.Compare(a.Name, b.Name) })
	}
}

// configFile keeps the way the program is pointed at its configuration
// file when the module can pass it on.
func configFile(c *model.ConfigFile, warn func(string, ...any)) *model.ConfigFile {
	if c == nil {
		return nil
	}
	out := *c
	if out.Env != "" && !ident.EnvName(out.Env) {
		warn("%s: the configuration file's variable is not an environment variable name (letters, digits and _); ignored", orAt(c.At))
		out.Env = ""
	}
	if out.Flag != "" && !ident.FlagName(strings.TrimLeft(out.Flag, "-")) {
		warn("%s: a flag name nixgen cannot pass on the command line; ignored", orAt(c.At))
		out.Flag = ""
	}
	if out.Env == "" && out.Flag == "" && !out.Positional {
		if c.Required {
			warn("%s: the program needs a configuration file but nixgen found no flag or variable that names it; pass one with services.NAME.extraArgs", orAt(c.At))
		}
		return nil
	}
	var keys []string
	for _, k := range out.RequiredKeys {
		if ident.ConfigKey(k) {
			keys = append(keys, k)
		}
	}
	out.RequiredKeys = keys
	if out.Format == "" {
		out.Format = "json"
		warn("%s: found no code that parses the configuration file, so its format is unknown; services.NAME.settings writes JSON: check it", orAt(c.At))
	}
	return &out
}

// settingsKeys decides which of the file's keys the module declares as
// typed options of settings: those with a value the module can write,
// except the keys the listener options set and the keys the program
// stops without (no default to declare; an assertion names them).
func settingsKeys(c *model.ConfigFile, eps []model.Endpoint, warn func(string, ...any)) []model.ConfigKey {
	taken := map[string]bool{}
	for _, k := range c.RequiredKeys {
		taken[k] = true
	}
	for _, e := range eps {
		for _, k := range []string{e.PortKey, e.HostKey, e.ListenKey} {
			if k != "" {
				taken[k] = true
			}
		}
	}
	var out []model.ConfigKey
	for _, k := range c.Keys {
		if taken[k.Key] || !ident.ConfigKey(k.Key) {
			continue
		}
		if _, ok := k.Type.Canonical(k.Default); !ok {
			warn("%s: the default of %s, %q, is not a %s value; services.NAME.settings leaves it untyped", orAt(k.At), k.Key, k.Default, k.Type)
			continue
		}
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b model.ConfigKey) int { return strings.Compare(a.Key, b.Key) })
	out = slices.CompactFunc(out, func(a, b model.ConfigKey) bool { return a.Key == b.Key })
	// An option cannot be a section too: a key with keys below it, or
	// below a key the listeners set, stays freeform.
	var keep []model.ConfigKey
	for _, k := range out {
		clash := false
		for other := range taken {
			clash = clash || strings.HasPrefix(k.Key, other+".") || strings.HasPrefix(other, k.Key+".")
		}
		for _, o := range out {
			clash = clash || strings.HasPrefix(o.Key, k.Key+".") || strings.HasPrefix(k.Key, o.Key+".")
		}
		if !clash {
			keep = append(keep, k)
		}
	}
	return keep
}

// endpoints reads the surface's listeners into module endpoints: names
// made option names, and every name and value checked before it reaches
// the module, a unit and a shell script. Listeners without a known port
// cannot get an option and are dropped from the module with a warning
// (the main one gets DefaultPort later).
func endpoints(sf *model.Surface, hasConfig bool, warn func(string, ...any)) []model.Endpoint {
	var out []model.Endpoint
	var kept []model.Listener
	used := map[string]bool{}
	for i, l := range sf.Listeners {
		at := orAt(l.At)
		if i > 0 && l.Port == 0 && !l.Fixed {
			warn("%s: the %s listener's default port is unknown, so the module has no option for it; give it in nixgen.toml ([[service.listener]] port)", at, l.Name)
			kept = append(kept, l)
			continue
		}
		e := model.Endpoint{Name: optionName(l.Name, i, used), Port: l.Port, Public: i == 0 || !slices.Contains(privateListeners, l.Name)}
		if l.Port != 0 {
			e.PortSource = at
		}
		host := strings.Trim(l.Host, "[]")
		if host != "" && !ident.ListenHost(host) {
			warn("%s: the default host is not an address; left out", at)
			host = ""
		}
		e.Address = host
		if l.Fixed {
			e.PortFixed, e.AddressFixed, e.FixedAt = true, true, at
			out, kept = append(out, e), append(kept, l)
			continue
		}
		env := func(name string) string {
			if name == "" || ident.EnvName(name) {
				return name
			}
			warn("%s: a variable name that is not one (letters, digits and _); ignored", at)
			return ""
		}
		flag := func(name string) string {
			if name == "" || ident.FlagName(strings.TrimLeft(name, "-")) {
				return name
			}
			warn("%s: a flag name nixgen cannot pass on the command line; ignored", at)
			return ""
		}
		key := func(name string) string {
			switch {
			case name == "":
				return ""
			case !ident.ConfigKey(name):
				warn("%s: a configuration key nixgen cannot write; ignored", at)
				return ""
			case !hasConfig:
				warn("%s: the %s listener is set by the configuration key %q, but nixgen found no way to pass the program a configuration file", at, l.Name, name)
				return ""
			}
			return name
		}
		e.PortEnv, e.HostEnv, e.ListenEnv = env(l.PortEnv), env(l.HostEnv), env(l.AddrEnv)
		e.PortFlag, e.HostFlag, e.ListenFlag = flag(l.PortFlag), flag(l.HostFlag), flag(l.AddrFlag)
		e.PortKey, e.HostKey, e.ListenKey = key(l.PortKey), key(l.HostKey), key(l.AddrKey)
		// One way to set each part: a variable, else a flag, else a key.
		oneWay(&e.PortEnv, &e.PortFlag, &e.PortKey)
		oneWay(&e.HostEnv, &e.HostFlag, &e.HostKey)
		oneWay(&e.ListenEnv, &e.ListenFlag, &e.ListenKey)
		// A program with a port setting of its own takes only the host in
		// its address setting (--bind 0.0.0.0 --port 5000).
		if e.PortEnv+e.PortFlag+e.PortKey != "" && e.HostEnv+e.HostFlag+e.HostKey == "" {
			e.HostEnv, e.HostFlag, e.HostKey = e.ListenEnv, e.ListenFlag, e.ListenKey
			e.ListenEnv, e.ListenFlag, e.ListenKey = "", "", ""
		}
		if e.ListenEnv+e.ListenFlag+e.ListenKey != "" {
			e.PortEnv, e.PortFlag, e.PortKey, e.HostEnv, e.HostFlag, e.HostKey = "", "", "", "", "", ""
		}
		if i > 0 {
			extra(&e, warn)
		}
		out, kept = append(out, e), append(kept, l)
	}
	sf.Listeners = kept
	return out
}

// oneWay keeps the first of the ways that is set.
func oneWay(ways ...*string) {
	found := false
	for _, w := range ways {
		if found {
			*w = ""
		}
		found = found || *w != ""
	}
}

// extra completes a listener besides the main one: it keeps the source's
// host (an SMTP or LDAP listener serves other hosts directly), loopback
// when the source gives none.
func extra(e *model.Endpoint, warn func(string, ...any)) {
	if e.Address == "" {
		e.Address = "127.0.0.1"
		if !e.AddressConfigurable() {
			e.Address = "0.0.0.0"
		}
	}
	if !e.PortConfigurable() {
		warn("%s: found no way to set the %s listener's port; its option documents %d read-only", e.PortSource, e.Name, e.Port)
	}
}

// optionName makes a listener's name an option name: the main one keeps
// its name (its options are port and listenAddress); the others must not
// take an option the module already has, nor each other's.
func optionName(name string, i int, used map[string]bool) string {
	if !ident.ListenerName(name) {
		name = "listener" + strconv.Itoa(i+1)
	}
	if i > 0 && slices.Contains(moduleOptions, name) {
		name += "Listener"
	}
	for base, n := name, 2; used[name]; n++ {
		name = base + strconv.Itoa(n)
	}
	used[name] = true
	return name
}

// mainEndpoint completes the main listener with the user's port and the
// defaults, and says what the module cannot control.
func mainEndpoint(s *model.Service, name string, port int, warn func(string, ...any)) error {
	switch {
	case port != 0 && s.PortFixed && port != s.Port:
		return diag.Inputf("--port %d: %s listens on port %d, fixed in the source at %s; change the code, or drop --port", port, name, s.Port, s.FixedAt)
	case port != 0 && !s.PortFixed:
		if port < 1 || port > 65535 {
			return diag.Inputf("--port %d: want a port from 1 to 65535", port)
		}
		s.Port, s.PortSource = port, "--port"
	case s.Port == 0:
		s.Port, s.PortSource = DefaultPort, "nixgen's default"
	}
	if s.Address == "" || (s.AddressConfigurable() && !s.AddressFixed) {
		// Behind a reverse proxy, loopback is the safe default.
		if s.AddressConfigurable() {
			s.Address = "127.0.0.1"
		} else if s.Address == "" {
			s.Address = "0.0.0.0"
		}
	}
	switch {
	case s.PortFixed:
		warn("%s hard-codes the address %s:%d; services.%s.port and listenAddress are read-only (read them from PORT and HOST to make them settable)",
			s.FixedAt, s.Address, s.Port, s.Name)
	case !s.PortConfigurable() && s.PortSource == "nixgen's default":
		warn("found no port in %s's source (a PORT or *_ADDR environment variable, a --port or --listen flag, a configuration key): the port is unknown; services.%s.port documents %d read-only: check it, and record the real one in nixgen.toml ([[service.listener]])",
			name, s.Name, s.Port)
	case !s.PortConfigurable():
		warn("found no way to set %s's port (a PORT or *_ADDR environment variable, a --port or --listen flag); services.%s.port documents %d read-only: check it",
			name, s.Name, s.Port)
	}
	if !s.PortFixed && !s.AddressConfigurable() {
		if s.AddressFixed {
			warn("%s hard-codes the listen address %s; services.%s.listenAddress is read-only", s.FixedAt, s.Address, s.Name)
		} else if s.PortConfigurable() {
			warn("found no way to set %s's listen address (a HOST or *_ADDR variable, a --host or --listen flag); services.%s.listenAddress documents %s read-only",
				name, s.Name, s.Address)
		}
	}
	return nil
}

// required lists the settings the program stops without, leaving out the
// ones the module sets itself (a listener's variable, the configuration
// file's).
func required(sf *model.Surface, s *model.Service) []model.Required {
	set := map[string]bool{}
	for _, e := range s.Endpoints() {
		for _, n := range []string{e.PortEnv, e.HostEnv, e.ListenEnv} {
			set[n] = true
		}
	}
	if s.Config != nil && s.Config.Env != "" {
		set[s.Config.Env] = true
	}
	for _, st := range s.Stores {
		if st.Kind == model.SQLite {
			set[st.Var] = true // the module always names the file
		}
	}
	var out []model.Required
	for _, st := range sf.Settings {
		if !st.Required || set[st.Name] || !ident.EnvName(st.Name) {
			continue
		}
		r := model.Required{Name: st.Name, Secret: st.Secret, At: st.At}
		for _, a := range st.Alternatives {
			if ident.EnvName(a) {
				r.Alternatives = append(r.Alternatives, a)
			}
		}
		if ident.EnvName(st.FileEnv) {
			r.FileEnv = st.FileEnv
		}
		r.Generate = r.Secret && generatable(r.Name)
		out = append(out, r)
	}
	return out
}

// generatable reports whether a secret named name is a key the service
// uses by itself, to sign or encrypt its own sessions and tokens, so that
// any long random value works and nobody else needs to know it. Passwords,
// API tokens and URLs are shared with someone and are never generated.
func generatable(name string) bool {
	words := strings.Split(strings.ToUpper(name), "_")
	has := func(w string) bool { return slices.Contains(words, w) }
	for _, shared := range []string{"PASSWORD", "PASS", "PASSWD", "API", "URL", "DSN", "SMTP", "ADMIN", "CLIENT", "PRIVATE", "PUBLIC", "VAPID", "LICENSE", "WEBHOOK"} {
		if has(shared) {
			return false
		}
	}
	switch {
	case has("JWT"), has("SESSION"), has("COOKIE"), has("SIGNING"), has("HMAC"), has("CSRF"):
		return has("SECRET") || has("KEY")
	case strings.HasSuffix(strings.ToUpper(name), "SECRET_KEY"), strings.HasSuffix(strings.ToUpper(name), "SECRET_KEY_BASE"):
		return true
	}
	return false
}

func orAt(at string) string {
	if at == "" {
		return "the source"
	}
	return at
}
