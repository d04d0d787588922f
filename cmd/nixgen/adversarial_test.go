package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/rhysd/actionlint"

	"github.com/nixgen/nixgen/internal/nixtest"
)

// The adversarial table: hostile payloads at every place a value enters
// nixgen (Cargo.toml and go.mod fields, Go source, goreleaser's ldflags,
// init's and host's flags), each through `nixgen init` or `nixgen host` on
// a small project. Each run either exits 2 with a message that names the
// value, or writes files where every .nix parses, every workflow passes
// actionlint (with shellcheck), every script passes shellcheck, every unit
// passes systemd-analyze verify, and no payload became code: payloads
// reference PWNED, which no generated file defines, so a Nix payload that
// became code fails to parse (undefined variable); a shell payload that
// ran creates a file PWNED; a unit payload that became a setting adds an
// ExecStartPre=; a workflow payload that became an expression spells
// "${{ PWNED".

var adversarialPayloads = map[string]string{
	"quote":      `a"PWNED`,
	"interp":     "x${PWNED}",
	"quote-dlr":  "a'${PWNED}",
	"two-quotes": "a''${PWNED}''",
	"newline":    "a\nExecStartPre=/bin/touch PWNED",
	"cr":         "a\rExecStartPre=/bin/touch PWNED",
	"percent":    "100%n %i",
	"cmdsubst":   "$(touch PWNED)",
	"backtick":   "`touch PWNED`",
	"nul":        "a\x00b",
	"bidi":       "abc\u202ePWNED",
	"long":       strings.Repeat("a", 5000),
	"rec":        "rec",
	"in":         "in",
	"let":        "let",
	"dash":       "--PWNED",
	"dotdot":     "../PWNED",
	"gha":        "${{ PWNED }}",
}

// tomlStr writes s as a TOML basic string (JSON's escapes are TOML's).
func tomlStr(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return strings.TrimSpace(b.String())
}

// adversarialEntry puts a payload in one place of a small project.
type adversarialEntry struct {
	name string
	// where names the place of the value: an error that names it instead
	// of the value (go.mod:1: ...) names the value too.
	where string
	host  bool // nixgen host on a generated app, not nixgen init
	// project returns the project's files and the command's extra flags.
	project func(p string) (map[string]string, []string)
}

const goMain = `package main

import (
	"fmt"
	"net/http"
	"os"
)

var version = "dev"

func main() {
	port := os.Getenv(%s)
	mux := http.NewServeMux()
	mux.HandleFunc(%s, func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok", version) })
	http.ListenAndServe(%s+port, mux)
}
`

func goProject(module, env, health, host string) map[string]string {
	return map[string]string{
		"go.mod":  "module " + module + "\n\ngo 1.22\n",
		"main.go": fmt.Sprintf(goMain, strconv.Quote(env), strconv.Quote("GET "+health), strconv.Quote(host+":")),
	}
}

func rustProject(name, version, description, license, extra string) map[string]string {
	return map[string]string{
		"Cargo.toml": "[package]\nname = " + tomlStr(name) + "\nversion = " + tomlStr(version) + "\nedition = \"2021\"\ndescription = " +
			tomlStr(description) + "\nlicense = " + tomlStr(license) + "\n" + extra,
		"src/main.rs": "fn main() {}\n",
		"Cargo.lock":  "version = 3\n\n[[package]]\nname = " + tomlStr(name) + "\nversion = " + tomlStr(version) + "\n",
	}
}

var (
	goFlags   = []string{"--service", "--vendor-hash", "fake", "--target", "plain"}
	rustFlags = []string{"--service", "--cachix", "cache", "--deploy-repo", "acme/infra"}
)

