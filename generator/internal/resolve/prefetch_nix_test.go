package resolve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/nixgen/nixgen/generator/internal/diag"
)

// gitFake answers the commands it expects, in any order, and fails the
// test on any other command and on an expectation never met.
type gitFake struct {
	t     *testing.T
	mu    sync.Mutex
	calls []*gitCall
}

type gitCall struct {
	cmd    string // name and args joined by spaces
	stdout string
	stderr string
	exit   int
	used   bool
	env    []string // what it was run with
}

func newGitFake(t *testing.T) *gitFake {
	f := &gitFake{t: t}
	t.Cleanup(func() {
		for _, c := range f.calls {
			if !c.used {
				t.Errorf("expected command never run: %s", c.cmd)
			}
		}
	})
	return f
}

func (f *gitFake) expect(cmd, stdout, stderr string, exit int) *gitCall {
	c := &gitCall{cmd: cmd, stdout: stdout, stderr: stderr, exit: exit}
	f.calls = append(f.calls, c)
	return c
}

func (f *gitFake) Run(ctx context.Context, dir string, env []string, name string, args ...string) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	line := strings.Join(append([]string{filepath.Base(name)}, args...), " ")
	for _, c := range f.calls {
		if c.cmd == line && !c.used {
			c.used, c.env = true, env
			if c.exit != 0 {
				// A real *exec.ExitError, as os/exec gives.
				err := exec.Command("sh", "-c", fmt.Sprintf("exit %d", c.exit)).Run()
				return []byte(c.stdout), toolError(name, args, c.stderr, err)
			}
			return []byte(c.stdout), nil
		}
	}
	f.t.Errorf("unexpected command: %s", line)
	return nil, errors.New("unexpected command")
}

func (f *gitFake) Stream(ctx context.Context, dir string, env []string, consume func(io.Reader) error, name string, args ...string) error {
	out, err := f.Run(ctx, dir, env, name, args...)
	if err != nil {
		return err
	}
	return consume(strings.NewReader(string(out)))
}

const (
	commitA = "0123456789abcdef0123456789abcdef01234567"
	commitB = "89abcdef0123456789abcdef0123456789abcdef"
	// The hash of a NAR holding one file "hello\n" (hashes.md).
	helloSRI   = "sha256-HDfQGvQL4ugGkd48w99EN3ppmvuxfGjwgJZLL9Bx/BM="
	helloNix32 = "04zwf782yjwnh3q6hz5izfd6jyip8kgw6g6yj43fiqhbyhdd0dqw"
)

const lsRemote = commitA + "\tHEAD\n" +
	commitA + "\trefs/heads/main\n" +
	commitB + "\trefs/heads/release\n" +
	"1111111111111111111111111111111111111111\trefs/tags/v1.2.0\n" +
	commitB + "\trefs/tags/v1.2.0^{}\n"

func prefetchJSON(rev, sha256, hash string) string {
	s := fmt.Sprintf(`{
  "url": "https://github.com/o/r",
  "rev": %q,
  "date": "2024-05-01T12:00:00+02:00",
  "path": "/nix/store/00000000000000000000000000000000-r",
  "sha256": %q,`, rev, sha256)
	if hash != "" {
		s += fmt.Sprintf("\n  \"hash\": %q,", hash)
	}
	return s + `
  "fetchLFS": false,
  "fetchSubmodules": false,
  "deepClone": false,
  "leaveDotGit": false
}
`
}

