package resolve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/model"
)

// Fetcher is the Nix fetcher a pin is written for. It decides which tree
// is hashed: the two differ when .gitattributes uses export-ignore or
// export-subst, and in submodules.
type Fetcher string

// Fetchers.
const (
	// GitHub is pkgs.fetchFromGitHub without fetchSubmodules: GitHub's
	// archive of the commit, which `git archive` makes.
	GitHub Fetcher = "fetchFromGitHub"
	// Git is pkgs.fetchgit (and fetchFromGitHub with fetchSubmodules or
	// forceFetchGit): a checkout of the commit without any .git.
	Git Fetcher = "fetchgit"
)

// Request is one source to prefetch.
type Request struct {
	Fetcher Fetcher
	// URL is the git remote fetched: for GitHub, BASE/OWNER/REPO (see
	// GitHubURL).
	URL string
	// Owner and Repo name a GitHub repository, for messages.
	Owner, Repo string
	// Rev is a full commit hash, a tag or branch name, a ref such as
	// refs/tags/v1.2.0, or "" (or HEAD) for the remote's default branch.
	// A bare name is looked up as a tag first, then as a branch.
	Rev string
	// Submodules fetches submodules too (fetchgit's default). Only with Git.
	Submodules bool
	// Ref, when Rev is a commit, is the ref the caller resolved it from
	// (refs/tags/v1.2.0): nix-prefetch-git is asked for the ref, and the
	// pin reports it, with no second look at the remote's refs.
	Ref string
}

// Name is how messages name the source: OWNER/REPO or the URL.
func (r Request) Name() string {
	if r.Owner != "" && r.Repo != "" {
		return r.Owner + "/" + r.Repo
	}
	return r.URL
}

func (r Request) key() string {
	return fmt.Sprintf("%s\x00%s\x00%s\x00%t\x00%s", r.Fetcher, r.URL, r.Rev, r.Submodules, r.Ref)
}

// Pin is a prefetched source.
type Pin struct {
	Rev  string // the full commit hash
	Hash string // SRI hash of the tree the fetcher unpacks
	// Ref is the ref Rev was resolved from: refs/tags/v1.2.0,
	// refs/heads/main, HEAD; "" when a commit was asked for.
	Ref string
	// Tag is the tag's name when Ref is a tag ("v1.2.0").
	Tag string
	// Version is the version a vX.Y.Z (or X.Y.Z) tag names: "1.2.0".
	Version string
	// Date is the commit's committer date, RFC 3339, when known.
	Date     string
	Warnings []string
}

// Prefetcher computes the Nix hash of a remote source at one commit: the
// one layer of nixgen that touches the network.
type Prefetcher interface {
	Prefetch(ctx context.Context, req Request) (Pin, error)
}

// Select returns the prefetcher prefer names: "auto" (or "") picks
// nix-prefetch-git when it is on PATH and the native one otherwise.
func Select(prefer string) (Prefetcher, error) {
	native := &NativePrefetcher{}
	switch prefer {
	case "", model.PrefetchAuto:
		if _, err := exec.LookPath("nix-prefetch-git"); err == nil {
			return &NixPrefetchGit{Native: native}, nil
		}
		return native, nil
	case model.PrefetchNix:
		if _, err := exec.LookPath("nix-prefetch-git"); err != nil {
			return nil, &diag.ToolError{Command: "nix-prefetch-git",
				Err: errors.New("not found on PATH; install it (nixpkgs: nix-prefetch-git) or use --prefetcher native")}
		}
		return &NixPrefetchGit{Native: native}, nil
	case model.PrefetchNative:
		return native, nil
	}
	return nil, diag.Inputf("--prefetcher %q: want auto, nix-prefetch-git or native", prefer)
}

// DefaultGitHub is where GitHub repositories are fetched from unless
// NIXGEN_GITHUB_URL or --github-url says otherwise.
const DefaultGitHub = "https://github.com"

// GitHubURL is the git URL of OWNER/REPO under base (DefaultGitHub when
// base is ""): a mirror, a GitHub Enterprise server or a local directory
// of repositories for tests. The Nix written still names GitHub.
func GitHubURL(base, owner, repo string) string {
	if base == "" {
		base = DefaultGitHub
	}
	return strings.TrimRight(base, "/") + "/" + owner + "/" + repo
}

var githubRepoURL = regexp.MustCompile(`^(?:https?://|git://|ssh://git@|git@)github\.com[:/]([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?/?$`)

// ParseGitHub returns the owner and repository of a GitHub remote URL
// (https, ssh or scp-like), or ok false for any other remote.
func ParseGitHub(url string) (owner, repo string, ok bool) {
	m := githubRepoURL.FindStringSubmatch(url)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

// Mirror rewrites a GitHub URL to the same repository under base, so that
// GitHub git dependencies are fetched from the mirror too. Other URLs, and
// any URL when base is "", are returned as they are.
func Mirror(url, base string) string {
	if base == "" {
		return url
	}
	if owner, repo, ok := ParseGitHub(url); ok {
		return GitHubURL(base, owner, repo)
	}
	return url
}

var versionTag = regexp.MustCompile(`^v?(\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?)$`)

// TagVersion returns the version a release tag names: "1.2.0" for v1.2.0
// or 1.2.0, "" for other tags.
func TagVersion(tag string) string {
	if m := versionTag.FindStringSubmatch(tag); m != nil {
		return m[1]
	}
	return ""
}

// DefaultJobs is how many prefetches PrefetchAll runs at once by default:
// they mostly wait on the network.
const DefaultJobs = 8

// PrefetchAll prefetches reqs, at most limit at once (DefaultJobs when
// limit < 1), and returns their pins in the order of reqs. Equal requests
// are fetched once. The first failure cancels the rest and is the error
// returned: the others are mostly consequences of the cancellation (a
// killed git). progress, when not nil, gets a line per finished request
// (for a terminal).
func PrefetchAll(ctx context.Context, p Prefetcher, reqs []Request, limit int, progress io.Writer) ([]Pin, error) {
	if limit < 1 {
		limit = DefaultJobs
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	index := map[string]int{} // key -> first request with it
	var unique []int
	for i, r := range reqs {
		if _, ok := index[r.key()]; !ok {
			index[r.key()] = i
			unique = append(unique, i)
		}
	}
	pins := make([]Pin, len(reqs))
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	done := 0
	for _, i := range unique {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-sem }()
			if ctx.Err() != nil {
				return
			}
			start := time.Now()
			pin, err := p.Prefetch(ctx, reqs[i])
			mu.Lock()
			defer mu.Unlock()
			pins[i] = pin
			if err != nil && first == nil {
				first = err
				cancel()
			}
			if progress != nil {
				done++
				status := "ok"
				if err != nil {
					status = "failed"
				}
				fmt.Fprintf(progress, "[%d/%d] %s %s %s (%.1fs)\n", done, len(unique), reqs[i].Name(), orHead(reqs[i].Rev), status, time.Since(start).Seconds())
			}
		}()
	}
	wg.Wait()
	if first == nil && ctx.Err() != nil {
		first = ctx.Err() // the caller's context ended
	}
	if first != nil {
		return nil, first
	}
	for i, r := range reqs {
		pins[i] = pins[index[r.key()]]
	}
	return pins, nil
}

func orHead(rev string) string {
	if rev == "" {
		return "HEAD"
	}
	if isCommit(rev) {
		return rev[:12]
	}
	return rev
}

var fullCommit = regexp.MustCompile(`^[0-9a-f]{40}$`)

// isCommit reports whether rev is a full SHA-1 commit hash.
func isCommit(rev string) bool { return fullCommit.MatchString(rev) }
