package gomod

import (
	"fmt"
	"go/build"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/model"
)

// cLibrary is a C library that cgo directives name, by its pkg-config
// modules and its -l names, and the nixpkgs packages that provide it.
type cLibrary struct {
	pkgConfig []string
	libs      []string
	attrs     []string // nixpkgs attributes for buildInputs; none for the C library and compiler's own
	linux     bool     // the nixpkgs package is for Linux only
}

// cLibraries is the one table from C libraries to nixpkgs packages. Each
// row names the nixpkgs package it was checked against: one that builds
// a Go program using the library, or the library's own package (its
// meta.pkgConfigModules, the .pc files it installs). Add a row to teach
// nixgen a library; TestCLibraries has a case for every row.
var cLibraries = []cLibrary{
	// navidrome (its own #cgo pkg-config: taglib): pkg-config, buildInputs
	// taglib and zlib; taglib's pkgConfigModules are taglib and taglib_c.
	{pkgConfig: []string{"taglib", "taglib_c"}, libs: []string{"tag", "tag_c"}, attrs: []string{"taglib", "zlib"}},
	// imgproxy (govips' #cgo pkg-config: vips): pkg-config, buildInputs
	// vips; vips' pkgConfigModules are vips and vips-cpp.
	{pkgConfig: []string{"vips", "vips-cpp"}, libs: []string{"vips", "vips-cpp"}, attrs: []string{"vips"}},
	// bettercap: libpcap (gopacket/pcap's -lpcap), libusb1 (gousb's
	// libusb-1.0), and on Linux libnetfilter_queue with libnfnetlink.
	{pkgConfig: []string{"libpcap"}, libs: []string{"pcap"}, attrs: []string{"libpcap"}},
	{pkgConfig: []string{"libusb-1.0"}, libs: []string{"usb-1.0"}, attrs: []string{"libusb1"}},
	{pkgConfig: []string{"libnetfilter_queue"}, libs: []string{"netfilter_queue"}, attrs: []string{"libnetfilter_queue", "libnfnetlink"}, linux: true},
	// libwebp's package (cmake installs libwebp, libwebpmux, libwebpdemux
	// and libsharpyuv).
	{pkgConfig: []string{"libwebp", "libwebpmux", "libwebpdemux", "libsharpyuv"}, libs: []string{"webp", "webpmux", "webpdemux", "sharpyuv"}, attrs: []string{"libwebp"}},
	// seccomp/libseccomp-golang (#cgo pkg-config: libseccomp), as runc
	// builds it; libseccomp is Linux only.
	{pkgConfig: []string{"libseccomp"}, libs: []string{"seccomp"}, attrs: []string{"libseccomp"}, linux: true},
	// pebbe/zmq4 (#cgo pkg-config: libzmq): zeromq.
	{pkgConfig: []string{"libzmq"}, libs: []string{"zmq"}, attrs: []string{"zeromq"}},
	// linxGnu/grocksdb (#cgo LDFLAGS: -lrocksdb): rocksdb.
	{libs: []string{"rocksdb"}, attrs: []string{"rocksdb"}},
	// mattn/go-sqlite3 built with -tags libsqlite3 (#cgo linux LDFLAGS:
	// -lsqlite3); without it, it compiles its bundled amalgamation and
	// links nothing, as nixpkgs' navidrome, ntfy-sh and dex build it.
	{pkgConfig: []string{"sqlite3"}, libs: []string{"sqlite3"}, attrs: []string{"sqlite"}},
	// zlib's package (zlib.pc, libz), which navidrome lists for taglib.
	{pkgConfig: []string{"zlib"}, libs: []string{"z"}, attrs: []string{"zlib"}},
	// openssl's package (openssl.pc, libssl.pc, libcrypto.pc), as the
	// Rust table's openssl-sys row uses it.
	{pkgConfig: []string{"openssl", "libssl", "libcrypto"}, libs: []string{"ssl", "crypto"}, attrs: []string{"openssl"}},
	// The C library and the compiler's runtime: always there.
	{libs: []string{"c", "m", "dl", "pthread", "rt", "resolv", "util", "stdc++", "gcc", "gcc_s", "atomic"}},
}