func TestNixPrefetchGit(t *testing.T) {
	ctx := context.Background()
	url := "https://github.com/o/r"
	lsRemoteCmd := "git ls-remote -- " + url + " HEAD refs/heads/* refs/tags/*"

	t.Run("tag, new JSON with hash", func(t *testing.T) {
		r := newGitFake(t)
		r.expect(lsRemoteCmd, lsRemote, "", 0)
		call := r.expect("nix-prefetch-git --url "+url+" --rev refs/tags/v1.2.0 --quiet", prefetchJSON(commitB, helloNix32, helloSRI), "", 0)
		p := &NixPrefetchGit{Runner: r, Environ: []string{"PATH=/bin", "GIT_CONFIG_GLOBAL=/home/me/.gitconfig"}}
		pin, err := p.Prefetch(ctx, Request{Fetcher: GitHub, URL: url, Owner: "o", Repo: "r", Rev: "v1.2.0"})
		if err != nil {
			t.Fatal(err)
		}
		want := Pin{Rev: commitB, Hash: helloSRI, Ref: "refs/tags/v1.2.0", Tag: "v1.2.0", Version: "1.2.0", Date: "2024-05-01T12:00:00+02:00"}
		if fmt.Sprint(pin) != fmt.Sprint(want) {
			t.Errorf("pin = %+v, want %+v", pin, want)
		}
		if !slices.Contains(call.env, "GIT_CONFIG_GLOBAL=/dev/null") || slices.Contains(call.env, "GIT_CONFIG_GLOBAL=/home/me/.gitconfig") || !slices.Contains(call.env, "GIT_CONFIG_NOSYSTEM=1") {
			t.Errorf("nix-prefetch-git ran with %q: want git's user and system configuration off", call.env)
		}
	})

	t.Run("branch, old JSON with only sha256", func(t *testing.T) {
		r := newGitFake(t)
		r.expect(lsRemoteCmd, lsRemote, "", 0)
		r.expect("nix-prefetch-git --url "+url+" --rev refs/heads/release --quiet --fetch-submodules", prefetchJSON(commitB, helloNix32, ""), "", 0)
		pin, err := (&NixPrefetchGit{Runner: r}).Prefetch(ctx, Request{Fetcher: Git, URL: url, Rev: "release", Submodules: true})
		if err != nil {
			t.Fatal(err)
		}
		if pin.Hash != helloSRI || pin.Rev != commitB || pin.Ref != "refs/heads/release" || pin.Version != "" {
			t.Errorf("pin = %+v, want %s at %s", pin, helloSRI, commitB)
		}
	})

	t.Run("commit: no ls-remote, HEAD: the commit", func(t *testing.T) {
		r := newGitFake(t)
		r.expect("nix-prefetch-git --url "+url+" --rev "+commitA+" --quiet", prefetchJSON(commitA, helloNix32, ""), "", 0)
		if _, err := (&NixPrefetchGit{Runner: r}).Prefetch(ctx, Request{Fetcher: GitHub, URL: url, Rev: commitA}); err != nil {
			t.Fatal(err)
		}
		r.expect(lsRemoteCmd, lsRemote, "", 0)
		r.expect("nix-prefetch-git --url "+url+" --rev "+commitA+" --quiet", prefetchJSON(commitA, helloNix32, ""), "", 0)
		pin, err := (&NixPrefetchGit{Runner: r}).Prefetch(ctx, Request{Fetcher: GitHub, URL: url})
		if err != nil || pin.Ref != "HEAD" {
			t.Fatalf("HEAD: %+v, %v", pin, err)
		}
	})

	t.Run("failure: exit 1, stderr", func(t *testing.T) {
		r := newGitFake(t)
		r.expect("nix-prefetch-git --url "+url+" --rev "+commitA+" --quiet", "",
			"fatal: remote error: upload-pack: not our ref "+commitA+"\nUnable to checkout "+commitA+" from "+url+".\n", 1)
		_, err := (&NixPrefetchGit{Runner: r}).Prefetch(ctx, Request{Fetcher: GitHub, URL: url, Rev: commitA})
		var tool *diag.ToolError
		if !errors.As(err, &tool) {
			t.Fatalf("error %v, want a *diag.ToolError", err)
		}
		if tool.Command != "nix-prefetch-git --url "+url+" --rev "+commitA+" --quiet" || !strings.Contains(tool.Stderr, "Unable to checkout") {
			t.Errorf("error names %q with stderr %q", tool.Command, tool.Stderr)
		}
		if diag.ExitCode(err) != diag.ExitTool {
			t.Errorf("exit code %d, want 3", diag.ExitCode(err))
		}
	})

	t.Run("unknown tag", func(t *testing.T) {
		r := newGitFake(t)
		r.expect(lsRemoteCmd, lsRemote, "", 0)
		_, err := (&NixPrefetchGit{Runner: r}).Prefetch(ctx, Request{Fetcher: GitHub, URL: url, Rev: "v9"})
		if err == nil || !strings.Contains(err.Error(), `no branch or tag "v9" in `+url) {
			t.Errorf("error %v, want it to name the rev and the remote", err)
		}
	})

	t.Run("bad output", func(t *testing.T) {
		for _, out := range []string{"", "not json", prefetchJSON(commitA, "", ""), prefetchJSON(commitA, "xyz", ""), prefetchJSON("v1", helloNix32, ""), prefetchJSON(commitB, helloNix32, "")} {
			r := newGitFake(t)
			r.expect("nix-prefetch-git --url "+url+" --rev "+commitA+" --quiet", out, "", 0)
			_, err := (&NixPrefetchGit{Runner: r}).Prefetch(ctx, Request{Fetcher: GitHub, URL: url, Rev: commitA})
			var tool *diag.ToolError
			if !errors.As(err, &tool) || tool.Stderr != out {
				t.Errorf("output %q: error %v, want a *diag.ToolError showing the output", out, err)
			}
		}
	})
}

