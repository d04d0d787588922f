package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/nixgen/nixgen/internal/golden"
)

// Golden cases: fixtures/init/NAME for `nixgen init`, fixtures/host/NAME
// for `nixgen host`.
const (
	fixturesDir     = "../../fixtures/init"
	hostFixturesDir = "../../fixtures/host"
)

// goldenNixgen is the nixgen version golden cases are generated as: the
// test binary is a (devel) build, and generated CI pins the version that
// wrote it, so the cases pin this one to show how a release writes it.
const goldenNixgen = "v0.0.0-golden"

// goldenEnv is the environment golden cases run nixgen in.
func goldenEnv(key string) string {
	if key == versionOverrideEnv {
		return goldenNixgen
	}
	return ""
}

// goldenCase is one fixtures/init/NAME directory that has a want/ directory
// (create it empty and run with -update, golden.Update, to add a case):
// input/ is a project, args the
// extra flags for `nixgen init` (one per line), want/ the files it writes
// and stderr.golden its warnings.
type goldenCase struct {
	name, dir string
	args      []string
}

func goldenCases(t *testing.T) []goldenCase {
	t.Helper()
	entries, err := os.ReadDir(fixturesDir)
	if err != nil {
		t.Fatal(err)
	}
	var cases []goldenCase
	for _, e := range entries {
		dir := filepath.Join(fixturesDir, e.Name())
		if _, err := os.Stat(filepath.Join(dir, "input")); err != nil {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, "want")); err != nil {
			continue // an input-only fixture; `mkdir want` and -update to add a case
		}
		c := goldenCase{name: e.Name(), dir: dir}
		if data, err := os.ReadFile(filepath.Join(dir, "args")); err == nil {
			for _, line := range strings.Split(string(data), "\n") {
				if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
					c.args = append(c.args, strings.Fields(line)...)
				}
			}
		}
		cases = append(cases, c)
	}
	if len(cases) == 0 {
		t.Fatal("no golden cases found")
	}
	return cases
}

// generate copies the case's input to a temporary directory, runs
// `nixgen init` there and returns the directory and what init added.
func (c goldenCase) generate(t *testing.T, extra ...string) (string, map[string][]byte, string) {
	t.Helper()
	tmp := t.TempDir()
	if err := os.CopyFS(tmp, os.DirFS(filepath.Join(c.dir, "input"))); err != nil {
		t.Fatal(err)
	}
	before := readTree(t, tmp)
	var stdout, stderr bytes.Buffer
	args := append([]string{"nixgen", "init"}, c.args...)
	args = append(args, extra...)
	args = append(args, tmp)
	if code := run(args, &stdout, &stderr, goldenEnv); code != 0 {
		// Go cases download modules to compute vendorHash. Without the
		// module proxy (inside a Nix build) that fails with exit 3: skip
		// there, but never in CI, which reaches the proxy.
		if code == 3 && os.Getenv("CI") == "" {
			t.Skipf("nixgen init needs the network here and failed:\n%s", stderr.String())
		}
		t.Fatalf("nixgen init exited %d:\n%s", code, stderr.String())
	}
	after := readTree(t, tmp)
	added := map[string][]byte{}
	for p, data := range after {
		if old, ok := before[p]; !ok || !bytes.Equal(old, data) {
			added[p] = data
		}
	}
	return tmp, added, strings.ReplaceAll(stderr.String(), tmp, "$DIR")
}

func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestGolden(t *testing.T) {
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			tmp, got, stderr := c.generate(t)
			golden.Dir(t, filepath.Join(c.dir, "want"), filesIn(t, tmp, got))
			golden.File(t, filepath.Join(c.dir, "stderr.golden"), []byte(stderr))

			// Generating again over the output gives the same bytes.
			var stdout, errb bytes.Buffer
			args := append(append([]string{"nixgen", "init", "--force"}, c.args...), tmp)
			if code := run(args, &stdout, &errb, goldenEnv); code != 0 {
				t.Fatalf("second init exited %d: %s", code, errb.String())
			}
			again := readTree(t, tmp)
			for p, data := range got {
				if !bytes.Equal(again[p], data) {
					t.Errorf("%s changed when generated a second time", p)
				}
			}
		})
	}
}

// filesIn returns files, which were read from dir, with their modes in
// dir, for golden.Dir.
func filesIn(t *testing.T, dir string, files map[string][]byte) fs.FS {
	t.Helper()
	fsys := fstest.MapFS{}
	for p, data := range files {
		info, err := os.Stat(filepath.Join(dir, filepath.FromSlash(p)))
		if err != nil {
			t.Fatal(err)
		}
		fsys[p] = &fstest.MapFile{Data: data, Mode: info.Mode()}
	}
	return fsys
}
