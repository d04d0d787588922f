package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nixgen/nixgen/internal/nixtest"
)

// TestGoldenInstallRollbackKeepsGood deploys a healthy binary, then two
// that fail their health check, then rolls back: the rollback must bring
// back the healthy one, not the failed deploy before the last.
func TestGoldenInstallRollbackKeepsGood(t *testing.T) {
	nixtest.Require(t, "readelf")
	exe, err := exec.LookPath("true")
	if err != nil {
		t.Skip("no `true` executable")
	}
	native, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	for _, script := range goldenFiles(t, `^deploy/install\.sh$`) {
		t.Run(strings.TrimPrefix(script, fixturesDir+"/"), func(t *testing.T) {
			tmp := t.TempDir()
			lib, bin, state := filepath.Join(tmp, "lib"), filepath.Join(tmp, "bin"), filepath.Join(tmp, "state")
			for _, d := range []string{lib, bin, state} {
				if err := os.MkdirAll(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			for name, body := range installStubs {
				os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755)
			}
			text, _ := os.ReadFile(script)
			dirLine := regexp.MustCompile(`(?m)^dir='(/usr/local/lib/([^/']+))'$`).FindSubmatch(text)
			if dirLine == nil {
				t.Fatalf("%s has no dir= line", script)
			}
			current := filepath.Join(lib, string(dirLine[2]))
			text = bytes.Replace(text, dirLine[0], []byte("dir='"+lib+"'"), 1)
			text = regexp.MustCompile(`(?m)^env_file='[^']*'$`).ReplaceAll(text, []byte("env_file='"+filepath.Join(tmp, "env")+"'"))
			deploy := filepath.Join(tmp, "deploy")
			os.WriteFile(deploy, text, 0o755)

			run := func(args ...string) (string, error) {
				cmd := exec.Command(deploy, args...)
				cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "STUB_STATE="+state, "SUDO_USER=deployer")
				out, err := cmd.CombinedOutput()
				return string(out), err
			}
			install := func(version string) (string, error) {
				p := filepath.Join(tmp, "upload")
				os.WriteFile(p, append(bytes.Clone(native), version...), 0o644)
				return run("install", p)
			}
			healthy := func(ok bool) {
				if ok {
					os.Remove(filepath.Join(state, "unhealthy"))
				} else {
					os.WriteFile(filepath.Join(state, "unhealthy"), nil, 0o644)
				}
			}
			content := func(p string) string {
				data, err := os.ReadFile(p)
				if err != nil {
					return "missing"
				}
				return string(data[len(data)-2:])
			}

			healthy(true)
			if out, err := install("v1"); err != nil {
				t.Fatalf("install v1: %v\n%s", err, out)
			}
			healthy(false)
			for _, v := range []string{"v2", "v3"} {
				if out, err := install(v); err == nil {
					t.Fatalf("install %s with a failing health check succeeded:\n%s", v, out)
				}
			}
			if content(current) != "v3" {
				t.Fatalf("after two failed deploys the binary is %s, want v3", content(current))
			}
			healthy(true)
			out, err := run("rollback")
			if err != nil {
				t.Fatalf("rollback: %v\n%s", err, out)
			}
			if content(current) != "v1" {
				t.Errorf("rollback after two failed deploys brought back %s, want v1 (the last healthy binary)\n%s", content(current), out)
			}
			if st, err := os.Stat(current); err != nil || st.Mode().Perm() != 0o755 {
				t.Errorf("%s after rollback: %v, want mode 755", current, err)
			}

			// A healthy v4, then rollback: back to v1, the healthy one before it;
			// and rollback again returns to v4.
			if out, err := install("v4"); err != nil {
				t.Fatalf("install v4: %v\n%s", err, out)
			}
			if out, err := run("rollback"); err != nil || content(current) != "v1" {
				t.Errorf("rollback after a healthy v4: %s (%v), want v1\n%s", content(current), err, out)
			}
			if out, err := run("rollback"); err != nil || content(current) != "v4" {
				t.Errorf("second rollback: %s (%v), want v4 back\n%s", content(current), err, out)
			}
		})
	}
}
