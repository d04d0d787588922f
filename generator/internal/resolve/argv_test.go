package resolve

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/internal/nixtest"
)

// A URL that git would read as an option is refused before anything
// runs, by every prefetcher and by the ref lister: exit 2, and the
// command it smuggles never runs.
func TestOptionURLRefused(t *testing.T) {
	nixtest.Require(t, "git")
	ctx := context.Background()
	dir := t.TempDir()
	pwned := filepath.Join(dir, "pwned")
	for _, url := range []string{"--upload-pack=touch " + pwned, "-u", "https://example.org/a\nb"} {
		for _, rev := range []string{"", commitA} {
			for name, p := range map[string]Prefetcher{
				"native":           &NativePrefetcher{},
				"nix-prefetch-git": &NixPrefetchGit{Command: "false"},
			} {
				_, err := p.Prefetch(ctx, Request{Fetcher: Git, URL: url, Rev: rev})
				var in *diag.InputError
				if !errors.As(err, &in) || diag.ExitCode(err) != diag.ExitInput {
					t.Errorf("%s: Prefetch(%q, rev %q) = %v, want an input error", name, url, rev, err)
				}
			}
		}
		if _, err := (&GitRemote{}).Refs(ctx, url); diag.ExitCode(err) != diag.ExitInput {
			t.Errorf("Refs(%q) = %v, want an input error", url, err)
		}
	}
	for _, rev := range []string{"--upload-pack=touch " + pwned, "-x"} {
		_, err := (&NativePrefetcher{}).Prefetch(ctx, Request{Fetcher: Git, URL: "https://example.org/a", Rev: rev})
		if diag.ExitCode(err) != diag.ExitInput {
			t.Errorf("rev %q: %v, want an input error", rev, err)
		}
	}
	if _, err := os.Stat(pwned); err == nil {
		t.Fatal("git ran the command the URL carried")
	}
}

// Every git command that takes a URL gets it after "--", so that even a
// URL that slipped past validation is never an option.
func TestGitArgsEndOptions(t *testing.T) {
	ctx := context.Background()
	r := newGitFake(t)
	url := "https://example.org/a"
	r.expect("git ls-remote -- "+url+" HEAD refs/heads/* refs/tags/*", lsRemote, "", 0)
	if _, err := (&GitRemote{Runner: r}).Refs(ctx, url); err != nil {
		t.Fatal(err)
	}
}

// ls-remote output that is not a hash and a name is ignored: a remote
// cannot hand the fetch an option in place of a commit.
func TestParseRefsIgnoresJunk(t *testing.T) {
	refs := parseRefs([]byte("--upload-pack=x\tHEAD\n" + commitA + "\trefs/heads/main\nzz\trefs/tags/v1\n"))
	if len(refs) != 1 || refs[0].Commit != commitA {
		t.Errorf("refs = %+v, want only refs/heads/main", refs)
	}
}