// cgoPackage is a Go package that builds only with cgo, and the C
// libraries its directives name: what nixgen assumes when the sources of
// the dependencies were not read (--vendor-hash fake).
type cgoPackage struct {
	ImportPath string   // the package or a parent of it
	PkgConfig  []string // as its #cgo pkg-config lines
	Libs       []string // as its #cgo LDFLAGS -l
}

// cgoPackages is deliberately small: widely used bindings, each read from
// its source. A row matches an import of that path or of a package below
// it; only the module's own imports are seen, so drivers that wrap a
// binding have their own row.
var cgoPackages = []cgoPackage{
	// Compile their bundled SQLite amalgamation: cgo, and no library.
	{ImportPath: "github.com/mattn/go-sqlite3"},
	{ImportPath: "gorm.io/driver/sqlite"},
	{ImportPath: "github.com/google/gopacket/pcap", Libs: []string{"pcap"}},
	{ImportPath: "github.com/seccomp/libseccomp-golang", PkgConfig: []string{"libseccomp"}},
	{ImportPath: "github.com/pebbe/zmq4", PkgConfig: []string{"libzmq"}},
	{ImportPath: "github.com/linxGnu/grocksdb", Libs: []string{"rocksdb"}},
	{ImportPath: "github.com/h2non/bimg", PkgConfig: []string{"vips"}},
}

// cLibs collects the C libraries cgo lines name, keeping where each was
// named first.
type cLibs struct {
	pkgConfig, libs []string
	at              map[string]string
}

func (c *cLibs) add(l cgoLine) {
	if c.at == nil {
		c.at = map[string]string{}
	}
	note := func(key string) {
		if _, ok := c.at[key]; !ok {
			c.at[key] = l.at()
		}
	}
	switch l.Verb {
	case "pkg-config":
		for _, a := range l.Args {
			if !strings.HasPrefix(a, "-") {
				c.pkgConfig = append(c.pkgConfig, a)
				note("pkg-config " + a)
			}
		}
	case "LDFLAGS":
		for i, a := range l.Args {
			lib, ok := strings.CutPrefix(a, "-l")
			if a == "-l" && i+1 < len(l.Args) {
				lib, ok = l.Args[i+1], true
			}
			if ok && lib != "" {
				c.libs = append(c.libs, lib)
				note("-l" + lib)
			}
		}
	}
}

func (c *cLibs) model() model.CLibs {
	return model.CLibs{PkgConfig: sortedUnique(c.pkgConfig), Libs: sortedUnique(c.libs), At: c.at}
}

// cgoNeeds reports whether the module's own packages need cgo (a file
// imports "C") and the C libraries their directives name. Every package
// the build compiles counts, not only the commands': checks.tests builds
// them all.
func cgoNeeds(fsys fs.FS, ctx *build.Context, pkgs []*pkg) (bool, model.CLibs, error) {
	var cgo bool
	var c cLibs
	for _, p := range pkgs {
		for _, f := range p.CgoFiles {
			cgo = true
			lines, _, err := cgoPreamble(fsys, ctx, f)
			if err != nil {
				return false, model.CLibs{}, err
			}
			for _, l := range lines {
				c.add(l)
			}
		}
	}
	return cgo, c.model(), nil
}

// ReadDependencies reads the cgo directives of the packages outside the
// module that a build of g compiles, from a vendor tree (vendor/, or the
// one `go mod vendor` made): the packages g.Imports names and what they
// import in turn, for linux/amd64 with g.Tags. Positions are written
// relative to the project as under prefix ("vendor/github.com/...").
func ReadDependencies(vendor fs.FS, prefix string, g *model.GoInfo) (*model.GoDeps, []string, error) {
	var warnings []string
	ctx := buildContext(vendor, func(w string) { warnings = append(warnings, w) })
	ctx.BuildTags = g.Tags
	deps := &model.GoDeps{}
	var c cLibs
	seen := map[string]bool{}
	queue := slices.Clone(g.Imports)
	for len(queue) > 0 {
		ip := queue[0]
		queue = queue[1:]
		if seen[ip] || ip == "C" {
			continue
		}
		seen[ip] = true
		if fi, err := fs.Stat(vendor, ip); err != nil || !fi.IsDir() {
			continue // the standard library, or not vendored
		}
		bp, err := ctx.ImportDir(ip, 0)
		if err != nil {
			continue // no Go files for this system, or a package go would refuse too
		}
		for _, f := range bp.CgoFiles {
			deps.Cgo = true
			lines, _, err := cgoPreamble(vendor, ctx, path.Join(ip, f))
			if err != nil {
				return nil, nil, err
			}
			for _, l := range lines {
				l.File = path.Join(prefix, l.File)
				c.add(l)
			}
		}
		queue = append(queue, bp.Imports...)
	}
	deps.CLibs = c.model()
	return deps, warnings, nil
}

