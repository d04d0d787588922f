package gomod

import "strings"

// cgoPackage is a Go package that builds only with cgo, and the nixpkgs
// attributes it links against.
type cgoPackage struct {
	ImportPath string   // the package or a parent of it
	Attrs      []string // nixpkgs attributes for buildInputs
}

// cgoPackages is deliberately small: each row is a widely used binding
// whose native dependency nixgen can name with confidence. A row matches
// an import of that path or of a package below it. Only direct imports of
// the module are seen, so drivers that wrap a binding have their own row.
var cgoPackages = []cgoPackage{
	// Compile their bundled SQLite amalgamation: cgo, and no library (as
	// nixpkgs' navidrome, ntfy-sh and dex build them; only the rare
	// `-tags libsqlite3` build links the system sqlite).
	{ImportPath: "github.com/mattn/go-sqlite3"},
	{ImportPath: "gorm.io/driver/sqlite"},
	{ImportPath: "github.com/google/gopacket/pcap", Attrs: []string{"libpcap"}},
	{ImportPath: "github.com/seccomp/libseccomp-golang", Attrs: []string{"libseccomp"}},
	{ImportPath: "github.com/pebbe/zmq4", Attrs: []string{"zeromq"}},
	{ImportPath: "github.com/linxGnu/grocksdb", Attrs: []string{"rocksdb"}},
	{ImportPath: "github.com/h2non/bimg", Attrs: []string{"vips"}},
}

// cgoNeeds reports whether the module needs cgo and which nixpkgs
// attributes its cgo imports link against. Every package counts, not only
// the commands: buildGoModule builds all of them.
func cgoNeeds(pkgs []*pkg) (bool, []string) {
	var cgo bool
	var attrs []string
	for _, p := range pkgs {
		if len(p.CgoFiles) > 0 {
			cgo = true
		}
		for _, imp := range p.Imports {
			for _, row := range cgoPackages {
				if imp == row.ImportPath || strings.HasPrefix(imp, row.ImportPath+"/") {
					cgo = true
					attrs = append(attrs, row.Attrs...)
				}
			}
		}
	}
	return cgo, sortedUnique(attrs)
}
