package cargo

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/ident"
	"github.com/nixgen/nixgen/generator/internal/model"
	"github.com/nixgen/nixgen/generator/internal/projfs"
	"github.com/nixgen/nixgen/generator/internal/rustsrc"
)

// detectListen reads the .rs files under dir (tests, benches and examples
// left out) with rustsrc: the runtime surface, and the service the module
// runs from its main listener.
func detectListen(fsys fs.FS, dir string, deps map[string][]string) (*model.Service, *model.Surface, []string, error) {
	var warnings []string
	var files []rustsrc.File
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p == dir {
				return nil
			}
			if skipDir(d.Name()) || d.Name() == "tests" || d.Name() == "benches" || d.Name() == "examples" {
				return fs.SkipDir
			}
			if _, err := fs.Stat(fsys, path.Join(p, "Cargo.toml")); err == nil {
				return fs.SkipDir // another crate
			}
			return nil
		}
		if strings.HasSuffix(p, ".rs") && path.Base(p) != "build.rs" {
			data, err := projfs.ReadFile(fsys, p)
			if skip, ok := projfs.Skipped(err); ok {
				warnings = append(warnings, skip.Error())
				return nil
			}
			if err != nil {
				return err
			}
			files = append(files, rustsrc.File{Path: p, Src: data})
		}
		return nil
	})
	if err != nil {
		return nil, nil, nil, err
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	surface, err := rustsrc.Analyze(files)
	if err != nil {
		return nil, nil, nil, err
	}
	s, more := service(surface)
	warnings = append(append(warnings, surface.Unknown...), more...)
	if s.Config != nil {
		s.Config.Format = "toml"
		switch {
		case has(deps, "serde_yaml") || has(deps, "serde_yml") || has(deps, "serde_norway"):
			s.Config.Format = "yaml"
		case has(deps, "serde_json") && !has(deps, "toml"):
			s.Config.Format = "json"
		}
	}
	return s, surface, warnings, nil
}

// service reads the main listener of the surface (http, else the first)
// into the service the module runs. A name that cannot be passed on (clap's
// env = "..." holds any string) is left out with a warning: names are
// written into the module, a systemd unit and a shell script.
func service(surface *model.Surface) (*model.Service, []string) {
	s := &model.Service{HealthPath: surface.Health.Value, Config: surface.Config}
	var warnings []string
	env := func(name, at string) string {
		if name == "" || ident.EnvName(name) {
			return name
		}
		warnings = append(warnings, fmt.Sprintf("%s: %q is not an environment variable name (letters, digits and _); ignored", at, name))
		return ""
	}
	flag := func(name, at string) string {
		if name == "" || ident.FlagName(strings.TrimLeft(name, "-")) {
			return name
		}
		warnings = append(warnings, fmt.Sprintf("%s: a flag name nixgen cannot pass on the command line; ignored", at))
		return ""
	}
	if c := s.Config; c != nil {
		c.Env, c.Flag = env(c.Env, "config"), flag(c.Flag, "config")
		if c.Env == "" && c.Flag == "" {
			s.Config = nil
		}
	}
	if len(surface.Listeners) == 0 {
		return s, warnings
	}
	l := surface.Listeners[0]
	host := strings.Trim(l.Host, "[]")
	if host != "" && !ident.ListenHost(host) {
		warnings = append(warnings, fmt.Sprintf("%s: the default host is not an address; left out", l.At))
		host = ""
	}
	s.Address, s.Port = host, l.Port
	if l.Port != 0 {
		s.PortSource = l.At
	}
	if l.Fixed {
		s.PortFixed, s.AddressFixed, s.FixedAt = true, true, l.At
		return s, warnings
	}
	s.PortEnv, s.HostEnv, s.ListenEnv = env(l.PortEnv, l.At), env(l.HostEnv, l.At), env(l.AddrEnv, l.At)
	s.PortFlag, s.HostFlag, s.ListenFlag = flag(l.PortFlag, l.At), flag(l.HostFlag, l.At), flag(l.AddrFlag, l.At)
	// One way to set each part: a variable over a flag.
	if s.PortEnv != "" {
		s.PortFlag = ""
	}
	if s.HostEnv != "" {
		s.HostFlag = ""
	}
	if s.ListenEnv != "" {
		s.ListenFlag = ""
	}
	return s, warnings
}

func has(deps map[string][]string, crate string) bool {
	_, ok := deps[crate]
	return ok
}
