package nixtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// commandTimeout bounds one nix invocation; the stand-ins evaluate in well
// under a second, so a hang means something waits on the network.
const commandTimeout = 2 * time.Minute

// NixError is a failed nix command: the arguments it ran with and what it
// printed on stderr (the evaluation error).
type NixError struct {
	Args   []string
	Stderr string
	Err    error
}

func (e *NixError) Error() string {
	return fmt.Sprintf("%s: %v\n%s", strings.Join(e.Args, " "), e.Err, e.Stderr)
}

func (e *NixError) Unwrap() error { return e.Err }

// Result is what a successful nix command printed.
type Result struct {
	Stdout string
	// Warnings are the evaluation warnings Nix traced, such as lib.warn
	// messages, without the "trace: " prefix.
	Warnings []string
}

// StandinsDir returns the absolute path of internal/nixtest/testdata/standins in this
// repository, where the stand-in flakes live.
func StandinsDir(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("nixtest: cannot locate its own source file")
	}
	dir := filepath.Join(filepath.Dir(file), "testdata", "standins")
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatalf("nixtest: %v", err)
	}
	if _, err := os.Stat(filepath.Join(abs, "nixpkgs", "flake.nix")); err != nil {
		t.Fatalf("nixtest: stand-ins not found at %s: %v", abs, err)
	}
	return abs
}

// nixEnv returns an environment that keeps Nix off the network and away
// from the machine's caches and registries: a private HOME and XDG dirs,
// no substituters and an empty flake registry.
func nixEnv(t testing.TB) []string {
	t.Helper()
	home := t.TempDir()
	registry := filepath.Join(home, "registry.json")
	if err := os.WriteFile(registry, []byte(`{"flakes":[],"version":2}`), 0o644); err != nil {
		t.Fatalf("nixtest: %v", err)
	}
	conf := strings.Join([]string{
		"experimental-features = nix-command flakes",
		"flake-registry = " + registry,
		"substituters =",
		"warn-dirty = false",
		"tarball-ttl = 4294967295",
		"connect-timeout = 1",
	}, "\n")
	var env []string
	for _, kv := range os.Environ() {
		switch strings.SplitN(kv, "=", 2)[0] {
		case "HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "NIX_CONFIG", "NIX_PATH":
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"HOME="+home,
		"XDG_CACHE_HOME="+filepath.Join(home, "cache"),
		"XDG_CONFIG_HOME="+filepath.Join(home, "config"),
		"XDG_DATA_HOME="+filepath.Join(home, "data"),
		"XDG_STATE_HOME="+filepath.Join(home, "state"),
		"NIX_CONFIG="+conf,
		"NIX_PATH=",
	)
}

// run runs a tool with the offline Nix environment and returns stdout, or
// a *NixError carrying stderr.
func run(t testing.TB, tool string, args ...string) (Result, error) {
	t.Helper()
	path := Require(t, tool)
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = nixEnv(t)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("timed out after %s: %w", commandTimeout, ctx.Err())
	}
	errText := cleanStderr(stderr.String())
	if err != nil {
		return Result{}, &NixError{Args: append([]string{tool}, args...), Stderr: errText, Err: err}
	}
	return Result{Stdout: stdout.String(), Warnings: traceWarnings(stderr.String())}, nil
}

// cleanStderr drops the lock-file chatter --no-write-lock-file causes.
func cleanStderr(s string) string {
	var out []string
	skipping := false
	for _, line := range strings.Split(s, "\n") {
		switch {
		case strings.HasPrefix(line, "warning: not writing modified lock file"):
			skipping = true
			continue
		case skipping && (strings.HasPrefix(line, "• ") || strings.HasPrefix(line, "    ")):
			continue
		}
		skipping = false
		out = append(out, line)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// traceWarnings returns the messages of lib.warn and similar traces.
func traceWarnings(stderr string) []string {
	var warnings []string
	for _, line := range strings.Split(stderr, "\n") {
		msg, ok := strings.CutPrefix(line, "trace: ")
		if !ok {
			continue
		}
		for _, prefix := range []string{"evaluation warning: ", "warning: "} {
			if rest, ok := strings.CutPrefix(msg, prefix); ok {
				warnings = append(warnings, rest)
				break
			}
		}
	}
	return warnings
}

// Parse checks that the file at path is valid Nix syntax, failing the test
// with Nix's message otherwise.
func Parse(t testing.TB, path string) {
	t.Helper()
	if _, err := run(t, "nix-instantiate", "--parse", path); err != nil {
		t.Fatalf("nix-instantiate --parse %s:\n%s", path, errorText(err))
	}
}

func errorText(err error) string {
	var nixErr *NixError
	if errors.As(err, &nixErr) {
		return nixErr.Stderr
	}
	return err.Error()
}
