package generator

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/nixgen/nixgen/generator/diag"
	"github.com/nixgen/nixgen/generator/model"
	"github.com/nixgen/nixgen/generator/nixedit"
	"github.com/nixgen/nixgen/generator/render"
	"github.com/nixgen/nixgen/generator/resolve"
)

// Source kinds for Src.Kind.
const (
	SrcLocal  = ""       // the local tree, through lib.fileset
	SrcGitHub = "github" // pkgs.fetchFromGitHub (fetchgit when origin is elsewhere)
	SrcGit    = "git"    // pkgs.fetchgit
	// SrcLocalExplicit is --src local: the local tree even when
	// nixgen.toml records a pinned source.
	SrcLocalExplicit = "local"
)

// Src says where the flake's src comes from, and whether Cargo git
// dependencies are prefetched.
type Src struct {
	Kind string
	// Owner and Repo name the GitHub repository; "" reads them from the
	// origin remote of the project's git repository.
	Owner, Repo string
	// URL is the remote for SrcGit; "" is origin's URL.
	URL string
	// Rev is a commit, tag or branch; "" is the head of the remote's
	// default branch.
	Rev string
	// GitHubURL, when set, fetches GitHub repositories (the source and
	// GitHub git dependencies) from GitHubURL/OWNER/REPO. The flake still
	// names GitHub.
	GitHubURL string
	// Prefetcher is "auto", "nix-prefetch-git" or "native" (see
	// resolve.Select), used when Options.Prefetcher is nil.
	Prefetcher string
	// PrefetchDeps fills Cargo git dependencies' outputHashes for the
	// local source too. A pinned source always gets them.
	PrefetchDeps bool
	// Progress gets a line per prefetch; nil for none.
	Progress io.Writer
}

// resolveSrc prefetches the pinned source and the hashes of Cargo git
// dependencies that rustPlatform's cargoLock.outputHashes needs (crane
// fetches them itself). It returns nil for the local tree, and adds its
// warnings to p.
func resolveSrc(ctx context.Context, p *model.Project, builder render.Builder, opts Options) (*model.SourcePin, error) {
	s := opts.Src
	var deps []int
	if p.Rust != nil && builder == render.RustPlatform && (s.Kind != SrcLocal || s.PrefetchDeps) {
		for i := range p.Rust.GitDeps {
			deps = append(deps, i)
		}
	}
	if s.Kind == SrcLocal && len(deps) == 0 {
		return nil, nil
	}
	prefetcher := opts.Prefetcher
	if prefetcher == nil {
		var err error
		if prefetcher, err = resolve.Select(s.Prefetcher); err != nil {
			return nil, err
		}
	}

	// Regenerating (init --force, check) without --rev keeps the pins the
	// current flake.nix has: moving them is bump's job, and check must
	// not need the network.
	known := knownPins(opts.Existing)
	var reqs []resolve.Request
	var pin *model.SourcePin
	reused := false
	if s.Kind != SrcLocal {
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
		reqs = append(reqs, resolve.Request{Fetcher: resolve.Git, URL: resolve.Mirror(d.URL, s.GitHubURL), Rev: d.Commit, Submodules: true})
	}
	deps = fetched
	if len(reqs) == 0 {
		return pin, nil
	}
	pins, err := resolve.PrefetchAll(ctx, prefetcher, reqs, 0, s.Progress)
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
		if head := resolve.Head(ctx, nil, opts.Dir); head != "" && head != got.Rev {
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
func sourceRequest(ctx context.Context, p *model.Project, opts Options) (resolve.Request, *model.SourcePin, error) {
	s := opts.Src
	if s.Kind != SrcGitHub && s.Kind != SrcGit {
		return resolve.Request{}, nil, diag.Inputf("--src %q: want github, github:OWNER/REPO, git or git:URL", s.Kind)
	}
	owner, repo, url := s.Owner, s.Repo, s.URL
	if owner == "" && url == "" {
		origin, err := resolve.Origin(ctx, nil, opts.Dir)
		if err != nil {
			return resolve.Request{}, nil, err
		}
		url = origin
		if s.Kind == SrcGitHub {
			var ok bool
			if owner, repo, ok = resolve.ParseGitHub(origin); !ok {
				p.Warnings = append(p.Warnings, fmt.Sprintf("origin (%s) is not on GitHub: src uses pkgs.fetchgit", origin))
			}
		}
	}
	if owner != "" && s.Kind == SrcGitHub {
		return resolve.Request{Fetcher: resolve.GitHub, URL: resolve.GitHubURL(s.GitHubURL, owner, repo), Owner: owner, Repo: repo, Rev: s.Rev},
			&model.SourcePin{Fetcher: string(resolve.GitHub), Owner: owner, Repo: repo}, nil
	}
	if strings.HasPrefix(url, "git@") || strings.HasPrefix(url, "ssh://") {
		p.Warnings = append(p.Warnings, fmt.Sprintf("src is fetched from %s over ssh, which Nix's sandboxed fetchgit cannot use unless the remote is public over https; consider --src git:https://...", url))
	}
	return resolve.Request{Fetcher: resolve.Git, URL: resolve.Mirror(url, s.GitHubURL), Rev: s.Rev, Submodules: true},
		&model.SourcePin{Fetcher: string(resolve.Git), URL: url}, nil
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
		same := f.Func == sp.Fetcher && (sp.Fetcher == string(resolve.GitHub) && text(f, "owner") == sp.Owner && text(f, "repo") == sp.Repo ||
			sp.Fetcher == string(resolve.Git) && text(f, "url") == sp.URL)
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
