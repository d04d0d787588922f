package render

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/escape"
	"github.com/nixgen/nixgen/generator/internal/hardening"
	"github.com/nixgen/nixgen/generator/internal/model"
)

// The plain target runs the service on an Ubuntu or Debian host without
// Nix: the workflow builds a release binary on Ubuntu and ships it over SSH,
// deploy/NAME.service runs it with the module's hardening, deploy/setup.sh
// prepares the host, and deploy/install.sh (installed on the host as
// /usr/local/sbin/NAME-deploy) swaps binaries in and out.

// plainHost is where things live on the host.
type plainHost struct {
	Name      string // the service: NAME.service, /usr/local/lib/NAME/NAME
	User      string // the system user it runs as
	Unit      string
	BinDir    string
	Binary    string
	DeployCmd string
	EnvDir    string
	EnvFile   string
	Sudoers   string
	// Health probe, from the host itself.
	HealthHost, HealthPath string
	HealthAny              bool   // no health path: any HTTP answer counts
	Port                   int    // the default port
	PortVar                string // the environment variable that overrides it, "" if none
	Public                 bool   // it listens on more than loopback
	// Others are the other listeners, which the checks see listening.
	Others []plainListener
}

// plainListener is a listener besides the main one.
type plainListener struct {
	Name    string
	Port    int
	PortVar string // overrides Port in the environment file, "" if none
}

var unitNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

func newPlainHost(s *model.Service) (*plainHost, error) {
	if !unitNameRE.MatchString(s.Name) {
		return nil, diag.Inputf("--target plain: %q cannot name a systemd unit, a user and files; rename the package", s.Name)
	}
	h := &plainHost{
		Name:      s.Name,
		User:      systemUser(s.Name),
		Unit:      s.Name + ".service",
		BinDir:    "/usr/local/lib/" + s.Name,
		DeployCmd: "/usr/local/sbin/" + s.Name + "-deploy",
		EnvDir:    "/etc/" + s.Name,
		// sudo ignores files in sudoers.d whose name contains a dot.
		Sudoers:    "/etc/sudoers.d/" + strings.ReplaceAll(s.Name, ".", "_") + "-deploy",
		HealthPath: s.HealthPath,
		HealthAny:  s.HealthPath == "",
		Port:       s.Port,
	}
	h.Binary = h.BinDir + "/" + s.Name
	h.EnvFile = h.EnvDir + "/" + s.Name + ".env"
	if h.HealthAny {
		h.HealthPath = "/"
	}
	h.HealthHost = s.ProbeHost()
	switch s.Address {
	case "127.0.0.1", "::1", "localhost":
	default:
		h.Public = true
	}
	if s.ListenEnv == "" && s.PortEnv != "" {
		h.PortVar = s.PortEnv
	}
	for _, e := range s.Extra {
		l := plainListener{Name: e.Name, Port: e.Port}
		if e.ListenEnv == "" {
			l.PortVar = e.PortEnv
		}
		h.Others = append(h.Others, l)
	}
	return h, nil
}

// systemUser turns a service name into a name useradd accepts by default
// (^[a-z][-a-z0-9_]*$, at most 32 characters).
func systemUser(name string) string {
	u := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		case r >= 'A' && r <= 'Z':
			return r + ('a' - 'A')
		}
		return '-'
	}, name)
	if u == "" || u[0] < 'a' || u[0] > 'z' {
		u = "svc-" + u
	}
	if len(u) > 32 {
		u = u[:32]
	}
	return u
}

