package generator

import (
	"io/fs"
	"os"

	"github.com/nixgen/nixgen/generator/internal/host"
	"github.com/nixgen/nixgen/generator/internal/render"
	"github.com/nixgen/nixgen/generator/internal/sink"
)

// HostOptions are `nixgen host`'s arguments; empty strings take the
// documented defaults.
type HostOptions struct {
	Host     string // HOST: the configuration's and the node's name
	App      string // the app's flake reference, or a local path to it
	Hostname string // the address deploy-rs connects to
	Service  string // the app's services.NAME; read from a local app when empty
	SSHUser  string
	System   string
	Channel  string
	Cachix   string
	CachixKey,
	PinActions string
	Dir    string // the configuration repository; "" is the current directory
	Force  bool   // replace nixgen's files (never the host's configuration.nix)
	DryRun bool   // return the files in Report.Files, write nothing
}

// Host defaults, for help texts.
const (
	DefaultSSHUser = host.DefaultSSHUser
	DefaultSystem  = host.DefaultSystem
)

// HostReport is what `nixgen host` wrote, and what to do next.
type HostReport struct {
	Report
	Configuration string // hosts/HOST/configuration.nix, to fill in
	Environment   string // the GitHub environment of the deploy secrets
	Event         string // the repository_dispatch event the app sends
}

// Host writes a NixOS configuration repository that runs an app's
// module on one host, deployed with deploy-rs.
func Host(o HostOptions) (*HostReport, error) {
	dir := orDot(o.Dir)
	// Plan (a local app is read for its service name), then render.
	h, warnings, err := host.Plan(host.Options{
		Host: o.Host, App: o.App, Hostname: o.Hostname, Service: o.Service,
		SSHUser: o.SSHUser, System: o.System, Channel: o.Channel,
		Cachix: o.Cachix, CachixKey: o.CachixKey, PinActions: o.PinActions, Dir: dir,
	}, func(dir string) fs.FS { return os.DirFS(dir) })
	if err != nil {
		return nil, err
	}
	out, err := render.Host(h, o.PinActions)
	if err != nil {
		return nil, err
	}
	var files Files
	for path, data := range out {
		files.Add(sink.File{Path: path, Data: data, IfExists: sink.Refuse})
	}
	// hosts/HOST/configuration.nix is the user's once written.
	f := files.Get(render.HostConfiguration(h.Name))
	f.IfExists, f.Why = sink.Keep, "yours: nixgen writes it only when missing"
	rep := &HostReport{
		Report:        Report{Warnings: warnings, Files: files},
		Configuration: displayPath(dir, render.HostConfiguration(h.Name)),
		Environment:   h.Name,
		Event:         render.DispatchEvent(h.App.Service),
	}
	if o.DryRun {
		return rep, nil
	}
	if o.Force {
		files = files.Force()
	}
	res, err := sink.Write(dir, files)
	if err != nil {
		return nil, err
	}
	rep.Written = res.Written
	for _, f := range res.Kept {
		rep.Kept = append(rep.Kept, Kept{Path: f.Path, Why: f.Why})
	}
	return rep, nil
}
