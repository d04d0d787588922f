package narhash

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nix-community/go-nix/pkg/nar"
	"github.com/nixgen/nixgen/internal/nixtest"
)

const mib = 1 << 20 // the size of the pieces Path reads files in

// goNixSum is the reference: go-nix's plain, sequential DumpPath.
func goNixSum(t testing.TB, path string) (Sum, int64) {
	t.Helper()
	h := sha256.New()
	c := &countWriter{w: h}
	if err := nar.DumpPath(c, path); err != nil {
		t.Fatalf("nar.DumpPath(%s): %v", path, err)
	}
	var sum Sum
	h.Sum(sum[:0])
	return sum, c.n
}

type countWriter struct {
	w interface{ Write([]byte) (int, error) }
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return c.w.Write(p)
}

// nixSum runs the real `nix hash path`.
func nixSum(t testing.TB, path string) Sum {
	t.Helper()
	nix := nixtest.Require(t, "nix")
	cmd := exec.Command(nix, "--extra-experimental-features", "nix-command", "hash", "path", path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, stderr.Bytes())
	}
	sum, err := Parse(strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatalf("%s printed %q: %v", strings.Join(cmd.Args, " "), out, err)
	}
	return sum
}

// checkPath compares Path with go-nix, and returns the sum.
func checkPath(t *testing.T, path string) Sum {
	t.Helper()
	got, n, err := PathSize(path)
	if err != nil {
		t.Fatalf("PathSize(%s): %v", path, err)
	}
	want, wantN := goNixSum(t, path)
	if got != want {
		t.Errorf("Path(%s) = %s, go-nix DumpPath gives %s", path, got, want)
	}
	if n != wantN {
		t.Errorf("PathSize(%s) size = %d, go-nix DumpPath writes %d bytes", path, n, wantN)
	}
	return got
}

func write(t testing.TB, path string, data []byte, mode fs.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // past the umask
		t.Fatal(err)
	}
}

func symlink(t testing.TB, target, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
}

func mkdir(t testing.TB, path string) {
	t.Helper()
	if err := os.MkdirAll(path, 0o755); err != nil {
		t.Fatal(err)
	}
}

func randBytes(seed uint64, n int) []byte {
	b := make([]byte, n)
	var key [32]byte
	key[0], key[1] = byte(seed), byte(seed>>8)
	rand.NewChaCha8(key).Read(b)
	return b
}

// edgeTree builds a tree with every kind of node and the awkward cases.
func edgeTree(t *testing.T) string {
	root := filepath.Join(t.TempDir(), "tree")
	write(t, filepath.Join(root, "plain"), []byte("plain\n"), 0o644)
	write(t, filepath.Join(root, "exec"), []byte("#!/bin/sh\n"), 0o755)
	write(t, filepath.Join(root, "owner-exec-only"), []byte("x"), 0o700)
	write(t, filepath.Join(root, "group-exec-only"), []byte("x"), 0o654) // not executable in a NAR
	write(t, filepath.Join(root, "no-perms"), []byte("secret"), 0o000)
	write(t, filepath.Join(root, "empty"), nil, 0o644)
	write(t, filepath.Join(root, "empty-exec"), nil, 0o755)
	for _, n := range []int{7, 8, 9, 4095, 4096, 4097} { // padding and buffer classes
		write(t, filepath.Join(root, "pad", fmt.Sprint(n)), randBytes(uint64(n), n), 0o644)
	}
	// Around the size of a piece, and past several pieces.
	for i, n := range []int{mib - 1, mib, mib + 1, 3*mib + 12345} {
		write(t, filepath.Join(root, "large", fmt.Sprint(n)), randBytes(uint64(i+100), n), 0o644)
	}
	write(t, filepath.Join(root, "large", "exec"), randBytes(200, 2*mib+4097), 0o755)
	mkdir(t, filepath.Join(root, "emptydir"))
	mkdir(t, filepath.Join(root, "a", "b", "c", "d", "emptier"))
	write(t, filepath.Join(root, "a", "b", "c", "d", "deep"), []byte("deep"), 0o644)
	symlink(t, "plain", filepath.Join(root, "link-rel"))
	symlink(t, "../a/b", filepath.Join(root, "links", "to-dir"))
	symlink(t, "/etc/passwd", filepath.Join(root, "links", "absolute"))
	symlink(t, "does/not/exist", filepath.Join(root, "links", "dangling"))
	symlink(t, "loop", filepath.Join(root, "links", "loop"))
	symlink(t, strings.Repeat("long/", 200), filepath.Join(root, "links", "long"))
	// Bytewise order differs from a locale's: upper before lower case,
	// punctuation, digits by bytes, unicode after ASCII, precomposed and
	// decomposed é apart.
	for _, name := range []string{
		"B", "Z", "_x", "-dash", ".hidden", "10", "9", "a.b", "a-b", "a_b", "ab",
		"ä", "é", "e\u0301", "日本語", "Ω", "😀", "z", "~",
	} {
		write(t, filepath.Join(root, "names", name), []byte(name), 0o644)
	}
	mkdir(t, filepath.Join(root, "names", "a", "sub"))
	write(t, filepath.Join(root, "names", "a", "f"), []byte("a directory named a sorts before a-b"), 0o644)
	return root
}

