package sink

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nixgen/nixgen/generator/internal/diag"
)

// killFiles are the files of the kill test, with contents of version v:
// lengths differ between versions, so a torn file shows.
func killFiles(v int) Files {
	var fs Files
	for i := range 12 {
		data := bytes.Repeat([]byte{byte('a' + v)}, 32<<10+v*1000+i)
		fs.Add(File{Path: fmt.Sprintf("nix/f%02d.nix", i), Data: data, IfExists: Overwrite})
	}
	fs.Add(File{Path: "flake.nix", Data: bytes.Repeat([]byte{byte('a' + v)}, 4096+v), IfExists: Overwrite})
	return fs
}

// temps lists the temporary files under dir.
func temps(t *testing.T, dir string) []string {
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && (strings.Contains(d.Name(), ".nixgen-") || d.Name() == LockName) {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// A run killed with SIGKILL at any moment leaves every file with its old
// or its new contents, never missing or torn; the next run removes what
// the killed one left.
func TestWriteKilled(t *testing.T) {
	if dir := os.Getenv("NIXGEN_SINK_KILL_CHILD"); dir != "" {
		for v := 1; ; v = 3 - v { // 1, 2, 1, 2, ...
			if _, err := Write(dir, killFiles(v)); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
	}
	dir := t.TempDir()
	if _, err := Write(dir, killFiles(0)); err != nil {
		t.Fatal(err)
	}
	want := map[string][3][]byte{}
	for v := range 3 {
		for _, f := range killFiles(v) {
			w := want[f.Path]
			w[v] = f.Data
			want[f.Path] = w
		}
	}
	for iter := range 50 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestWriteKilled$")
		cmd.Env = append(os.Environ(), "NIXGEN_SINK_KILL_CHILD="+dir)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(5+rand.IntN(60)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		if ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus); !ws.Signaled() {
			t.Fatalf("iteration %d: the child ended before the kill: %s", iter, stderr.String())
		}
		for p, versions := range want {
			got, err := os.ReadFile(filepath.Join(dir, p))
			if err != nil {
				t.Fatalf("iteration %d: %s: %v", iter, p, err)
			}
			if !bytes.Equal(got, versions[0]) && !bytes.Equal(got, versions[1]) && !bytes.Equal(got, versions[2]) {
				t.Fatalf("iteration %d: %s is torn (%d bytes)", iter, p, len(got))
			}
		}
	}
	// The next run cleans up after the killed ones.
	if _, err := Write(dir, killFiles(0)); err != nil {
		t.Fatal(err)
	}
	if left := temps(t, dir); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}

// A read-only directory: exit 3, and the tree as it was, without the
// directory Write would have made.
func TestWriteReadOnly(t *testing.T) {
	dir := t.TempDir()
	if os.Getuid() == 0 {
		// root writes anywhere a mode allows nothing: use a read-only mount.
		if err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir).Run(); err != nil {
			t.Skipf("as root, a read-only directory needs a mount: %v", err)
		}
		t.Cleanup(func() { exec.Command("umount", dir).Run() })
		os.WriteFile(filepath.Join(dir, "flake.nix"), []byte("old"), 0o644)
		if err := exec.Command("mount", "-o", "remount,ro", dir).Run(); err != nil {
			t.Skipf("remount read-only: %v", err)
		}
	} else {
		os.WriteFile(filepath.Join(dir, "flake.nix"), []byte("old"), 0o644)
		os.Chmod(dir, 0o555)
		t.Cleanup(func() { os.Chmod(dir, 0o755) })
	}
	_, err := Write(dir, files(Overwrite, "flake.nix", "new", "nix/module.nix", "m"))
	var werr *diag.WriteError
	if !errors.As(err, &werr) || diag.ExitCode(err) != diag.ExitTool {
		t.Fatalf("err = %v, want a write error (exit 3)", err)
	}
	if diff := cmp.Diff(map[string]string{"flake.nix": "old"}, tree(t, dir)); diff != "" {
		t.Errorf("tree changed (-want +got):\n%s", diff)
	}
	if _, err := os.Stat(filepath.Join(dir, "nix")); err == nil {
		t.Error("nix/ was left behind")
	}
}

// A full disk: exit 3, and the tree as it was.
func TestWriteNoSpace(t *testing.T) {
	check := func(t *testing.T, dir string, fs Files) {
		t.Helper()
		os.WriteFile(filepath.Join(dir, "flake.nix"), []byte("old"), 0o644)
		_, err := Write(dir, fs)
		if diag.ExitCode(err) != diag.ExitTool || !strings.Contains(err.Error(), "no space left") {
			t.Fatalf("err = %v, want a write error (exit 3) saying so", err)
		}
		if diff := cmp.Diff(map[string]string{"flake.nix": "old"}, tree(t, dir)); diff != "" {
			t.Errorf("tree changed (-want +got):\n%s", diff)
		}
		if _, err := os.Stat(filepath.Join(dir, "nix")); err == nil {
			t.Error("nix/ was left behind")
		}
	}
	t.Run("sync fails", func(t *testing.T) {
		n := 0
		syncFile = func(f *os.File) error {
			if n++; n == 2 {
				return &os.PathError{Op: "sync", Path: f.Name(), Err: syscall.ENOSPC}
			}
			return f.Sync()
		}
		t.Cleanup(func() { syncFile = func(f *os.File) error { return f.Sync() } })
		check(t, t.TempDir(), files(Overwrite, "flake.nix", "new", "nix/module.nix", "m"))
	})
	t.Run("tmpfs", func(t *testing.T) {
		dir := t.TempDir()
		if os.Getuid() != 0 || exec.Command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir).Run() != nil {
			t.Skip("needs root to mount a small tmpfs")
		}
		t.Cleanup(func() { exec.Command("umount", dir).Run() })
		check(t, dir, files(Overwrite, "flake.nix", "new", "nix/module.nix", strings.Repeat("m", 1<<20)))
	})
}