func plain(p *model.Project, opts model.CI) (Files, []string, error) {
	s := p.Service
	if s == nil {
		return nil, nil, &diag.InputError{Msg: fmt.Sprintf("--target plain deploys a service, and %s does not look like one", p.Name),
			Hint: "pass --service to treat it as one"}
	}
	h, err := newPlainHost(s)
	if err != nil {
		return nil, nil, err
	}
	var warnings []string
	if h.HealthAny {
		warnings = append(warnings, fmt.Sprintf("found no health endpoint in %s; deploy/install.sh counts any HTTP answer on port %d as healthy (a /healthz route makes the check mean something)", p.Name, s.Port))
	}
	workflow, ws, err := plainWorkflow(p, h, opts)
	if err != nil {
		return nil, nil, err
	}
	warnings = append(warnings, ws...)
	unit, err := plainUnit(s, h)
	if err != nil {
		return nil, nil, err
	}
	libraries, ws := plainLibraries(p)
	warnings = append(warnings, ws...)
	setup, err := execute("plain-setup.sh.tmpl", newSetupView(s, h, libraries))
	if err != nil {
		return nil, nil, err
	}
	install, err := execute("plain-install.sh.tmpl", newInstallView(p, h))
	if err != nil {
		return nil, nil, err
	}
	return Files{
		".github/workflows/deploy.yml": workflow,
		"deploy/" + h.Unit:             unit,
		"deploy/setup.sh":              setup,
		"deploy/install.sh":            install,
	}, warnings, nil
}

// plainWorkflowView is the flat view plain.yml.tmpl reads; strings are YAML
// scalars, already quoted, unless their name ends in Comment.
type plainWorkflowView struct {
	HeaderComment                         []string
	Checkout, Upload, Download, Toolchain string
	Submodules                            bool   // the checkout fetches the submodules the build reads
	RustCache                             string // Rust: the cache action after the toolchain
	Rust                                  bool
	BuildEnv                              []binding
	BuildRun                              []string // shell lines
	BuildBlock                            bool     // more than one line
	Artifact, ArtifactName, ArtifactDir   string
	ShipName, ShipGroup                   string
	RemoteFile, RemoteCommand             string
	Runner, BuildRunner, Container        string
	AptPackages                           string // a shell word list, each word quoted
}

// ubuntuPackages are the Debian/Ubuntu packages of each native input a
// flake names (the nixpkgs attribute). Build: what the plain build
// installs in its container, the headers and pkg-config files, or the
// tool. Runtime: the package holding the shared library a build input
// links, for the host, alternatives separated by "|", newest release first
// (Ubuntu 24.04 renamed some with t64); "" for a tool of the build.
var ubuntuPackages = map[string]struct {
	Build   []string
	Runtime string
}{
	"alsa-lib":   {[]string{"libasound2-dev"}, "libasound2t64|libasound2"},
	"bzip2":      {[]string{"libbz2-dev"}, "libbz2-1.0"},
	"clang":      {[]string{"clang", "libclang-dev"}, ""},
	"cmake":      {[]string{"cmake"}, ""},
	"curl":       {[]string{"libcurl4-openssl-dev"}, "libcurl4t64|libcurl4"},
	"libgit2":    {[]string{"libgit2-dev"}, "libgit2-1.7|libgit2-1.5|libgit2-1.1"},
	"libpq":      {[]string{"libpq-dev"}, "libpq5"},
	"openssl":    {[]string{"libssl-dev"}, "libssl3t64|libssl3"},
	"pkg-config": {[]string{"pkg-config"}, ""},
	"protobuf":   {[]string{"protobuf-compiler"}, ""},
	"sqlite":     {[]string{"libsqlite3-dev"}, "libsqlite3-0"},
	"udev":       {[]string{"libudev-dev"}, "libudev1"},
	"xz":         {[]string{"liblzma-dev"}, "liblzma5"},
	"zlib":       {[]string{"zlib1g-dev"}, "zlib1g"},
	"zstd":       {[]string{"libzstd-dev"}, "libzstd1"},
}

// plainLibraries lists the runtime packages of what p links, sorted, and
// warns about linked inputs without a known package (install.sh's check
// then names the missing library).
func plainLibraries(p *model.Project) ([]string, []string) {
	var pkgs, warnings []string
	for _, in := range append(append([]string(nil), p.Native.BuildInputs...), p.Native.LinuxBuildInputs...) {
		if pkg := ubuntuPackages[in].Runtime; pkg != "" {
			pkgs = append(pkgs, pkg)
		} else {
			warnings = append(warnings, fmt.Sprintf("--target plain: no Ubuntu runtime package known for %s; install it on the host (deploy/install.sh check names a library the binary lacks)", in))
		}
	}
	return model.SortStrings(pkgs), warnings
}

