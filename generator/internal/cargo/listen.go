package cargo

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/ident"
	"github.com/nixgen/nixgen/generator/internal/model"
	"github.com/nixgen/nixgen/generator/internal/projfs"
)

// How a Rust server learns its address, as far as it is plain to see in the
// source of the binary's crate. Detection errs on the side of finding
// nothing: the generator then documents the value read-only and warns.
var (
	envReadRE = regexp.MustCompile(`env::var(?:_os)?\(\s*"([A-Z][A-Z0-9_]*)"\s*\)([^;]*)`)
	// #[arg(long, default_value_t = 8080)] port: u16
	clapFieldRE    = regexp.MustCompile(`#\[(?:arg|clap)\(([^\]]*)\)\]\s*(?:(?:///[^\n]*|#\[[^\]]*\])\s*)*(?:pub(?:\([a-z]+\))?\s+)?([a-z_][a-z0-9_]*)\s*:`)
	clapLongRE     = regexp.MustCompile(`\blong\s*=\s*"([^"]+)"`)
	clapEnvRE      = regexp.MustCompile(`\benv\s*=\s*"([^"]+)"`)
	clapBareLongRE = regexp.MustCompile(`\blong\b`)
	defHostPortRE  = regexp.MustCompile(`^(.*):(\d{1,5})$`)
	clapDefRE      = regexp.MustCompile(`\bdefault_value(?:_t)?\s*=\s*"?([^",)]+)"?`)
	// "0.0.0.0:3000" passed to bind/parse/serve.
	literalRE = regexp.MustCompile(`"((?:\d{1,3}\.){3}\d{1,3}|\[[0-9a-fA-F:]*\]|localhost):(\d{1,5})"`)
	// SocketAddr::from(([0, 0, 0, 0], 3000))
	sockAddrRE = regexp.MustCompile(`SocketAddr::from\(\(\s*\[\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\]\s*,\s*(\d{1,5})\s*\)\)`)
	// format!("127.0.0.1:{port}") or format!("0.0.0.0:{}", port)
	fixedHostRE = regexp.MustCompile(`format!\(\s*"((?:\d{1,3}\.){3}\d{1,3}|\[[0-9a-fA-F:]*\]|localhost):\{`)
	digitsRE    = regexp.MustCompile(`"(\d{2,5})"|\b(\d{2,5})\b`)
	hostPortRE  = regexp.MustCompile(`"([^"]*):(\d{1,5})"`)
	healthRE    = regexp.MustCompile(`"(/(?:healthz|health|livez|readyz|ping|status))"`)
)