// A GitHub pin whose checkout has export attributes is hashed again
// natively: nix-prefetch-git's checkout is not GitHub's archive.
func TestNixPrefetchGitExportAttributes(t *testing.T) {
	store := t.TempDir()
	writeFiles(t, store, map[string]string{"a/.gitattributes": "x export-ignore\n", "x": "x\n"})
	out := strings.Replace(prefetchJSON(commitA, helloNix32, ""), "/nix/store/00000000000000000000000000000000-r", store, 1)
	r := newGitFake(t)
	r.expect("nix-prefetch-git --url https://example.org/u --rev "+commitA+" --quiet", out, "", 0)
	native := &stubPrefetcher{pins: map[string]Pin{commitA: {Rev: commitA, Hash: "sha256-native"}}}
	pin, err := (&NixPrefetchGit{Runner: r, Native: native}).Prefetch(context.Background(), Request{Fetcher: GitHub, URL: "https://example.org/u", Rev: commitA})
	if err != nil {
		t.Fatal(err)
	}
	if pin.Hash != "sha256-native" {
		t.Errorf("hash = %s, want the native prefetcher's", pin.Hash)
	}
	r.expect("nix-prefetch-git --url https://example.org/u --rev "+commitA+" --quiet", out, "", 0)
	pin, err = (&NixPrefetchGit{Runner: r}).Prefetch(context.Background(), Request{Fetcher: GitHub, URL: "https://example.org/u", Rev: commitA})
	if err != nil || pin.Hash != helloSRI || len(pin.Warnings) != 1 {
		t.Errorf("without a native prefetcher: %+v, %v; want nix-prefetch-git's hash and a warning", pin, err)
	}
}

// stubPrefetcher returns canned pins by rev and counts calls.
type stubPrefetcher struct {
	mu    sync.Mutex
	pins  map[string]Pin
	errs  map[string]error
	calls int
}

func (s *stubPrefetcher) Prefetch(ctx context.Context, req Request) (Pin, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if err, ok := s.errs[req.Rev]; ok {
		return Pin{}, err
	}
	pin, ok := s.pins[req.Rev]
	if !ok {
		return Pin{}, fmt.Errorf("stub: unexpected rev %q", req.Rev)
	}
	return pin, nil
}