// buildTools are what the build's own steps need in a bare image: git for
// actions/checkout (a real clone, which `git rev-parse` reads), curl and
// CA certificates for the toolchain installers, a C toolchain and binutils
// (readelf, for the ELF check) for linking and cgo, pkg-config for -sys
// crates.
var buildTools = []string{"build-essential", "ca-certificates", "curl", "git", "pkg-config"}

// plainAptPackages lists the packages the container needs for p, sorted,
// and warns about native inputs without a known package.
func plainAptPackages(p *model.Project) ([]string, []string) {
	seen := map[string]bool{}
	var pkgs, warnings []string
	add := func(names ...string) {
		for _, n := range names {
			if !seen[n] {
				seen[n] = true
				pkgs = append(pkgs, n)
			}
		}
	}
	add(buildTools...)
	inputs := append(append(append([]string(nil), p.Native.NativeBuildInputs...), p.Native.BuildInputs...), p.Native.LinuxBuildInputs...)
	if p.Rust != nil && p.Rust.Bindgen {
		inputs = append(inputs, "clang")
	}
	for _, in := range inputs {
		row, ok := ubuntuPackages[in]
		if !ok {
			warnings = append(warnings, fmt.Sprintf("--target plain: no Ubuntu package known for the native input %s; add its -dev package to the \"install build tools\" step of .github/workflows/deploy.yml and list the file as owned in nixgen.toml", in))
			continue
		}
		add(row.Build...)
	}
	slices.Sort(pkgs)
	return pkgs, warnings
}

func plainWorkflow(p *model.Project, h *plainHost, opts model.CI) ([]byte, []string, error) {
	pkg := p.Package(p.Default)
	container := opts.Container
	if container == "" {
		container = model.DefaultContainer
	}
	v := plainWorkflowView{
		Checkout:      uses("checkout", opts.PinActions),
		Submodules:    len(p.BuildSubmodules()) > 0,
		Upload:        uses("upload-artifact", opts.PinActions),
		Download:      uses("download-artifact", opts.PinActions),
		ArtifactName:  escape.YAMLString(h.Name),
		ShipName:      escape.YAMLString("ship " + h.Name),
		ShipGroup:     escape.YAMLString("ship-" + h.Name),
		RemoteFile:    escape.YAMLString(h.Name + ".upload"),
		RemoteCommand: escape.YAMLString(escape.ShellCommand("sudo", "-n", h.DeployCmd, "install", h.Name+".upload")),
		Runner:        escape.YAMLString(runners[model.DefaultSystem]),
		// A current runner; the container decides what the binary links against.
		BuildRunner: escape.YAMLString(runners[model.DefaultSystem]),
		Container:   escape.YAMLString(container),
	}
	apt, warnings := plainAptPackages(p)
	quoted := make([]string, len(apt))
	for i, a := range apt {
		quoted[i] = escape.ShellWord(a)
	}
	v.AptPackages = strings.Join(quoted, " ")
	var artifact string
	switch p.Language {
	case model.Rust:
		v.Rust = true
		v.Toolchain = uses("rust-toolchain", opts.PinActions)
		v.RustCache = uses("rust-cache", opts.PinActions)
		v.BuildEnv = []binding{{Name: "PACKAGE", Value: escape.YAMLString(pkg.Name)}, {Name: "BIN", Value: escape.YAMLString(pkg.MainProgram)}}
		v.BuildRun = []string{`cargo build --release --locked --package "$PACKAGE" --bin "$BIN"`}
		artifact = "target/release/" + pkg.MainProgram
	case model.Go:
		v.Toolchain = uses("setup-go", opts.PinActions)
		cgo := "0"
		if p.Go != nil && p.Go.Cgo {
			cgo = "1"
		}
		dir := "./" + strings.TrimPrefix(pkg.Dir, "./")
		if pkg.Dir == "." || pkg.Dir == "" {
			dir = "."
		}
		v.BuildEnv = []binding{{Name: "CGO_ENABLED", Value: escape.YAMLString(cgo)}, {Name: "PACKAGE", Value: escape.YAMLString(dir)}, {Name: "BIN", Value: escape.YAMLString(pkg.MainProgram)}}
		v.BuildRun = []string{`go build -trimpath -o "dist/$BIN" "$PACKAGE"`}
		artifact = "dist/" + pkg.MainProgram
		if p.Go != nil && len(p.Go.Ldflags) > 0 {
			// The flake's linker flags, with its version (the commit) filled in
			// at build time.
			flags := strings.Join(p.Go.Ldflags, " ")
			v.BuildEnv = append(v.BuildEnv, binding{Name: "LDFLAGS", Value: escape.YAMLString(strings.ReplaceAll(flags, model.VersionPlaceholder, "@VERSION@"))})
			if strings.Contains(flags, model.VersionPlaceholder) {
				v.BuildRun = []string{
					"version=$(git rev-parse --short HEAD)",
					`go build -trimpath -ldflags "${LDFLAGS//@VERSION@/$version}" -o "dist/$BIN" "$PACKAGE"`,
				}
			} else {
				v.BuildRun = []string{`go build -trimpath -ldflags "$LDFLAGS" -o "dist/$BIN" "$PACKAGE"`}
			}
		}
	default:
		return nil, nil, fmt.Errorf("--target plain: no build for %s projects", p.Language)
	}
	v.BuildBlock = len(v.BuildRun) > 1
	v.Artifact = escape.YAMLString(artifact)
	v.ArtifactDir = escape.YAMLString("artifact/" + pkg.MainProgram)
	v.HeaderComment = []string{
		"Generated by nixgen: builds " + h.Name + "'s release binary in " + container + " for every push to",
		"main and every pull request, and ships it from main to a host without Nix.",
		"`nixgen check` compares it with a fresh run.",
		"",
		"Prepare the host once with deploy/setup.sh (again after deploy/ changes). Then set,",
		"in Settings > Environments > production > Environment secrets:",
		"  DEPLOY_HOST         the host's name or address",
		"  DEPLOY_USER         the SSH user setup.sh allowed to run " + h.DeployCmd,
		"  DEPLOY_SSH_KEY      that user's private key (its public key in ~/.ssh/authorized_keys)",
		"  DEPLOY_KNOWN_HOSTS  the host's key lines for ~/.ssh/known_hosts, checked out of band",
		"Roll back on the host with: sudo " + h.DeployCmd + " rollback",
	}
	for i, c := range v.HeaderComment {
		v.HeaderComment[i] = escape.YAMLComment(c)
	}
	out, err := executeWorkflow("plain.yml.tmpl", v)
	return out, warnings, err
}

