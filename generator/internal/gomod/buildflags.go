package gomod

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/model"
)

// goBuild is a `go build` or `go install` a build script runs.
type goBuild struct {
	At, Context string
	Dir         string // where it runs, relative to the root
	// Tags are the build tags of -tags (or GOFLAGS' -tags), sorted;
	// HasTags is false without the flag, TagsUnknown true when its value
	// holds something nixgen cannot know.
	Tags                 []string
	HasTags, TagsUnknown bool
	Ldflags              []string // the words of -ldflags
	Pkgs                 []string // the package arguments
	OS                   string   // GOOS set for the command, "" when not
}

// ldflagsAssignment is linker flags assigned to a variable (LDFLAGS, ...).
type ldflagsAssignment struct {
	At    string
	Words []string
}

// goValueFlags are the go build flags that take a value.
var goValueFlags = []string{"o", "tags", "ldflags", "gcflags", "asmflags", "mod", "modfile", "p", "pkgdir",
	"installsuffix", "buildmode", "compiler", "gccgoflags", "overlay", "pgo", "toolexec", "C", "covermode", "coverpkg", "exec"}

// goBuilds finds the go build and go install commands among a project's
// script commands, and the linker flags assigned to variables.
func goBuilds(cmds []scriptCommand) ([]goBuild, []ldflagsAssignment) {
	var builds []goBuild
	var vars []ldflagsAssignment
	for _, c := range cmds {
		if c.LdflagsVar {
			vars = append(vars, ldflagsAssignment{At: c.At, Words: c.Words})
			continue
		}
		b := goBuild{At: c.At, Context: c.Context, Dir: c.Dir}
		if b.Dir == "" {
			b.Dir = "."
		}
		w := c.Words
		var goflags []string
		for len(w) > 0 {
			if name, value, ok := envWord(w[0]); ok {
				switch name {
				case "GOOS":
					b.OS = value
				case "GOFLAGS":
					goflags = strings.Fields(value)
				}
				w = w[1:]
				continue
			}
			if w[0] == "env" || w[0] == "time" || w[0] == "exec" {
				w = w[1:]
				continue
			}
			break
		}
		if len(w) < 2 || (w[0] != "go" && !strings.HasSuffix(w[0], "/go")) || (w[1] != "build" && w[1] != "install") {
			continue
		}
		args := append(goflags, w[2:]...)
		for i := 0; i < len(args); i++ {
			a := args[i]
			if !strings.HasPrefix(a, "-") || a == "-" {
				b.Pkgs = append(b.Pkgs, a)
				continue
			}
			name, value, hasValue := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-"), "=")
			if !hasValue && slices.Contains(goValueFlags, name) && i+1 < len(args) {
				i++
				value, hasValue = args[i], true
			}
			switch {
			case name == "tags" && hasValue:
				b.HasTags = true
				var tags []string
				for _, t := range splitTags([]string{value}) {
					if hasUnknown(t) {
						b.TagsUnknown = true
						continue
					}
					tags = append(tags, t)
				}
				b.Tags = sortedUnique(append(b.Tags, tags...))
			case name == "ldflags" && hasValue:
				b.Ldflags = append(b.Ldflags, splitQuoted(value)...)
			}
		}
		builds = append(builds, b)
	}
	return builds, vars
}

// builds reports whether b builds the command in dir of module modPath:
// its package arguments name it (as ./dir, dir/..., a file in it, or its
// import path), or it has none and dir is the root. known is false when
// an argument is a value nixgen cannot know.
func (b goBuild) builds(modPath, dir string) (yes, known bool) {
	if hasUnknown(b.Dir) {
		return false, false
	}
	if len(b.Pkgs) == 0 {
		return b.Dir == dir, true
	}
	known = true
	for _, p := range b.Pkgs {
		if hasUnknown(p) {
			known = false
			continue
		}
		if rest, ok := strings.CutPrefix(p, modPath); ok && (rest == "" || strings.HasPrefix(rest, "/")) {
			p = "." + rest
		} else if strings.HasPrefix(p, ".") || strings.HasSuffix(p, ".go") {
			p = path.Join(b.Dir, p) // relative to where it runs
		}
		if strings.HasSuffix(p, ".go") {
			p = path.Dir(p)
		}
		p = path.Clean(p)
		if prefix, ok := strings.CutSuffix(p, "/..."); ok {
			if inDir(dir, path.Clean(prefix)) {
				return true, true
			}
			continue
		}
		if p == "..." || p == dir {
			return true, true
		}
	}
	return false, known
}