func TestPrefetchAll(t *testing.T) {
	s := &stubPrefetcher{pins: map[string]Pin{"a": {Hash: "A"}, "b": {Hash: "B"}}}
	reqs := []Request{{URL: "u", Rev: "a"}, {URL: "u", Rev: "b"}, {URL: "u", Rev: "a"}}
	var progress strings.Builder
	pins, err := PrefetchAll(context.Background(), s, reqs, 2, &progress)
	if err != nil {
		t.Fatal(err)
	}
	if pins[0].Hash != "A" || pins[1].Hash != "B" || pins[2].Hash != "A" || s.calls != 2 {
		t.Errorf("pins %+v after %d calls, want A B A after 2", pins, s.calls)
	}
	if strings.Count(progress.String(), "\n") != 2 || !strings.Contains(progress.String(), "[2/2] u") {
		t.Errorf("progress:\n%s", progress.String())
	}

	// A failure cancels the others; theirs (a killed git) is not the one
	// reported.
	boom := &diag.ToolError{Command: "git fetch", Err: errors.New("boom")}
	_, err = PrefetchAll(context.Background(), blocking{boom}, []Request{{Rev: "slow"}, {Rev: "fails"}, {Rev: "slow2"}}, 3, nil)
	if !errors.Is(err, boom) {
		t.Errorf("error %v, want the first failure rather than a cancellation", err)
	}
}

// blocking fails "fails" at once; every other request waits for the
// cancellation and fails as a killed command would.
type blocking struct{ err error }

func (b blocking) Prefetch(ctx context.Context, req Request) (Pin, error) {
	if req.Rev == "fails" {
		return Pin{}, b.err
	}
	<-ctx.Done()
	return Pin{}, &diag.ToolError{Command: "git fetch " + req.Rev, Err: errors.New("signal: killed")}
}

func TestSelect(t *testing.T) {
	bin := t.TempDir()
	t.Setenv("PATH", bin)
	if p, err := Select("auto"); err != nil || fmt.Sprintf("%T", p) != "*resolve.NativePrefetcher" {
		t.Errorf("auto without nix-prefetch-git = %T, %v; want native", p, err)
	}
	if _, err := Select("nix-prefetch-git"); diag.ExitCode(err) != diag.ExitTool {
		t.Errorf("nix-prefetch-git missing: %v, want a tool error", err)
	}
	if err := os.WriteFile(filepath.Join(bin, "nix-prefetch-git"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if p, err := Select(""); err != nil || fmt.Sprintf("%T", p) != "*resolve.NixPrefetchGit" {
		t.Errorf("auto with nix-prefetch-git = %T, %v", p, err)
	}
	if p, err := Select("native"); err != nil || fmt.Sprintf("%T", p) != "*resolve.NativePrefetcher" {
		t.Errorf("native = %T, %v", p, err)
	}
	if _, err := Select("curl"); diag.ExitCode(err) != diag.ExitInput {
		t.Errorf("unknown prefetcher: %v, want an input error", err)
	}
}

func TestParseGitHub(t *testing.T) {
	for url, want := range map[string]string{
		"https://github.com/o/r":          "o/r",
		"https://github.com/o/r.git":      "o/r",
		"git@github.com:o/r.git":          "o/r",
		"ssh://git@github.com/o/r":        "o/r",
		"https://github.com/o/r.js/":      "o/r.js",
		"https://gitlab.com/o/r":          "",
		"https://github.com/o":            "",
		"https://github.com.evil.org/o/r": "",
	} {
		owner, repo, ok := ParseGitHub(url)
		got := ""
		if ok {
			got = owner + "/" + repo
		}
		if got != want {
			t.Errorf("ParseGitHub(%q) = %q, want %q", url, got, want)
		}
	}
	if got := Mirror("https://github.com/o/r.git", "file:///m/"); got != "file:///m/o/r" {
		t.Errorf("Mirror = %s", got)
	}
	if got := Mirror("https://gitlab.com/o/r", "file:///m"); got != "https://gitlab.com/o/r" {
		t.Errorf("Mirror of a non-GitHub URL = %s", got)
	}
	for tag, want := range map[string]string{"v1.2.3": "1.2.3", "1.2.3": "1.2.3", "v1.2.3-rc.1": "1.2.3-rc.1", "v1.2": "", "release": ""} {
		if got := TagVersion(tag); got != want {
			t.Errorf("TagVersion(%q) = %q, want %q", tag, got, want)
		}
	}
}