// unitView is the flat view plain.service.tmpl reads; every string is
// already in systemd's syntax.
type unitView struct {
	Name, Description, ExecStart string
	Environment                  []string
	EnvironmentFile, User        string
	StateDirectory               string
	WorkingDirectory             string
	Hardening                    []binding
}

func plainUnit(s *model.Service, h *plainHost) ([]byte, error) {
	v := unitView{
		Name:             escape.SystemdComment(s.Name),
		Description:      escape.SystemdText(orName(s.Description, s.Name)),
		EnvironmentFile:  escape.SystemdArg(h.EnvFile),
		User:             escape.SystemdArg(h.User),
		StateDirectory:   escape.SystemdArg(h.Name),
		WorkingDirectory: escape.SystemdArg("/var/lib/" + h.Name),
	}
	env, exec := serviceArgs(s)
	for _, kv := range env {
		v.Environment = append(v.Environment, escape.SystemdQuote(kv[0]+"="+kv[1]))
	}
	exec = append([]string{h.Binary}, exec...)
	args := make([]string, len(exec))
	for i, a := range exec {
		args[i] = escape.SystemdExecArg(a)
	}
	v.ExecStart = strings.Join(args, " ")

	lowest := s.Port
	for _, e := range s.Extra {
		lowest = min(lowest, e.Port)
	}
	bounding, ambient, privateUsers := hardening.Capabilities(lowest)
	add := func(key, value, why string) {
		v.Hardening = append(v.Hardening, binding{Name: key, Value: value, Comment: escape.SystemdComment(why)})
	}
	add("CapabilityBoundingSet", strings.Join(bounding, " "), "")
	if len(ambient) > 0 {
		add("AmbientCapabilities", strings.Join(ambient, " "), "binds a port below 1024")
	}
	add("PrivateUsers", strconv.FormatBool(privateUsers), "")
	for _, d := range hardening.Baseline {
		for _, val := range d.Values {
			add(d.Key, val, d.Why)
		}
	}
	add("RestrictAddressFamilies", strings.Join(hardening.AddressFamilies, " "), "")
	for i, f := range hardening.SystemCallFilter {
		why := ""
		if i == 0 {
			why = `never "~@resources": Go's runtime calls setrlimit at start`
		}
		add("SystemCallFilter", f, why)
	}
	add("SystemCallErrorNumber", "EPERM", "")
	return execute("plain.service.tmpl", v)
}

