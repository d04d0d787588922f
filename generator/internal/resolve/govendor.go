package resolve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/model"
	"github.com/nixgen/nixgen/generator/internal/narhash"
)

// GoRunner runs one command: the only way GoVendorHasher reaches the
// outside, so tests can put a fake in its place.
type GoRunner interface {
	// Run runs name with args in dir with exactly env as its environment
	// and returns its standard output. A command that fails returns a
	// *diag.ToolError carrying its standard error.
	Run(ctx context.Context, dir string, env []string, name string, args ...string) (stdout []byte, err error)
}

// GoVendorHash is the vendorHash of buildGoModule for one module.
type GoVendorHash struct {
	// Hash is the SRI hash of vendor/; "" when Null.
	Hash string
	// Null means vendorHash = null: there is nothing to vendor, or the
	// source carries its own vendor/ directory. NullReason says which.
	Null       bool
	NullReason string
	// GoVersion is the Go minor version ("1.26") that computed Hash: the
	// vendor tree, and so the hash, can differ between Go minor versions,
	// so the hash holds only for a nixpkgs Go of the same minor version.
	// "" when Null, which does not depend on Go.
	GoVersion string
	// Deps is what the vendored dependencies need from C (ReadDeps);
	// nil when not read. Warnings are what reading them left out.
	Deps     *model.GoDeps
	Warnings []string
}

// GoModuleFetchError is a dependency the module proxy (or its origin)
// could not deliver. It unwraps to the *diag.ToolError of `go mod vendor`
// (exit 3).
type GoModuleFetchError struct {
	Module  string // module path, "github.com/x/y"
	Version string // "v1.2.3"; "" when go did not say
	Answer  string // what the server answered: "404 Not Found", plus its response text
	Err     *diag.ToolError
}

func (e *GoModuleFetchError) Error() string {
	mod := e.Module
	if e.Version != "" {
		mod += "@" + e.Version
	}
	return fmt.Sprintf("go mod vendor: cannot download %s: %s\n  hint: check that the version exists and that GOPROXY, GOPRIVATE and GONOSUMDB reach it", mod, e.Answer)
}

func (e *GoModuleFetchError) Unwrap() error { return e.Err }

// GoVendorHasher computes buildGoModule's vendorHash natively: it runs
// `go mod vendor` on a copy of the module, in the environment
// buildGoModule's go-modules derivation pins, and takes the NAR hash of
// vendor/.
//
// Pinned: GO111MODULE=on, GOTOOLCHAIN=local, GOFLAGS empty, GOWORK=off,
// GOENV=off (so no go env -w setting leaks in), fresh GOPATH and GOCACHE.
// Taken from the user's effective `go env`: GOMODCACHE (so downloads are
// reused) and what decides where modules come from: GOPROXY, GONOPROXY,
// GOPRIVATE, GONOSUMDB, GOSUMDB, GOINSECURE, GOVCS, GOAUTH. Other GO* and
// CGO_* variables are dropped; the rest (PATH, HOME, proxies, certificates
// for direct git fetches) is passed on.
type GoVendorHasher struct {
	Runner  GoRunner // nil: ExecRunner
	Environ []string // the user's environment; nil: os.Environ()
	Go      string   // the go command; "": "go"
	// ReadDeps, when set, reads the vendor tree before it is removed
	// (GoVendorHash.Deps).
	ReadDeps func(vendor fs.FS) (*model.GoDeps, []string, error)
}

// goEnvKeys are read from the user's effective go env and passed on.
var goEnvKeys = []string{"GOMODCACHE", "GOPROXY", "GONOPROXY", "GOPRIVATE", "GONOSUMDB", "GOSUMDB", "GOINSECURE", "GOVCS", "GOAUTH"}

// passedGoVars are GO* variables passed on verbatim when set; go env does
// not report them.
var passedGoVars = []string{"GONOSUMCHECK"}

