package gomod

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"slices"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/projfs"
)

// notProgramDirs are directory names whose main packages are not the
// module's programs: examples and test programs (a plugin a test loads,
// one built broken on purpose). The go command skips testdata and names
// starting with "_" already.
var notProgramDirs = []string{"example", "examples", "test", "tests", "testing"}

// leftOut says why the main package p is not one of the module's programs,
// and the directory to leave out with it: the example or test directory it
// sits in, or its own. Why is "" for a program.
//
// A package main without func main builds only with -buildmode=plugin or
// c-shared, never as a command; when the module loads plugins (it imports
// "plugin"), a package main below the root that exports a function (the
// symbols plugin.Lookup finds) is one of them too. Exported variables do
// not count: they are what -X sets in commands.
func leftOut(fsys fs.FS, p *pkg, pluginHost bool) (dir, why string, err error) {
	elems := strings.Split(p.Dir, "/")
	for i, e := range elems {
		if slices.Contains(notProgramDirs, e) {
			what := "a test program"
			if strings.HasPrefix(e, "example") {
				what = "an example"
			}
			return strings.Join(elems[:i+1], "/"), fmt.Sprintf("%s (in %s/)", what, e), nil
		}
	}
	hasMain, exported := false, ""
	fset := token.NewFileSet()
	for _, name := range p.Files {
		data, err := projfs.ReadFile(fsys, name)
		if _, ok := projfs.Skipped(err); ok {
			return "", "", nil // loadPackages warned; a file unread may hold func main
		}
		if err != nil {
			return "", "", fmt.Errorf("%s: %w", name, err)
		}
		f, err := parser.ParseFile(fset, name, data, parser.SkipObjectResolution)
		if err != nil {
			return "", "", err
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil {
				continue
			}
			if fn.Name.Name == "main" {
				hasMain = true
			}
			if fn.Name.IsExported() && exported == "" {
				exported = fn.Name.Name
			}
		}
	}
	switch {
	case !hasMain:
		return p.Dir, "a plugin or shared library (package main without func main)", nil
	case pluginHost && exported != "" && p.Dir != ".":
		return p.Dir, fmt.Sprintf("a plugin (the module loads plugins, and this package main exports func %s)", exported), nil
	}
	return "", "", nil
}

// built returns the packages a build of the module compiles: all but
// the ones in the directories of left-out mains, unless a package outside
// them imports one.
func built(pkgs []*pkg, mains []Main) []*pkg {
	leftOut := func(pk *pkg) bool {
		return slices.ContainsFunc(mains, func(m Main) bool { return m.LeftOutDir != "" && inDir(pk.Dir, m.LeftOutDir) })
	}
	byPath := map[string]*pkg{}
	var queue []*pkg
	keep := map[*pkg]bool{}
	for _, pk := range pkgs {
		byPath[pk.ImportPath] = pk
		if !leftOut(pk) {
			queue = append(queue, pk)
			keep[pk] = true
		}
	}
	for len(queue) > 0 {
		pk := queue[0]
		queue = queue[1:]
		for _, imp := range pk.Imports {
			if dep, ok := byPath[imp]; ok && !keep[dep] {
				keep[dep] = true
				queue = append(queue, dep)
			}
		}
	}
	var out []*pkg
	for _, pk := range pkgs {
		if keep[pk] {
			out = append(out, pk)
		}
	}
	return out
}

// inDir reports whether the slash-separated path p is dir or below it.
func inDir(p, dir string) bool {
	return dir == "." || p == dir || strings.HasPrefix(p, dir+"/")
}
