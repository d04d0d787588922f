package generator

import (
	"fmt"
	"io/fs"
	"strings"

	"github.com/nixgen/nixgen/generator/config"
	"github.com/nixgen/nixgen/generator/diag"
	"github.com/nixgen/nixgen/generator/render"
)

// WithConfig fills every option the user left unset (its zero value) from
// the project's nixgen.toml, so that a rerun makes the same choices. It
// returns the loaded configuration (empty when there is none).
func WithConfig(fsys fs.FS, opts Options) (Options, *config.Config, error) {
	cfg, _, err := config.Load(fsys)
	if err != nil {
		return opts, nil, err
	}
	fill := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	fill(&opts.Builder, cfg.Builder)
	fill(&opts.Channel, cfg.Nixpkgs)
	fill(&opts.Bin, cfg.Bin)
	fill(&opts.Description, cfg.Description)
	if len(opts.Include) == 0 {
		opts.Include = cfg.Include
	}
	if opts.VendorHash == "" && cfg.VendorHash == "fake" {
		opts.VendorHash = "fake"
	}
	if opts.Service == ServiceAuto && cfg.Service.Enabled != nil {
		opts.Service = ServiceOff
		if *cfg.Service.Enabled {
			opts.Service = ServiceOn
		}
	}
	if opts.Port == 0 && opts.Service != ServiceOff {
		opts.Port = cfg.Service.Port
	}
	fill(&opts.CI.Cachix, cfg.CI.Cachix)
	fill(&opts.CI.DeployRepo, cfg.CI.DeployRepo)
	fill(&opts.CI.PinActions, cfg.CI.PinActions)
	fill(&opts.CI.Target, cfg.CI.Target)
	if opts.Src.Kind == SrcLocalExplicit {
		opts.Src.Kind = SrcLocal
	} else if opts.Src.Kind == "" && cfg.Src != "" {
		kind, arg, _ := strings.Cut(cfg.Src, ":")
		opts.Src.Kind = kind
		switch kind {
		case SrcGitHub:
			opts.Src.Owner, opts.Src.Repo, _ = strings.Cut(arg, "/")
		case SrcGit:
			opts.Src.URL = arg
		default:
			return opts, nil, &diag.InputError{File: config.FileName, Msg: fmt.Sprintf("src %q: want \"\", \"github:OWNER/REPO\" or \"git:URL\"", cfg.Src)}
		}
	}
	opts.Src.PrefetchDeps = opts.Src.PrefetchDeps || cfg.PrefetchDeps
	if len(opts.CI.Systems) == 0 {
		opts.CI.Systems = cfg.CI.Systems
	}
	return opts, cfg, nil
}

// Record returns the nixgen.toml that reproduces res: every choice made,
// resolved (the builder actually used, the port actually chosen), and the
// user's list of owned files kept.
func Record(res *Result, opts Options, owned []string) *config.Config {
	p := res.Project
	channel := opts.Channel
	if channel == "" {
		channel = render.DefaultChannel
	}
	enabled := p.Service != nil
	c := &config.Config{
		Builder: string(res.Builder),
		Nixpkgs: channel,
		Bin:     p.Default,
		Service: config.Service{Enabled: &enabled},
		CI: config.CI{
			Cachix: opts.CI.Cachix, DeployRepo: opts.CI.DeployRepo,
			PinActions: opts.CI.PinActions, Target: opts.CI.Target, Systems: opts.CI.Systems,
		},
		Owned:        owned,
		PrefetchDeps: opts.Src.PrefetchDeps,
		Description:  opts.Description,
		Include:      opts.Include,
	}
	if enabled {
		c.Service.Port = p.Service.Port
	}
	if p.Go != nil {
		c.VendorHash = "computed"
		if opts.VendorHash == "fake" {
			c.VendorHash = "fake"
		}
	}
	switch pin := res.Src; {
	case pin != nil && pin.Owner != "":
		c.Src = "github:" + pin.Owner + "/" + pin.Repo
	case pin != nil:
		c.Src = "git:" + pin.URL
	}
	if c.CI.PinActions == "" {
		c.CI.PinActions = "tag"
	}
	if c.CI.Target == "" {
		c.CI.Target = "nix"
	}
	return c
}
