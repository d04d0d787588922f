package main

import (
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/rhysd/actionlint"

	"github.com/nixgen/nixgen/internal/nixtest"
)

// The tests below run the real tools over the golden CI/CD files: every
// workflow through actionlint (with shellcheck on its run: scripts), every
// shell script through shellcheck, every plain unit through
// systemd-analyze security, and deploy/setup.sh twice in a sandbox.

// goldenFiles returns the files under fixtures/{init,host}/*/want whose path relative
// to want/ matches pattern.
func goldenFiles(t *testing.T, pattern string) []string {
	t.Helper()
	re := regexp.MustCompile(pattern)
	var files []string
	wants, err := filepath.Glob(filepath.Join(fixturesDir, "*", "want"))
	if err != nil {
		t.Fatal(err)
	}
	hosts, err := filepath.Glob(filepath.Join(hostFixturesDir, "*", "want"))
	if err != nil {
		t.Fatal(err)
	}
	wants = append(wants, hosts...)
	for _, want := range wants {
		filepath.WalkDir(want, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(want, p)
			if re.MatchString(filepath.ToSlash(rel)) {
				files = append(files, p)
			}
			return nil
		})
	}
	sort.Strings(files)
	return files
}

func TestGoldenWorkflowsActionlint(t *testing.T) {
	shellcheck := nixtest.Require(t, "shellcheck")
	files := goldenFiles(t, `^\.github/workflows/[^/]+\.ya?ml$`)
	if len(files) < 6 {
		t.Fatalf("found only %d golden workflows", len(files))
	}
	for _, f := range files {
		t.Run(strings.TrimPrefix(f, fixturesDir+"/"), func(t *testing.T) {
			var out bytes.Buffer
			linter, err := actionlint.NewLinter(&out, &actionlint.LinterOptions{Shellcheck: shellcheck, LogWriter: io.Discard})
			if err != nil {
				t.Fatal(err)
			}
			errs, err := linter.LintFile(f, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range errs {
				t.Errorf("actionlint: %s", e)
			}
		})
	}
}

func TestGoldenScriptsShellcheck(t *testing.T) {
	shellcheck := nixtest.Require(t, "shellcheck")
	files := goldenFiles(t, `\.sh$`)
	if len(files) < 4 {
		t.Fatalf("found only %d golden shell scripts", len(files))
	}
	for _, f := range files {
		if out, err := exec.Command(shellcheck, "--norc", f).CombinedOutput(); err != nil {
			t.Errorf("shellcheck %s: %v\n%s", f, err, out)
		}
	}
}

var (
	moduleScript     = regexp.MustCompile(`(?s)= pkgs\.writeShellScript "[^"]*" ''\n(.*?)\n  '';`)
	nixPackagePath   = regexp.MustCompile(`\$\{pkgs\.([A-Za-z0-9_-]+)\}`)
	nixOptionalBlock = regexp.MustCompile(`(?m)^ *\$\{lib\.optionalString [^\n]*''\n|^ *''\}\n`)
)

// moduleScripts are the shell scripts the golden modules write with
// writeShellScript, as the files they become: the indented string's text
// with its Nix interpolations made what they evaluate to (packages under
// store, a conditional block as if on), four spaces off each line, and its
// escapes undone.
func moduleScripts(t *testing.T, store func(pkg string) string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, f := range goldenFiles(t, `^nix/module\.nix$`) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range moduleScript.FindAllSubmatch(data, -1) {
			body := nixPackagePath.ReplaceAllStringFunc(string(m[1]), func(p string) string {
				return store(nixPackagePath.FindStringSubmatch(p)[1])
			})
			body = nixOptionalBlock.ReplaceAllString(body, "")
			body = regexp.MustCompile(`(?m)^    `).ReplaceAllString(body, "")
			body = strings.NewReplacer("''$", "$", "'''", "''").Replace(body)
			out[fmt.Sprintf("%s#%d", f, i)] = "#!/usr/bin/env bash\n" + body + "\n"
		}
	}
	if len(out) == 0 {
		t.Fatal("no golden module writes a script: the test checks nothing")
	}
	return out
}

