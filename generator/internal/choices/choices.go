// Package choices merges what the user said on the command line with what
// nixgen.toml records, and validates every value once, with one grammar per
// value, whichever of the two it came from. The rest of the pipeline only
// sees Choices, which are valid.
package choices

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/config"
	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/ident"
	"github.com/nixgen/nixgen/generator/internal/model"
)

// Flags are init's flags as given; the zero value of each means "not
// given", so nixgen.toml (or the default) decides.
type Flags struct {
	Builder    string // crane, rust-platform
	Nixpkgs    string // the nixpkgs branch
	Bin        string // packages.default
	Service    string // "", ServiceOn or ServiceOff
	Port       int
	VendorHash string // "" or "fake"

	Cachix, DeployRepo, PinActions, Target string
	Systems                                []string // the CI matrix
	FlakeSystems                           []string // the flake's systems
	Container                              string   // the plain target's build image

	// Src is local, github, github:OWNER/REPO, git or git:URL.
	Src          string
	Rev          string
	PrefetchDeps bool
	Prefetcher   string // auto, nix-prefetch-git, native; "" is auto
	GitHubURL    string

	// Rehash recomputes Go's vendorHash even when nixgen.toml records one
	// for unchanged inputs.
	Rehash bool

	// Nixgen is the running nixgen's version, for model.CI.Nixgen: not a
	// choice, so nixgen.toml never records it.
	Nixgen string
}

// ServiceMode says whether to emit the NixOS module.
type ServiceMode string

// Service modes: auto emits it when the project looks like a server.
const (
	ServiceAuto ServiceMode = ""
	ServiceOn   ServiceMode = "on"
	ServiceOff  ServiceMode = "off"
)

// Choices are the user's decisions, merged and valid.
type Choices struct {
	Builder        model.Builder // "" lets the project decide
	Channel        string
	Bin            string
	Service        ServiceMode
	Port           int // 0: detect
	FakeVendorHash bool
	CI             model.CI
	Systems        []string // the flake's, in model.Systems' order
	Src            model.Src
	Description    string
	Include        []string
	Owned          []string
	// Rehash and Vendor: recompute vendorHash, or reuse the one recorded
	// for the inputs it was computed from.
	Rehash bool
	Vendor config.Vendor
	// Generated are the files the last generation wrote.
	Generated []string
	// EmbedProvided are the //go:embed paths the user provides (nixgen.toml's
	// [go] embed-provided), cleaned.
	EmbedProvided []string
	// Subcommand, Required and Listeners correct what nixgen reads in the
	// program's source (nixgen.toml's [service]); nil: the source decides.
	Subcommand *[]string
	Required   *[]string
	Listeners  []model.Listener

	// Features and NoDefaultFeatures choose a Rust build's Cargo features,
	// SkipTests the tests its check phase leaves out (nixgen.toml's
	// features, no-default-features, skip-tests); nil: what nixgen finds.
	Features          *[]string
	NoDefaultFeatures *bool
	SkipTests         *[]string
}

// origin names where a value came from, for error messages: the flag when
// the user gave it, else the nixgen.toml key.
type origin struct {
	flag, key string
	fromFile  bool
}

func (o origin) String() string {
	if o.fromFile {
		return config.FileName + ": " + o.key
	}
	return "--" + o.flag
}

// pick returns the flag's value when given, else the file's.
func pick(flag, file, flagName, key string) (string, origin) {
	if flag != "" {
		return flag, origin{flag: flagName, key: key}
	}
	return file, origin{flag: flagName, key: key, fromFile: file != ""}
}