func TestPathEdgeTree(t *testing.T) {
	root := edgeTree(t)
	// Every node on its own too: files, symlinks and dirs at the top.
	paths := []string{root}
	err := filepath.WalkDir(root, func(p string, _ fs.DirEntry, err error) error {
		if p != root {
			paths = append(paths, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sums := map[string]Sum{}
	for _, p := range paths {
		sums[p] = checkPath(t, p)
	}
	if !t.Failed() {
		_ = nixtest.Require(t, "nix")
		for _, p := range []string{
			root,
			filepath.Join(root, "names"),
			filepath.Join(root, "large", "exec"),
			filepath.Join(root, "links", "to-dir"),
			filepath.Join(root, "exec"),
			filepath.Join(root, "emptydir"),
			filepath.Join(root, "empty"),
		} {
			if got, want := sums[p], nixSum(t, p); got != want {
				t.Errorf("Path(%s) = %s, nix hash path gives %s", p, got, want)
			}
		}
	}
}

// randomTree builds a tree of n files of varied sizes under nested
// directories, with some symlinks and executables.
func randomTree(t testing.TB, root string, seed uint64, n int, maxSize int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 0))
	dirs := []string{root}
	mkdir(t, root)
	for i := range n {
		if rng.IntN(20) == 0 {
			d := filepath.Join(dirs[rng.IntN(len(dirs))], fmt.Sprintf("d%d", i))
			mkdir(t, d)
			dirs = append(dirs, d)
		}
		d := dirs[rng.IntN(len(dirs))]
		var size int
		switch rng.IntN(10) {
		case 0:
			size = rng.IntN(maxSize + 1)
		case 1:
			size = 0
		default:
			size = rng.IntN(8 << 10)
		}
		mode := fs.FileMode(0o644)
		if rng.IntN(5) == 0 {
			mode = 0o755
		}
		name := fmt.Sprintf("f%d", i)
		write(t, filepath.Join(d, name), randBytes(seed+uint64(i), size), mode)
		if rng.IntN(15) == 0 {
			symlink(t, name, filepath.Join(d, name+".l"))
		}
	}
}

func TestPathRandomTrees(t *testing.T) {
	for seed := range uint64(4) {
		root := filepath.Join(t.TempDir(), "r")
		randomTree(t, root, seed, 600, 3*mib)
		got := checkPath(t, root)
		if seed == 0 {
			if want := nixSum(t, root); got != want {
				t.Errorf("Path(%s) = %s, nix hash path gives %s", root, got, want)
			}
		}
	}
}

func TestPathRepeatable(t *testing.T) {
	// Pooled buffers are reused across runs and concurrent calls.
	root := filepath.Join(t.TempDir(), "r")
	randomTree(t, root, 3, 300, 2*mib)
	want, _ := goNixSum(t, root)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 3 {
				got, err := Path(root)
				if err != nil {
					t.Error(err)
					return
				}
				if got != want {
					t.Errorf("Path(%s) = %s, want %s", root, got, want)
				}
			}
		})
	}
	wg.Wait()
}

func TestPathRootSymlinkToDir(t *testing.T) {
	dir := t.TempDir()
	mkdir(t, filepath.Join(dir, "real"))
	write(t, filepath.Join(dir, "real", "f"), []byte("f"), 0o644)
	symlink(t, "real", filepath.Join(dir, "link"))
	// The top-level symlink is hashed as a symlink, not followed.
	link, real := checkPath(t, filepath.Join(dir, "link")), checkPath(t, filepath.Join(dir, "real"))
	if link == real {
		t.Errorf("a top-level symlink to a directory hashed like the directory")
	}
	// A trailing slash is cleaned away, as nix does.
	if got := checkPath(t, filepath.Join(dir, "real")+"/"); got != real {
		t.Errorf("Path(real/) = %s, want %s", got, real)
	}
}