// The shell scripts a golden module writes (the secrets wrapper) pass
// shellcheck too, as bash, which writeShellScript runs them with.
func TestGoldenModuleScriptsShellcheck(t *testing.T) {
	shellcheck := nixtest.Require(t, "shellcheck")
	scripts := moduleScripts(t, func(pkg string) string { return "/nix/store/00000000000000000000000000000000-" + pkg })
	for name, text := range scripts {
		path := filepath.Join(t.TempDir(), "script.sh")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(shellcheck, "--norc", path).CombinedOutput(); err != nil {
			t.Errorf("shellcheck of the script in %s: %v\n%s\n%s", name, err, out, text)
		}
	}
}

// The secrets wrapper creates a secret it may generate once, private to
// the service, keeps it across restarts, and leaves one the environment
// gives alone.
func TestGoldenModuleSecretsGenerated(t *testing.T) {
	bash := nixtest.Require(t, "bash")
	od := nixtest.Require(t, "od")
	printenv := nixtest.Require(t, "env")
	coreutils := filepath.Dir(filepath.Dir(od)) // the prefix whose bin/ has od, tr, mkdir, mv
	generate := regexp.MustCompile(`(?m)^\s*generate_secret (\S+)(?: (\S+))?$`)
	checked := 0
	for name, text := range moduleScripts(t, func(string) string { return coreutils }) {
		for _, m := range generate.FindAllStringSubmatch(text, -1) {
			checked++
			secret, fileVar := m[1], m[2]
			state := t.TempDir()
			path := filepath.Join(t.TempDir(), "script.sh")
			if err := os.WriteFile(path, []byte(text), 0o755); err != nil {
				t.Fatal(err)
			}
			run := func(env ...string) string {
				cmd := exec.Command(bash, path, printenv)
				cmd.Env = append([]string{"PATH=/nonexistent", "STATE_DIRECTORY=" + state}, env...)
				out, err := cmd.Output()
				if err != nil {
					t.Fatalf("%s: the wrapper failed: %v", name, err)
				}
				return string(out)
			}
			value := func(out, v string) string {
				for _, l := range strings.Split(out, "\n") {
					if after, ok := strings.CutPrefix(l, v+"="); ok {
						return after
					}
				}
				return ""
			}
			first := run()
			file := filepath.Join(state, "secrets", secret)
			got := value(first, secret)
			if fileVar != "" {
				got = value(first, fileVar)
				if got != file {
					t.Errorf("%s: %s=%q, want the generated file %s", name, fileVar, got, file)
				}
				data, _ := os.ReadFile(file)
				got = string(data)
			}
			if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(got) {
				t.Errorf("%s: generated %s = %q, want 64 hex digits", name, secret, got)
			}
			for p, want := range map[string]os.FileMode{file: 0o600, filepath.Dir(file): 0o700} {
				if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != want {
					t.Errorf("%s: %s mode %v (%v), want %v", name, p, fi.Mode().Perm(), err, want)
				}
			}
			if again := run(); value(again, secret) != value(first, secret) || value(again, fileVar) != value(first, fileVar) {
				t.Errorf("%s: a restart changed %s", name, secret)
			}
			if given := value(run(secret+"=given"), secret); given != "given" {
				t.Errorf("%s: with %s in the environment the wrapper exported %q", name, secret, given)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no golden module generates a secret: the test checks nothing")
	}
}

func TestGoldenUnitsExposure(t *testing.T) {
	files := goldenFiles(t, `^deploy/[^/]+\.service$`)
	if len(files) < 2 {
		t.Fatalf("found only %d golden units", len(files))
	}
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if exposure := nixtest.SecurityExposure(t, filepath.Base(f), string(text)); exposure > 2.0 {
			t.Errorf("%s: exposure %.1f, want at most 2.0", f, exposure)
		}
	}
}

// setupStubs stand in for the commands deploy/setup.sh runs, so it can run
// against a sandbox root without root, systemd or a package manager. They
// keep their state in $STUB_STATE and log every call to $STUB_STATE/log.
var setupStubs = map[string]string{
	"id": `case $1 in -u) echo 1000 ;; -un) echo deployer ;; *) exit 1 ;; esac`,
	"sudo": `echo "sudo $*" >>"$STUB_STATE/log"
case $1 in -v) exit 0 ;; -n) shift ;; esac
exec "$@"`,
	"getent":  `[ "$1" = passwd ] && grep -q "^$2:" "$STUB_STATE/passwd"`,
	"useradd": `echo "useradd $*" >>"$STUB_STATE/log"; for a; do :; done; echo "$a:x:999:999::/nonexistent:/usr/sbin/nologin" >>"$STUB_STATE/passwd"`,
	"systemctl": `echo "systemctl $*" >>"$STUB_STATE/log"
case $1 in
  is-enabled) [ -e "$STUB_STATE/enabled-$3" ] ;;
  enable) touch "$STUB_STATE/enabled-$3" ;;
  is-active) exit 3 ;;
  *) exit 0 ;;
esac`,
	"visudo": `echo "visudo $*" >>"$STUB_STATE/log"; for a; do :; done; grep -q 'NOPASSWD: /' "$a"`,
	"ufw": `echo "ufw $*" >>"$STUB_STATE/log"
case $1 in
  version) exit 0 ;;
  status) if [ -e "$STUB_STATE/ufw-active" ]; then echo "Status: active"; else echo "Status: inactive"; fi
    [ -e "$STUB_STATE/ufw-rules" ] && sed 's/$/                     ALLOW       Anywhere/' "$STUB_STATE/ufw-rules"
    exit 0 ;;
  allow) echo "$2" >>"$STUB_STATE/ufw-rules" ;;
  --force) touch "$STUB_STATE/ufw-active" ;;
esac`,
	"apt-get": `echo "apt-get $*" >>"$STUB_STATE/log"
case $* in *install*caddy*) printf '#!/bin/sh\n' >"$STUB_BIN/caddy"; chmod +x "$STUB_BIN/caddy" ;; esac
[ "$1" = install ] && for a; do case $a in -* | install) ;; *) touch "$STUB_STATE/dpkg-$a" ;; esac; done
exit 0`,
	// Ubuntu 24.04's names: the t64 libraries exist, their old names not.
	"dpkg-query": `for a; do :; done; [ -e "$STUB_STATE/dpkg-$a" ] && echo "install ok installed"`,
	"apt-cache": `[ "$1" = policy ] || exit 1
case $2 in libssl3 | libcurl4 | libasound2) exit 0 ;; esac
printf '%s:\n  Installed: (none)\n  Candidate: 1.0-1\n' "$2"`,
	"curl": `echo 000; exit 7`,
	"ss":   `exit 0`,
}

// setupSandbox lays out a host root (Ubuntu 24.04), a checkout holding the
// golden deploy/ directory and the stub commands; it returns a function
// that runs setup.sh with args against them.
func setupSandbox(t *testing.T, deployDir string) (root string, run func(args ...string) (string, string)) {
	t.Helper()
	tmp := t.TempDir()
	root = filepath.Join(tmp, "root")
	repo := filepath.Join(tmp, "repo")
	bin := filepath.Join(tmp, "bin")
	state := filepath.Join(tmp, "state")
	for _, d := range []string{filepath.Join(root, "etc", "ssh"), bin, state} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(path, text string, mode os.FileMode) {
		if err := os.WriteFile(path, []byte(text), mode); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(root, "etc", "os-release"), "NAME=\"Ubuntu\"\nID=ubuntu\nVERSION_ID=\"24.04\"\n", 0o644)
	write(filepath.Join(root, "etc", "ssh", "ssh_host_ed25519_key.pub"), "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHN0YW5kaW4 root@host\n", 0o644)
	write(filepath.Join(state, "passwd"), "deployer:x:1000:1000::/home/deployer:/bin/sh\n", 0o644)
	for name, body := range setupStubs {
		write(filepath.Join(bin, name), "#!/bin/sh\n"+body+"\n", 0o755)
	}
	if err := os.CopyFS(filepath.Join(repo, "deploy"), os.DirFS(deployDir)); err != nil {
		t.Fatal(err)
	}
	os.Chmod(filepath.Join(repo, "deploy", "setup.sh"), 0o755)
	run = func(args ...string) (string, string) {
		t.Helper()
		os.Remove(filepath.Join(state, "log"))
		cmd := exec.Command(filepath.Join(repo, "deploy", "setup.sh"), append([]string{"--root", root}, args...)...)
		cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "STUB_STATE="+state, "STUB_BIN="+bin,
			"SSH_CONNECTION=198.51.100.7 50000 203.0.113.10 2222")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("setup.sh %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
		}
		log, _ := os.ReadFile(filepath.Join(state, "log"))
		return stdout.String(), string(log)
	}
	return root, run
}