// Merge completes the flags from nixgen.toml (cfg; empty when there is
// none) and validates every value.
func Merge(f Flags, cfg *config.Config) (Choices, error) {
	var c Choices
	var err error

	builder, o := pick(f.Builder, cfg.Builder, "builder", "builder")
	if c.Builder, err = parseBuilder(builder, o); err != nil {
		return c, err
	}
	channel, o := pick(f.Nixpkgs, cfg.Nixpkgs, "nixpkgs", "nixpkgs")
	if c.Channel, err = parseChannel(channel, o); err != nil {
		return c, err
	}
	c.Bin, _ = pick(f.Bin, cfg.Bin, "bin", "bin")
	c.Description = cfg.Description
	if strings.ContainsFunc(c.Description, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }) {
		return c, fileError("description: control characters (a NUL, a line break) have no place in meta.description; write it on one line")
	}
	c.Include = cfg.Include
	c.Owned = cfg.Owned
	c.Rehash, c.Vendor, c.Generated = f.Rehash, cfg.Vendor, cfg.Generated
	if cfg.Go != nil {
		for _, p := range cfg.Go.EmbedProvided {
			clean := path.Clean(strings.TrimPrefix(p, "./"))
			if path.IsAbs(clean) || clean == "." || clean == ".." || strings.HasPrefix(clean, "../") {
				return c, fileError("[go] embed-provided %q: want a path inside the project, like \"ui/build\"", p)
			}
			c.EmbedProvided = append(c.EmbedProvided, clean)
		}
	}

	switch f.VendorHash {
	case "":
		c.FakeVendorHash = cfg.VendorHash == "fake"
		switch cfg.VendorHash {
		case "", "fake", "computed":
		default:
			return c, fileError("vendor-hash %q: want \"computed\" or \"fake\"", cfg.VendorHash)
		}
	case "fake":
		c.FakeVendorHash = true
	default:
		return c, diag.Inputf("--vendor-hash %q: the only value is \"fake\" (by default nixgen computes it)", f.VendorHash)
	}

	switch ServiceMode(f.Service) {
	case ServiceOn, ServiceOff:
		c.Service = ServiceMode(f.Service)
	case ServiceAuto:
		if cfg.Service.Enabled != nil {
			c.Service = ServiceOff
			if *cfg.Service.Enabled {
				c.Service = ServiceOn
			}
		}
	default:
		return c, fmt.Errorf("choices: unknown service mode %q", f.Service)
	}
	c.Port = f.Port
	portOrigin := origin{flag: "port"}
	if c.Port == 0 && c.Service != ServiceOff && cfg.Service.Port != 0 {
		c.Port, portOrigin = cfg.Service.Port, origin{key: "[service] port", fromFile: true}
	}
	if c.Port != 0 && (c.Port < 1 || c.Port > 65535) {
		if portOrigin.fromFile {
			return c, fileError("[service] port = %d: want a port from 1 to 65535", c.Port)
		}
		return c, diag.Inputf("--port %d: want a port from 1 to 65535", c.Port)
	}

	if c.Subcommand, c.Required, c.Listeners, err = parseSurface(cfg.Service); err != nil {
		return c, err
	}
	if c.Features, c.SkipTests, err = parseBuild(cfg); err != nil {
		return c, err
	}
	c.NoDefaultFeatures = cfg.NoDefaultFeatures
	if c.CI, err = mergeCI(f, cfg.CI); err != nil {
		return c, err
	}
	c.CI.Nixgen = f.Nixgen
	if c.Systems, err = mergeSystems(f.FlakeSystems, cfg.Systems, c.CI.Systems); err != nil {
		return c, err
	}
	if c.Src, err = mergeSrc(f, cfg); err != nil {
		return c, err
	}
	return c, nil
}