// A rename that fails part-way puts back the files already replaced,
// from the copies in memory, and removes the new ones.
func TestWriteRenameFailureRestores(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a"), []byte("old a"), 0o600)
	os.WriteFile(filepath.Join(dir, "c"), []byte("old c"), 0o644)
	n := 0
	rename = func(from, to string) error {
		if n++; n == 3 {
			return &os.LinkError{Op: "rename", Old: from, New: to, Err: syscall.EIO}
		}
		return os.Rename(from, to)
	}
	t.Cleanup(func() { rename = os.Rename })
	_, err := Write(dir, files(Overwrite, "a", "new a", "b/new", "new b", "c", "new c"))
	if diag.ExitCode(err) != diag.ExitTool {
		t.Fatalf("err = %v, want a write error", err)
	}
	if diff := cmp.Diff(map[string]string{"a": "old a", "c": "old c"}, tree(t, dir)); diff != "" {
		t.Errorf("tree (-want +got):\n%s", diff)
	}
	if st, _ := os.Stat(filepath.Join(dir, "a")); st.Mode().Perm() != 0o600 {
		t.Errorf("a restored with mode %v", st.Mode().Perm())
	}
	if left := temps(t, dir); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}

// Nothing is written through a symlink that leads out of the directory;
// one that stays inside is written through, and stays a symlink.
func TestWriteSymlinks(t *testing.T) {
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "flake.nix"), []byte("theirs"), 0o644)

	dir := t.TempDir()
	os.Symlink(outside, filepath.Join(dir, "nix"))
	_, err := Write(dir, files(Overwrite, "flake.nix", "new", "nix/module.nix", "m"))
	if err == nil || !strings.Contains(err.Error(), "nix/module.nix: is reached through a symlink that leads out of") {
		t.Errorf("directory symlink out: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "flake.nix")); err == nil {
		t.Error("flake.nix was written")
	}

	dir = t.TempDir()
	os.Symlink(filepath.Join(outside, "flake.nix"), filepath.Join(dir, "flake.nix"))
	if _, err := Write(dir, files(Overwrite, "flake.nix", "new")); err == nil || !strings.Contains(err.Error(), "leads out of") {
		t.Errorf("file symlink out: %v", err)
	}
	if got, _ := os.ReadFile(filepath.Join(outside, "flake.nix")); string(got) != "theirs" {
		t.Errorf("the file outside was written: %q", got)
	}

	dir = t.TempDir()
	os.Mkdir(filepath.Join(dir, "real"), 0o755)
	os.WriteFile(filepath.Join(dir, "real", "flake.nix"), []byte("old"), 0o644)
	os.Symlink("real/flake.nix", filepath.Join(dir, "flake.nix"))
	if _, err := Write(dir, files(Overwrite, "flake.nix", "new")); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "real", "flake.nix")); string(got) != "new" {
		t.Errorf("the link's target reads %q", got)
	}
	if st, _ := os.Lstat(filepath.Join(dir, "flake.nix")); st.Mode()&os.ModeSymlink == 0 {
		t.Error("the symlink was replaced")
	}
}