// treeHash hashes every path, mode and content under dir.
func treeHash(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fmt.Fprintf(h, "%s %v\n", rel, info.Mode())
		if info.Mode().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			h.Write(data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func TestGoldenSetupIdempotent(t *testing.T) {
	nixtest.Require(t, "sh")
	dirs := goldenFiles(t, `^deploy/setup\.sh$`)
	if len(dirs) < 2 {
		t.Fatalf("found only %d golden setup.sh", len(dirs))
	}
	for _, setup := range dirs {
		deployDir := filepath.Dir(setup)
		for _, args := range [][]string{nil, {"--domain", "app.example.org", "--deploy-user", "deployer"}} {
			t.Run(strings.TrimPrefix(deployDir, fixturesDir+"/")+" "+strings.Join(args, " "), func(t *testing.T) {
				root, run := setupSandbox(t, deployDir)
				first, log := run(args...)
				t.Logf("first run:\n%s", first)
				if !strings.Contains(log, "useradd ") || !strings.Contains(log, "systemctl enable") {
					t.Errorf("the first run did not create the user and enable the unit; calls:\n%s", log)
				}
				// The libraries it links, by this release's names.
				if text, _ := os.ReadFile(setup); strings.Contains(string(text), "'libssl3t64|libssl3'") && !strings.Contains(log, "apt-get install -y -qq libssl3t64") {
					t.Errorf("the first run did not install libssl3t64; calls:\n%s", log)
				}
				after := treeHash(t, root)
				second, log := run(args...)
				if got := treeHash(t, root); got != after {
					t.Errorf("the second run changed the sandbox root\nfirst run:\n%s\nsecond run:\n%s", first, second)
				}
				if !regexp.MustCompile(`(?m)^  changes +0$`).MatchString(second) {
					t.Errorf("the second run reports changes:\n%s", second)
				}
				for _, call := range []string{"useradd", "daemon-reload", "systemctl enable", "ufw allow", "ufw --force", "apt-get", "install -"} {
					if strings.Contains(log, call) {
						t.Errorf("the second run called %q; calls:\n%s", call, log)
					}
				}

				// What the first run made.
				mode := func(rel string) os.FileMode {
					st, err := os.Stat(filepath.Join(root, rel))
					if err != nil {
						t.Fatal(err)
					}
					return st.Mode().Perm()
				}
				var name string
				entries, _ := os.ReadDir(deployDir)
				for _, e := range entries {
					if n, ok := strings.CutSuffix(e.Name(), ".service"); ok {
						name = n
					}
				}
				for rel, want := range map[string]os.FileMode{
					"etc/" + name + "/" + name + ".env":       0o600,
					"etc/sudoers.d/" + name + "-deploy":       0o440,
					"usr/local/sbin/" + name + "-deploy":      0o755,
					"etc/systemd/system/" + name + ".service": 0o644,
				} {
					if got := mode(rel); got != want {
						t.Errorf("%s has mode %o, want %o", rel, got, want)
					}
				}
				// A secret only the service uses is made: a random key.
				text, _ := os.ReadFile(setup)
				envText, _ := os.ReadFile(filepath.Join(root, "etc", name, name+".env"))
				for _, m := range regexp.MustCompile(`printf '%s=%s\\n' '([A-Z0-9_]+)'`).FindAllStringSubmatch(string(text), -1) {
					if !regexp.MustCompile(`(?m)^` + m[1] + `=[0-9a-f]{64}$`).Match(envText) {
						t.Errorf("the environment file has no random %s:\n%s", m[1], envText)
					}
				}
				sudoers, _ := os.ReadFile(filepath.Join(root, "etc", "sudoers.d", name+"-deploy"))
				if !strings.Contains(string(sudoers), "deployer ALL=(root) NOPASSWD: /usr/local/sbin/"+name+"-deploy\n") {
					t.Errorf("sudoers rule:\n%s", sudoers)
				}
				if !strings.Contains(first, "allows 2222/tcp") {
					t.Errorf("the firewall does not allow the SSH port of the session:\n%s", first)
				}
				if len(args) > 0 {
					// Caddy proxies to the main listener, on loopback.
					var cfg struct {
						Service struct{ Port int } `toml:"service"`
					}
					if _, err := toml.DecodeFile(filepath.Join(filepath.Dir(deployDir), "nixgen.toml"), &cfg); err != nil {
						t.Fatal(err)
					}
					caddy, err := os.ReadFile(filepath.Join(root, "etc", "caddy", "Caddyfile"))
					if err != nil || !strings.Contains(string(caddy), fmt.Sprintf("app.example.org {\n\treverse_proxy 127.0.0.1:%d\n}\n", cfg.Service.Port)) {
						t.Errorf("Caddyfile (%v):\n%s", err, caddy)
					}
				}

				// A drifted mode is repaired, and only that.
				env := filepath.Join(root, "etc", name, name+".env")
				os.Chmod(env, 0o644)
				third, _ := run(args...)
				if mode("etc/"+name+"/"+name+".env") != 0o600 || !regexp.MustCompile(`(?m)^  changes +1$`).MatchString(third) {
					t.Errorf("a third run after chmod 644 did not restore mode 600 with one change:\n%s", third)
				}
			})
		}
	}
}

// TestGoldenInstallCheck runs `deploy/install.sh check` (what the workflow
// and the host run before installing) on an executable of this machine, on
// the same executable with its loader moved into /nix/store or linking a
// library this machine lacks, and on a file that is not ELF.
func TestGoldenInstallCheck(t *testing.T) {
	nixtest.Require(t, "readelf")
	scripts := goldenFiles(t, `^deploy/install\.sh$`)
	if len(scripts) == 0 {
		t.Fatal("no golden deploy/install.sh")
	}
	exe, err := exec.LookPath("true")
	if err != nil {
		t.Skip("no `true` executable")
	}
	data, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	f, err := elf.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	var interp *elf.Prog
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			interp = p
		}
	}
	f.Close()
	if interp == nil {
		t.Skipf("%s is static; cannot make a Nix-linked copy", exe)
	}
	// The same length, so every offset stays valid.
	nixLoader := []byte("/nix/store/" + strings.Repeat("0", int(interp.Filesz)-1-len("/nix/store/")))
	nixLinked := bytes.Clone(data)
	copy(nixLinked[interp.Off:], append(nixLoader, 0))

	// The same executable asking for a library no machine has: its
	// DT_NEEDED libc.so.6 renamed in place.
	i := bytes.Index(data, []byte("\x00libc.so.6\x00"))
	if i < 0 {
		t.Fatalf("%s does not link libc.so.6", exe)
	}
	missingLib := bytes.Clone(data)
	copy(missingLib[i+1:], "libQ")

	dir := t.TempDir()
	files := map[string][]byte{"native": data, "nix-linked": nixLinked, "missing-lib": missingLib, "text": []byte("#!/bin/sh\necho hi\n")}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, script := range scripts {
		check := func(name string) (string, error) {
			out, err := exec.Command("sh", script, "check", filepath.Join(dir, name)).CombinedOutput()
			return string(out), err
		}
		if out, err := check("native"); err != nil {
			t.Errorf("%s check native: %v\n%s", script, err, out)
		}
		if out, err := check("nix-linked"); err == nil || !strings.Contains(out, "linked against Nix (/nix/store/") {
			t.Errorf("%s check nix-linked: want a refusal naming the Nix loader, got %v\n%s", script, err, out)
		}
		if out, err := check("missing-lib"); err == nil || !strings.Contains(out, "needs libQ.so.6, which this machine lacks") {
			t.Errorf("%s check missing-lib: want a refusal naming libQ.so.6, got %v\n%s", script, err, out)
		}
		if out, err := check("text"); err == nil || !strings.Contains(out, "not an ELF executable") {
			t.Errorf("%s check text: want a refusal, got %v\n%s", script, err, out)
		}
	}
}