// parseSurface validates the corrections of the program's surface in
// [service]: every name reaches a Nix file, a unit and a shell script.
func parseSurface(svc config.Service) (*[]string, *[]string, []model.Listener, error) {
	if svc.Subcommand != nil {
		for _, w := range *svc.Subcommand {
			if w == "" || strings.HasPrefix(w, "-") || strings.ContainsFunc(w, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
				return nil, nil, nil, fileError("[service] subcommand %q: want words such as \"serve\" (flags go in the module's extraArgs)", w)
			}
		}
	}
	if svc.Required != nil {
		for _, n := range *svc.Required {
			if !ident.EnvName(n) {
				return nil, nil, nil, fileError("[service] required %q: want an environment variable name (letters, digits and _)", n)
			}
		}
	}
	var listeners []model.Listener
	seen := map[string]bool{}
	for i, l := range svc.Listeners {
		where := fmt.Sprintf("[[service.listener]] %d", i+1)
		if !ident.ListenerName(l.Name) || seen[l.Name] {
			return nil, nil, nil, fileError("%s: name %q: want a unique lower-case word such as \"http\" or \"smtp\"", where, l.Name)
		}
		seen[l.Name] = true
		if l.Port < 0 || l.Port > 65535 {
			return nil, nil, nil, fileError("%s: port = %d: want a port from 1 to 65535, or 0 for unknown", where, l.Port)
		}
		if !ident.ListenHost(l.Host) {
			return nil, nil, nil, fileError("%s: host %q: want an IP address or a host name", where, l.Host)
		}
		for key, v := range map[string]string{"port-env": l.PortEnv, "host-env": l.HostEnv, "address-env": l.AddrEnv} {
			if v != "" && !ident.EnvName(v) {
				return nil, nil, nil, fileError("%s: %s %q: want an environment variable name", where, key, v)
			}
		}
		for key, v := range map[string]string{"port-flag": l.PortFlag, "host-flag": l.HostFlag, "address-flag": l.AddrFlag} {
			if v != "" && (!strings.HasPrefix(v, "-") || !ident.FlagName(strings.TrimLeft(v, "-"))) {
				return nil, nil, nil, fileError("%s: %s %q: want a flag with its dashes, such as \"--port\"", where, key, v)
			}
		}
		for key, v := range map[string]string{"port-key": l.PortKey, "host-key": l.HostKey, "address-key": l.AddrKey} {
			if v != "" && !ident.ConfigKey(v) {
				return nil, nil, nil, fileError("%s: %s %q: want a dotted key of the configuration file, such as \"server.port\"", where, key, v)
			}
		}
		listeners = append(listeners, model.Listener{
			Name: l.Name, Port: l.Port, Host: l.Host,
			PortEnv: l.PortEnv, HostEnv: l.HostEnv, AddrEnv: l.AddrEnv,
			PortFlag: l.PortFlag, HostFlag: l.HostFlag, AddrFlag: l.AddrFlag,
			PortKey: l.PortKey, HostKey: l.HostKey, AddrKey: l.AddrKey,
			Fixed: l.Fixed, At: config.FileName,
		})
	}
	return svc.Subcommand, svc.Required, listeners, nil
}

// parseBuild validates the build's corrections: each feature reaches a
// --features argument, each test name a --skip argument, both in Nix
// strings.
func parseBuild(cfg *config.Config) (features, skip *[]string, err error) {
	if cfg.Features != nil {
		for _, f := range *cfg.Features {
			if !ident.CargoFeature(f) {
				return nil, nil, fileError("features %q: want a Cargo feature such as \"sqlite\", or \"package/feature\" for a package other than packages.default", f)
			}
		}
	}
	if cfg.SkipTests != nil {
		for _, n := range *cfg.SkipTests {
			if !ident.TestPath(n) {
				return nil, nil, fileError("skip-tests %q: want a test's name as the test runner prints it, such as \"db::tests::connects\" or \"TestConnect\"", n)
			}
		}
	}
	return cfg.Features, cfg.SkipTests, nil
}

func fileError(format string, args ...any) error {
	return &diag.InputError{File: config.FileName, Msg: fmt.Sprintf(format, args...)}
}

// valueError is the error for a bad value from either origin.
func valueError(o origin, value, want string) error {
	if o.fromFile {
		return fileError("%s %q: %s", o.key, value, want)
	}
	return diag.Inputf("%s %q: %s", o, value, want)
}

func parseBuilder(s string, o origin) (model.Builder, error) {
	if s == "" {
		return "", nil
	}
	for _, b := range model.Builders {
		if model.Builder(s) == b {
			return b, nil
		}
	}
	names := make([]string, len(model.Builders))
	for i, b := range model.Builders {
		names[i] = string(b)
	}
	return "", valueError(o, s, "want one of "+strings.Join(names, ", "))
}