// serviceArgs returns how the unit tells the service its addresses: the
// environment variables (name, value) and the command-line arguments. A
// listener set in the configuration file is the host's to configure.
func serviceArgs(s *model.Service) (env [][2]string, args []string) {
	// The subcommand that serves comes first; the flags belong to it.
	args = append(args, s.Subcommand...)
	for _, e := range s.Endpoints() {
		addr := e.Address
		port := strconv.Itoa(e.Port)
		hostPort := addr + ":" + port
		if strings.Contains(addr, ":") {
			hostPort = "[" + addr + "]:" + port
		}
		switch {
		case e.ListenEnv != "":
			env = append(env, [2]string{e.ListenEnv, hostPort})
		case e.ListenFlag != "":
			args = append(args, e.ListenFlag, hostPort)
		}
		switch {
		case e.PortEnv != "":
			env = append(env, [2]string{e.PortEnv, port})
		case e.PortFlag != "":
			args = append(args, e.PortFlag, port)
		}
		switch {
		case e.HostEnv != "":
			env = append(env, [2]string{e.HostEnv, addr})
		case e.HostFlag != "":
			args = append(args, e.HostFlag, addr)
		}
	}
	return env, args
}

// setupView is the flat view plain-setup.sh.tmpl reads: every string is a
// shell word, already quoted.
type setupView struct {
	Title                                                                 string // the name, for comments
	Name, User, Unit, BinDir, Binary, DeployCmd, EnvDir, EnvFile, Sudoers string
	HealthURL, ProxyTarget, AppPort                                       string
	EnvLines                                                              []string
	// Others are the other listeners, for the summary.
	Others []listenerCheck
	// Required: the variables the service stops without, each a shell word
	// of names separated by "|" (any one of them will do).
	Required []string
	// Databases: the variables naming a database server, each with the
	// server's default port, whose reachability the summary reports.
	Databases []databaseCheck
	// Libraries: the runtime packages to install, one shell word of
	// alternatives separated by "|", the packages by spaces; "" for none.
	Libraries string
	// Generated: secrets setup.sh writes random values for, shell words.
	Generated []string
}

// databaseCheck is a variable holding a database URL (a shell word) and
// the port its server listens on when the URL names none.
type databaseCheck struct {
	Var, Port string
}