// Of runs that start together on an empty directory, one writes and the
// others find its files: no file mixes two runs.
func TestWriteConcurrent(t *testing.T) {
	dir := t.TempDir()
	const runs = 8
	var wg sync.WaitGroup
	errs := make([]error, runs)
	for r := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := fmt.Sprint(r)
			_, errs[r] = Write(dir, files(Refuse, "flake.nix", v, "nix/module.nix", v, "nixgen.toml", v))
		}()
	}
	wg.Wait()
	won := -1
	for r, err := range errs {
		var exists *diag.ExistsError
		switch {
		case err == nil && won < 0:
			won = r
		case err == nil:
			t.Errorf("runs %d and %d both wrote", won, r)
		case !errors.As(err, &exists):
			t.Errorf("run %d: %v", r, err)
		}
	}
	v := fmt.Sprint(won)
	if diff := cmp.Diff(map[string]string{"flake.nix": v, "nix/module.nix": v, "nixgen.toml": v}, tree(t, dir)); diff != "" {
		t.Errorf("tree (-want +got):\n%s", diff)
	}
}

// The temporary files of a killed run are removed by the next one, and
// the lock file does not stay.
func TestWriteRemovesStaleTemps(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "nix"), 0o755)
	stale := []string{".flake.nix.nixgen-123456", "nix/.module.nix.nixgen-42", "nix/.module.nix.nixgen-42.old"}
	for _, s := range stale {
		os.WriteFile(filepath.Join(dir, s), []byte("partial"), 0o600)
	}
	os.WriteFile(filepath.Join(dir, ".nixgen-notes"), []byte("mine"), 0o644)
	if _, err := Write(dir, files(Overwrite, "flake.nix", "new", "nix/module.nix", "m")); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"flake.nix": "new", "nix/module.nix": "m", ".nixgen-notes": "mine"}
	if diff := cmp.Diff(want, tree(t, dir)); diff != "" {
		t.Errorf("tree (-want +got):\n%s", diff)
	}
}

// A directory that does not exist yet is made, and removed again when
// the write fails.
func TestWriteNewDirectory(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "new", "config")
	if _, err := Write(dir, files(Refuse, "flake.nix", "f", "hosts/a.nix", "a")); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"new/config/flake.nix": "f", "new/config/hosts/a.nix": "a"}, tree(t, base)); diff != "" {
		t.Errorf("tree (-want +got):\n%s", diff)
	}
	// A path that climbs out with .. is refused like a symlink out.
	if _, err := Write(dir, files(Overwrite, "../escape", "x")); err == nil {
		t.Error("../escape was written")
	}
}
