// Package sink writes generated files to disk, all or none, or prints them.
//
// Write never leaves a file missing or half written, even when the
// process is killed: each file's new contents go to a temporary file
// beside it, which is synced and then renamed over it, and rename replaces
// a file in one step. Every temporary file is written before the first
// rename, so a failure (a full disk, a read-only file system) leaves the
// tree as it was; a rename that fails puts back, from a copy held in
// memory, the files already replaced. A lock (.nixgen.lock, flock(2)) in
// the directories written keeps two runs from both finding a path free,
// and the next run removes the temporary files of a run that was killed.
package sink

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"syscall"

	"github.com/nixgen/nixgen/generator/internal/diag"
)

// IfExists says what Write does with a file that is already on disk. Each
// generated file carries its own: nixgen's files refuse to replace what is
// there unless forced, and the user's own files (owned in nixgen.toml,
// scaffolds written once) are kept.
type IfExists int

const (
	Refuse    IfExists = iota // stop before writing anything (--force turns it into Overwrite)
	Overwrite                 // replace it
	Keep                      // leave it as it is: it is the user's
)

// File is one generated file and its policy.
type File struct {
	Path     string // slash-separated, relative to the root
	Data     []byte
	IfExists IfExists
	// Why, for a Keep file, says whose it is, for the user.
	Why string
}

// Files is a set of generated files, kept sorted by Path.
type Files []File

// Add puts a file in the set, replacing one at the same path.
func (fs *Files) Add(f File) {
	i := sort.Search(len(*fs), func(i int) bool { return (*fs)[i].Path >= f.Path })
	if i < len(*fs) && (*fs)[i].Path == f.Path {
		(*fs)[i] = f
		return
	}
	*fs = append(*fs, File{})
	copy((*fs)[i+1:], (*fs)[i:])
	(*fs)[i] = f
}

// Get returns the file at path, or nil.
func (fs Files) Get(path string) *File {
	for i := range fs {
		if fs[i].Path == path {
			return &fs[i]
		}
	}
	return nil
}

// Paths lists the files' paths, sorted.
func (fs Files) Paths() []string {
	paths := make([]string, len(fs))
	for i, f := range fs {
		paths[i] = f.Path
	}
	return paths
}

// Force turns every Refuse into Overwrite.
func (fs Files) Force() Files {
	out := make(Files, len(fs))
	for i, f := range fs {
		if f.IfExists == Refuse {
			f.IfExists = Overwrite
		}
		out[i] = f
	}
	return out
}

// Pending returns the files Write would write: all but the Keep files
// that exist.
func Pending(dir string, files Files) Files {
	var out Files
	for _, f := range files {
		if f.IfExists != Keep || !exists(dir, f.Path) {
			out = append(out, f)
		}
	}
	return out
}

// Result says what Write did.
type Result struct {
	Written []string
	Kept    []File // Keep files that existed, left as they were
}

func exists(dir, p string) bool {
	_, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(p)))
	return err == nil
}