// detectListen scans the .rs files under dir for the address wiring. An
// environment variable or flag name that is not one (clap's env = "..."
// holds any string) is left out with a warning: the names are written
// into the module, a systemd unit and a shell script.
func detectListen(fsys fs.FS, dir string, deps map[string][]string) (*model.Service, []string, error) {
	s := &model.Service{}
	var warnings []string
	type found struct{ file, text string }
	var files []found
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
			files = append(files, found{p, string(data)})
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	sort.Slice(files, func(i, j int) bool { return files[i].file < files[j].file })

	at := func(f found, offset int) string {
		return fmt.Sprintf("%s:%d", f.file, strings.Count(f.text[:offset], "\n")+1)
	}
	setPort := func(v string, where string) {
		if s.Port == 0 {
			if n, err := strconv.Atoi(v); err == nil && n > 0 && n < 65536 {
				s.Port, s.PortSource = n, where
			}
		}
	}
	for _, f := range files {
		for _, m := range envReadRE.FindAllStringSubmatchIndex(f.text, -1) {
			name, rest := f.text[m[2]:m[3]], f.text[m[4]:m[5]]
			switch {
			case name == "PORT" || strings.HasSuffix(name, "_PORT"):
				if s.PortEnv == "" {
					s.PortEnv = name
					if d := digitsRE.FindStringSubmatch(rest); d != nil {
						setPort(d[1]+d[2], at(f, m[0]))
					}
				}
			case name == "HOST" || strings.HasSuffix(name, "_HOST"):
				if s.HostEnv == "" {
					s.HostEnv = name
				}
			case isListenName(name):
				if s.ListenEnv == "" {
					s.ListenEnv = name
					if hp := hostPortRE.FindStringSubmatch(rest); hp != nil && ident.ListenHost(strings.Trim(hp[1], "[]")) {
						s.Address = strings.Trim(hp[1], "[]")
						setPort(hp[2], at(f, m[0]))
					}
				}
			case isConfigName(name):
				if s.Config == nil {
					s.Config = &model.ConfigFile{Env: name}
				}
			}
		}
		for _, m := range clapFieldRE.FindAllStringSubmatchIndex(f.text, -1) {
			attrs, field := f.text[m[2]:m[3]], f.text[m[4]:m[5]]
			flag := ""
			if l := clapLongRE.FindStringSubmatch(attrs); l != nil {
				if ident.FlagName(l[1]) {
					flag = "--" + l[1]
				} else {
					warnings = append(warnings, fmt.Sprintf("%s: long = \"...\" is not a flag name nixgen can pass on the command line; ignored", at(f, m[0])))
				}
			} else if clapBareLongRE.MatchString(attrs) {
				flag = "--" + strings.ReplaceAll(field, "_", "-")
			}
			env := ""
			if e := clapEnvRE.FindStringSubmatch(attrs); e != nil {
				if ident.EnvName(e[1]) {
					env = e[1]
				} else {
					warnings = append(warnings, fmt.Sprintf("%s: env = \"...\" is not an environment variable name (letters, digits and _); ignored", at(f, m[0])))
				}
			}
			def := ""
			if d := clapDefRE.FindStringSubmatch(attrs); d != nil {
				def = strings.TrimSpace(d[1])
			}
			switch {
			case field == "port" || strings.HasSuffix(field, "_port"):
				if env != "" && s.PortEnv == "" {
					s.PortEnv = env
				} else if flag != "" && s.PortFlag == "" && s.PortEnv == "" {
					s.PortFlag = flag
				}
				setPort(def, at(f, m[0]))
			case field == "host" || strings.HasSuffix(field, "_host"):
				if env != "" && s.HostEnv == "" {
					s.HostEnv = env
				} else if flag != "" && s.HostFlag == "" && s.HostEnv == "" {
					s.HostFlag = flag
				}
				if def != "" && s.Address == "" && ident.ListenHost(def) {
					s.Address = def
				}
			case isListenName(strings.ToUpper(field)):
				if env != "" && s.ListenEnv == "" {
					s.ListenEnv = env
				} else if flag != "" && s.ListenFlag == "" && s.ListenEnv == "" {
					s.ListenFlag = flag
				}
				if hp := defHostPortRE.FindStringSubmatch(def); hp != nil && ident.ListenHost(strings.Trim(hp[1], "[]")) {
					s.Address = strings.Trim(hp[1], "[]")
					setPort(hp[2], at(f, m[0]))
				}
			case field == "config" || strings.HasSuffix(field, "_config") || field == "config_file":
				if s.Config == nil && (flag != "" || env != "") {
					s.Config = &model.ConfigFile{Flag: flag, Env: env}
				}
			}
		}
	}
	// Literal addresses count only when nothing configures that part.
	for _, f := range files {
		if m := fixedHostRE.FindStringSubmatchIndex(f.text); m != nil && !s.AddressConfigurable() && !s.AddressFixed {
			s.AddressFixed, s.Address, s.FixedAt = true, strings.Trim(f.text[m[2]:m[3]], "[]"), at(f, m[0])
		}
		if s.PortConfigurable() {
			continue
		}
		if m := literalRE.FindStringSubmatchIndex(f.text); m != nil {
			s.PortFixed, s.AddressFixed = true, true
			s.Address = strings.Trim(f.text[m[2]:m[3]], "[]")
			s.FixedAt = at(f, m[0])
			setPort(f.text[m[4]:m[5]], s.FixedAt)
		} else if m := sockAddrRE.FindStringSubmatchIndex(f.text); m != nil {
			s.PortFixed, s.AddressFixed = true, true
			s.Address = strings.Join([]string{f.text[m[2]:m[3]], f.text[m[4]:m[5]], f.text[m[6]:m[7]], f.text[m[8]:m[9]]}, ".")
			s.FixedAt = at(f, m[0])
			setPort(f.text[m[10]:m[11]], s.FixedAt)
		}
	}
	for _, f := range files {
		if m := healthRE.FindStringSubmatch(f.text); m != nil {
			s.HealthPath = m[1]
			break
		}
	}
	if s.Config != nil {
		s.Config.Format = "toml"
		switch {
		case has(deps, "serde_yaml") || has(deps, "serde_yml") || has(deps, "serde_norway"):
			s.Config.Format = "yaml"
		case has(deps, "serde_json") && !has(deps, "toml"):
			s.Config.Format = "json"
		}
	}
	return s, warnings, nil
}

func isListenName(name string) bool {
	for _, suffix := range []string{"ADDR", "ADDRESS", "LISTEN", "BIND", "LISTEN_ADDR", "BIND_ADDR", "SOCKET_ADDR"} {
		if name == suffix || strings.HasSuffix(name, "_"+suffix) {
			return true
		}
	}
	return false
}

func isConfigName(name string) bool {
	return name == "CONFIG" || name == "CONFIG_FILE" || name == "CONFIG_PATH" ||
		strings.HasSuffix(name, "_CONFIG") || strings.HasSuffix(name, "_CONFIG_FILE") || strings.HasSuffix(name, "_CONFIG_PATH")
}

func has(deps map[string][]string, crate string) bool {
	_, ok := deps[crate]
	return ok
}