// installStubs stand in for what deploy/install.sh runs on the host: it
// runs as root (id), reads the upload as the caller (runuser), restarts
// (systemctl) and probes (curl; failing while $STUB_STATE/unhealthy
// exists). date advances 10 s a call so the 30 s wait ends at once.
var installStubs = map[string]string{
	"id":      `[ "$1" = -u ] && echo 0`,
	"runuser": `while [ "$1" != -- ]; do shift; done; shift; exec "$@"`,
	"systemctl": `echo "systemctl $*" >>"$STUB_STATE/log"
[ "$1" = status ] && echo "status of $*"
exit 0`,
	"journalctl": `echo "journal of $*"`,
	"curl":       `echo "curl $*" >>"$STUB_STATE/log"; [ ! -e "$STUB_STATE/unhealthy" ]`,
	"date":       `n=$(($(cat "$STUB_STATE/clock" 2>/dev/null || echo 1000) + 10)); echo "$n" >"$STUB_STATE/clock"; echo "$n"`,
	"sleep":      `:`,
	// ss: every port listens, unless $STUB_STATE/closed exists.
	"ss": `echo "ss $*" >>"$STUB_STATE/log"; [ -e "$STUB_STATE/closed" ] || echo "LISTEN 0 4096 0.0.0.0:1 0.0.0.0:*"`,
}