// otherOS reports a build for another system than Linux: GOOS says so, or
// its Makefile target or workflow job is named for one.
func (b goBuild) otherOS() bool {
	if b.OS != "" && !hasUnknown(b.OS) {
		return b.OS != "linux"
	}
	return otherOSName.MatchString(b.Context)
}

// devContext matches a Makefile target or workflow job that builds for
// development or tests, whose flags a release does not use.
var devContext = regexp.MustCompile(`(?i)(^|[^a-z])(dev|develop|development|debug|test|tests|testing|e2e|local|run|watch)([^a-z]|$)`)

var otherOSName = regexp.MustCompile(`(?i)(^|[^a-z])(windows|darwin|macos|freebsd|openbsd|netbsd|android|ios|wasm|js)([^a-z]|$)`)

// buildSettings are the build tags and -X values of the default command's
// builds in the project's scripts, with what is worth a comment or a
// warning.
type buildSettings struct {
	Tags   []string
	Xflags []string // "-X symbol=value", written for -ldflags
	// From says where each setting was read, for a comment in the flake.
	From     []string
	Warnings []string
}

// versionLike matches the name of a value that is the program's version:
// VERSION, GIT_TAG, github.ref_name, git describe.
var versionLike = regexp.MustCompile(`(?i)version|(^|[^a-z])tag($|[^a-z])|tag_name|ref_name|describe`)

