package resolve

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/narhash"
)

// NixPrefetchGit prefetches with nixpkgs' nix-prefetch-git, which also
// puts the source in the Nix store.
//
// It is called with the flags of the fetcher being written: --rev with
// refs/tags/NAME for a tag, refs/heads/NAME for a branch, the commit
// otherwise, and --fetch-submodules for fetchgit with submodules. git runs
// without the system and global configuration (GIT_CONFIG_NOSYSTEM,
// GIT_CONFIG_GLOBAL), as in Nix's own fetchgit builder.
//
// nix-prefetch-git hashes a checkout, which is fetchFromGitHub's tree
// unless .gitattributes uses export-ignore or export-subst. When the
// checkout it made has either, a GitHub pin is hashed again by Native.
type NixPrefetchGit struct {
	Command string    // "": "nix-prefetch-git"
	Runner  GitRunner // nil: ExecRunner
	Remote  Remote    // resolves names to refs; nil: GitRemote
	Environ []string  // the user's environment; nil: os.Environ()
	// Native hashes GitHub pins whose tree nix-prefetch-git cannot give;
	// nil leaves them with a warning.
	Native Prefetcher
}

// prefetchGitJSON is what nix-prefetch-git prints. Older versions print
// only sha256 (nix32); newer ones hash (SRI) too.
type prefetchGitJSON struct {
	URL             string `json:"url"`
	Rev             string `json:"rev"`
	Date            string `json:"date"`
	Path            string `json:"path"`
	SHA256          string `json:"sha256"`
	Hash            string `json:"hash"`
	FetchSubmodules bool   `json:"fetchSubmodules"`
}

// Prefetch implements Prefetcher.
func (n *NixPrefetchGit) Prefetch(ctx context.Context, req Request) (Pin, error) {
	runner, command, environ := n.Runner, n.Command, n.Environ
	if runner == nil {
		runner = ExecRunner{}
	}
	if command == "" {
		command = "nix-prefetch-git"
	}
	if environ == nil {
		environ = os.Environ()
	}
	remote := n.Remote
	if remote == nil {
		remote = &GitRemote{Runner: runner, Environ: environ}
	}
	target, err := resolveRequest(ctx, remote, req)
	if err != nil {
		return Pin{}, err
	}

	rev := target.Commit
	if strings.HasPrefix(target.Ref, "refs/tags/") || strings.HasPrefix(target.Ref, "refs/heads/") {
		rev = target.Ref
	}
	args := []string{"--url", req.URL, "--rev", rev, "--quiet"}
	if req.Fetcher == Git && req.Submodules {
		args = append(args, "--fetch-submodules")
	}
	var env []string
	for _, kv := range environ {
		if k, _, _ := strings.Cut(kv, "="); k != "GIT_CONFIG_NOSYSTEM" && k != "GIT_CONFIG_GLOBAL" {
			env = append(env, kv)
		}
	}
	env = append(env, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
	out, err := runner.Run(ctx, "", env, command, args...)
	if err != nil {
		return Pin{}, err
	}
	fail := func(msg string) error {
		return &diag.ToolError{Command: commandLine(command, args), Stderr: string(out), Err: errors.New(msg)}
	}
	var res prefetchGitJSON
	if err := json.Unmarshal(bytes.TrimSpace(out), &res); err != nil {
		return Pin{}, fail("cannot read its output as JSON: " + err.Error())
	}
	var sum narhash.Sum
	switch {
	case res.Hash != "":
		sum, err = narhash.Parse(res.Hash)
	case res.SHA256 != "":
		sum, err = narhash.Parse(res.SHA256)
	default:
		return Pin{}, fail("its output has neither hash nor sha256")
	}
	if err != nil {
		return Pin{}, fail(err.Error())
	}
	if !isCommit(res.Rev) {
		return Pin{}, fail(fmt.Sprintf("its output names rev %q, not a commit", res.Rev))
	}
	pin := Pin{Rev: res.Rev, Hash: sum.SRI(), Ref: target.Ref, Tag: target.Tag, Version: target.Version, Date: res.Date}
	if target.Ref == "" && res.Rev != target.Commit {
		return Pin{}, fail(fmt.Sprintf("asked for commit %s, got %s", target.Commit, res.Rev))
	}

	if req.Fetcher == GitHub && res.Path != "" {
		attrs, modules := scanTree(res.Path)
		if modules {
			pin.Warnings = append(pin.Warnings, fmt.Sprintf("%s has submodules, which GitHub's archive leaves empty; add fetchSubmodules = true if the build needs them", req.Name()))
		}
		if attrs.any() {
			if n.Native == nil {
				pin.Warnings = append(pin.Warnings, fmt.Sprintf("%s: .gitattributes uses export-ignore or export-subst, which GitHub's archive applies and nix-prefetch-git does not: the hash may be wrong; use --prefetcher native", req.Name()))
				return pin, nil
			}
			again := req
			again.Rev = pin.Rev
			native, err := n.Native.Prefetch(ctx, again)
			if err != nil {
				return Pin{}, err
			}
			pin.Hash = native.Hash
			pin.Warnings = append(pin.Warnings, native.Warnings...)
		}
	}
	return pin, nil
}

// scanTree looks through a checkout for .gitattributes files that use
// export attributes, and for .gitmodules at its root.
func scanTree(root string) (attrs exportAttrs, modules bool) {
	if _, err := os.Lstat(filepath.Join(root, ".gitmodules")); err == nil {
		modules = true
	}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != ".gitattributes" {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		attrs.ignore = attrs.ignore || bytes.Contains(data, []byte("export-ignore"))
		attrs.subst = attrs.subst || bytes.Contains(data, []byte("export-subst"))
		return nil
	})
	return attrs, modules
}
