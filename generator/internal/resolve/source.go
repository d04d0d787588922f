package resolve

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/model"
	"github.com/nixgen/nixgen/generator/internal/nixedit"
)

// SourceOptions are what Source needs besides the project.
type SourceOptions struct {
	Src     model.Src
	Builder model.Builder
	// Dir is the project on disk: its origin remote and HEAD.
	Dir string
	// Existing is the flake.nix on disk, if any: its pins are kept when
	// regenerating without a rev.
	Existing []byte
	// Prefetcher hashes pinned sources; nil selects one by Src.Prefetcher.
	Prefetcher Prefetcher
	// Progress gets a line per prefetch; nil for none.
	Progress io.Writer
}

// Source prefetches the pinned source and the hashes of Cargo git
// dependencies that rustPlatform's cargoLock.outputHashes needs (crane
// fetches them itself). It returns nil for the local tree, and adds its
// warnings to p.
func Source(ctx context.Context, p *model.Project, opts SourceOptions) (*model.SourcePin, error) {
	s := opts.Src
	var deps []int
	if p.Rust != nil && opts.Builder == model.RustPlatform && (s.Kind != model.SrcLocal || s.PrefetchDeps) {
		for i := range p.Rust.GitDeps {
			deps = append(deps, i)
		}
	}
	if s.Kind == model.SrcLocal && len(deps) == 0 {
		return nil, nil
	}
	prefetcher := opts.Prefetcher
	if prefetcher == nil {
		var err error
		if prefetcher, err = Select(s.Prefetcher); err != nil {
			return nil, err
		}
	}

	// Regenerating (init --force, check) without --rev keeps the pins the
	// current flake.nix has: moving them is bump's job, and check must
	// not need the network.
	known := knownPins(opts.Existing)
	var reqs []Request
	var pin *model.SourcePin
	reused := false
	if s.Kind != model.SrcLocal {
		req, sp, err := sourceRequest(ctx, p, opts)
		if err != nil {
			return nil, err
		}
		pin = sp
		if old, ok := known.source(sp); ok && s.Rev == "" {
			pin.Rev, pin.Hash, pin.Version = old.Rev, old.Hash, old.Version
			reused = true
		} else {
			reqs = append(reqs, req)
		}
	}
	var fetched []int
	for _, i := range deps {
		d := p.Rust.GitDeps[i]
		if hash, ok := known.outputHashes[d.Key]; ok {
			p.Rust.GitDeps[i].Hash = hash
			continue
		}
		fetched = append(fetched, i)
		reqs = append(reqs, Request{Fetcher: Git, URL: Mirror(d.URL, s.GitHubURL), Rev: d.Commit, Submodules: true})
	}
	deps = fetched
	if len(reqs) == 0 {
		return pin, nil
	}
	pins, err := PrefetchAll(ctx, prefetcher, reqs, 0, opts.Progress)
	if err != nil {
		return nil, err
	}
	for _, got := range pins {
		p.Warnings = append(p.Warnings, got.Warnings...)
	}
	if pin != nil && !reused {
		got := pins[0]
		pins = pins[1:]
		pin.Rev, pin.Hash = got.Rev, got.Hash
		switch {
		case got.Version != "":
			pin.Version = got.Version
		case len(got.Date) >= 10:
			pin.Version = "0-unstable-" + got.Date[:10]
		default:
			pin.Version = "0-unstable-" + got.Rev[:7]
		}
		if head := Head(ctx, nil, opts.Dir); head != "" && head != got.Rev {
			p.Warnings = append(p.Warnings, fmt.Sprintf("the local checkout is at %s but src is pinned to %s: nixgen read the manifests and lock files of the local checkout; check out %s (or pass --rev) so the flake builds what nixgen read", head[:12], got.Rev[:12], got.Rev[:12]))
		}
	}
	for k, i := range deps {
		p.Rust.GitDeps[i].Hash = pins[k].Hash
	}
	return pin, nil
}