// parseChannel accepts a nixpkgs branch name; it becomes part of a flake
// URL, so nothing but the characters branch names use.
func parseChannel(s string, o origin) (string, error) {
	if s == "" {
		return model.DefaultChannel, nil
	}
	if !ident.Branch(s) {
		return "", valueError(o, s, "want a nixpkgs branch such as "+model.DefaultChannel+" or nixos-unstable")
	}
	return s, nil
}

func mergeCI(f Flags, file config.CI) (model.CI, error) {
	var ci model.CI
	var o origin
	var cachixO, repoO, targetO origin
	ci.Cachix, cachixO = pick(f.Cachix, file.Cachix, "cachix", "[ci] cachix")
	ci.DeployRepo, repoO = pick(f.DeployRepo, file.DeployRepo, "deploy-repo", "[ci] deploy-repo")
	ci.PinActions, o = pick(f.PinActions, file.PinActions, "pin-actions", "[ci] pin-actions")
	var err error
	if ci.PinActions, err = pinActions(ci.PinActions, o); err != nil {
		return ci, err
	}
	ci.Target, targetO = pick(f.Target, file.Target, "target", "[ci] target")
	switch ci.Target {
	case "":
		ci.Target = model.TargetNix
	case model.TargetNix, model.TargetPlain:
	default:
		return ci, valueError(targetO, ci.Target, fmt.Sprintf("want %s (NixOS hosts) or %s (hosts without Nix)", model.TargetNix, model.TargetPlain))
	}
	systemsO := origin{flag: "systems"}
	ci.Systems = f.Systems
	if ci.Systems == nil {
		ci.Systems = file.Systems
		systemsO = origin{key: "[ci] systems", fromFile: len(file.Systems) > 0}
	}

	if ci.Cachix != "" && !ident.CachixName(ci.Cachix) {
		return ci, valueError(cachixO, ci.Cachix, "a Cachix cache name is lowercase letters, digits and dashes")
	}
	if ci.DeployRepo != "" && !ident.GitHubRepo(ci.DeployRepo) {
		return ci, valueError(repoO, ci.DeployRepo, "want the GitHub repository of the NixOS configuration as OWNER/REPO, e.g. example/nixos-config")
	}
	for _, s := range ci.Systems {
		if !ident.System(s) {
			if systemsO.fromFile {
				return ci, fileError("[ci] systems: %q is not one of %s", s, strings.Join(model.Systems, ", "))
			}
			return ci, diag.Inputf("--systems: %q is not one of %s", s, strings.Join(model.Systems, ", "))
		}
	}
	var containerO origin
	ci.Container, containerO = pick(f.Container, file.Container, "container", "[ci] container")
	if ci.Container != "" {
		if !containerImageRE.MatchString(ci.Container) {
			return ci, valueError(containerO, ci.Container, "want an image reference such as "+model.DefaultContainer+" or debian:12")
		}
		if ci.Target != model.TargetPlain {
			return ci, diag.Inputf("%s is for --target plain: the image its workflow builds in", containerO)
		}
	}
	if ci.Target == model.TargetPlain {
		if ci.Container == "" {
			ci.Container = model.DefaultContainer
		}
		if ci.Cachix != "" || ci.DeployRepo != "" {
			return ci, diag.Inputf("--cachix and --deploy-repo are for --target nix (NixOS hosts); --target plain ships a binary to a host without Nix")
		}
		if len(ci.Systems) > 0 {
			return ci, diag.Inputf("--systems is for --target nix; --target plain builds one Linux binary on Ubuntu")
		}
	}
	return ci, nil
}

// containerImageRE is a container image reference,
// [REGISTRY[:PORT]/]NAME[:TAG][@DIGEST], in Docker's grammar (lower-case names).
var containerImageRE = regexp.MustCompile(`^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`)

