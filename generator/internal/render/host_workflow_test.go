package render

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"go.yaml.in/yaml/v4"

	"github.com/nixgen/nixgen/generator/internal/model"
	"github.com/nixgen/nixgen/internal/nixtest"
)

func testHost() *model.Host {
	return &model.Host{
		Name: "web1", Hostname: "web1.example.org", SSHUser: "root", System: model.DefaultSystem, Channel: model.DefaultChannel,
		App: model.HostApp{Input: "greeter", URL: "github:example/greeter", Service: "greeter"},
	}
}

// hostDeployStep returns the run: script and env: of the deploy
// workflow's step named name.
func hostDeployStep(t *testing.T, workflow []byte, name string) (string, map[string]string) {
	t.Helper()
	var doc struct {
		Jobs map[string]struct {
			Steps []struct {
				Name string            `yaml:"name"`
				Run  string            `yaml:"run"`
				Env  map[string]string `yaml:"env"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(workflow, &doc); err != nil {
		t.Fatal(err)
	}
	for _, s := range doc.Jobs["deploy"].Steps {
		if s.Name == name {
			return s.Run, s.Env
		}
	}
	t.Fatalf("no step %q in\n%s", name, workflow)
	return "", nil
}

// nixLockStub stands in for nix in the update step: it logs its arguments,
// and `nix flake lock --override-input NAME REF?rev=SHA` (or `nix flake
// update`, which takes the newest commit) writes a flake.lock that locks
// the input there.
const nixLockStub = `#!/bin/sh
echo "nix $*" >>"$STUB_LOG"
rev=newest0000000000000000000000000000000000
case "$*" in
  "flake lock --override-input "*) rev=${5##*rev=} ;;
  "flake lock") ;;
  "flake update"*) ;;
  "flake metadata"*) printf '{"locks":%s}\n' "$(cat flake.lock)"; exit 0 ;;
  *) exit 1 ;;
esac
printf '{"nodes":{"root":{"inputs":{"greeter":"greeter"}},"greeter":{"locked":{"type":"github","owner":"example","repo":"greeter","rev":"%s"},"original":{"type":"github","owner":"example","repo":"greeter"}}},"root":"root","version":7}\n' "$rev" >flake.lock
`

// TestHostWorkflowLocksAnnouncedCommit runs the deploy workflow's update
// step with a stand-in nix: the app input is locked to the commit the
// dispatch announced, never to the newest commit of main, and a payload sha
// that is not 40 hex digits is refused before nix runs.
func TestHostWorkflowLocksAnnouncedCommit(t *testing.T) {
	bash := nixtest.Require(t, "bash")
	jq := nixtest.Require(t, "jq")
	files, err := Host(testHost(), model.PinTag)
	if err != nil {
		t.Fatal(err)
	}
	workflow := files[".github/workflows/deploy.yml"]
	linter, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{LogWriter: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	if errs, err := linter.Lint("deploy.yml", workflow, nil); err != nil || len(errs) > 0 {
		t.Fatalf("actionlint: %v %v\n%s", errs, err, workflow)
	}
	script, env := hostDeployStep(t, workflow, "update the greeter input")
	if !strings.Contains(env["ANNOUNCED"], "client_payload.sha") {
		t.Fatalf("the update step does not read the announced sha: env %v", env)
	}

	good := "0123456789abcdef0123456789abcdef01234567"
	for _, tc := range []struct {
		name, sha string
		ok        bool
	}{
		{"announced", good, true},
		{"short", good[:39], false},
		{"branch", "main", false},
		{"uppercase", strings.ToUpper(good), false},
		{"command", "$(touch PWNED)" + good[:26], false},
		{"newline", good + "\nx", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			bin := filepath.Join(dir, "bin")
			os.Mkdir(bin, 0o755)
			os.WriteFile(filepath.Join(bin, "nix"), []byte(nixLockStub), 0o755)
			os.Symlink(jq, filepath.Join(bin, "jq"))
			log := filepath.Join(dir, "log")
			cmd := exec.Command(bash, "-e", "-c", script)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "STUB_LOG="+log,
				"INPUT="+env["INPUT"], "APP_URL="+env["APP_URL"], "ANNOUNCED="+tc.sha)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			err := cmd.Run()
			calls, _ := os.ReadFile(log)
			if _, statErr := os.Stat(filepath.Join(dir, "PWNED")); statErr == nil {
				t.Errorf("the sha ran as a command")
			}
			if !tc.ok {
				if err == nil || strings.Contains(string(calls), "--override-input") || strings.Contains(string(calls), "flake update") {
					t.Errorf("sha %q: the step did not refuse it (%v); nix calls:\n%s\n%s", tc.sha, err, calls, out.String())
				}
				return
			}
			if err != nil {
				t.Fatalf("sha %q: %v\n%s\nnix calls:\n%s", tc.sha, err, out.String(), calls)
			}
			if !strings.Contains(string(calls), "nix flake lock --override-input greeter github:example/greeter?rev="+tc.sha) {
				t.Errorf("nix was not asked to lock the announced commit; calls:\n%s", calls)
			}
			if strings.Contains(string(calls), "flake update") {
				t.Errorf("the step updates the input to the newest commit; calls:\n%s", calls)
			}
			lock, _ := os.ReadFile(filepath.Join(dir, "flake.lock"))
			if !strings.Contains(string(lock), `"rev":"`+tc.sha+`"`) && !strings.Contains(string(lock), `"rev": "`+tc.sha+`"`) {
				t.Errorf("flake.lock does not lock %s:\n%s", tc.sha, lock)
			}
		})
	}
}
