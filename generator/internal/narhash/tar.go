package narhash

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// Tar returns the NAR SHA-256 of the tree a tar stream holds: the hash
// `nix hash path DIR` gives after `tar -xf` into the empty directory DIR.
// Nothing is written to disk but file contents beyond a memory budget.
func Tar(r io.Reader) (Sum, error) {
	t, err := readTar(r)
	if err != nil {
		return Sum{}, err
	}
	defer t.close()
	return t.sum(t.root)
}

// TarStripRoot is Tar for archives with one top-level entry, such as
// GitHub's (repo-rev/...) or `git archive --prefix=x/`: it hashes that
// entry, as fetchzip and so fetchFromGitHub do after unpacking.
func TarStripRoot(r io.Reader) (Sum, error) {
	t, err := readTar(r)
	if err != nil {
		return Sum{}, err
	}
	defer t.close()
	if len(t.root.kids) != 1 {
		names := make([]string, 0, len(t.root.kids))
		for name := range t.root.kids {
			names = append(names, name)
		}
		slices.Sort(names)
		return Sum{}, fmt.Errorf("tar: want exactly one top-level entry to strip, have %d: %s",
			len(names), strings.Join(names, ", "))
	}
	for _, n := range t.root.kids {
		return t.sum(n)
	}
	panic("unreachable")
}

// tarMemory bounds the file contents a tarTree keeps in memory; the rest
// goes to a temporary file.
var tarMemory int64 = 64 << 20

// A tarTree is an archive's tree with its file contents, held until it can
// be hashed in NAR order, which tar order need not be.
type tarTree struct {
	root  *tarNode
	mem   int64    // bytes of contents in memory
	spill *os.File // contents past tarMemory, made on first use
	size  int64    // of spill
}

type tarNode struct {
	typ    byte // tar.TypeDir, tar.TypeReg or tar.TypeSymlink
	exec   bool
	target string
	data   []byte // contents in memory, or
	off    int64  // where they are in the spill file
	size   int64
	kids   map[string]*tarNode
}

func newDir() *tarNode { return &tarNode{typ: tar.TypeDir, kids: map[string]*tarNode{}} }

func (t *tarTree) close() {
	if t.spill != nil {
		t.spill.Close()
		os.Remove(t.spill.Name())
	}
}

// readTar reads an archive the way tar -x would lay it out: leading "/"
// and "./" dropped, missing parent directories made, a later member
// replacing an earlier one of the same name.
func readTar(r io.Reader) (*tarTree, error) {
	t := &tarTree{root: newDir()}
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return t, nil
		}
		if err != nil {
			t.close()
			return nil, fmt.Errorf("tar: %w", err)
		}
		if err := t.add(hdr, tr); err != nil {
			t.close()
			return nil, fmt.Errorf("tar: %s: %w", hdr.Name, err)
		}
	}
}

func (t *tarTree) add(hdr *tar.Header, r io.Reader) error {
	switch hdr.Typeflag {
	case tar.TypeXGlobalHeader: // git archive's commit id
		return nil
	case tar.TypeReg, tar.TypeRegA, tar.TypeDir, tar.TypeSymlink, tar.TypeLink:
	default:
		return fmt.Errorf("unsupported member type %q: a NAR holds only regular files, directories and symlinks", hdr.Typeflag)
	}
	parts, err := splitName(hdr.Name)
	if err != nil {
		return err
	}
	if len(parts) == 0 {
		if hdr.Typeflag != tar.TypeDir {
			return errors.New("a member that is not a directory names the archive's top")
		}
		return nil
	}
	parent := t.root
	for _, p := range parts[:len(parts)-1] {
		kid := parent.kids[p]
		if kid == nil || kid.typ != tar.TypeDir {
			kid = newDir()
			parent.kids[p] = kid
		}
		parent = kid
	}
	name := parts[len(parts)-1]
	switch hdr.Typeflag {
	case tar.TypeDir:
		if old := parent.kids[name]; old == nil || old.typ != tar.TypeDir {
			parent.kids[name] = newDir()
		}
	case tar.TypeSymlink:
		parent.kids[name] = &tarNode{typ: tar.TypeSymlink, target: hdr.Linkname}
	case tar.TypeLink:
		target, err := t.lookup(hdr.Linkname)
		if err != nil {
			return err
		}
		parent.kids[name] = target // a hard link shares contents and mode
	default:
		n := &tarNode{typ: tar.TypeReg, exec: hdr.Mode&0o100 != 0, size: hdr.Size}
		if err := t.store(n, r); err != nil {
			return err
		}
		parent.kids[name] = n
	}
	return nil
}

