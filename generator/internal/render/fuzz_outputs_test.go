package render

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"go.yaml.in/yaml/v4"

	"github.com/nixgen/nixgen/generator/internal/escape"
	"github.com/nixgen/nixgen/generator/internal/ident"
	"github.com/nixgen/nixgen/generator/internal/model"
	"github.com/nixgen/nixgen/internal/nixtest"
)

// Fuzz targets for every output nixgen writes: the NixOS module with its VM
// test script, the workflows, the shell scripts and the plain unit. Each
// seed corpus runs with every `go test`; `go test -fuzz FuzzModule` (or
// another) explores. Each checks that the output parses with its
// language's parser and that the hostile value reads back as data.

// fuzzSeeds are the hostile values every target starts from.
var fuzzSeeds = []string{
	"plain", `quote " and backslash \`, "${builtins.currentSystem}", "a'${builtins.currentSystem}", "''${x}", "'''",
	"x\" + builtins.currentSystem + \"", " + builtins.currentSystem + ", "rec", "in", "2fa", "web.api",
	"line\nExecStartPre=/bin/sh -c 'touch /PWNED'", "cr\rlf\n", "100% %n %%", "$(touch PWNED)", "`id`", "${{ secrets.X }}",
	"abc\u202edcb", "nul\x00", "\xff\xfe", "-flag", "../up", "# comment", "key: value", strings.Repeat("x", 5000),
}

// fuzzing reports whether the test runs under -fuzz (the slow external
// checks then run in the seed corpus only).
func fuzzing() bool {
	f := flag.Lookup("test.fuzz")
	return f != nil && f.Value.String() != ""
}

// pyString decodes a Python string literal as escape.PythonString writes
// it: JSON, plus \UXXXXXXXX.
func pyString(t *testing.T, lit string) string {
	t.Helper()
	lit = regexp.MustCompile(`\\U[0-9a-fA-F]{8}`).ReplaceAllStringFunc(lit, func(e string) string {
		r, _ := strconv.ParseUint(e[2:], 16, 32)
		return string(rune(r))
	})
	var s string
	if err := json.Unmarshal([]byte(lit), &s); err != nil {
		t.Fatalf("not a Python string literal: %s: %v", lit, err)
	}
	return s
}

// shellWords runs cmd, a command line for sh, with its command replaced by
// a function that prints its arguments, and returns them.
func shellWords(t *testing.T, sh, cmd string) []string {
	t.Helper()
	name, _, _ := strings.Cut(cmd, " ")
	dir := t.TempDir()
	run := exec.Command(sh, "-c", name+`() { for a; do printf '%s\0' "$a"; done; }; `+cmd)
	run.Dir = dir
	out, err := run.Output()
	if err != nil {
		t.Fatalf("sh -c %q: %v", cmd, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Fatalf("sh -c %q created %s: a value ran as a command", cmd, entries[0].Name())
	}
	return strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
}

// FuzzModule renders nix/module.nix and the VM test script for hostile
// names, descriptions, addresses and health paths: the module parses, its
// strings evaluate to the values (no value becomes Nix code), and the test
// script runs curl on the health URL as one word.
func FuzzModule(f *testing.F) {
	for i, s := range fuzzSeeds {
		v := []string{"app", "d", "0.0.0.0", "/health"}
		v[i%4] = s
		if i%4 == 3 {
			v[3] = "/" + s
		}
		f.Add(v[0], v[1], v[2], v[3])
	}
	f.Add("app", "d", "::", "") // no health path: the script only waits for the port
	sh := nixtest.Require(f, "sh")
	nixtest.Require(f, "nix-instantiate")
	f.Fuzz(func(t *testing.T, name, desc, addr, health string) {
		if name == "" {
			t.Skip("a service has a name")
		}
		s := &model.Service{Name: name, Program: name, Description: desc,
			Endpoint:   model.Endpoint{Name: "http", Port: 8080, Address: addr, ListenEnv: "LISTEN", Public: true},
			HealthPath: health, Config: &model.ConfigFile{Format: "json", Flag: "--config"}}
		got, module := evalModule(t, s)
		if want := wantModule(s); !moduleEqual(got, want) {
			t.Fatalf("module.nix evaluates to\n%+v\nwant\n%+v\n%s", got, want, module)
		}

		script, expr := evalVMTestScript(t, s)
		lines := strings.Split(strings.TrimSuffix(script, "\n"), "\n")
		want := 3
		if health == "" {
			want = 2
		}
		if len(lines) != want {
			t.Fatalf("the VM test script has %d lines, want %d:\n%s\nNix:\n%s", len(lines), want, script, expr)
		}
		call := func(line, fn string) string {
			arg, ok := strings.CutPrefix(line, "machine."+fn+"(")
			if !ok || !strings.HasSuffix(arg, ")") {
				t.Fatalf("line %q does not call machine.%s", line, fn)
			}
			return strings.TrimSuffix(arg, ")")
		}
		if unit := pyString(t, call(lines[0], "wait_for_unit")); unit != valid(name)+".service" {
			t.Errorf("wait_for_unit(%q), want %q", unit, name+".service")
		}
		if port := call(lines[1], "wait_for_open_port"); port != "8080" {
			t.Errorf("wait_for_open_port(%s)", port)
		}
		if health == "" {
			return
		}
		cmd := pyString(t, call(lines[2], "succeed"))
		if strings.ContainsRune(cmd, 0) {
			return // no argv holds NUL: detection refuses such an address or path
		}
		host := addr
		switch host {
		case "0.0.0.0", "":
			host = "127.0.0.1"
		case "::":
			host = "::1"
		}
		if strings.Contains(host, ":") {
			host = "[" + host + "]"
		}
		curl := []string{"--fail", "--silent", "--show-error", valid("http://" + host + ":8080" + health)}
		if words := shellWords(t, sh, cmd); !slices.Equal(words, curl) {
			t.Errorf("the health check runs curl %q, want %q", words, curl)
		}
	})
}

// valid is s with each byte of invalid UTF-8 replaced by U+FFFD.
func valid(s string) string { return string([]rune(s)) }

// lintWorkflow parses a workflow with actionlint (and, in the seed corpus,
// lints it with shellcheck on its run: scripts) and returns it parsed.
func lintWorkflow(t *testing.T, name string, src []byte) *actionlint.Workflow {
	t.Helper()
	var doc map[string]any
	if err := yaml.Unmarshal(src, &doc); err != nil {
		t.Fatalf("%s is not YAML: %v\n%s", name, err, src)
	}
	w, errs := actionlint.Parse(src)
	if len(errs) > 0 {
		t.Fatalf("actionlint cannot parse %s: %v\n%s", name, errs, src)
	}
	if !fuzzing() {
		opts := &actionlint.LinterOptions{LogWriter: io.Discard}
		if sc, err := exec.LookPath("shellcheck"); err == nil {
			opts.Shellcheck = sc
		}
		linter, err := actionlint.NewLinter(io.Discard, opts)
		if err != nil {
			t.Fatal(err)
		}
		if errs, err := linter.Lint(name, src, nil); err != nil || len(errs) > 0 {
			t.Fatalf("actionlint %s: %v %v\n%s", name, errs, err, src)
		}
	}
	return w
}

// githubValue is what GitHub reads from YAMLString(s): s, with "${{"
// spelled as an expression whose value is "${{".
func githubValue(s string) string {
	return strings.ReplaceAll(valid(s), "${{", "${{ '${{' }}")
}

// stepEnv returns the env: of the step named name (or, with name "", the
// job's) of job.
func stepEnv(t *testing.T, w *actionlint.Workflow, job, name string) map[string]string {
	t.Helper()
	j := w.Jobs[job]
	if j == nil {
		t.Fatalf("no job %s", job)
	}
	env := j.Env
	if name != "" {
		env = nil
		for _, s := range j.Steps {
			if s.Name != nil && s.Name.Value == name {
				env = s.Env
			}
		}
	}
	out := map[string]string{}
	if env != nil {
		for _, v := range env.Vars {
			out[v.Name.Value] = v.Value.Value
		}
	}
	return out
}

// FuzzWorkflows renders nix.yml (with a Cachix cache, a deploy repository
// and a nixgen version taken from the fuzzer) and a NixOS configuration's
// deploy.yml (host name, hostname, SSH user, Cachix cache): each parses as
// YAML and as a workflow, and the values read back as data.
func FuzzWorkflows(f *testing.F) {
	for i, s := range fuzzSeeds {
		v := []string{"cache", "acme/infra", "v1.0.0", "web1"}
		v[i%4] = s
		f.Add(v[0], v[1], v[2], v[3])
	}
	f.Fuzz(func(t *testing.T, cachix, repo, version, host string) {
		if cachix == "" || repo == "" || host == "" {
			t.Skip("empty means not asked for")
		}
		files, _, err := CI(serviceProject(model.Rust, 8080), model.CI{Cachix: cachix, DeployRepo: repo, Nixgen: version, PinActions: model.PinSHA})
		if err != nil {
			t.Fatal(err)
		}
		w := lintWorkflow(t, "nix.yml", files[".github/workflows/nix.yml"])
		notify := stepEnv(t, w, "notify", "repository_dispatch")
		if notify["CONFIG_REPO"] != githubValue(repo) {
			t.Errorf("CONFIG_REPO reads back as %q, want %q", notify["CONFIG_REPO"], githubValue(repo))
		}
		if got, want := stepEnv(t, w, "generated", "")["NIXGEN"], githubValue(nixgenModule+"@"+version); version != "" && got != want {
			t.Errorf("NIXGEN reads back as %q, want %q", got, want)
		}

		h := testHost()
		h.Name, h.Hostname, h.SSHUser, h.Cachix = host, host, host, cachix
		hf, err := Host(h, model.PinTag)
		if err != nil {
			t.Fatal(err)
		}
		w = lintWorkflow(t, "deploy.yml", hf[".github/workflows/deploy.yml"])
		if env := stepEnv(t, w, "deploy", "set up SSH"); env["ENVIRONMENT"] != githubValue(host) {
			t.Errorf("ENVIRONMENT reads back as %q, want %q", env["ENVIRONMENT"], githubValue(host))
		}
	})
}

// scriptVars runs the variable assignments at the top of a generated
// script (the lines NAME=VALUE before the first function) with sh and
// returns the values.
func scriptVars(t *testing.T, sh string, script []byte, names ...string) map[string]string {
	t.Helper()
	var assigns []string
	for _, line := range strings.SplitAfter(string(script), "\n") {
		if regexp.MustCompile(`^[a-z_]+\(\) \{`).MatchString(line) {
			break
		}
		assigns = append(assigns, line)
	}
	var b strings.Builder
	b.WriteString(strings.Join(assigns, ""))
	for _, n := range names {
		fmt.Fprintf(&b, "printf '%%s\\0' \"$%s\"\n", n)
	}
	run := exec.Command(sh, "-c", b.String())
	run.Dir = t.TempDir()
	out, err := run.Output()
	if err != nil {
		t.Fatalf("the assignments do not run: %v\n%s", err, b.String())
	}
	vals := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	if len(vals) != len(names) {
		t.Fatalf("the assignments print %q for %q", vals, names)
	}
	m := map[string]string{}
	for i, n := range names {
		m[n] = vals[i]
	}
	return m
}

// FuzzShellScripts renders deploy/install.sh and deploy/setup.sh for
// hostile names, health paths and addresses: both parse (sh -n; shellcheck
// in the seed corpus) and their variables hold the values.
func FuzzShellScripts(f *testing.F) {
	for i, s := range fuzzSeeds {
		v := []string{"app", "/health", "0.0.0.0"}
		v[i%3] = s
		if i%3 == 1 {
			v[1] = "/" + s
		}
		f.Add(v[0], v[1], v[2])
		if i%3 != 0 {
			f.Add("app", "/health", v[i%3]) // names that pass: the scripts are written
		}
	}
	sh := nixtest.Require(f, "sh")
	f.Fuzz(func(t *testing.T, name, health, addr string) {
		if strings.ContainsRune(health+addr, 0) {
			t.Skip("no shell word holds NUL: detection refuses it")
		}
		p := serviceProject(model.Rust, 8080)
		p.Service.Name, p.Service.HealthPath, p.Service.Address = name, health, addr
		files, _, err := CI(p, model.CI{Target: model.TargetPlain})
		if err != nil {
			if !unitNameRE.MatchString(name) {
				return // refused: the name cannot name a unit
			}
			t.Fatal(err)
		}
		dir := t.TempDir()
		for _, script := range []string{"deploy/install.sh", "deploy/setup.sh"} {
			path := filepath.Join(dir, filepath.Base(script))
			if err := os.WriteFile(path, files[script], 0o755); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(sh, "-n", path).CombinedOutput(); err != nil {
				t.Fatalf("sh -n %s: %v\n%s\n%s", script, err, out, files[script])
			}
			if !fuzzing() {
				if sc, err := exec.LookPath("shellcheck"); err == nil {
					if out, err := exec.Command(sc, "--norc", path).CombinedOutput(); err != nil {
						t.Fatalf("shellcheck %s: %v\n%s", script, err, out)
					}
				}
			}
		}
		h, _ := newPlainHost(p.Service)
		install := scriptVars(t, sh, files["deploy/install.sh"], "name", "health_host", "health_path")
		if want := map[string]string{"name": name, "health_host": h.HealthHost, "health_path": h.HealthPath}; !mapsEqual(install, want) {
			t.Errorf("install.sh sets %q, want %q", install, want)
		}
		setup := scriptVars(t, sh, files["deploy/setup.sh"], "name", "health_url")
		if want := map[string]string{"name": name, "health_url": "http://" + h.HealthHost + ":8080" + h.HealthPath}; !mapsEqual(setup, want) {
			t.Errorf("setup.sh sets %q, want %q", setup, want)
		}
	})
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// unitSettings parses a unit file the way systemd reads it: sections,
// comments, Key=Value lines (a trailing backslash continues a line), and
// returns the settings in order. It fails on anything else.
func unitSettings(t *testing.T, unit string) [][2]string {
	t.Helper()
	var out [][2]string
	lines := strings.Split(unit, "\n")
	for i := 0; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		switch {
		case l == "", strings.HasPrefix(l, "#"), strings.HasPrefix(l, ";"):
			continue
		case strings.HasPrefix(l, "[") && strings.HasSuffix(l, "]"):
			continue
		}
		for strings.HasSuffix(l, `\`) && i+1 < len(lines) {
			i++
			l = strings.TrimSuffix(l, `\`) + " " + strings.TrimSpace(lines[i])
		}
		k, v, ok := strings.Cut(l, "=")
		if !ok || !regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*$`).MatchString(strings.TrimSpace(k)) {
			t.Fatalf("line %d is not a setting: %q\n%s", i+1, lines[i], unit)
		}
		out = append(out, [2]string{strings.TrimSpace(k), strings.TrimSpace(v)})
	}
	return out
}