// withTimeout fails the test instead of hanging forever.
func withTimeout(t *testing.T, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		buf := make([]byte, 1<<20)
		t.Fatalf("hung; goroutines:\n%s", buf[:runtime.Stack(buf, true)])
	}
}

// checkNoLeaks fails when f leaves goroutines or descriptors behind.
func checkNoLeaks(t *testing.T, f func()) {
	t.Helper()
	fds := func() int {
		ents, err := os.ReadDir("/proc/self/fd")
		if err != nil {
			t.Skipf("cannot count descriptors: %v", err)
		}
		return len(ents)
	}
	g0, fd0 := runtime.NumGoroutine(), fds()
	f()
	var g, fd int
	for range 100 { // goroutines that called wg.Done may not have exited yet
		g, fd = runtime.NumGoroutine(), fds()
		if g <= g0 && fd <= fd0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("leaked %d goroutines and %d descriptors", g-g0, fd-fd0)
}

func TestPathErrors(t *testing.T) {
	t.Run("missing", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "nope")
		_, err := Path(p)
		if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), p) {
			t.Errorf("Path(%s) error = %v, want one wrapping fs.ErrNotExist and naming the path", p, err)
		}
	})
	t.Run("socket", func(t *testing.T) {
		root := filepath.Join(t.TempDir(), "r")
		randomTree(t, root, 1, 500, 2*mib)
		sock := filepath.Join(root, "m-sock")
		l, err := net.Listen("unix", sock)
		if err != nil {
			t.Skipf("cannot make a socket: %v", err)
		}
		defer l.Close()
		checkNoLeaks(t, func() {
			withTimeout(t, func() {
				_, err := Path(root)
				if err == nil || !strings.Contains(err.Error(), sock) || !strings.Contains(err.Error(), "socket") {
					t.Errorf("Path error = %v, want one naming %s as a socket", err, sock)
				}
			})
		})
		if _, err := Path(sock); err == nil {
			t.Errorf("Path(socket) succeeded")
		}
	})
	t.Run("fifo", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "fifo")
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Skip(err)
		}
		withTimeout(t, func() {
			if _, err := Path(p); err == nil || !strings.Contains(err.Error(), "named pipe") {
				t.Errorf("Path(fifo) error = %v, want one about a named pipe", err)
			}
		})
	})
}

// mktree is a smaller cousin of bench/mktree: mostly small files, some
// medium, a few large; about total bytes.
func mktree(b testing.TB, root string, total int) {
	rng := rand.New(rand.NewPCG(42, 42))
	dirs := []string{root}
	mkdir(b, root)
	buf := randBytes(42, 8<<20)
	for n, i := 0, 0; n < total; i++ {
		var size int
		switch {
		case i%500 == 499:
			size = 4<<20 + rng.IntN(4<<20)
		case i%50 == 49:
			size = 64<<10 + rng.IntN(1<<20)
		default:
			size = int(rng.ExpFloat64() * 5000)
		}
		size = min(size, len(buf))
		if rng.IntN(40) == 0 {
			d := filepath.Join(dirs[rng.IntN(len(dirs))], fmt.Sprintf("d%d", i))
			mkdir(b, d)
			dirs = append(dirs, d)
		}
		off := rng.IntN(len(buf) - size + 1)
		write(b, filepath.Join(dirs[rng.IntN(len(dirs))], fmt.Sprintf("f%d", i)), buf[off:off+size], 0o644)
		n += size
	}
}

func BenchmarkPath(b *testing.B) {
	root := filepath.Join(b.TempDir(), "tree")
	mktree(b, root, 64<<20)
	_, n, err := PathSize(root) // and warm the page cache
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(n)
	for b.Loop() {
		if _, err := Path(root); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDumpPath is go-nix's sequential DumpPath on the same tree.
func BenchmarkDumpPath(b *testing.B) {
	root := filepath.Join(b.TempDir(), "tree")
	mktree(b, root, 64<<20)
	_, n := goNixSum(b, root)
	b.SetBytes(n)
	for b.Loop() {
		if err := nar.DumpPath(sha256.New(), root); err != nil {
			b.Fatal(err)
		}
	}
}