// Hash returns the vendorHash of the Go module in the directory root.
func (h *GoVendorHasher) Hash(ctx context.Context, root string) (GoVendorHash, error) {
	if _, err := os.Stat(filepath.Join(root, "vendor", "modules.txt")); err == nil {
		return GoVendorHash{Null: true, NullReason: "the source carries vendor/"}, nil
	}
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return GoVendorHash{}, &diag.InputError{File: "go.mod", Msg: err.Error()}
	}
	mf, err := modfile.Parse("go.mod", data, nil)
	if err != nil {
		return GoVendorHash{}, &diag.InputError{Msg: err.Error(), Err: err}
	}
	// Without requirements or replacements, go mod vendor writes nothing
	// and buildGoModule wants null; say so without running go.
	if len(mf.Require) == 0 && len(mf.Replace) == 0 {
		return GoVendorHash{Null: true, NullReason: "go.mod has no requirements", Deps: h.none()}, nil
	}

	runner := h.Runner
	if runner == nil {
		runner = ExecRunner{}
	}
	goCmd := h.Go
	if goCmd == "" {
		goCmd = "go"
	}
	environ := h.Environ
	if environ == nil {
		environ = os.Environ()
	}

	tmp, cleanup, err := tempDir("nixgen-govendor-")
	if err != nil {
		return GoVendorHash{}, err
	}
	defer cleanup()

	// The user's effective settings, read outside the module so that its
	// go.mod toolchain line cannot start a toolchain download.
	goEnv, err := h.goEnv(ctx, runner, goCmd, tmp, environ)
	if err != nil {
		return GoVendorHash{}, err
	}
	minor, err := goMinor(goEnv["GOVERSION"])
	if err != nil {
		return GoVendorHash{}, err
	}

	src := filepath.Join(tmp, "src")
	if err := copyModule(root, src); err != nil {
		return GoVendorHash{}, err
	}
	env := vendorEnv(environ, goEnv, tmp)
	if _, err := runner.Run(ctx, src, env, goCmd, "mod", "vendor"); err != nil {
		return GoVendorHash{}, fetchError(err)
	}

	vendor := filepath.Join(src, "vendor")
	entries, err := os.ReadDir(vendor)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && len(entries) == 0) {
		return GoVendorHash{Null: true, NullReason: "go mod vendor found nothing to vendor", Deps: h.none()}, nil
	}
	if err != nil {
		return GoVendorHash{}, err
	}
	sum, err := narhash.Path(vendor)
	if err != nil {
		return GoVendorHash{}, err
	}
	out := GoVendorHash{Hash: sum.SRI(), GoVersion: minor}
	if h.ReadDeps != nil {
		if out.Deps, out.Warnings, err = h.ReadDeps(os.DirFS(vendor)); err != nil {
			return GoVendorHash{}, err
		}
	}
	return out, nil
}

// none is Deps when there is nothing to vendor: read, and empty.
func (h *GoVendorHasher) none() *model.GoDeps {
	if h.ReadDeps == nil {
		return nil
	}
	return &model.GoDeps{}
}

// goEnv returns GOVERSION and goEnvKeys as the user's go command sees them.
func (h *GoVendorHasher) goEnv(ctx context.Context, runner GoRunner, goCmd, dir string, environ []string) (map[string]string, error) {
	env := append(withoutVars(environ, "GOTOOLCHAIN", "GOWORK"), "GOTOOLCHAIN=local", "GOWORK=off")
	out, err := runner.Run(ctx, dir, env, goCmd, append([]string{"env", "-json", "GOVERSION"}, goEnvKeys...)...)
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	if err := json.Unmarshal(out, &m); err != nil {
		return nil, &diag.ToolError{Command: goCmd + " env -json", Stderr: string(out), Err: fmt.Errorf("unexpected output: %w", err)}
	}
	if m["GOMODCACHE"] == "" || m["GOVERSION"] == "" {
		return nil, &diag.ToolError{Command: goCmd + " env -json", Stderr: string(out), Err: errors.New("GOMODCACHE or GOVERSION missing")}
	}
	return m, nil
}

