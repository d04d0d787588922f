// Package host plans and renders the NixOS configuration repository that
// `nixgen host` writes: a flake with nixosConfigurations.HOST running an
// app's NixOS module, deploy.nodes.HOST for deploy-rs, and the workflow
// that deploys when the app's CI announces a green build. Like package
// generator it returns files and never writes them.
package host

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/choices"
	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/escape"
	"github.com/nixgen/nixgen/generator/internal/ident"
	"github.com/nixgen/nixgen/generator/internal/model"
)

// Options are `nixgen host`'s arguments and flags; empty strings take the
// defaults documented on each.
type Options struct {
	Host     string // HOST: the configuration's and the node's name
	App      string // the app's flake reference, or a local path to it
	Hostname string // the address deploy-rs connects to
	Service  string // the app's services.NAME; read from a local app when empty
	SSHUser  string // default "root"
	System   string // default "x86_64-linux"
	Channel  string // nixpkgs branch; default model.DefaultChannel

	Cachix, CachixKey string
	PinActions        string // model.PinTag (default) or model.PinSHA

	// Dir is where the configuration is written; a local app path is
	// written relative to it. Default ".".
	Dir string
}

// Defaults.
const (
	DefaultSSHUser = "root"
	DefaultSystem  = "x86_64-linux"
)

// Systems NixOS hosts can have, with a native GitHub runner to build them.
var systems = []string{"x86_64-linux", "aarch64-linux"}

var (
	// hostNameRE is what networking.hostName accepts.
	hostNameRE = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?$`)
	// addressRE is a DNS name or an IP address; never starting with "-",
	// which ssh would read as an option.
	addressRE   = regexp.MustCompile(`^[A-Za-z0-9_\[][A-Za-z0-9._:\[\]-]*$`)
	userRE      = regexp.MustCompile(`^[a-z_][a-z0-9_-]{0,31}$`)
	serviceRE   = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$`)
	cachixKeyRE = regexp.MustCompile(`^[A-Za-z0-9._-]+-[0-9]+:[A-Za-z0-9+/]+={0,2}$`)
)

// Plan checks opts and resolves them into a model.Host; open reads a local
// app's directory.
func Plan(opts Options, open func(dir string) fs.FS) (*model.Host, []string, error) {
	h := &model.Host{
		Name: opts.Host, Hostname: opts.Hostname,
		SSHUser: orDefault(opts.SSHUser, DefaultSSHUser),
		System:  orDefault(opts.System, DefaultSystem),
		Channel: orDefault(opts.Channel, model.DefaultChannel),
		Cachix:  opts.Cachix, CachixKey: opts.CachixKey,
	}
	switch {
	case h.Name == "":
		return nil, nil, diag.Inputf("host needs the host's name: nixgen host HOST --app FLAKEREF --hostname ADDR")
	case !hostNameRE.MatchString(h.Name):
		return nil, nil, diag.Inputf("host name %q: want letters, digits, - and _ (at most 63), as networking.hostName accepts", h.Name)
	case opts.App == "":
		return nil, nil, diag.Inputf("--app is required: the app's flake, e.g. github:OWNER/REPO, or a local path to it")
	case h.Hostname == "":
		return nil, nil, diag.Inputf("--hostname is required: the address deploy-rs connects to, e.g. %s.example.org or 203.0.113.10", h.Name)
	case !addressRE.MatchString(h.Hostname):
		return nil, nil, diag.Inputf("--hostname %q: want a DNS name or an IP address", h.Hostname)
	case !userRE.MatchString(h.SSHUser):
		return nil, nil, diag.Inputf("--ssh-user %q: not a user name", h.SSHUser)
	case !contains(systems, h.System):
		return nil, nil, diag.Inputf("--system %q: want one of %s", h.System, strings.Join(systems, ", "))
	case !ident.Branch(h.Channel):
		return nil, nil, diag.Inputf("--nixpkgs %q: not a nixpkgs branch", h.Channel)
	case h.Cachix != "" && !ident.CachixName(h.Cachix):
		return nil, nil, diag.Inputf("--cachix %q: a Cachix cache name is lowercase letters, digits and dashes", h.Cachix)
	case h.CachixKey != "" && h.Cachix == "":
		return nil, nil, diag.Inputf("--cachix-key needs --cachix NAME")
	case h.CachixKey != "" && !cachixKeyRE.MatchString(h.CachixKey):
		return nil, nil, diag.Inputf("--cachix-key %q: want the cache's public key, NAME.cachix.org-1:BASE64", h.CachixKey)
	}
	if _, err := choices.ParsePinActions(opts.PinActions); err != nil {
		return nil, nil, err
	}

	var warnings []string
	app := model.HostApp{URL: opts.App, Service: opts.Service}
	if dir, ok := LocalPath(opts.App); ok {
		app.Local = true
		found, err := ServiceName(open(dir), dir)
		if err != nil {
			return nil, nil, err
		}
		switch {
		case app.Service == "":
			app.Service = found
		case app.Service != found:
			warnings = append(warnings, fmt.Sprintf("--service %s, but %s declares services.%s; using %s", app.Service, dir, found, app.Service))
		}
		if !strings.Contains(opts.App, ":") {
			app.URL = "path:" + relativeTo(orDefault(opts.Dir, "."), dir)
		}
		warnings = append(warnings, fmt.Sprintf("inputs.%s.url is the local path %s, which the deploy workflow cannot fetch: point it at the app's repository (e.g. github:OWNER/REPO) before pushing",
			inputName(app.Service), app.URL))
	} else if app.Service == "" {
		return nil, nil, diag.Inputf("--app %s is not a local path, so nixgen cannot read the service's name: pass --service NAME (the app's services.NAME option)", opts.App)
	}
	if !serviceRE.MatchString(app.Service) {
		return nil, nil, diag.Inputf("service name %q: want letters, digits, _, . and -", app.Service)
	}
	app.Input = inputName(app.Service)
	h.App = app
	if h.Cachix != "" && h.CachixKey == "" {
		warnings = append(warnings, fmt.Sprintf("--cachix %s without --cachix-key: the host lists the cache but cannot trust what it serves; rerun with --cachix-key and the public key shown on https://app.cachix.org/cache/%s",
			h.Cachix, h.Cachix))
	}
	return h, warnings, nil
}

// inputName is the flake input for the app: its service name when that is
// a plain identifier the flake does not use already, else "app".
func inputName(service string) string {
	switch service {
	case "self", "nixpkgs", "deploy-rs", "system", "lib":
		return "app"
	}
	if !escape.IsNixIdent(service) {
		return "app"
	}
	return service
}

// relativeTo writes path relative to dir when both are relative or both
// absolute, with forward slashes and a leading "./" or "../".
func relativeTo(dir, path string) string {
	rel, err := filepath.Rel(dir, path)
	if err != nil {
		rel = path
	}
	rel = filepath.ToSlash(rel)
	if !strings.HasPrefix(rel, "/") && !strings.HasPrefix(rel, ".") {
		rel = "./" + rel
	}
	if rel == "." {
		rel = "./."
	}
	return rel
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