// Write writes files under dir, all or none (see the package comment). It
// refuses before writing anything when a Refuse file exists, when a path
// is a directory, and when a symlink on the way to a file leads out of
// dir: a symlink inside dir is written through, to the file it names.
// A failure to write is a *diag.WriteError, after which the tree is as it
// was, directories Write made included.
func Write(dir string, files Files) (res Result, err error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Result{}, &diag.WriteError{Path: dir, Err: err}
	}
	root, err := evalExisting(abs)
	if err != nil {
		return Result{}, &diag.WriteError{Path: dir, Err: unwrapPath(err)}
	}
	var todo []job
	for _, f := range files {
		if f.IfExists == Keep && exists(dir, f.Path) {
			continue
		}
		real, err := resolve(root, abs, dir, f.Path)
		if err != nil {
			return Result{}, err
		}
		todo = append(todo, job{path: f.Path, real: real, data: f.Data, ifExists: f.IfExists})
	}
	for i := 1; i < len(todo); i++ {
		for _, prev := range todo[:i] {
			if prev.real == todo[i].real {
				return Result{}, &diag.InputError{File: todo[i].path, Msg: fmt.Sprintf("is the same file as %s (a symlink); nothing was written", prev.path)}
			}
		}
	}

	unlock, err := lock(todo)
	if err != nil {
		return Result{}, err
	}
	defer unlock()
	removeStaleTemps(todo)

	// Under the lock: what exists now is what this run replaces.
	var exist []string
	var pending []job
	for _, f := range files {
		if !exists(dir, f.Path) {
			continue
		}
		switch f.IfExists {
		case Refuse:
			exist = append(exist, f.Path)
		case Keep:
			res.Kept = append(res.Kept, f)
		}
	}
	if len(exist) > 0 {
		return Result{}, &diag.ExistsError{Paths: exist}
	}
	for _, j := range todo {
		if j.ifExists == Keep && exists(dir, j.path) {
			continue // appeared while waiting for the lock
		}
		pending = append(pending, j)
	}
	if err := commit(pending); err != nil {
		return Result{}, err
	}
	for _, j := range pending {
		res.Written = append(res.Written, j.path)
	}
	sort.Strings(res.Written)
	return res, nil
}

// job is one file to write.
type job struct {
	path     string // as given, slash-separated, relative to the root
	real     string // on disk, symlinks resolved
	data     []byte
	ifExists IfExists

	existed bool
	old     []byte // the contents replaced, to put back
	mode    fs.FileMode
	temp    string
}

// resolve returns where the file p under dir (abs, absolute) is on disk,
// following the symlinks on the way, and refuses a path that leaves root
// (abs with its symlinks resolved), is a directory, or is not a regular
// file.
func resolve(root, abs, dir, p string) (string, error) {
	target := filepath.Join(abs, filepath.FromSlash(p))
	existing, rest := target, []string(nil)
	for {
		_, err := os.Lstat(existing)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", &diag.InputError{File: p, Msg: fmt.Sprintf("%v; nothing was written", unwrapPath(err)),
				Hint: "a file stands where nixgen needs a directory, or a directory cannot be read"}
		}
		rest = append([]string{filepath.Base(existing)}, rest...)
		existing = filepath.Dir(existing)
	}
	real, err := filepath.EvalSymlinks(existing)
	if err != nil {
		return "", &diag.InputError{File: p, Msg: fmt.Sprintf("is reached through a symlink that leads nowhere (%v); nothing was written", unwrapPath(err))}
	}
	// What does not exist yet holds no symlink: the path is real.
	real = filepath.Join(append([]string{real}, rest...)...)
	if rel, err := filepath.Rel(root, real); err != nil || !filepath.IsLocal(rel) {
		return "", &diag.InputError{File: p, Msg: "is reached through a symlink that leads out of " + dir + "; nixgen does not write through it; nothing was written",
			Hint: "replace the symlink with the file or directory itself, or run nixgen where the files are"}
	}
	if len(rest) == 0 {
		st, err := os.Stat(real)
		switch {
		case err != nil:
			return "", &diag.WriteError{Path: p, Err: err}
		case st.IsDir():
			return "", &diag.InputError{File: p, Msg: "is a directory; nixgen writes a file there and will not replace it; nothing was written"}
		case !st.Mode().IsRegular():
			return "", &diag.InputError{File: p, Msg: "is not a regular file (a FIFO, a device or a socket); nixgen will not replace it; nothing was written"}
		}
	}
	return real, nil
}