var adversarialEntries = []adversarialEntry{
	{"package name", "Cargo.toml", false, func(p string) (map[string]string, []string) {
		return rustProject(p, "0.1.0", "d", "MIT", ""), []string{"--service", "--cachix", "cache", "--deploy-repo", "acme/infra"}
	}},
	{"description", "Cargo.toml", false, func(p string) (map[string]string, []string) {
		return rustProject("app", "0.1.0", p, "MIT", ""), []string{"--service", "--target", "plain"}
	}},
	{"version", "Cargo.toml", false, func(p string) (map[string]string, []string) { return rustProject("app", p, "d", "MIT", ""), rustFlags }},
	{"licence", "Cargo.toml", false, func(p string) (map[string]string, []string) {
		return rustProject("app", "0.1.0", "d", p, ""), rustFlags
	}},
	{"feature", "Cargo.toml", false, func(p string) (map[string]string, []string) {
		return rustProject("app", "0.1.0", "d", "MIT", "\n[features]\ndefault = ["+tomlStr(p)+"]\n"+tomlStr(p)+" = []\n"), rustFlags
	}},
	{"member path", "Cargo.toml", false, func(p string) (map[string]string, []string) {
		files := rustProject("app", "0.1.0", "d", "MIT", "\n[workspace]\nmembers = ["+tomlStr(p)+"]\n")
		if !strings.ContainsAny(p, "\x00\n\r") && len(p) < 200 && !strings.Contains(p, "..") {
			files[filepath.Join(p, "Cargo.toml")] = "[package]\nname = \"member\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"
			files[filepath.Join(p, "src", "main.rs")] = "fn main() {}\n"
		}
		return files, []string{"--service"}
	}},
	{"git URL", "Cargo.lock", false, func(p string) (map[string]string, []string) {
		files := rustProject("app", "0.1.0", "d", "MIT", "\n[dependencies]\ndep = { git = "+tomlStr(p)+" }\n")
		files["Cargo.lock"] = "version = 3\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\"dep\"]\n\n[[package]]\nname = \"dep\"\nversion = \"0.1.0\"\nsource = " +
			tomlStr("git+"+p+"#0123456789abcdef0123456789abcdef01234567") + "\n"
		return files, []string{"--service"}
	}},
	{"go module path", "go.mod", false, func(p string) (map[string]string, []string) {
		return goProject("example.com/"+p, "PORT", "/healthz", ""), goFlags
	}},
	{"env var name", "main.go", false, func(p string) (map[string]string, []string) {
		return goProject("example.com/app", p, "/healthz", ""), goFlags
	}},
	{"flag name", "main.go", false, func(p string) (map[string]string, []string) {
		files := goProject("example.com/app", "PORT", "/healthz", "")
		files["main.go"] = strings.Replace(files["main.go"], `port := os.Getenv("PORT")`, `port := *flag.String(`+strconv.Quote(p)+`, "8080", "port")`+"\n\tflag.Parse()\n\t_ = os.Args", 1)
		files["main.go"] = strings.Replace(files["main.go"], `"fmt"`, "\"flag\"\n\t\"fmt\"", 1)
		return files, goFlags
	}},
	{"listen host", "main.go", false, func(p string) (map[string]string, []string) {
		return goProject("example.com/app", "PORT", "/healthz", p), goFlags
	}},
	{"health path", "main.go", false, func(p string) (map[string]string, []string) {
		return goProject("example.com/app", "PORT", "/h"+p, ""), goFlags
	}},
	{"ldflags", ".goreleaser.yaml", false, func(p string) (map[string]string, []string) {
		files := goProject("example.com/app", "PORT", "/healthz", "")
		files[".goreleaser.yaml"] = "builds:\n  - ldflags:\n      - " + tomlStr(p) + "\n"
		return files, goFlags
	}},
	{"cachix name", "--cachix", false, func(p string) (map[string]string, []string) {
		return rustProject("app", "0.1.0", "d", "MIT", ""), []string{"--service", "--cachix", p}
	}},
	{"deploy repo", "--deploy-repo", false, func(p string) (map[string]string, []string) {
		return rustProject("app", "0.1.0", "d", "MIT", ""), []string{"--service", "--deploy-repo", p}
	}},
	{"host name", "HOST", true, func(p string) (map[string]string, []string) {
		return nil, []string{"--hostname", "web1.example.org", "--", p}
	}},
	{"hostname", "--hostname", true, func(p string) (map[string]string, []string) { return nil, []string{"--hostname", p, "web1"} }},
	{"ssh user", "--ssh-user", true, func(p string) (map[string]string, []string) {
		return nil, []string{"--hostname", "web1.example.org", "--ssh-user", p, "web1"}
	}},
}

func TestAdversarial(t *testing.T) {
	for _, tool := range []string{"nix-instantiate", "shellcheck", "systemd-analyze", "sh"} {
		nixtest.Require(t, tool)
	}
	app := adversarialApp(t)
	names := make([]string, 0, len(adversarialPayloads))
	for n := range adversarialPayloads {
		names = append(names, n)
	}
	for _, e := range adversarialEntries {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			for _, pn := range names {
				p := adversarialPayloads[pn]
				t.Run(pn, func(t *testing.T) {
					t.Parallel()
					dir, code, stderr := adversarialRun(t, e, p, app)
					t.Logf("exit %d", code)
					switch code {
					case 0:
						checkAdversarialOutput(t, dir, p)
					case 2:
						if !namesValue(stderr, p) && !strings.Contains(stderr, e.where) {
							t.Errorf("exit 2 without naming the value %q:\n%s", p, stderr)
						}
					default:
						t.Errorf("exit %d (want 0, or 2 naming the value):\n%s", code, stderr)
					}
				})
			}
		})
	}
}

// adversarialApp generates a plain app flake with a module, for nixgen host.
func adversarialApp(t *testing.T) string {
	dir := filepath.Join(t.TempDir(), "app")
	for path, text := range rustProject("greeter", "0.1.0", "d", "MIT", "") {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, path)), 0o755)
		os.WriteFile(filepath.Join(dir, path), []byte(text), 0o644)
	}
	var out, errb bytes.Buffer
	if code := run([]string{"nixgen", "init", "--service", dir}, &out, &errb, goldenEnv); code != 0 {
		t.Fatalf("init of the app exited %d:\n%s", code, errb.String())
	}
	return dir
}