// goMinor turns "go1.26.8" (or "go1.26rc1", "go1.26.8 X:nocoverageredesign")
// into "1.26".
func goMinor(goversion string) (string, error) {
	m := regexp.MustCompile(`^go(1\.\d+)`).FindStringSubmatch(goversion)
	if m == nil {
		return "", &diag.ToolError{Command: "go env GOVERSION", Err: fmt.Errorf("cannot read Go version %q", goversion)}
	}
	return m[1], nil
}

// vendorEnv is the environment of `go mod vendor` (see GoVendorHasher).
func vendorEnv(environ []string, goEnv map[string]string, tmp string) []string {
	var env []string
	for _, kv := range environ {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "GO") || strings.HasPrefix(k, "CGO_") {
			for _, p := range passedGoVars {
				if k == p {
					env = append(env, kv)
				}
			}
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		"GO111MODULE=on",
		"GOTOOLCHAIN=local",
		"GOFLAGS=",
		"GOWORK=off",
		"GOENV=off",
		"GOPATH="+filepath.Join(tmp, "gopath"),
		"GOCACHE="+filepath.Join(tmp, "gocache"),
	)
	for _, k := range goEnvKeys {
		env = append(env, k+"="+goEnv[k])
	}
	return env
}

func withoutVars(environ []string, names ...string) []string {
	var out []string
	for _, kv := range environ {
		k, _, _ := strings.Cut(kv, "=")
		drop := false
		for _, n := range names {
			if k == n {
				drop = true
			}
		}
		if !drop {
			out = append(out, kv)
		}
	}
	return out
}

// fetchLine matches the go command's report of a module it could not
// fetch: "go: example.com/m@v1.0.0: reading https://...: 404 Not Found",
// also after "example.com/app imports\n\texample.com/m: ".
var fetchLine = regexp.MustCompile(`(?:^|: )([^\s:@]+)@(v[^\s:]+): (.*)$`)

// fetchError turns a failed `go mod vendor` into a *GoModuleFetchError
// when its stderr names a module it could not download, into a
// *diag.InputError when go.sum lacks an entry (the source's fault, exit
// 2), else returns the *diag.ToolError as it is.
func fetchError(err error) error {
	var tool *diag.ToolError
	if !errors.As(err, &tool) {
		return err
	}
	lines := strings.Split(tool.Stderr, "\n")
	for _, line := range lines {
		if strings.Contains(line, "missing go.sum entry") {
			return &diag.InputError{
				File: "go.sum", Msg: strings.TrimPrefix(strings.TrimSpace(line), "go: "),
				Hint: "run `go mod tidy` and keep go.sum in the source",
			}
		}
	}
	for i, line := range lines {
		line = strings.TrimSpace(line)
		m := fetchLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		answer := m[3]
		if _, after, ok := strings.Cut(answer, "reading "); ok {
			// "reading <url>: 404 Not Found": keep what the server said.
			if k := strings.LastIndex(after, ": "); k >= 0 {
				answer = after[k+2:]
			}
		}
		for _, more := range lines[i+1:] {
			more = strings.TrimSpace(more)
			if !strings.HasPrefix(more, "server response:") {
				break
			}
			answer += " (" + more + ")"
		}
		return &GoModuleFetchError{Module: m[1], Version: m[2], Answer: answer, Err: tool}
	}
	return tool
}

// copyModule copies the source tree at root to dst, leaving out .git
// directories and the root's vendor/ and go.work. Symbolic links are copied
// as links.
func copyModule(root, dst string) error {
	// The temporary directory may lie inside the project (TMPDIR=./.tmp):
	// never copy the copy into itself.
	tmp, _ := filepath.Abs(filepath.Dir(dst))
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if abs, _ := filepath.Abs(p); d.IsDir() && abs == tmp {
			return filepath.SkipDir
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir() && (d.Name() == ".git" || rel == "vendor"):
			return filepath.SkipDir
		case rel == "go.work" || rel == "go.work.sum" || d.Name() == ".git":
			return nil
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case d.Type()&fs.ModeSymlink != 0:
			link, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		case !d.Type().IsRegular():
			return nil
		}
		return copyFile(p, target)
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, fi.Mode().Perm()|0o200)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
