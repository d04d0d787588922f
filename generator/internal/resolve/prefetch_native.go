package resolve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/narhash"
)

// NativePrefetcher prefetches with git alone and hashes with narhash, so
// it needs no Nix. git runs isolated from the user's configuration, as in
// Nix's fetchers (see gitEnv).
//
// Steps: `git ls-remote` resolves the rev (unless it is a commit), a fresh
// repository fetches the commit with --depth 1 (or borrows the objects of
// a repository on this machine, see borrow), and then
//   - for GitHub, `git archive` of the commit streams into narhash.Tar: the
//     tree GitHub's tarball holds, with export-ignore and export-subst
//     applied;
//   - for Git, a checkout (plus `git submodule update --init --recursive`
//     when asked) minus every .git is hashed with narhash.Path. When the
//     tree has no export-ignore or export-subst attribute and no
//     submodule to fetch, `git archive` gives the same tree, with the
//     same eol, ident and filter conversions, and is used instead: it
//     writes nothing to disk.
type NativePrefetcher struct {
	Runner  GitRunner // nil: ExecRunner
	Remote  Remote    // resolves revs; nil: GitRemote with the same runner
	Environ []string  // the user's environment; nil: os.Environ()
	Git     string    // "": "git"
	// AlwaysFetch fetches from repositories on this machine too, rather
	// than borrowing their objects (see borrow); for benchmarks.
	AlwaysFetch bool
}

// Prefetch implements Prefetcher.
func (n *NativePrefetcher) Prefetch(ctx context.Context, req Request) (Pin, error) {
	g := n.git()
	remote := n.Remote
	if remote == nil {
		remote = &GitRemote{Runner: g.runner, Environ: n.Environ, Git: g.cmd}
	}
	target, err := resolveRequest(ctx, remote, req)
	if err != nil {
		return Pin{}, err
	}
	tmp, cleanup, err := tempDir("nixgen-prefetch-")
	if err != nil {
		return Pin{}, err
	}
	defer cleanup()
	environ := n.Environ
	if environ == nil {
		environ = os.Environ()
	}
	g.env = gitEnv(environ, filepath.Join(tmp, "home"))
	if err := os.Mkdir(filepath.Join(tmp, "home"), 0o700); err != nil {
		return Pin{}, err
	}
	repo := filepath.Join(tmp, "src")
	g.dir = tmp
	if _, err := g.run(ctx, "init", "--quiet", "--template=", "--", repo); err != nil {
		return Pin{}, err
	}
	g.dir = repo
	date, ok := "", false
	if !n.AlwaysFetch {
		date, ok = g.borrow(ctx, req.URL, target.Commit)
	}
	if !ok {
		if err := g.fetch(ctx, req, target); err != nil {
			return Pin{}, err
		}
		if date, ok = g.commitDate(ctx, target.Commit); !ok {
			return Pin{}, &diag.ToolError{Command: commandLine(g.cmd, []string{"fetch", "--depth=1", "--", req.URL, target.Commit}),
				Err: fmt.Errorf("commit %s not found in %s", target.Commit, req.URL)}
		}
	}

	pin := Pin{Rev: target.Commit, Ref: target.Ref, Tag: target.Tag, Version: target.Version, Date: date}
	attrs, hasModules, err := g.treeAttributes(ctx, target.Commit)
	if err != nil {
		return Pin{}, err
	}

	var sum narhash.Sum
	switch {
	case req.Fetcher == GitHub || !attrs.any() && !(req.Submodules && hasModules):
		if req.Fetcher == GitHub && attrs.subst {
			pin.Warnings = append(pin.Warnings, fmt.Sprintf("%s: .gitattributes asks for export-subst, so GitHub expands $Format:...$ placeholders in the archive; some (ref names, abbreviated hashes) can change after the fact and break this hash", req.Name()))
		}
		if req.Fetcher == GitHub && hasModules {
			pin.Warnings = append(pin.Warnings, fmt.Sprintf("%s has submodules, which GitHub's archive leaves empty; add fetchSubmodules = true if the build needs them", req.Name()))
		}
		err = g.runner.Stream(ctx, g.dir, g.env, func(r io.Reader) error {
			var err error
			sum, err = narhash.Tar(r)
			return err
		}, g.cmd, "archive", "--format=tar", target.Commit)
	default:
		sum, err = g.checkoutHash(ctx, req, target, hasModules)
	}
	if err != nil {
		return Pin{}, err
	}
	pin.Hash = sum.SRI()
	return pin, nil
}

// gitCmd runs git in one place with one environment.
type gitCmd struct {
	runner GitRunner
	cmd    string
	dir    string
	env    []string
}

func (n *NativePrefetcher) git() *gitCmd {
	g := &gitCmd{runner: n.Runner, cmd: n.Git}
	if g.runner == nil {
		g.runner = ExecRunner{}
	}
	if g.cmd == "" {
		g.cmd = "git"
	}
	return g
}

func (g *gitCmd) run(ctx context.Context, args ...string) ([]byte, error) {
	return g.runner.Run(ctx, g.dir, g.env, g.cmd, args...)
}

// commitDate returns the commit's committer date (RFC 3339), and false
// when the repository does not have the commit.
func (g *gitCmd) commitDate(ctx context.Context, commit string) (string, bool) {
	out, err := g.run(ctx, "show", "--no-patch", "--format=%cI", commit+"^{commit}")
	if err != nil {
		return "", false
	}
	return strings.TrimSpace(string(out)), true
}

