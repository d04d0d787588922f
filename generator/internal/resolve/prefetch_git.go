package resolve

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/ident"
)

// GitRunner runs git (and nix-prefetch-git): the only way the prefetchers
// reach the outside, so tests can put a fake in its place.
type GitRunner interface {
	// Run runs name with args in dir with exactly env as its environment
	// and returns its standard output. A command that fails returns a
	// *diag.ToolError carrying its standard error.
	Run(ctx context.Context, dir string, env []string, name string, args ...string) ([]byte, error)
	// Stream is Run with the standard output handed to consume as it is
	// produced. When consume fails the command is stopped.
	Stream(ctx context.Context, dir string, env []string, consume func(io.Reader) error, name string, args ...string) error
}

// ExecRunner runs commands with os/exec.
type ExecRunner struct{}

// Run implements GitRunner.
func (ExecRunner) Run(ctx context.Context, dir string, env []string, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), toolError(name, args, stderr.String(), err)
	}
	return stdout.Bytes(), nil
}

// Stream implements GitRunner.
func (ExecRunner) Stream(ctx context.Context, dir string, env []string, consume func(io.Reader) error, name string, args ...string) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return toolError(name, args, "", err)
	}
	cerr := consume(out)
	if cerr != nil {
		cancel()
	}
	io.Copy(io.Discard, out) // let the command finish writing
	werr := cmd.Wait()
	if werr != nil && cerr == nil {
		return toolError(name, args, stderr.String(), werr)
	}
	if cerr != nil {
		return fmt.Errorf("reading the output of %s: %w", commandLine(name, args), cerr)
	}
	return nil
}

func toolError(name string, args []string, stderr string, err error) *diag.ToolError {
	return &diag.ToolError{Command: commandLine(name, args), Stderr: stderr, Err: err}
}

// commandLine writes a command as a user could paste it into a shell. The
// "--" that ends the options of ls-remote and fetch before the URL is left
// out: the URL was checked (checkURL) and reads the same without it.
func commandLine(name string, args []string) string {
	words := []string{name}
	urlFirst := len(args) > 0 && (args[0] == "ls-remote" || args[0] == "fetch")
	for _, a := range args {
		if a != "--" || !urlFirst {
			words = append(words, a)
		}
	}
	for i, w := range words {
		if w == "" || strings.ContainsAny(w, " \t\n\"'\\$`|&;<>()*?[]{}~#!") {
			words[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
		}
	}
	return strings.Join(words, " ")
}

// gitEnv is the environment git runs in: the user's, minus anything that
// changes what git checks out or hashes (system and global configuration,
// GIT_DIR and friends), with HOME in home. As in Nix's fetchgit builder, a
// user's core.autocrlf cannot change a hash. Transport settings (proxies,
// certificates, ssh) are kept.
func gitEnv(environ []string, home string) []string {
	var env []string
	for _, kv := range environ {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case k == "HOME" || k == "XDG_CONFIG_HOME" || k == "LC_ALL" || k == "LANGUAGE":
			continue
		case strings.HasPrefix(k, "GIT_"):
			if !keptGitVar(k) {
				continue
			}
		}
		env = append(env, kv)
	}
	return append(env,
		"HOME="+home,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_TERMINAL_PROMPT=0",
		"LC_ALL=C",
	)
}