// sourceRequest turns Src into the request for the pinned source and the
// pin's fixed parts.
func sourceRequest(ctx context.Context, p *model.Project, opts SourceOptions) (Request, *model.SourcePin, error) {
	s := opts.Src
	if s.Kind != model.SrcGitHub && s.Kind != model.SrcGit {
		return Request{}, nil, diag.Inputf("--src %q: want github, github:OWNER/REPO, git or git:URL", s.Kind)
	}
	owner, repo, url := s.Owner, s.Repo, s.URL
	if owner == "" && url == "" {
		origin, err := Origin(ctx, nil, opts.Dir)
		if err != nil {
			return Request{}, nil, err
		}
		url = origin
		if s.Kind == model.SrcGitHub {
			var ok bool
			if owner, repo, ok = ParseGitHub(origin); !ok {
				p.Warnings = append(p.Warnings, fmt.Sprintf("origin (%s) is not on GitHub: src uses pkgs.fetchgit", origin))
			}
		}
	}
	if owner != "" && s.Kind == model.SrcGitHub {
		req := Request{Fetcher: GitHub, URL: GitHubURL(s.GitHubURL, owner, repo), Owner: owner, Repo: repo, Rev: s.Rev}
		pin := &model.SourcePin{Fetcher: string(GitHub), Owner: owner, Repo: repo}
		if len(p.BuildSubmodules()) > 0 {
			// fetchFromGitHub with fetchSubmodules is fetchgit underneath:
			// a checkout with its submodules, hashed as such.
			req.Fetcher, req.Submodules, pin.Submodules = Git, true, true
		}
		return req, pin, nil
	}
	if strings.HasPrefix(url, "git@") || strings.HasPrefix(url, "ssh://") {
		p.Warnings = append(p.Warnings, fmt.Sprintf("src is fetched from %s over ssh, which Nix's sandboxed fetchgit cannot use unless the remote is public over https; consider --src git:https://...", url))
	}
	return Request{Fetcher: Git, URL: Mirror(url, s.GitHubURL), Rev: s.Rev, Submodules: true},
		&model.SourcePin{Fetcher: string(Git), URL: url}, nil
}

// pinsOnDisk are the pins of an existing flake.nix.
type pinsOnDisk struct {
	fetches      []nixedit.Fetch
	outputHashes map[string]string // outputHashes key -> hash, placeholders left out
}

func knownPins(flake []byte) pinsOnDisk {
	k := pinsOnDisk{outputHashes: map[string]string{}}
	if len(flake) == 0 {
		return k
	}
	k.fetches, _ = nixedit.FindFetches(flake)
	entries, _ := nixedit.FindOutputHashes(flake)
	for _, e := range entries {
		if e.Value.Literal && !e.Value.Placeholder {
			k.outputHashes[e.Name] = e.Value.Text
		}
	}
	return k
}

// source finds the pin of the same repository as sp among the fetches.
func (k pinsOnDisk) source(sp *model.SourcePin) (model.SourcePin, bool) {
	text := func(f nixedit.Fetch, name string) string {
		if b, ok := f.Args[name]; ok && b.Value.Literal {
			return b.Value.Text
		}
		return ""
	}
	for _, f := range k.fetches {
		// A pin hashed without the submodules the build now reads (or
		// with ones it no longer does) is another tree.
		submodules := false
		if b, ok := f.Args["fetchSubmodules"]; ok {
			submodules = b.Value.Raw == "true"
		}
		same := f.Func == sp.Fetcher && (sp.Fetcher == string(GitHub) && text(f, "owner") == sp.Owner && text(f, "repo") == sp.Repo && submodules == sp.Submodules ||
			sp.Fetcher == string(Git) && text(f, "url") == sp.URL)
		rev, hash := text(f, "rev"), text(f, f.HashAttr)
		if !same || rev == "" || hash == "" {
			continue
		}
		old := model.SourcePin{Rev: rev, Hash: hash}
		if f.Version != nil && f.Version.Value.Literal {
			old.Version = f.Version.Value.Text
		}
		return old, true
	}
	return model.SourcePin{}, false
}
