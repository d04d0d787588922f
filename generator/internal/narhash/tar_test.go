package narhash

import (
	"archive/tar"
	"bytes"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nixgen/nixgen/internal/nixtest"
)

type tarMember struct {
	hdr  *tar.Header
	data []byte
}

// treeMembers lists root as tar members named prefix+relative path,
// directories included.
func treeMembers(t *testing.T, root, prefix string) []tarMember {
	t.Helper()
	var ms []tarMember
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		name := prefix + filepath.ToSlash(rel)
		fi, err := d.Info()
		if err != nil {
			return err
		}
		hdr := &tar.Header{Name: name, Mode: int64(fi.Mode().Perm()), Format: tar.FormatPAX}
		var data []byte
		switch {
		case d.IsDir():
			hdr.Typeflag, hdr.Name = tar.TypeDir, name+"/"
		case d.Type()&fs.ModeSymlink != 0:
			hdr.Typeflag = tar.TypeSymlink
			if hdr.Linkname, err = os.Readlink(p); err != nil {
				return err
			}
		default:
			hdr.Typeflag = tar.TypeReg
			if data, err = os.ReadFile(p); err != nil {
				return err
			}
			hdr.Size = int64(len(data))
		}
		ms = append(ms, tarMember{hdr, data})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func writeTar(t *testing.T, ms []tarMember) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, m := range ms {
		if err := tw.WriteHeader(m.hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(m.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestTar(t *testing.T) {
	root := edgeTree(t)
	randomTree(t, filepath.Join(root, "random"), 5, 200, 2*mib)
	want := checkPath(t, root)
	ms := treeMembers(t, root, "")

	t.Run("walk-order", func(t *testing.T) {
		if got, err := Tar(bytes.NewReader(writeTar(t, ms))); err != nil || got != want {
			t.Errorf("Tar = %s, %v; want %s", got, err, want)
		}
	})
	t.Run("shuffled-no-dirs-spilled", func(t *testing.T) {
		// Any member order, parents implied, and contents past the memory
		// budget read back from disk.
		old := tarMemory
		tarMemory = 1 << 20
		defer func() { tarMemory = old }()
		var some []tarMember
		for _, m := range ms {
			if m.hdr.Typeflag == tar.TypeDir {
				if ents, err := os.ReadDir(filepath.Join(root, m.hdr.Name)); err != nil || len(ents) > 0 {
					continue // implied by its contents
				}
			}
			some = append(some, m)
		}
		rand.New(rand.NewPCG(1, 2)).Shuffle(len(some), func(i, j int) { some[i], some[j] = some[j], some[i] })
		if got, err := Tar(bytes.NewReader(writeTar(t, some))); err != nil || got != want {
			t.Errorf("Tar = %s, %v; want %s", got, err, want)
		}
	})
	t.Run("strip-root", func(t *testing.T) {
		prefixed := treeMembers(t, root, "repo-0123abc/")
		prefixed = append([]tarMember{{hdr: &tar.Header{Typeflag: tar.TypeXGlobalHeader, Name: "pax_global_header",
			PAXRecords: map[string]string{"comment": "0123abc"}}}}, prefixed...)
		data := writeTar(t, prefixed)
		if got, err := TarStripRoot(bytes.NewReader(data)); err != nil || got != want {
			t.Errorf("TarStripRoot = %s, %v; want %s", got, err, want)
		}
		wrapped, err := Tar(bytes.NewReader(data))
		if err != nil || wrapped == want {
			t.Errorf("Tar of a prefixed archive = %s, %v; want the hash of a directory around the tree", wrapped, err)
		}
	})
	t.Run("hard-link-and-replace", func(t *testing.T) {
		ms := []tarMember{
			{&tar.Header{Typeflag: tar.TypeReg, Name: "./a", Mode: 0o755, Size: 3}, []byte("old")},
			{&tar.Header{Typeflag: tar.TypeLink, Name: "b", Linkname: "a"}, nil},
			{&tar.Header{Typeflag: tar.TypeReg, Name: "a", Mode: 0o644, Size: 3}, []byte("new")},
		}
		dir := t.TempDir()
		write(t, filepath.Join(dir, "a"), []byte("new"), 0o644)
		write(t, filepath.Join(dir, "b"), []byte("old"), 0o755)
		if got, err := Tar(bytes.NewReader(writeTar(t, ms))); err != nil || got != checkPath(t, dir) {
			t.Errorf("Tar = %s, %v; want %s", got, err, checkPath(t, dir))
		}
	})
}

func TestTarErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		ms   []tarMember
		want string
	}{
		{"dotdot", []tarMember{{&tar.Header{Typeflag: tar.TypeReg, Name: "a/../../x"}, nil}}, `".."`},
		{"fifo", []tarMember{{&tar.Header{Typeflag: tar.TypeFifo, Name: "p"}, nil}}, "p: unsupported member type"},
		{"link", []tarMember{{&tar.Header{Typeflag: tar.TypeLink, Name: "l", Linkname: "gone"}, nil}}, "l: hard link to gone"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Tar(bytes.NewReader(writeTar(t, c.ms)))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Tar error = %v, want one containing %q", err, c.want)
			}
		})
	}
	if _, err := Tar(strings.NewReader(strings.Repeat("x", 1024))); err == nil {
		t.Errorf("Tar of garbage succeeded")
	}
	two := writeTar(t, []tarMember{
		{&tar.Header{Typeflag: tar.TypeDir, Name: "a/"}, nil},
		{&tar.Header{Typeflag: tar.TypeDir, Name: "b/"}, nil},
	})
	if _, err := TarStripRoot(bytes.NewReader(two)); err == nil || !strings.Contains(err.Error(), "a, b") {
		t.Errorf("TarStripRoot of two top-level entries: error = %v", err)
	}
}

// TestTarGitArchive checks what fetchFromGitHub relies on: the tree of
// `git archive --prefix=x/` hashes like the checkout without .git.
func TestTarGitArchive(t *testing.T) {
	git := nixtest.Require(t, "git")
	root := edgeTree(t)
	// git keeps no empty directories nor permission bits but owner exec.
	for _, d := range []string{"emptydir", "a/b/c/d/emptier", "names/a/sub"} {
		if err := os.Remove(filepath.Join(root, d)); err != nil {
			t.Fatal(err)
		}
	}
	home := t.TempDir()
	run := func(args ...string) []byte {
		t.Helper()
		cmd := exec.Command(git, args...)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "HOME="+home, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
			"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
		}
		return out
	}
	run("init", "-q")
	run("add", "-A")
	run("commit", "-q", "-m", "x")
	archive := run("archive", "--format=tar", "--prefix=x/", "HEAD")
	if err := os.RemoveAll(filepath.Join(root, ".git")); err != nil {
		t.Fatal(err)
	}
	// Permission bits other than owner exec do not reach a NAR, so the
	// checkout's hash is the tree's.
	want := checkPath(t, root)
	got, err := TarStripRoot(bytes.NewReader(archive))
	if err != nil || got != want {
		t.Errorf("TarStripRoot(git archive) = %s, %v; want %s", got, err, want)
	}
}
