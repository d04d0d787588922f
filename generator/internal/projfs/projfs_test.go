package projfs

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"
)

// Nothing a repository holds makes a read hang, run away or leave it.
func TestReadFile(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	write := func(name, data string) {
		p := filepath.Join(root, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := func(name, target string) {
		p := filepath.Join(root, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
	write("src/main.rs", "fn main() {}\n")
	write("src/lib.rs", "// lib\n")
	os.WriteFile(filepath.Join(outside, "secret"), []byte("secret\n"), 0o600)
	if err := syscall.Mkfifo(filepath.Join(root, "src/fifo.rs"), 0o644); err != nil {
		t.Fatal(err)
	}
	link("src/zero.rs", "/dev/zero")
	link("src/abs.rs", filepath.Join(outside, "secret"))
	rel, _ := filepath.Rel(filepath.Join(root, "src"), filepath.Join(outside, "secret"))
	link("src/up.rs", rel)
	link("src/alias.rs", "lib.rs")                // inside: read
	link("src/deep/alias.rs", "../../src/lib.rs") // inside, through ..: read
	link("dirlink", "src")                        // a directory inside
	link("outdir", outside)                       // a directory outside
	link("loop.rs", "loop.rs")
	big, _ := os.Create(filepath.Join(root, "big.rs"))
	big.Truncate(MaxSize + 1)
	big.Close()

	fsys := os.DirFS(root)
	for name, want := range map[string]string{
		"src/main.rs":       "fn main() {}\n",
		"src/alias.rs":      "// lib\n",
		"src/deep/alias.rs": "// lib\n",
		"dirlink/lib.rs":    "// lib\n",
	} {
		got, err := ReadFile(fsys, name)
		if err != nil || string(got) != want {
			t.Errorf("ReadFile(%s) = %q, %v; want %q", name, got, err, want)
		}
	}
	for name, why := range map[string]string{
		"src/fifo.rs":   "named pipe",
		"src/zero.rs":   "symlink out of the repository",
		"src/abs.rs":    "symlink out of the repository",
		"src/up.rs":     "symlink out of the repository",
		"outdir/secret": "symlink out of the repository",
		"loop.rs":       "too many symlinks",
		"big.rs":        "larger than 16 MiB",
	} {
		done := make(chan struct{})
		go func() {
			defer close(done)
			got, err := ReadFile(fsys, name)
			skip, ok := Skipped(err)
			if !ok || !strings.Contains(skip.Error(), why) || skip.Path != name || got != nil {
				t.Errorf("ReadFile(%s) = %q, %v; want a skip because it %s", name, got, err, why)
			}
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("ReadFile(%s) hangs", name)
		}
	}
	if _, err := ReadFile(fsys, "missing.rs"); err == nil || func() bool { _, ok := Skipped(err); return ok }() {
		t.Errorf("missing file: %v, want the fs error", err)
	}
}

// A file that grows past the cap while it is read is cut off.
func TestCappedRead(t *testing.T) {
	fsys := fstest.MapFS{"f": {Data: make([]byte, 10)}}
	f, err := Open(fsys, "f")
	if err != nil {
		t.Fatal(err)
	}
	c := f.(*capped)
	c.left = 4
	buf := make([]byte, 100)
	if n, err := c.Read(buf); n != 4 || err != nil {
		t.Fatalf("first read %d, %v", n, err)
	}
	if _, err := c.Read(buf); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("read past the cap: %v", err)
	}
}