// decideBuild chooses the build tags and -X values for the command m
// from the project's builds (see Project.Builds):
//
//   - builds for another system than Linux, and builds for development
//     or tests (by their Makefile target or workflow job), do not count;
//   - tags: goreleaser's Linux builds decide when they set tags; else the
//     tags every script build of the command sets (builds whose tags or
//     target nixgen cannot know left out). A tag only some builds use is
//     left out, with a warning.
//   - -X: from the command's builds and from variables holding linker
//     flags, for variables the command has (a string variable of its
//     packages, or of a package it imports), and not set by goreleaser's
//     ldflags already. A literal value is kept; a value read from a
//     variable named like a version (VERSION, GIT_TAG, github.ref_name)
//     becomes the flake's version; other values (a date, a commit) are
//     left out, as the program's default is. Two literals for one
//     variable are left out with a warning.
func decideBuild(g *Project, m Main) buildSettings {
	var s buildSettings
	var mine []goBuild
	for _, b := range g.Builds {
		if yes, known := b.builds(g.ModulePath, m.Dir); (yes || !known) && !b.otherOS() && !devContext.MatchString(b.Context) {
			mine = append(mine, b)
		}
	}

	switch {
	case g.GoreleaserTagsAt != "":
		s.Tags = g.GoreleaserTags
		if len(s.Tags) > 0 {
			s.From = append(s.From, fmt.Sprintf("tags %s: %s", strings.Join(s.Tags, ","), g.GoreleaserTagsAt))
		}
	default:
		var sets [][]string
		var from []string
		for _, b := range mine {
			if yes, _ := b.builds(g.ModulePath, m.Dir); !yes || b.TagsUnknown {
				continue
			}
			sets = append(sets, b.Tags)
			if len(b.Tags) > 0 {
				from = append(from, b.At)
			}
		}
		s.Tags = intersect(sets)
		if len(s.Tags) > 0 {
			s.From = append(s.From, fmt.Sprintf("tags %s: %s", strings.Join(s.Tags, ","), strings.Join(from, ", ")))
		}
		var dropped []string
		for _, set := range sets {
			for _, t := range set {
				if !slices.Contains(s.Tags, t) && !slices.Contains(dropped, t) {
					dropped = append(dropped, t)
				}
			}
		}
		if len(dropped) > 0 {
			s.Warnings = append(s.Warnings, fmt.Sprintf("build tags %s are set by only some builds of %s (%s): left out; the flake builds with %s",
				strings.Join(dropped, ","), m.Name, strings.Join(from, ", "), tagsOrNone(s.Tags)))
		}
	}

	// -X, in the order found: the command's builds, then the variables.
	type xval struct{ value, at string }
	seen := map[string][]xval{}
	var order []string
	fromGoreleaser := map[string]bool{}
	for _, f := range g.Ldflags {
		if sym, ok := strings.CutPrefix(f, "-X "); ok {
			sym, _, _ = strings.Cut(strings.Trim(sym, `'"`), "=")
			fromGoreleaser[sym] = true
		}
	}
	collect := func(words []string, at string) {
		for i := 0; i < len(words); i++ {
			w := words[i]
			var arg string
			switch {
			case w == "-X" && i+1 < len(words):
				i++
				arg = words[i]
			case strings.HasPrefix(w, "-X="):
				arg = w[3:]
			case strings.HasPrefix(w, "--X="):
				arg = w[4:]
			default:
				continue
			}
			sym, value, ok := strings.Cut(arg, "=")
			if !ok || hasUnknown(sym) || fromGoreleaser[sym] || !m.settable(sym) {
				continue
			}
			v, ok := xValue(value)
			if !ok {
				continue
			}
			if _, ok := seen[sym]; !ok {
				order = append(order, sym)
			}
			if !slices.ContainsFunc(seen[sym], func(x xval) bool { return x.value == v }) {
				seen[sym] = append(seen[sym], xval{v, at})
			}
		}
	}
	for _, b := range mine {
		collect(b.Ldflags, b.At)
	}
	for _, v := range g.LdflagsVars {
		collect(v.Words, v.At)
	}
	for _, sym := range order {
		vals := seen[sym]
		if len(vals) > 1 {
			// The version wins over a literal a development build sets.
			i := slices.IndexFunc(vals, func(x xval) bool { return x.value == model.VersionPlaceholder })
			if i < 0 {
				var where []string
				for _, x := range vals {
					where = append(where, fmt.Sprintf("%q at %s", x.value, x.at))
				}
				s.Warnings = append(s.Warnings, fmt.Sprintf("-X %s is set to different values (%s): left out, the program keeps its default", sym, strings.Join(where, ", ")))
				continue
			}
			vals = vals[i : i+1]
		}
		quoted, ok := quoteLdflag(sym + "=" + vals[0].value)
		if !ok {
			continue
		}
		s.Xflags = append(s.Xflags, "-X "+quoted)
		s.From = append(s.From, fmt.Sprintf("-X %s=%s: %s", sym, vals[0].value, vals[0].at))
	}
	return s
}

func tagsOrNone(tags []string) string {
	if len(tags) == 0 {
		return "none"
	}
	return strings.Join(tags, ",")
}

// xValue translates the value of an -X flag for the flake: a literal
// as it is, a version read from a variable as model.VersionPlaceholder;
// ok is false for another value nixgen cannot know.
func xValue(value string) (string, bool) {
	if !hasUnknown(value) {
		return value, !strings.Contains(value, "{{")
	}
	var names []string
	for i, part := range strings.Split(value, "\x00") {
		if i%2 == 1 {
			names = append(names, part)
		}
	}
	if len(names) == 1 && versionLike.MatchString(names[0]) {
		return model.VersionPlaceholder, true
	}
	return "", false
}

// settable reports whether -X sym=... sets a variable of the command:
// a string variable of its packages, or a variable of a package outside
// the module it imports.
func (m Main) settable(sym string) bool {
	dot := strings.LastIndex(sym, ".")
	if dot <= 0 {
		return false
	}
	return slices.Contains(m.Vars, sym) || slices.Contains(m.Deps, sym[:dot])
}