func adversarialRun(t *testing.T, e adversarialEntry, p, app string) (string, int, string) {
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "project")
	files, args := e.project(p)
	for path, text := range files {
		full := filepath.Join(dir, path)
		if !strings.HasPrefix(full, dir+string(filepath.Separator)) {
			continue // a payload path that leaves the project: its files are not written
		}
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			continue // a name the file system refuses: detection finds it missing
		}
		os.WriteFile(full, []byte(text), 0o644)
	}
	os.MkdirAll(dir, 0o755)
	var cmd []string
	if e.host {
		cmd = append([]string{"nixgen", "host", "--app", app, "--dir", dir}, args...)
	} else {
		cmd = append(append([]string{"nixgen", "init"}, args...), "--", dir)
	}
	var out, errb bytes.Buffer
	code := run(cmd, &out, &errb, goldenEnv)
	return dir, code, errb.String()
}

// namesValue reports whether an error message names the value: the value,
// its Go quoting or its first 40 bytes either way.
func namesValue(msg, p string) bool {
	q := strconv.Quote(p)
	q = q[1 : len(q)-1]
	for _, form := range []string{p, q} {
		if len(form) > 40 {
			form = form[:40]
		}
		if strings.Contains(msg, form) {
			return true
		}
	}
	return false
}

var ghaExpr = regexp.MustCompile(`\$\{\{\s*PWNED`)

// checked holds the contents already checked, by SHA-256 of path and
// content: most payloads leave most files as they were, and the tools are
// the slow part.
var checked sync.Map

func checkAdversarialOutput(t *testing.T, dir, p string) {
	files := readTree(t, dir)
	shellcheck, _ := exec.LookPath("shellcheck")
	for path, data := range files {
		full := filepath.Join(dir, path)
		key := sha256.Sum256([]byte(path + "\x00" + string(data)))
		if _, seen := checked.LoadOrStore(key, true); seen {
			continue
		}
		switch {
		case strings.HasSuffix(path, ".nix"):
			out, err := exec.Command("nix-instantiate", "--parse", full).CombinedOutput()
			// PWNED is defined nowhere: a payload that became code fails
			// here as an undefined variable.
			if err != nil {
				t.Errorf("%s does not parse: %v\n%s", path, err, out)
			}
		case strings.HasPrefix(path, ".github/workflows/"):
			linter, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{Shellcheck: shellcheck, LogWriter: io.Discard})
			if err != nil {
				t.Fatal(err)
			}
			if errs, err := linter.Lint(path, data, nil); err != nil || len(errs) > 0 {
				t.Errorf("actionlint %s: %v %v", path, errs, err)
			}
			// Comments are never evaluated; everything else is.
			if ghaExpr.Match(regexp.MustCompile(`(?m)^\s*#.*$`).ReplaceAll(data, nil)) {
				t.Errorf("%s: the payload became a GitHub expression", path)
			}
		case strings.HasSuffix(path, ".sh"):
			if out, err := exec.Command(shellcheck, "--norc", full).CombinedOutput(); err != nil {
				t.Errorf("shellcheck %s: %v\n%s", path, err, out)
			}
			// The assignments at the top hold the values: run them.
			var assigns []string
			for _, line := range strings.SplitAfter(string(data), "\n") {
				if regexp.MustCompile(`^[a-z_]+\(\) \{`).MatchString(line) {
					break
				}
				assigns = append(assigns, line)
			}
			sandbox := t.TempDir()
			cmd := exec.Command("sh", "-c", strings.Join(assigns, ""))
			cmd.Dir = sandbox
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("%s: its assignments fail: %v\n%s", path, err, out)
			}
			if _, err := os.Stat(filepath.Join(sandbox, "PWNED")); err == nil {
				t.Errorf("%s: the payload ran as a command", path)
			}
		case strings.HasSuffix(path, ".service"):
			if n := regexp.MustCompile(`(?m)^ExecStartPre=`).FindAll(data, -1); len(n) > 0 {
				t.Errorf("%s: the payload added ExecStartPre=:\n%s", path, data)
			}
			out, _ := exec.Command("systemd-analyze", "verify", "--man=no", full).CombinedOutput()
			rest := regexp.MustCompile(`(?m)^.*(/usr/local/lib/[^ ]*|is not executable|has a bad unit file setting|has fatal error).*\n?`).ReplaceAll(out, nil)
			if len(bytes.TrimSpace(rest)) > 0 {
				t.Errorf("systemd-analyze verify %s:\n%s", path, out)
			}
		case path == "nixgen.toml":
			var v map[string]any
			if _, err := toml.Decode(string(data), &v); err != nil {
				t.Errorf("nixgen.toml does not parse: %v", err)
			}
		}
	}
}
