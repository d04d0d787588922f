package generator

import (
	"fmt"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/model"
)

// describe returns one line on what was detected, for the command's output.
func describe(p *model.Project, builder model.Builder) string {
	kind := "crate"
	switch {
	case p.Rust != nil && p.Rust.Workspace:
		kind = fmt.Sprintf("workspace, %d binary packages", len(p.Packages))
	case p.Go != nil:
		kind = fmt.Sprintf("module, %d %s", len(p.Packages), map[bool]string{true: "command", false: "commands"}[len(p.Packages) == 1])
	}
	how := ", builder " + string(builder)
	if builder == "" {
		how = ""
	}
	svc := "no NixOS module"
	if s := p.Service; s != nil {
		svc = fmt.Sprintf("service on port %d", s.Port)
		for _, e := range s.Extra {
			svc += fmt.Sprintf(", %s on %d", e.Name, e.Port)
		}
	}
	name := p.Name
	if p.Version != "" {
		name += " " + p.Version
	}
	return fmt.Sprintf("%s (%s %s%s, %s)", name, p.Language, kind, how, svc)
}

// details lists what detection found, one line each, for --verbose.
func details(p *model.Project) []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	add("language %s, packages.default %s", p.Language, p.Default)
	for _, pkg := range p.Packages {
		add("package %s in %s: executables %s", pkg.Name, pkg.Dir, strings.Join(pkg.Binaries, ", "))
	}
	if n := p.Native; len(n.NativeBuildInputs)+len(n.BuildInputs)+len(n.LinuxBuildInputs) > 0 {
		add("native inputs: build tools %v, libraries %v, Linux only %v", n.NativeBuildInputs, n.BuildInputs, n.LinuxBuildInputs)
	}
	for _, s := range p.Sources {
		add("kept in the source besides the language's files: %s", s)
	}
	for _, e := range p.Env {
		add("build environment: %s = %s", e.Name, e.Value)
	}
	if g := p.Go; g != nil {
		switch {
		case g.VendorNull:
			add("vendorHash = null")
		case g.VendorHash != "":
			add("vendorHash %s (go mod vendor with Go %s)", g.VendorHash, g.HashGo)
		}
	}
	if s := p.Service; s != nil {
		for i, e := range s.Endpoints() {
			wiring := setBy(" from ", [3]string{e.PortEnv, e.HostEnv, e.ListenEnv},
				[3]string{e.PortFlag, e.HostFlag, e.ListenFlag}, [3]string{e.PortKey, e.HostKey, e.ListenKey})
			if e.FixedAt != "" {
				wiring = append(wiring, "fixed at "+e.FixedAt)
			}
			if i == 0 {
				add("service %s: %s:%d (%s; port from %s), health path %q", s.Name, e.Address, e.Port, strings.Join(wiring, ", "), e.PortSource, s.HealthPath)
			} else {
				add("service %s, listener %s: %s:%d (%s)", s.Name, e.Name, e.Address, e.Port, strings.Join(wiring, ", "))
			}
		}
		for _, st := range s.Stores {
			add("service %s: the module creates %s on the host for $%s (read at %s)", s.Name, st.Kind, st.Var, st.At)
		}
		for _, r := range s.Required {
			add("service %s needs $%s (the module asserts it is given)", s.Name, strings.Join(append([]string{r.Name}, r.Alternatives...), " or $"))
		}
	} else {
		add("no NixOS module: not a service, or --no-service")
	}
	if sf := p.Surface; sf != nil {
		for _, l := range sf.Listeners {
			set := setBy(" ", [3]string{l.PortEnv, l.HostEnv, l.AddrEnv},
				[3]string{l.PortFlag, l.HostFlag, l.AddrFlag}, [3]string{l.PortKey, l.HostKey, l.AddrKey})
			if l.Fixed {
				set = append(set, "fixed")
			}
			add("listener %s: %s:%d (%s) at %s", l.Name, l.Host, l.Port, strings.Join(set, ", "), l.At)
		}
		if len(sf.Subcommand) > 0 {
			add("serves as: %s %s", p.Default, strings.Join(sf.Subcommand, " "))
		}
		for _, st := range sf.Settings {
			var what []string
			if st.Required {
				what = append(what, "required")
			}
			if st.Secret {
				what = append(what, "secret")
			}
			if st.Default != "" {
				what = append(what, fmt.Sprintf("default %q", st.Default))
			}
			if len(st.Alternatives) > 0 {
				what = append(what, "or "+strings.Join(st.Alternatives, ", "))
			}
			if st.FileEnv != "" {
				what = append(what, "or a file named by $"+st.FileEnv)
			}
			if len(what) == 0 {
				add("reads $%s at %s", st.Name, st.At)
				continue
			}
			add("reads $%s (%s) at %s", st.Name, strings.Join(what, ", "), st.At)
		}
		if c := sf.Config; c != nil {
			add("configuration file: flag %q, variable %q, default %q, format %q, required %v at %s", c.Flag, c.Env, c.Default, c.Format, c.Required, c.At)
		}
		if sf.Health.Value != "" {
			add("health route %s at %s", sf.Health.Value, sf.Health.At)
		}
		for _, u := range sf.Unknown {
			add("not read: %s", u)
		}
	}
	return out
}

// setBy says how a listener's port, host and address are set: by
// environment variables ("port from $PORT"), then flags, then keys of the
// configuration file ("address from key web.listen"); sep goes after the
// part's name.
func setBy(sep string, env, flag, key [3]string) []string {
	var out []string
	for _, way := range []struct {
		prefix string
		names  [3]string
	}{{"$", env}, {"", flag}, {"key ", key}} {
		for i, part := range []string{"port", "host", "address"} {
			if way.names[i] != "" {
				out = append(out, part+sep+way.prefix+way.names[i])
			}
		}
	}
	return out
}