// evalExisting is filepath.EvalSymlinks for a path whose last elements
// may not exist yet (a directory Write is to make).
func evalExisting(p string) (string, error) {
	var rest []string
	for {
		real, err := filepath.EvalSymlinks(p)
		if err == nil {
			return filepath.Join(append([]string{real}, rest...)...), nil
		}
		if !errors.Is(err, fs.ErrNotExist) || p == filepath.Dir(p) {
			return "", err
		}
		if _, lerr := os.Lstat(p); lerr == nil {
			return "", err // a symlink to nothing
		}
		rest = append([]string{filepath.Base(p)}, rest...)
		p = filepath.Dir(p)
	}
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// maxKept is the largest file Write replaces: it keeps a copy in memory
// to put back.
const maxKept = 16 << 20

// Seams for tests that make a step fail.
var (
	rename   = os.Rename
	syncFile = func(f *os.File) error { return f.Sync() }
)

// commit writes every file to a temporary file beside it, then renames
// each over its target; see the package comment.
func commit(jobs []job) (err error) {
	var made []string // directories created, outermost first
	defer func() {
		for _, j := range jobs {
			if j.temp != "" {
				os.Remove(j.temp)
			}
		}
		if err != nil {
			for i := len(made) - 1; i >= 0; i-- {
				os.Remove(made[i])
			}
		}
	}()

	for i := range jobs {
		j := &jobs[i]
		st, serr := os.Stat(j.real)
		j.mode = 0o644
		if strings.HasSuffix(j.real, ".sh") {
			j.mode = 0o755
		}
		if serr == nil {
			if st.Size() > maxKept {
				return &diag.InputError{File: j.path, Msg: fmt.Sprintf("is larger than %d MiB; nixgen will not replace it; nothing was written", maxKept>>20)}
			}
			old, rerr := os.ReadFile(j.real)
			if rerr != nil {
				return &diag.WriteError{Path: j.path, Err: unwrapPath(rerr)}
			}
			j.existed, j.old, j.mode = true, old, st.Mode().Perm()
		}
		dirs, merr := mkdirs(filepath.Dir(j.real))
		made = append(made, dirs...)
		if merr != nil {
			return &diag.WriteError{Path: filepath.Dir(j.path), Err: unwrapPath(merr)}
		}
		if j.temp, err = writeTemp(j.real, j.data, j.mode); err != nil {
			return &diag.WriteError{Path: j.path, Err: unwrapPath(err)}
		}
	}

	for i := range jobs {
		j := &jobs[i]
		if rerr := rename(j.temp, j.real); rerr != nil {
			restore(jobs[:i])
			return &diag.WriteError{Path: j.path, Err: unwrapPath(rerr)}
		}
		j.temp = ""
	}
	syncDirs(jobs)
	return nil
}

// restore puts back the files jobs replaced or made.
func restore(jobs []job) {
	for i := len(jobs) - 1; i >= 0; i-- {
		j := jobs[i]
		if !j.existed {
			os.Remove(j.real)
			continue
		}
		if temp, err := writeTemp(j.real, j.old, j.mode); err == nil {
			if rename(temp, j.real) != nil {
				os.Remove(temp)
				os.WriteFile(j.real, j.old, j.mode) // last resort, in place
			}
		} else {
			os.WriteFile(j.real, j.old, j.mode)
		}
	}
}

// mkdirs makes dir and its missing parents, returning those it made,
// outermost first.
func mkdirs(dir string) ([]string, error) {
	var missing []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil || d == filepath.Dir(d) {
			break
		}
		missing = append([]string{d}, missing...)
	}
	var made []string
	for _, d := range missing {
		if err := os.Mkdir(d, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return made, err
		} else if err == nil {
			made = append(made, d)
		}
	}
	return made, nil
}

