package gomod

import (
	"go/build"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/projfs"
)

// otherSources returns the files and directories besides Go's that the
// packages compile, relative to the root: the C, C++, assembly, header,
// .syso and SWIG files beside their Go files, the files their cgo
// preambles and those C files #include with quotes, and the paths their
// #cgo flags name inside the module (-I, -iquote, -isystem and -include
// paths, -L directories and libraries given by path). A Go-only source
// filter drops them all and breaks the build.
func otherSources(fsys fs.FS, ctx *build.Context, pkgs []*pkg, warn func(string)) ([]string, error) {
	var out, queue []string
	seen := map[string]bool{}
	add := func(p string, scan bool) {
		if seen[p] || !exists(fsys, p) {
			return
		}
		seen[p] = true
		out = append(out, p)
		if scan {
			queue = append(queue, p)
		}
	}
	for _, pk := range pkgs {
		for _, f := range pk.Other {
			add(f, cSource(f))
		}
		for _, f := range pk.CgoFiles {
			lines, includes, err := cgoPreamble(fsys, ctx, f)
			if err != nil {
				return nil, err
			}
			for _, inc := range includes {
				add(inc, true)
			}
			for _, l := range lines {
				for _, p := range cgoPaths(l) {
					add(p, cSource(p))
				}
			}
		}
	}
	// What the C files kept include, and what those include.
	for len(queue) > 0 {
		file := queue[0]
		queue = queue[1:]
		data, err := projfs.ReadFile(fsys, file)
		if skip, ok := projfs.Skipped(err); ok {
			warn(skip.Error())
			continue
		}
		if err != nil {
			return nil, err
		}
		for line := range strings.Lines(string(data)) {
			if inc, ok := quotedInclude(line); ok {
				add(path.Join(path.Dir(file), inc), true)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

// cSource reports a file whose quoted #includes the C compiler follows.
func cSource(name string) bool {
	switch path.Ext(name) {
	case ".c", ".cc", ".cpp", ".cxx", ".h", ".hh", ".hpp", ".hxx", ".m", ".S", ".s", ".inc":
		return true
	}
	return false
}

// cgoPaths returns the module paths a #cgo line's flags name.
func cgoPaths(l cgoLine) []string {
	var out []string
	keep := func(arg string) {
		if p, ok := l.path(arg); ok {
			out = append(out, p)
		}
	}
	for i := 0; i < len(l.Args); i++ {
		a := l.Args[i]
		switch l.Verb {
		case "CFLAGS", "CPPFLAGS", "CXXFLAGS", "FFLAGS":
			for _, flag := range []string{"-I", "-iquote", "-isystem", "-idirafter", "-include"} {
				if a == flag && i+1 < len(l.Args) {
					i++
					keep(l.Args[i])
					break
				}
				if rest, ok := strings.CutPrefix(a, flag); ok && rest != "" && flag == "-I" {
					keep(rest)
					break
				}
			}
		case "LDFLAGS":
			switch {
			case a == "-L" && i+1 < len(l.Args):
				i++
				keep(l.Args[i])
			case strings.HasPrefix(a, "-L"):
				keep(a[2:])
			case !strings.HasPrefix(a, "-"):
				keep(a) // a library or object file given by path
			}
		}
	}
	return out
}