func keptGitVar(k string) bool {
	for _, p := range []string{"GIT_SSL_", "GIT_SSH", "GIT_PROXY_", "GIT_HTTP_", "GIT_CURL_"} {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

// Ref is one ref a remote advertises, peeled to the commit it names.
type Ref struct {
	Name   string // HEAD, refs/heads/main, refs/tags/v1.2.0
	Commit string
}

// Remote lists a git remote's refs.
type Remote interface {
	Refs(ctx context.Context, url string) ([]Ref, error)
}

// GitRemote lists refs with `git ls-remote`.
type GitRemote struct {
	Runner  GitRunner // nil: ExecRunner
	Environ []string  // the user's environment; nil: os.Environ()
	Git     string    // "": "git"
}

// Refs returns HEAD, the branches and the tags of url; annotated tags are
// peeled to their commit.
func (g *GitRemote) Refs(ctx context.Context, url string) ([]Ref, error) {
	if err := checkURL(url); err != nil {
		return nil, err
	}
	home, cleanup, err := tempDir("nixgen-git-home-")
	if err != nil {
		return nil, err
	}
	defer cleanup()
	runner, gitCmd, environ := g.Runner, g.Git, g.Environ
	if runner == nil {
		runner = ExecRunner{}
	}
	if gitCmd == "" {
		gitCmd = "git"
	}
	if environ == nil {
		environ = os.Environ()
	}
	out, err := runner.Run(ctx, home, gitEnv(environ, home), gitCmd, "ls-remote", "--", url, "HEAD", "refs/heads/*", "refs/tags/*")
	if err != nil {
		return nil, err
	}
	return parseRefs(out), nil
}

// parseRefs reads ls-remote's output, replacing an annotated tag's object
// with the commit of its peeled line.
func parseRefs(out []byte) []Ref {
	var refs []Ref
	at := map[string]int{}
	for line := range strings.SplitSeq(string(out), "\n") {
		sha, name, ok := strings.Cut(strings.TrimSpace(line), "\t")
		if !ok || !objectName.MatchString(sha) || name == "" || strings.HasPrefix(name, "-") {
			continue
		}
		if base, peeled := strings.CutSuffix(name, "^{}"); peeled {
			if i, ok := at[base]; ok {
				refs[i].Commit = sha
			}
			continue
		}
		at[name] = len(refs)
		refs = append(refs, Ref{Name: name, Commit: sha})
	}
	return refs
}

// objectName is a SHA-1 or SHA-256 object name, as ls-remote prints them.
var objectName = regexp.MustCompile(`^(?:[0-9a-f]{40}|[0-9a-f]{64})$`)

// checkURL refuses a URL that git could take for an option, before it
// reaches any command line (the commands also put it after "--").
func checkURL(url string) error {
	if err := ident.FetchURL(url); err != nil {
		return &diag.InputError{Msg: fmt.Sprintf("refusing to fetch %q: %v", url, err),
			Hint: "the URL comes from the project's files; correct it there"}
	}
	return nil
}

// checkRequest refuses a request whose URL or revision git could take
// for an option.
func checkRequest(req Request) error {
	if err := checkURL(req.URL); err != nil {
		return err
	}
	for _, r := range []string{req.Rev, req.Ref} {
		if strings.HasPrefix(r, "-") || strings.ContainsFunc(r, func(c rune) bool { return c < 0x20 || c == 0x7f || c == ' ' }) {
			return &diag.InputError{Msg: fmt.Sprintf("refusing to fetch %s at %q: not a commit, branch or tag name", req.URL, r)}
		}
	}
	return nil
}

// Target is a revision resolved against a remote's refs.
type Target struct {
	Commit  string
	Ref     string // "" when a commit was asked for
	Tag     string
	Version string
}

// ResolveRev finds rev (see Request.Rev) among refs, the refs of url. A
// full commit hash resolves to itself without looking. An unknown rev is a
// *diag.ToolError naming rev and url.
func ResolveRev(url string, refs []Ref, rev string) (Target, error) {
	if isCommit(rev) {
		return Target{Commit: rev}, nil
	}
	find := func(name string) (Ref, bool) {
		i := slices.IndexFunc(refs, func(r Ref) bool { return r.Name == name })
		if i < 0 {
			return Ref{}, false
		}
		return refs[i], true
	}
	var candidates []string
	switch {
	case rev == "" || rev == "HEAD":
		candidates = []string{"HEAD"}
	case strings.HasPrefix(rev, "refs/"):
		candidates = []string{rev}
	default:
		candidates = []string{"refs/tags/" + rev, "refs/heads/" + rev}
	}
	for _, c := range candidates {
		if r, ok := find(c); ok {
			t := Target{Commit: r.Commit, Ref: r.Name}
			if tag, ok := strings.CutPrefix(r.Name, "refs/tags/"); ok {
				t.Tag, t.Version = tag, TagVersion(tag)
			}
			return t, nil
		}
	}
	what := fmt.Sprintf("no branch or tag %q", rev)
	switch {
	case rev == "" || rev == "HEAD":
		what = "no HEAD (an empty repository?)"
	case strings.HasPrefix(rev, "refs/"):
		what = fmt.Sprintf("no ref %q", rev)
	case fullHexish(rev):
		what = fmt.Sprintf("no branch or tag %q; an abbreviated commit cannot be fetched: give all 40 hex digits", rev)
	}
	return Target{}, &diag.ToolError{
		Command: commandLine("git", []string{"ls-remote", url}),
		Err:     fmt.Errorf("%s in %s", what, url),
	}
}

// fullHexish reports whether s looks like an abbreviated commit hash.
func fullHexish(s string) bool {
	return len(s) >= 4 && len(s) < 40 && strings.Trim(s, "0123456789abcdef") == ""
}

// resolveRequest resolves req.Rev against the remote unless it is already
// a commit.
func resolveRequest(ctx context.Context, remote Remote, req Request) (Target, error) {
	if err := checkRequest(req); err != nil {
		return Target{}, err
	}
	if isCommit(req.Rev) {
		t := Target{Commit: req.Rev, Ref: req.Ref}
		if tag, ok := strings.CutPrefix(req.Ref, "refs/tags/"); ok {
			t.Tag, t.Version = tag, TagVersion(tag)
		}
		return t, nil
	}
	refs, err := remote.Refs(ctx, req.URL)
	if err != nil {
		return Target{}, err
	}
	return ResolveRev(req.URL, refs, req.Rev)
}

// Origin returns the URL of the remote "origin" of the git repository
// that contains dir.
func Origin(ctx context.Context, runner GitRunner, dir string) (string, error) {
	if runner == nil {
		runner = ExecRunner{}
	}
	out, err := runner.Run(ctx, dir, os.Environ(), "git", "remote", "get-url", "origin")
	if err != nil {
		var tool *diag.ToolError
		if errors.As(err, &tool) {
			return "", &diag.InputError{File: dir, Msg: "no git remote named origin to take the source from: " + strings.TrimSpace(tool.Stderr),
				Hint: "name the repository: --src github:OWNER/REPO, or --src git:URL"}
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// Head returns the commit checked out in the git repository that contains
// dir, or "" when there is none.
func Head(ctx context.Context, runner GitRunner, dir string) string {
	if runner == nil {
		runner = ExecRunner{}
	}
	out, err := runner.Run(ctx, dir, os.Environ(), "git", "rev-parse", "--verify", "-q", "HEAD")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}