// TestGoldenInstallSwap drives deploy/install.sh's install and rollback in
// a sandbox: the binary directory and environment file moved into a
// temporary directory (a copy of the script with those two lines changed)
// and the host's commands stubbed.
func TestGoldenInstallSwap(t *testing.T) {
	nixtest.Require(t, "readelf")
	exe, err := exec.LookPath("true")
	if err != nil {
		t.Skip("no `true` executable")
	}
	for _, script := range goldenFiles(t, `^deploy/install\.sh$`) {
		t.Run(strings.TrimPrefix(script, fixturesDir+"/"), func(t *testing.T) {
			tmp := t.TempDir()
			lib, bin, state := filepath.Join(tmp, "lib"), filepath.Join(tmp, "bin"), filepath.Join(tmp, "state")
			for _, d := range []string{lib, bin, state} {
				os.MkdirAll(d, 0o755)
			}
			for name, body := range installStubs {
				os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755)
			}
			text, _ := os.ReadFile(script)
			dirLine := regexp.MustCompile(`(?m)^dir='(/usr/local/lib/([^/']+))'$`).FindSubmatch(text)
			if dirLine == nil {
				t.Fatalf("%s has no dir= line", script)
			}
			name := string(dirLine[2])
			text = bytes.Replace(text, dirLine[0], []byte("dir='"+lib+"'"), 1)
			text = regexp.MustCompile(`(?m)^env_file='[^']*'$`).ReplaceAll(text, []byte("env_file='"+filepath.Join(tmp, "env")+"'"))
			// The variable that overrides the port, if any, in the environment file.
			portVar := ""
			if m := regexp.MustCompile(`(?m)^port_var='([^']*)'$`).FindSubmatch(text); m != nil {
				portVar = string(m[1])
			}
			os.WriteFile(filepath.Join(tmp, "env"), []byte(portVar+"=9999\n"), 0o600)
			deploy := filepath.Join(tmp, "deploy")
			os.WriteFile(deploy, text, 0o755)

			run := func(args ...string) (string, error) {
				os.Remove(filepath.Join(state, "log"))
				cmd := exec.Command(deploy, args...)
				cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "STUB_STATE="+state, "SUDO_USER=deployer")
				out, err := cmd.CombinedOutput()
				return string(out), err
			}
			upload := func(content []byte) string {
				p := filepath.Join(tmp, "upload")
				os.WriteFile(p, content, 0o644)
				return p
			}
			native, _ := os.ReadFile(exe)
			v1 := append(bytes.Clone(native), "v1"...)
			v2 := append(bytes.Clone(native), "v2"...)
			current := filepath.Join(lib, name)
			content := func(p string) string {
				data, err := os.ReadFile(p)
				if err != nil {
					return "missing"
				}
				return string(data[len(data)-2:])
			}

			if out, err := run("install", upload(v1)); err != nil {
				t.Fatalf("install v1: %v\n%s", err, out)
			}
			if content(current) != "v1" {
				t.Fatalf("after install v1, %s is %s", current, content(current))
			}
			log, _ := os.ReadFile(filepath.Join(state, "log"))
			if !strings.Contains(string(log), "systemctl restart "+name+".service") {
				t.Errorf("no restart:\n%s", log)
			}
			if portVar != "" && !strings.Contains(string(log), ":9999") {
				t.Errorf("the health probe ignores %s from the environment file:\n%s", portVar, log)
			}
			// Every other listener must listen for the service to be healthy.
			if bytes.Contains(text, []byte("\n  listening ")) {
				if !strings.Contains(string(log), "ss -H --listening --tcp --numeric") {
					t.Errorf("the other listeners were not checked:\n%s", log)
				}
				os.WriteFile(filepath.Join(state, "closed"), nil, 0o644)
				if out, err := run("install", upload(v1)); err == nil || !strings.Contains(out, "not healthy") {
					t.Errorf("a closed listener passed the health check (%v):\n%s", err, out)
				}
				os.Remove(filepath.Join(state, "closed"))
				if out, err := run("install", upload(v1)); err != nil {
					t.Fatalf("install v1 again: %v\n%s", err, out)
				}
			}
			if _, err := os.Stat(filepath.Join(tmp, "upload")); err == nil {
				t.Errorf("the upload was not removed")
			}

			out, err := run("install", upload(v2))
			if err != nil {
				t.Fatalf("install v2: %v\n%s", err, out)
			}
			if content(current) != "v2" || content(current+".prev") != "v1" {
				t.Errorf("after install v2: current %s, prev %s", content(current), content(current+".prev"))
			}
			if st, err := os.Stat(current); err != nil || st.Mode().Perm() != 0o755 {
				t.Errorf("%s: %v %v, want mode 755", current, st.Mode(), err)
			}

			if out, err := run("rollback"); err != nil {
				t.Fatalf("rollback: %v\n%s", err, out)
			}
			if content(current) != "v1" || content(current+".prev") != "v2" {
				t.Errorf("after rollback: current %s, prev %s", content(current), content(current+".prev"))
			}

			// A Nix-linked upload is refused and changes nothing.
			if out, err := run("install", upload([]byte("not elf"))); err == nil || !strings.Contains(out, "not an ELF") {
				t.Errorf("install of a non-ELF file: %v\n%s", err, out)
			}
			if content(current) != "v1" {
				t.Errorf("a refused upload replaced the binary")
			}
			if _, err := os.Stat(current + ".new"); err == nil {
				t.Errorf("a refused upload left %s.new behind", current)
			}

			// Unhealthy: exit 1 after the deadline, with status, journal and
			// the rollback command.
			os.WriteFile(filepath.Join(state, "unhealthy"), nil, 0o644)
			out, err = run("install", upload(v2))
			if err == nil {
				t.Fatalf("install with a failing health check succeeded:\n%s", out)
			}
			for _, want := range []string{"is not healthy after 30 s", "status of status --no-pager --full " + name + ".service", "journal of --unit " + name + ".service", "roll back with: sudo " + deploy + " rollback"} {
				if !strings.Contains(out, want) {
					t.Errorf("unhealthy install output lacks %q:\n%s", want, out)
				}
			}
		})
	}
}