func newSetupView(s *model.Service, h *plainHost, libraries []string) setupView {
	v := setupView{
		Title:       h.Name,
		Name:        escape.ShellQuote(h.Name),
		User:        escape.ShellQuote(h.User),
		Unit:        escape.ShellQuote(h.Unit),
		BinDir:      escape.ShellQuote(h.BinDir),
		Binary:      escape.ShellQuote(h.Binary),
		DeployCmd:   escape.ShellQuote(h.DeployCmd),
		EnvDir:      escape.ShellQuote(h.EnvDir),
		EnvFile:     escape.ShellQuote(h.EnvFile),
		Sudoers:     escape.ShellQuote(h.Sudoers),
		HealthURL:   escape.ShellQuote("http://" + h.HealthHost + ":" + strconv.Itoa(h.Port) + h.HealthPath),
		ProxyTarget: escape.ShellQuote(h.HealthHost + ":" + strconv.Itoa(h.Port)),
		AppPort:     escape.ShellQuote(""),
	}
	if h.Public {
		v.AppPort = escape.ShellQuote(strconv.Itoa(h.Port) + "/tcp")
	}
	lines := []string{
		"# Environment of " + h.Unit + " (EnvironmentFile=): KEY=value lines.",
		"# Secrets belong here, not in the unit: this file is mode 600, owned by root.",
	}
	if len(s.Required) > 0 {
		lines = append(lines, "# Required: "+h.Name+" stops without these (setup.sh checks them).")
		for _, r := range s.Required {
			note := ""
			if len(r.Alternatives) > 0 {
				note = " (or " + strings.Join(r.Alternatives, ", ") + ")"
			}
			if r.Secret {
				note += ", a secret"
			}
			if r.At != "" {
				note += ", read at " + r.At
			}
			if r.Generate {
				// setup.sh appends the value below the comments.
				lines = append(lines, "# "+r.Name+note+": a random key setup.sh made, below.")
				v.Generated = append(v.Generated, escape.ShellQuote(r.Name))
				v.Required = append(v.Required, escape.ShellQuote(r.Name))
				continue
			}
			lines = append(lines, "# "+r.Name+note+":", "#"+r.Name+"=")
			v.Required = append(v.Required, escape.ShellQuote(strings.Join(append([]string{r.Name}, r.Alternatives...), "|")))
		}
	}
	if env, _ := serviceArgs(s); len(env) > 0 {
		lines = append(lines, "# Values here override the unit's Environment= defaults:")
		for _, kv := range env {
			lines = append(lines, "#"+kv[0]+"="+kv[1])
		}
	}
	for _, l := range h.Others {
		v.Others = append(v.Others, listenerCheck{Title: l.Name, Port: escape.ShellQuote(strconv.Itoa(l.Port))})
	}
	for _, st := range s.Stores {
		port := map[string]string{model.Postgres: "5432", model.MySQL: "3306", model.Redis: "6379"}[st.Kind]
		if port != "" && st.URL {
			v.Databases = append(v.Databases, databaseCheck{Var: escape.ShellQuote(st.Var), Port: escape.ShellQuote(port)})
		}
	}
	for _, l := range lines {
		v.EnvLines = append(v.EnvLines, escape.ShellQuote(l))
	}
	if len(libraries) > 0 {
		v.Libraries = escape.ShellQuote(strings.Join(libraries, " "))
	}
	return v
}

// installView is the flat view plain-install.sh.tmpl reads: every string
// is a shell word, already quoted.
type installView struct {
	Title                                                              string // the name, for comments
	Name, Unit, BinDir, EnvFile, Port, PortVar, HealthHost, HealthPath string
	HealthAny                                                          bool
	BuildHint                                                          string
	// Others are the other listeners; each must be listening to be healthy.
	Others []listenerCheck
}

// listenerCheck is a listener's port and the variable that overrides it
// ("-": none), as shell words, and its name for comments.
type listenerCheck struct {
	Title, Port, Var string
}

func newInstallView(p *model.Project, h *plainHost) installView {
	var others []listenerCheck
	for _, l := range h.Others {
		others = append(others, listenerCheck{Title: l.Name, Port: escape.ShellQuote(strconv.Itoa(l.Port)), Var: escape.ShellQuote(orName(l.PortVar, "-"))})
	}
	hint := "build it with cargo on Ubuntu (the deploy workflow does), not with nix build"
	if p.Language == model.Go {
		hint = "build it with go build on Ubuntu (the deploy workflow does), not with nix build"
	}
	return installView{
		Title:      h.Name,
		Name:       escape.ShellQuote(h.Name),
		Unit:       escape.ShellQuote(h.Unit),
		BinDir:     escape.ShellQuote(h.BinDir),
		EnvFile:    escape.ShellQuote(h.EnvFile),
		Port:       escape.ShellQuote(strconv.Itoa(h.Port)),
		PortVar:    escape.ShellQuote(h.PortVar),
		HealthHost: escape.ShellQuote(h.HealthHost),
		HealthPath: escape.ShellQuote(h.HealthPath),
		HealthAny:  h.HealthAny,
		BuildHint:  escape.ShellQuote(hint),
		Others:     others,
	}
}