// mergeSystems returns the flake's systems: the flag's, else nixgen.toml's,
// else model.FlakeSystems, plus every system CI builds, so the workflow
// never asks for a system the flake lacks. nil means the default list.
func mergeSystems(flag, file, ci []string) ([]string, error) {
	chosen, fromFile := flag, false
	if chosen == nil {
		chosen, fromFile = file, true
	}
	if len(chosen) == 0 {
		chosen = model.FlakeSystems
		if !slices.ContainsFunc(ci, func(s string) bool { return !slices.Contains(chosen, s) }) {
			return nil, nil
		}
	}
	for _, s := range chosen {
		if !ident.System(s) {
			if fromFile {
				return nil, fileError("systems: %q is not one of %s", s, strings.Join(model.Systems, ", "))
			}
			return nil, diag.Inputf("--flake-systems: %q is not one of %s", s, strings.Join(model.Systems, ", "))
		}
	}
	var out []string
	for _, s := range model.Systems {
		if slices.Contains(chosen, s) || slices.Contains(ci, s) {
			out = append(out, s)
		}
	}
	return out, nil
}

// mergeSrc reads the source: --src (local overrides a recorded pin), else
// nixgen.toml's src. Both use ParseSrc's grammar.
func mergeSrc(f Flags, cfg *config.Config) (model.Src, error) {
	s, err := ParsePrefetcher(f.Prefetcher, f.GitHubURL)
	if err != nil {
		return s, err
	}
	s.Rev, s.PrefetchDeps = f.Rev, f.PrefetchDeps || cfg.PrefetchDeps
	var where model.Src
	switch {
	case f.Src != "":
		if where, err = ParseSrc(f.Src); err != nil {
			return s, diag.Inputf("--src %s", err)
		}
	case cfg.Src != "":
		if where, err = ParseSrc(cfg.Src); err != nil || where.Kind == model.SrcLocal {
			return s, fileError("src %q: want \"\", \"github:OWNER/REPO\" or \"git:URL\"", cfg.Src)
		}
	}
	if f.Rev != "" && where.Kind == model.SrcLocal {
		return s, diag.Inputf("--rev pins a remote source: add --src github or --src git")
	}
	s.Kind, s.Owner, s.Repo, s.URL = where.Kind, where.Owner, where.Repo, where.URL
	return s, nil
}

// ParseSrc reads the one grammar of a source: local, github,
// github:OWNER/REPO, git or git:URL. Its error starts with the value.
func ParseSrc(v string) (model.Src, error) {
	kind, arg, hasArg := strings.Cut(v, ":")
	var s model.Src
	switch kind {
	case "local":
		if hasArg {
			return s, fmt.Errorf("%q: local takes no argument", v)
		}
		return s, nil
	case model.SrcGitHub:
		s.Kind = kind
		if hasArg {
			owner, repo, ok := strings.Cut(arg, "/")
			repo = strings.TrimSuffix(repo, ".git")
			if !ok || !ident.GitHubRepo(owner+"/"+repo) {
				return s, fmt.Errorf("%q: want github:OWNER/REPO", v)
			}
			s.Owner, s.Repo = owner, repo
		}
		return s, nil
	case model.SrcGit:
		s.Kind = kind
		if hasArg {
			if err := ident.FetchURL(arg); err != nil {
				return s, fmt.Errorf("%q: %v", v, err)
			}
			s.URL = arg
		}
		return s, nil
	}
	return s, fmt.Errorf("%q: want github, github:OWNER/REPO, git, git:URL or local", v)
}