// syncDirs syncs the directories renamed into, so the renames survive a
// crash; best effort.
func syncDirs(jobs []job) {
	var dirs []string
	for _, j := range jobs {
		if d := filepath.Dir(j.real); !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	for _, d := range dirs {
		if f, err := os.Open(d); err == nil {
			f.Sync()
			f.Close()
		}
	}
}

// tempPattern names temporary files: ".flake.nix.nixgen-123456"; older
// versions of nixgen also left ".old" backups beside them.
const tempPattern = ".nixgen-*"

var staleTempRE = regexp.MustCompile(`^\..+\.nixgen-[0-9]+(\.old)?$`)

// removeStaleTemps removes the temporary files a killed run left in the
// directories the jobs write into. The caller holds the lock on them, so
// no live run owns one.
func removeStaleTemps(jobs []job) {
	var dirs []string
	for _, j := range jobs {
		if d := filepath.Dir(j.real); !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	for _, d := range dirs {
		entries, err := os.ReadDir(d)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if e.Type().IsRegular() && staleTempRE.MatchString(e.Name()) {
				os.Remove(filepath.Join(d, e.Name()))
			}
		}
	}
}

// LockName is the lock file Write holds in the directories it writes.
const LockName = ".nixgen.lock"

// lock takes the lock of every directory the jobs write into (the nearest
// one that exists), in order, and returns the function that releases them
// and removes their files.
func lock(jobs []job) (func(), error) {
	var dirs []string
	for _, j := range jobs {
		d := filepath.Dir(j.real)
		for {
			if st, err := os.Stat(d); err == nil && st.IsDir() || d == filepath.Dir(d) {
				break
			}
			d = filepath.Dir(d)
		}
		if !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	sort.Strings(dirs)
	var held []*os.File
	unlock := func() {
		for i := len(held) - 1; i >= 0; i-- {
			// Remove before unlocking: a run waiting on this file finds,
			// once it has the lock, that the path no longer names it, and
			// locks the new one instead.
			os.Remove(held[i].Name())
			syscall.Flock(int(held[i].Fd()), syscall.LOCK_UN)
			held[i].Close()
		}
	}
	for _, d := range dirs {
		f, err := lockFile(filepath.Join(d, LockName))
		if err != nil {
			unlock()
			return nil, &diag.WriteError{Path: d, Err: err}
		}
		held = append(held, f)
	}
	return unlock, nil
}

func lockFile(name string) (*os.File, error) {
	for {
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, unwrapPath(err)
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
			f.Close()
			return nil, err
		}
		held, err1 := f.Stat()
		now, err2 := os.Stat(name)
		if err1 == nil && err2 == nil && os.SameFile(held, now) {
			return f, nil
		}
		f.Close() // its holder removed it: lock the new one
	}
}

// writeTemp writes data to a new temporary file in target's directory,
// synced, with mode.
func writeTemp(target string, data []byte, mode fs.FileMode) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+tempPattern)
	if err != nil {
		return "", err
	}
	_, werr := f.Write(data)
	serr := syncFile(f)
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr, os.Chmod(f.Name(), mode)); err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// Print writes every file to w under a header naming it, for --dry-run.
func Print(w io.Writer, files Files) error {
	for _, f := range files {
		if _, err := fmt.Fprintf(w, "==> %s <==\n%s", f.Path, f.Data); err != nil {
			return err
		}
	}
	return nil
}

// Remove deletes the files at paths under dir that a generation no longer
// writes, and the directories that leaves empty. It follows the same
// rules as Write: nothing out of dir, only regular files. It returns what
// it removed.
func Remove(dir string, paths []string) ([]string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, &diag.WriteError{Path: dir, Err: err}
	}
	root, err := evalExisting(abs)
	if err != nil {
		return nil, &diag.WriteError{Path: dir, Err: unwrapPath(err)}
	}
	var removed []string
	for _, p := range paths {
		real, err := resolve(root, abs, dir, p)
		if err != nil {
			return removed, err
		}
		if err := os.Remove(real); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			return removed, &diag.WriteError{Path: p, Err: unwrapPath(err)}
		}
		removed = append(removed, p)
		for d := filepath.Dir(real); d != root && strings.HasPrefix(d, root+string(filepath.Separator)); d = filepath.Dir(d) {
			if os.Remove(d) != nil {
				break
			}
		}
	}
	return removed, nil
}