// fetch fetches the target commit with depth 1, as nix-prefetch-git
// does. A server that refuses to send a commit by its hash gets asked for
// the ref it was resolved from, else for all branches and tags.
func (g *gitCmd) fetch(ctx context.Context, req Request, target Target) error {
	first := []string{"fetch", "--quiet", "--depth=1", "--no-tags", "--", req.URL, target.Commit}
	_, err := g.run(ctx, first...)
	if err == nil {
		return nil
	}
	var again []string
	if target.Ref != "" {
		again = []string{"fetch", "--quiet", "--depth=1", "--no-tags", "--", req.URL, target.Ref}
	} else {
		again = []string{"fetch", "--quiet", "--tags", "--", req.URL, "+refs/heads/*:refs/remotes/origin/*"}
	}
	if _, err2 := g.run(ctx, again...); err2 == nil {
		if _, ok := g.commitDate(ctx, target.Commit); ok {
			return nil
		}
	}
	var tool *diag.ToolError
	if errors.As(err, &tool) && target.Ref == "" {
		tool.Err = fmt.Errorf("%w: commit %s not found in %s, or the remote cannot be reached", tool.Err, target.Commit, req.URL)
	}
	return err
}

// borrow points the fresh repository at the objects of a repository on
// this machine (a file:// URL or a path: a mirror, an offline copy), as
// `git clone --shared` does, instead of copying them with a fetch. Objects
// are named by their hashes, so the tree is the same; attributes still
// come from the commit's own .gitattributes, never from the other
// repository's configuration. It reports whether the commit is then
// available, with its date; if not, the caller fetches.
func (g *gitCmd) borrow(ctx context.Context, url, commit string) (date string, ok bool) {
	path, ok := strings.CutPrefix(url, "file://")
	if !ok && !filepath.IsAbs(url) {
		return "", false
	}
	if !ok {
		path = url
	}
	alternates := filepath.Join(g.dir, ".git", "objects", "info", "alternates")
	for _, objects := range []string{filepath.Join(path, ".git", "objects"), filepath.Join(path, "objects")} {
		if st, err := os.Stat(objects); err != nil || !st.IsDir() {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(alternates), 0o755); err != nil {
			return "", false
		}
		if err := os.WriteFile(alternates, []byte(objects+"\n"), 0o644); err != nil {
			return "", false
		}
		if date, ok := g.commitDate(ctx, commit); ok {
			return date, true
		}
		os.Remove(alternates)
		return "", false
	}
	return "", false
}

// exportAttrs says which export attributes a tree's .gitattributes use.
type exportAttrs struct{ ignore, subst bool }

func (a exportAttrs) any() bool { return a.ignore || a.subst }

// treeAttributes looks, in one pass, for export-ignore and export-subst
// in the commit's .gitattributes files, at any depth, and for submodules
// in its .gitmodules.
func (g *gitCmd) treeAttributes(ctx context.Context, commit string) (attrs exportAttrs, modules bool, err error) {
	out, err := g.run(ctx, "grep", "--no-color", "-I", "-o", "-E", "-e", "export-(ignore|subst)", "-e", `^\s*\[submodule`, commit, "--",
		".gitattributes", ":(glob)**/.gitattributes", ".gitmodules")
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.ExitCode() == 1 {
			return exportAttrs{}, false, nil // no match
		}
		return exportAttrs{}, false, err
	}
	// Lines are COMMIT:PATH:MATCH.
	for line := range strings.SplitSeq(string(out), "\n") {
		_, rest, _ := strings.Cut(line, ":")
		path, match, _ := strings.Cut(rest, ":")
		switch {
		case path == ".gitmodules":
			modules = true
		case match == "export-ignore":
			attrs.ignore = true
		case match == "export-subst":
			attrs.subst = true
		}
	}
	return attrs, modules, nil
}

// checkoutHash checks the commit out, with submodules when asked, deletes
// every .git and hashes the rest: fetchgit's tree.
func (g *gitCmd) checkoutHash(ctx context.Context, req Request, target Target, hasModules bool) (narhash.Sum, error) {
	if _, err := g.run(ctx, "checkout", "--quiet", target.Commit); err != nil {
		return narhash.Sum{}, err
	}
	if req.Submodules && hasModules {
		// Relative submodule URLs resolve against origin.
		if _, err := g.run(ctx, "remote", "add", "--", "origin", req.URL); err != nil {
			return narhash.Sum{}, err
		}
		update := []string{"-c", "protocol.file.allow=always", "submodule", "--quiet", "update", "--init", "--recursive"}
		if _, err := g.run(ctx, append(update, "--depth=1")...); err != nil {
			if _, err := g.run(ctx, update...); err != nil {
				return narhash.Sum{}, err
			}
		}
	}
	if err := removeDotGit(g.dir); err != nil {
		return narhash.Sum{}, err
	}
	return narhash.Path(g.dir)
}

// removeDotGit deletes every file or directory named .git under dir, as
// nix-prefetch-git does.
func removeDotGit(dir string) error {
	var found []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Name() == ".git" {
			found = append(found, p)
			if d.IsDir() {
				return filepath.SkipDir
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, p := range found {
		if err := os.RemoveAll(p); err != nil {
			return err
		}
	}
	return nil
}