// Record returns the nixgen.toml that reproduces a generation of p: every
// choice, resolved (the builder actually used, the port actually chosen),
// and the user's list of owned files kept.
func Record(c Choices, p *model.Project, builder model.Builder, src *model.SourcePin, generated []string) *config.Config {
	enabled := p.Service != nil
	cfg := &config.Config{
		Builder: string(builder),
		Nixpkgs: c.Channel,
		Bin:     p.Default,
		Service: config.Service{Enabled: &enabled},
		CI: config.CI{
			Cachix: c.CI.Cachix, DeployRepo: c.CI.DeployRepo,
			PinActions: c.CI.PinActions, Target: c.CI.Target, Systems: c.CI.Systems,
			Container: c.CI.Container,
		},
		Systems:      c.Systems,
		Owned:        c.Owned,
		PrefetchDeps: c.Src.PrefetchDeps,
		Description:  c.Description,
		Include:      c.Include,
		Generated:    generated,
	}
	if len(cfg.Systems) == 0 {
		cfg.Systems = model.FlakeSystems // recorded, so a later default changes nothing
	}
	if enabled {
		cfg.Service.Port = p.Service.Port
		recordSurface(&cfg.Service, p.Surface)
	}
	recordBuild(cfg, p)
	if p.Go != nil {
		cfg.Go = &config.Go{EmbedProvided: c.EmbedProvided}
		cfg.VendorHash = "computed"
		if c.FakeVendorHash {
			cfg.VendorHash = "fake"
		}
		if g := p.Go; g.VendorInputs != "" {
			cfg.Vendor = config.Vendor{Hash: g.VendorHash, Go: g.HashGo, Inputs: g.VendorInputs}
			if g.VendorNull {
				cfg.Vendor.Hash, cfg.Vendor.Go = "null", ""
			}
			if d := g.Deps; d != nil {
				cgo := d.Cgo
				cfg.Vendor.Cgo, cfg.Vendor.PkgConfig, cfg.Vendor.Libs = &cgo, d.PkgConfig, d.Libs
			}
		}
	}
	switch {
	case src != nil && src.Owner != "":
		cfg.Src = "github:" + src.Owner + "/" + src.Repo
	case src != nil:
		cfg.Src = "git:" + src.URL
	}
	return cfg
}

// recordBuild writes the build's features and skipped tests, the user's
// or those nixgen found, for the user to correct.
func recordBuild(cfg *config.Config, p *model.Project) {
	skip := []string{}
	for _, t := range p.SkipTests {
		skip = append(skip, t.Name)
	}
	cfg.SkipTests = &skip
	if p.Rust == nil {
		return
	}
	features := []string{}
	for _, pkg := range p.Packages {
		for _, f := range pkg.Features {
			if pkg.Name != p.Default {
				f = pkg.Name + "/" + f
			}
			features = append(features, f)
		}
	}
	noDefault := p.Rust.NoDefaultFeatures
	cfg.Features, cfg.NoDefaultFeatures = &features, &noDefault
}

// recordSurface writes what the module was generated from: the surface
// after the user's corrections.
func recordSurface(svc *config.Service, sf *model.Surface) {
	sub, req := []string{}, []string{}
	svc.Subcommand, svc.Required = &sub, &req
	if sf == nil {
		return
	}
	sub = append(sub, sf.Subcommand...)
	for _, st := range sf.Settings {
		if st.Required {
			req = append(req, st.Name)
		}
	}
	for _, l := range sf.Listeners {
		svc.Listeners = append(svc.Listeners, config.Listener{
			Name: l.Name, Port: l.Port, Host: l.Host,
			PortEnv: l.PortEnv, HostEnv: l.HostEnv, AddrEnv: l.AddrEnv,
			PortFlag: l.PortFlag, HostFlag: l.HostFlag, AddrFlag: l.AddrFlag,
			PortKey: l.PortKey, HostKey: l.HostKey, AddrKey: l.AddrKey,
			Fixed: l.Fixed,
		})
	}
}

// ParsePrefetcher reads --prefetcher and --github-url, which init and bump
// share, into a source with only those set.
func ParsePrefetcher(prefetcher, githubURL string) (model.Src, error) {
	s := model.Src{Prefetcher: prefetcher, GitHubURL: githubURL}
	switch s.Prefetcher {
	case "":
		s.Prefetcher = model.PrefetchAuto
	case model.PrefetchAuto, model.PrefetchNix, model.PrefetchNative:
	default:
		return s, diag.Inputf("--prefetcher %q: want %s, %s or %s", s.Prefetcher, model.PrefetchAuto, model.PrefetchNix, model.PrefetchNative)
	}
	if s.GitHubURL != "" {
		if err := ident.FetchURL(s.GitHubURL); err != nil {
			return s, diag.Inputf("--github-url %q: %v", s.GitHubURL, err)
		}
	}
	return s, nil
}