// splitName turns a member name into path components, as tar -x reads it.
func splitName(name string) ([]string, error) {
	var parts []string
	for p := range strings.SplitSeq(name, "/") {
		switch p {
		case "", ".":
		case "..":
			return nil, errors.New(`member name contains ".."`)
		default:
			parts = append(parts, p)
		}
	}
	return parts, nil
}

func (t *tarTree) lookup(name string) (*tarNode, error) {
	parts, err := splitName(name)
	if err != nil {
		return nil, err
	}
	n := t.root
	for _, p := range parts {
		if n.typ != tar.TypeDir || n.kids[p] == nil {
			return nil, fmt.Errorf("hard link to %s, which is not in the archive before it", name)
		}
		n = n.kids[p]
	}
	if n.typ != tar.TypeReg {
		return nil, fmt.Errorf("hard link to %s, which is not a regular file", name)
	}
	return n, nil
}

// store keeps a member's contents in memory, or spills them once the
// memory budget is spent.
func (t *tarTree) store(n *tarNode, r io.Reader) error {
	if t.mem+n.size <= tarMemory {
		n.data = make([]byte, n.size)
		if _, err := io.ReadFull(r, n.data); err != nil {
			return err
		}
		t.mem += n.size
		return nil
	}
	if t.spill == nil {
		f, err := os.CreateTemp("", "narhash-tar-*")
		if err != nil {
			return fmt.Errorf("spill contents: %w", err)
		}
		t.spill = f
	}
	w, err := io.Copy(t.spill, io.LimitReader(r, n.size))
	if err == nil && w != n.size {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return fmt.Errorf("spill contents to %s: %w", t.spill.Name(), err)
	}
	n.off = t.size
	t.size += n.size
	return nil
}

// sum hashes the NAR of node n.
func (t *tarTree) sum(n *tarNode) (Sum, error) {
	s := &stage{h: sha256.New(), b: make([]byte, 0, stageSize+inlineSize+1024)}
	s.b = append(s.b, magic...)
	var buf []byte
	if err := t.emit(s, n, &buf); err != nil {
		return Sum{}, err
	}
	s.flush()
	var sum Sum
	s.h.Sum(sum[:0])
	return sum, nil
}

func (t *tarTree) emit(s *stage, n *tarNode, buf *[]byte) error {
	if len(s.b) >= stageSize {
		s.flush()
	}
	switch n.typ {
	case tar.TypeSymlink:
		s.b = append(s.b, symlinkOpen...)
		s.b = appendStr(s.b, n.target)
	case tar.TypeReg:
		if n.exec {
			s.b = append(s.b, execOpen...)
		} else {
			s.b = append(s.b, fileOpen...)
		}
		s.b = binary.LittleEndian.AppendUint64(s.b, uint64(n.size))
		if n.data != nil || n.size == 0 {
			s.write(n.data)
		} else if err := t.unspill(s, n, buf); err != nil {
			return err
		}
		s.b = appendPad(s.b, uint64(n.size))
	case tar.TypeDir:
		s.b = append(s.b, dirOpen...)
		names := make([]string, 0, len(n.kids))
		for name := range n.kids {
			names = append(names, name)
		}
		slices.Sort(names) // bytewise
		for _, name := range names {
			s.b = append(s.b, entryOpen...)
			s.b = appendStr(s.b, name)
			s.b = append(s.b, entryNode...)
			if err := t.emit(s, n.kids[name], buf); err != nil {
				return err
			}
			s.b = append(s.b, closeTok...)
		}
	}
	s.b = append(s.b, closeTok...)
	return nil
}

// unspill hashes a node's contents from the spill file.
func (t *tarTree) unspill(s *stage, n *tarNode, buf *[]byte) error {
	if *buf == nil {
		*buf = make([]byte, 1<<20)
	}
	s.flush()
	for off, end := n.off, n.off+n.size; off < end; {
		b := (*buf)[:min(int64(len(*buf)), end-off)]
		if _, err := t.spill.ReadAt(b, off); err != nil {
			return fmt.Errorf("tar: read back spilled contents: %w", err)
		}
		s.h.Write(b)
		s.n += int64(len(b))
		off += int64(len(b))
	}
	return nil
}
