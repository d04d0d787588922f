package gomod

import (
	"fmt"
	"go/ast"
	"go/build"
	"go/build/constraint"
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/projfs"
)

// cgoLine is one #cgo directive of a Go file that imports "C", as it
// applies to the linux/amd64 build: lines whose condition does not hold
// are left out.
type cgoLine struct {
	File string // the Go file, slash-separated, relative to the fs root
	Line int
	Verb string   // CFLAGS, CPPFLAGS, CXXFLAGS, FFLAGS, LDFLAGS or pkg-config
	Args []string // the directive's words, as written
}

func (l cgoLine) at() string { return fmt.Sprintf("%s:%d", l.File, l.Line) }

// path returns the file or directory a path argument names, relative to
// the fs root: ${SRCDIR} and relative paths are the package's directory,
// as the go command has them. ok is false for an absolute path (the
// system's) and one outside the root.
func (l cgoLine) path(arg string) (string, bool) {
	dir := path.Dir(l.File)
	switch {
	case strings.Contains(arg, "${SRCDIR}"):
		arg = strings.ReplaceAll(arg, "${SRCDIR}", dir)
	case path.IsAbs(arg) || arg == "":
		return "", false
	default:
		arg = path.Join(dir, arg)
	}
	arg = path.Clean(arg)
	return arg, arg != ".." && !strings.HasPrefix(arg, "../") && !path.IsAbs(arg)
}

// cgoPreamble reads the comment before `import "C"` in a Go file, as the go
// command does: its #cgo lines that apply to ctx, and the files it
// #includes with quotes (resolved from the file's directory; those that
// exist in fsys).
func cgoPreamble(fsys fs.FS, ctx *build.Context, file string) ([]cgoLine, []string, error) {
	data, err := projfs.ReadFile(fsys, file)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", file, err)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, data, parser.ImportsOnly|parser.ParseComments)
	if err != nil {
		return nil, nil, err
	}
	dir := path.Dir(file)
	var lines []cgoLine
	var includes []string
	for _, decl := range f.Decls {
		d, ok := decl.(*ast.GenDecl)
		if !ok || d.Tok != token.IMPORT {
			continue
		}
		for _, spec := range d.Specs {
			is := spec.(*ast.ImportSpec)
			if ip, _ := strconv.Unquote(is.Path.Value); ip != "C" {
				continue
			}
			doc := is.Doc
			if doc == nil && len(d.Specs) == 1 {
				doc = d.Doc
			}
			if doc == nil {
				continue
			}
			for _, c := range doc.List {
				start := fset.Position(c.Slash).Line
				text := strings.TrimPrefix(c.Text, "//")
				if strings.HasPrefix(c.Text, "/*") {
					text = strings.TrimSuffix(strings.TrimPrefix(c.Text, "/*"), "*/")
				}
				for i, line := range strings.Split(text, "\n") {
					if inc, ok := quotedInclude(line); ok {
						if p := path.Join(dir, inc); exists(fsys, p) {
							includes = append(includes, p)
						}
						continue
					}
					l, ok, err := parseCgoLine(ctx, line)
					if err != nil {
						return nil, nil, fmt.Errorf("%s:%d: %w", file, start+i, err)
					}
					if ok {
						l.File, l.Line = file, start+i
						lines = append(lines, l)
					}
				}
			}
		}
	}
	return lines, includes, nil
}

// parseCgoLine reads `#cgo [CONDITION...] VERB: ARGS`; ok is false for
// other lines, #cgo nocallback/noescape, and lines whose condition does
// not hold for ctx.
func parseCgoLine(ctx *build.Context, line string) (cgoLine, bool, error) {
	line = strings.TrimSpace(line)
	if len(line) < 5 || line[:4] != "#cgo" || (line[4] != ' ' && line[4] != '\t') {
		return cgoLine{}, false, nil
	}
	if f := strings.Fields(line); len(f) == 3 && (f[1] == "nocallback" || f[1] == "noescape") {
		return cgoLine{}, false, nil
	}
	head, argstr, ok := strings.Cut(strings.TrimSpace(line[4:]), ":")
	f := strings.Fields(head)
	if !ok || len(f) == 0 {
		return cgoLine{}, false, fmt.Errorf("invalid #cgo line: %s", line)
	}
	cond, verb := f[:len(f)-1], f[len(f)-1]
	if len(cond) > 0 && !slices.ContainsFunc(cond, func(c string) bool { return matchCond(ctx, c) }) {
		return cgoLine{}, false, nil
	}
	args, err := splitCgoArgs(argstr)
	if err != nil {
		return cgoLine{}, false, fmt.Errorf("invalid #cgo line: %s", line)
	}
	return cgoLine{Verb: verb, Args: args}, true, nil
}

// matchCond evaluates one condition of a #cgo line (a space separates
// alternatives, a comma joins terms, "!" negates one) as go/build does.
func matchCond(ctx *build.Context, text string) bool {
	if strings.ContainsAny(text, "&|()") {
		text = "//go:build " + text
	} else {
		text = "// +build " + text
	}
	x, err := constraint.Parse(text)
	if err != nil {
		return false
	}
	return x.Eval(func(tag string) bool {
		switch tag {
		case "cgo":
			return ctx.CgoEnabled
		case ctx.GOOS, ctx.GOARCH, ctx.Compiler, "unix":
			return true
		}
		return slices.Contains(ctx.BuildTags, tag) || slices.Contains(ctx.ToolTags, tag) || slices.Contains(ctx.ReleaseTags, tag)
	})
}

// splitCgoArgs splits a #cgo line's arguments as go/build does: at white
// space, with single or double quotes around words and backslash escapes.
func splitCgoArgs(s string) ([]string, error) {
	var args []string
	var arg []rune
	escaped, quoted, started := false, rune(0), false
	for _, r := range s {
		switch {
		case escaped:
			escaped = false
		case r == '\\':
			escaped = true
			continue
		case quoted != 0:
			if r == quoted {
				quoted = 0
				continue
			}
		case r == '"' || r == '\'':
			quoted, started = r, true
			continue
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			if started || len(arg) > 0 {
				args = append(args, string(arg))
				arg, started = arg[:0], false
			}
			continue
		}
		arg = append(arg, r)
	}
	if quoted != 0 || escaped {
		return nil, fmt.Errorf("unclosed quote")
	}
	if started || len(arg) > 0 {
		args = append(args, string(arg))
	}
	return args, nil
}

// quotedInclude returns the file of `#include "file"`.
func quotedInclude(line string) (string, bool) {
	line = strings.TrimSpace(line)
	rest, ok := strings.CutPrefix(line, "#")
	if !ok {
		return "", false
	}
	rest, ok = strings.CutPrefix(strings.TrimSpace(rest), "include")
	if !ok {
		return "", false
	}
	rest = strings.TrimSpace(rest)
	if len(rest) < 2 || rest[0] != '"' {
		return "", false
	}
	end := strings.IndexByte(rest[1:], '"')
	if end <= 0 {
		return "", false
	}
	return rest[1 : end+1], true
}

func exists(fsys fs.FS, name string) bool {
	if name == ".." || strings.HasPrefix(name, "../") || path.IsAbs(name) {
		return false
	}
	_, err := fs.Stat(fsys, name)
	return err == nil
}
