package resolve

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Directories a killed run left are removed when an hour old; fresh ones
// (a run going on now) and other names are left alone.
func TestRemoveStaleTemps(t *testing.T) {
	tmp := t.TempDir()
	now := time.Now()
	old := now.Add(-2 * time.Hour)
	mk := func(name string, mtime time.Time, readOnly bool) {
		p := filepath.Join(tmp, name)
		os.MkdirAll(filepath.Join(p, "objects"), 0o755)
		os.WriteFile(filepath.Join(p, "objects", "x"), []byte("x"), 0o444)
		if readOnly {
			os.Chmod(filepath.Join(p, "objects"), 0o555)
		}
		os.Chtimes(p, mtime, mtime)
	}
	mk("nixgen-prefetch-1", old, true)
	mk("nixgen-git-home-2", old, false)
	mk("nixgen-govendor-3", old, false)
	mk("nixgen-prefetch-fresh", now, false)
	mk("someone-else", old, false)
	removeStaleTemps(tmp, now)
	var left []string
	entries, _ := os.ReadDir(tmp)
	for _, e := range entries {
		left = append(left, e.Name())
	}
	if strings.Join(left, " ") != "nixgen-prefetch-fresh someone-else" {
		t.Errorf("left %v, want the fresh one and the foreign one", left)
	}
}

// A run ended by SIGTERM removes the directories it was working in.
func TestTempDirRemovedOnSignal(t *testing.T) {
	if os.Getenv("NIXGEN_TEMPDIR_CHILD") != "" {
		dir, _, err := tempDir("nixgen-prefetch-")
		if err != nil {
			os.Exit(2)
		}
		os.Stdout.WriteString(dir + "\n")
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	tmp := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestTempDirRemovedOnSignal$")
	cmd.Env = append(os.Environ(), "NIXGEN_TEMPDIR_CHILD=1", "TMPDIR="+tmp)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	n, _ := out.Read(buf)
	dir := strings.TrimSpace(string(buf[:n]))
	if !strings.HasPrefix(dir, tmp) {
		cmd.Process.Kill()
		t.Fatalf("child said %q", dir)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("the directory is not there while the child runs: %v", err)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGTERM {
		t.Errorf("child ended with %v, want killed by SIGTERM as without nixgen's handler", err)
	}
	if _, err := os.Stat(dir); err == nil {
		t.Errorf("%s is still there after SIGTERM", dir)
	}
}