// unitText decodes a free-text value: "%%" is "%", any other "%" a
// specifier, which the unit must not hold.
func unitText(t *testing.T, v string) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '%' {
			if i++; i == len(v) || v[i] != '%' {
				t.Fatalf("a specifier in %q", v)
			}
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

// FuzzPlainUnit renders deploy/NAME.service for hostile descriptions,
// environment variable names, flags and addresses: every line is a section,
// a comment or one setting; Description= is the description on one line
// with no specifier; and nothing the values hold adds a setting. The seed
// corpus also runs systemd-analyze verify.
func FuzzPlainUnit(f *testing.F) {
	for i, s := range fuzzSeeds {
		v := []string{"d", "PORT", "--listen", "0.0.0.0"}
		v[i%4] = s
		f.Add(v[0], v[1], v[2], v[3])
	}
	f.Fuzz(func(t *testing.T, desc, env, flagName, addr string) {
		if strings.ContainsRune(flagName+addr, 0) || !utf8Valid(flagName+addr) || !ident.EnvName(env) {
			t.Skip("systemd holds neither NUL nor invalid UTF-8 in a value, nor odd variable names: detection refuses them")
		}
		s := &model.Service{Name: "app", Program: "app", Description: desc,
			Endpoint: model.Endpoint{Name: "http", Port: 8080, Address: addr, PortEnv: env, HostFlag: flagName, Public: true}}
		h, err := newPlainHost(s)
		if err != nil {
			t.Fatal(err)
		}
		unit, err := plainUnit(s, h)
		if err != nil {
			t.Fatal(err)
		}
		settings := unitSettings(t, string(unit))
		count := map[string]int{}
		for _, kv := range settings {
			count[kv[0]]++
			if kv[0] == "Description" {
				if got, want := unitText(t, kv[1]), strings.TrimSpace(strings.TrimRight(escape.SystemdComment(orName(desc, "app")), " \t\\")); got != want {
					t.Errorf("Description=%s reads back as %q, want %q", kv[1], got, want)
				}
			}
		}
		for _, key := range []string{"Description", "ExecStart", "ExecStartPre", "User"} {
			want := map[string]int{"Description": 1, "ExecStart": 1, "User": 1}[key]
			if count[key] != want {
				t.Errorf("%s= appears %d times, want %d:\n%s", key, count[key], want, unit)
			}
		}
		if !fuzzing() {
			if tool, err := exec.LookPath("systemd-analyze"); err == nil {
				path := filepath.Join(t.TempDir(), "app.service")
				os.WriteFile(path, unit, 0o644)
				out, err := exec.Command(tool, "verify", "--man=no", path).CombinedOutput()
				// verify also checks that ExecStart's binary exists, which it
				// does not here; any other complaint is a finding.
				rest := regexp.MustCompile(`(?m)^.*(/usr/local/lib/app/app|Command .* is not executable|Unit app.service has a bad unit file setting|Unit configuration has fatal error).*\n?`).ReplaceAll(out, nil)
				if len(bytes.TrimSpace(rest)) > 0 {
					t.Errorf("systemd-analyze verify: %v\n%s\n%s", err, out, unit)
				}
			}
		}
	})
}

func utf8Valid(s string) bool { return valid(s) == s }