// Native fills p's native inputs from what its cgo directives and those
// of its dependencies name (CLibs, Deps), through cLibraries: pkg-config
// in nativeBuildInputs when a directive uses it, the libraries' packages
// in buildInputs. It warns about names the table lacks, and, when the
// dependencies were not read, says so and falls back to what cgoPackages
// knows of the module's imports. Run it once, after resolve.
func Native(p *model.Project) {
	g := p.Go
	own, deps := g.CLibs, g.Deps
	if deps == nil {
		var fallback model.CLibs
		var unread []string
		for _, imp := range g.Imports {
			unread = append(unread, imp)
			for _, row := range cgoPackages {
				if imp == row.ImportPath || strings.HasPrefix(imp, row.ImportPath+"/") {
					g.Cgo = true
					fallback.PkgConfig = append(fallback.PkgConfig, row.PkgConfig...)
					fallback.Libs = append(fallback.Libs, row.Libs...)
				}
			}
		}
		deps = &model.GoDeps{CLibs: fallback}
		if len(unread) > 0 {
			what, their := fmt.Sprintf("%d dependency packages", len(unread)), "their modules"
			if len(unread) == 1 {
				what, their = "the dependency package", "its module"
			}
			p.Warnings = append(p.Warnings, fmt.Sprintf("the C libraries of %s the build imports are unknown: their sources were not read (no vendor/, and --vendor-hash fake ran no `go mod vendor`); nixgen assumed only what it knows of %s, %s",
				what, their, strings.Join(modulesOf(unread, p.Libraries), ", ")))
		}
	}
	if deps.Cgo {
		g.Cgo = true
	}
	var native, build, linux []string
	for _, set := range []model.CLibs{own, deps.CLibs} {
		if len(set.PkgConfig) > 0 {
			native = append(native, "pkg-config")
		}
		for _, kind := range []string{"pkg-config ", "-l"} {
			names := set.PkgConfig
			if kind == "-l" {
				names = set.Libs
			}
			for _, name := range names {
				row, ok := cLibraryFor(kind, name)
				if !ok {
					where := set.At[kind+name]
					if where == "" {
						where = "a dependency (recorded in nixgen.toml's [vendor])"
					}
					what := "#cgo pkg-config: " + name
					if kind == "-l" {
						what = "#cgo LDFLAGS: -l" + name
					}
					p.Warnings = append(p.Warnings, fmt.Sprintf("%s: %s: nixgen knows no nixpkgs package for it, so the flake's buildInputs lack it", where, what))
					continue
				}
				if row.linux {
					linux = append(linux, row.attrs...)
				} else {
					build = append(build, row.attrs...)
				}
			}
		}
	}
	p.Native.NativeBuildInputs = model.SortStrings(append(p.Native.NativeBuildInputs, native...))
	p.Native.BuildInputs = model.SortStrings(append(p.Native.BuildInputs, build...))
	p.Native.LinuxBuildInputs = model.SortStrings(append(p.Native.LinuxBuildInputs, linux...))
}

// cLibraryFor finds the row of a pkg-config module (kind "pkg-config ")
// or an -l library (kind "-l").
func cLibraryFor(kind, name string) (cLibrary, bool) {
	for _, row := range cLibraries {
		names := row.pkgConfig
		if kind == "-l" {
			names = row.libs
		}
		if slices.Contains(names, name) {
			return row, true
		}
	}
	return cLibrary{}, false
}

// modulesOf names the modules (of requires, module paths) that provide
// the packages, sorted; a package no module provides is named itself.
func modulesOf(pkgs, requires []string) []string {
	var out []string
	for _, ip := range pkgs {
		best := ip
		for _, m := range requires {
			if (ip == m || strings.HasPrefix(ip, m+"/")) && (best == ip || len(m) > len(best)) {
				best = m
			}
		}
		out = append(out, best)
	}
	return sortedUnique(out)
}
