// Package model holds the plain description of a project that detection
// produces and rendering consumes. Nothing here reads files or runs tools.
package model

import (
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Language is the language of the project's build.
type Language string

// Languages nixgen can generate for.
const (
	Rust Language = "rust"
	Go   Language = "go"
)

// SourceExts are the extensions of the files a flake's source keeps
// wherever they are, by the language's own filter: crane's
// commonCargoSources and nixgen's rustPlatform filter keep *.rs and
// *.toml (and Cargo.lock), the Go filter *.go (and go.mod, go.sum).
func (l Language) SourceExts() []string {
	if l == Rust {
		return []string{"rs", "toml"}
	}
	return []string{"go"}
}

// Project is everything nixgen knows about one repository.
type Project struct {
	Language    Language
	Name        string // the flake's main package name and the NixOS service name
	Version     string
	Description string
	Homepage    string
	Licenses    []string // attribute names under lib.licenses, e.g. "mit"

	// Packages are the buildable packages with at least one executable,
	// sorted by Name. Default names the one exposed as packages.default.
	Packages []Package
	Default  string

	Native Native

	// Sources are extra paths, relative to the project root and using forward
	// slashes, that the build reads but a language-aware source filter drops
	// (SQL migrations, included assets, .proto files). Sorted, no path inside
	// another.
	Sources []string

	// Submodules are the git submodules .gitmodules declares, sorted by
	// Path.
	Submodules []Submodule

	// Env holds environment variables every build needs, sorted by Name.
	Env []EnvVar

	// SkipTests are the tests the build's check phase leaves out because
	// they need what the Nix sandbox lacks (the network, Docker, a
	// database), sorted by Name. nixgen.toml's skip-tests replaces them.
	SkipTests []SkippedTest

	// Libraries are what the program is built with, the evidence for its
	// backing stores: Rust crates in Cargo.lock and "crate/feature" pairs
	// the workspace enables; Go module paths it requires. Sorted.
	Libraries []string

	// Server is true when the project looks like a network service.
	Server bool
	// Service is what detection learnt about how the default binary
	// listens; nil when the project is not served by nixgen's module.
	Service *Service
	// Surface is what the default binary's source shows of its runtime
	// needs: listeners, subcommand, settings, health; nil when unread.
	Surface *Surface

	Rust *RustInfo
	Go   *GoInfo

	// Warnings are things the user should know about the generated output,
	// in the order they were found.
	Warnings []string
}

// Submodule is a git submodule of the repository.
type Submodule struct {
	Path string // slash-separated, relative to the root
	// CheckedOut is true when its directory holds files, which detection
	// then read like the rest of the tree.
	CheckedOut bool
	// Build is true when the flake's source keeps files from it: a Cargo
	// member or path dependency in it, a path in Sources, or a file of the
	// language's own kinds (SourceExts) inside it. Plan decides it.
	Build bool
}

// BuildSubmodules returns the paths of the submodules the build reads.
func (p *Project) BuildSubmodules() []string {
	var paths []string
	for _, s := range p.Submodules {
		if s.Build {
			paths = append(paths, s.Path)
		}
	}
	return paths
}

// SubmoduleOf returns the submodule among subs that holds path p (or is
// p), and whether there is one.
func SubmoduleOf(subs []Submodule, p string) (Submodule, bool) {
	for _, s := range subs {
		if p == s.Path || strings.HasPrefix(p, s.Path+"/") {
			return s, true
		}
	}
	return Submodule{}, false
}

// MarkSubmodules returns a copy of subs with Build set on each that holds
// one of dirs (the directories the build compiles).
func MarkSubmodules(subs []Submodule, dirs []string) []Submodule {
	out := append([]Submodule(nil), subs...)
	for i := range out {
		for _, d := range dirs {
			if d == out[i].Path || strings.HasPrefix(d, out[i].Path+"/") {
				out[i].Build = true
				break
			}
		}
	}
	return out
}

// SkippedTest is a test the sandboxed check phase must not run.
type SkippedTest struct {
	// Name is the test as the runner filters it: a Rust test path
	// ("db::tests::connects") for `--skip`, a Go test function
	// ("TestConnect") for `-skip`.
	Name   string
	Reason string // what it needs, e.g. "the network"
	At     string // file:line of the test
}

// Package is one buildable unit: a Cargo package or a Go main package.
type Package struct {
	Name        string   // Cargo package name, or Go binary name
	Dir         string   // directory relative to the project root, "." for the root
	Version     string   // may differ from Project.Version in a workspace
	Description string   // may be empty; the project's description is the fallback
	Binaries    []string // executables it installs, sorted
	MainProgram string   // the executable `nix run` starts
	// Features are the Cargo features the build turns on for this
	// package (--features): its own, or "dependency/feature"; sorted.
	Features []string
}

// Native lists nixpkgs attribute paths (e.g. "pkg-config", "openssl")
// needed to build, sorted and without duplicates.
type Native struct {
	NativeBuildInputs []string
	BuildInputs       []string
	LinuxBuildInputs  []string // only on Linux
	DarwinBuildInputs []string // only on Darwin
}

// EnvVar is a build environment variable. Value is a Nix expression chosen
// by nixgen (never raw user input).
type EnvVar struct {
	Name  string
	Value string
}

// RustInfo holds what only Rust builds need.
type RustInfo struct {
	Workspace   bool     // the root manifest has a [workspace] section
	RustVersion string   // rust-version, informational
	GitDeps     []GitDep // git sources in Cargo.lock, one per repository commit
	Nextest     bool     // the project uses cargo-nextest
	Bindgen     bool     // a crate runs bindgen, which needs libclang
	SqlxOffline bool     // sqlx's query cache (.sqlx/) is committed
	// NoDefaultFeatures: every package is built without its default
	// features (--no-default-features); Package.Features lists what it
	// turns on instead.
	NoDefaultFeatures bool
	// LockedCrates are the names of every package in Cargo.lock, sorted.
	LockedCrates []string
}

// GitDep is a git source in Cargo.lock. Key is the outputHashes key that
// buildRustPackage's cargoLock expects ("name-version" of one crate from
// that commit).
type GitDep struct {
	Key    string
	URL    string
	Commit string
	Hash   string // SRI hash of the checkout, "" until prefetched
}

// VersionPlaceholder stands for the derivation's version in Ldflags; the
// flake writes it as the Nix interpolation it is.
const VersionPlaceholder = "${version}"

// GoInfo holds what only Go builds need.
type GoInfo struct {
	ModulePath string
	GoVersion  string // the go line of go.mod, e.g. "1.23.0"
	// VendorHash is the SRI vendorHash; "" means unknown (lib.fakeHash is
	// emitted) unless VendorNull is set.
	VendorHash string
	VendorNull bool   // vendorHash = null (committed vendor/ or no requirements)
	HashGo     string // Go minor version VendorHash was computed with, e.g. "1.26"
	Ldflags    []string
	// Tags are the build tags (buildGoModule's tags), sorted. BuildFrom
	// says where the tags and the -X values besides goreleaser's were
	// read ("-X main.Mode=prod: Makefile:12"), for a comment.
	Tags      []string
	BuildFrom []string
	Cgo       bool
	Work      bool // go.work in the source, ignored with GOWORK=off
	HasGoSum  bool
	// LocalReplaces are go.mod's replace targets that are directories in
	// the project, whose go.mod files decide the vendor tree too.
	LocalReplaces []string
	// VendorInputs is a digest of what decides VendorHash (go.mod, go.sum,
	// the replaced modules, GOFLAGS), recorded so that an unchanged
	// project reuses the hash without running go.
	VendorInputs string
	// Toolchain is the nixpkgs Go attribute the build uses, e.g.
	// "go_1_26"; "" for pkgs.go. ToolchainWhy says why, for a comment.
	Toolchain, ToolchainWhy string
	// CLibs are the C libraries the cgo directives of the module's own
	// packages name. Deps is what those of the dependency packages the
	// build compiles name; nil when their sources were not read.
	CLibs CLibs
	Deps  *GoDeps
	// Imports are the packages outside the module (the standard library
	// left out) the module's built packages import, sorted.
	Imports []string
	// LeftOut are the module's directories of main packages that are not
	// its programs (examples, test programs, plugins): no package builds
	// them, and the tests and vet checks leave them out. Sorted by Dir, no
	// directory inside another.
	LeftOut []GoLeftOut
	// Frontends are the JavaScript builds that make what //go:embed
	// needs and the repository lacks (a UI bundle): the flake builds each
	// and copies it in before go build. Sorted by Target.
	Frontends []Frontend
}

// Frontend is a package.json build that makes an embedded directory.
type Frontend struct {
	Dir     string // the directory of package.json and its lock file
	Manager string // "npm" (package-lock.json) or "yarn" (yarn.lock, v1)
	Script  string // the package.json script that builds, e.g. "build"
	Out     string // what it makes, relative to Dir, e.g. "build"
	Target  string // the embedded directory, relative to the root
	At      string // the //go:embed that needs it
}

// CLibs are the C libraries cgo directives ask for.
type CLibs struct {
	PkgConfig []string // the modules of #cgo pkg-config lines, sorted
	Libs      []string // the -l libraries of #cgo LDFLAGS lines, sorted
	// At is where each was first named ("pkg-config taglib", "-ltag" ->
	// "tag.go:12"), for warnings; nil when not known.
	At map[string]string
}

// GoDeps is what the dependency packages of a Go build need from C, read
// from their cgo directives (in vendor/, or the tree `go mod vendor`
// makes).
type GoDeps struct {
	Cgo bool // one of them compiles with cgo
	CLibs
}

// GoLeftOut is a directory of a Go module the build leaves out, and why.
type GoLeftOut struct {
	Dir string // slash-separated, relative to the module root
	Why string // e.g. "an example (in examples/)"
}

// SortStrings sorts ss and removes duplicates, returning the result.
func SortStrings(ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	sort.Strings(ss)
	out := ss[:1]
	for _, s := range ss[1:] {
		if s != out[len(out)-1] {
			out = append(out, s)
		}
	}
	return out
}

// Package returns the package with the given name, or nil.
func (p *Project) Package(name string) *Package {
	for i := range p.Packages {
		if p.Packages[i].Name == name {
			return &p.Packages[i]
		}
	}
	return nil
}

// Service describes how the project runs as a long-lived network service:
// what detection found in the source, completed by the generator.
type Service struct {
	Name        string // services.<Name> and <Name>.service
	Description string
	Program     string // executable in the package to run
	// Subcommand is the argv after the program that serves, e.g.
	// ["serve"]; flags follow it.
	Subcommand []string

	// Endpoint is the main listener: services.<Name>.port and
	// listenAddress, the reverse proxy and the health route use it.
	Endpoint
	// Extra are the other listeners, each with options of its own
	// (services.<Name>.<Endpoint.Name>.port).
	Extra []Endpoint

	HealthPath string      // HTTP path the VM test probes, "" for just the port
	Config     *ConfigFile // nil when the app reads no config file nixgen can see
	// Required are the settings the app stops without; the module asserts
	// that each is given.
	Required []Required
	// Stores are the backing stores the module can provide on the host.
	Stores []Store
}

// Store kinds: the backing stores a module can create on the host.
const (
	Postgres = "postgresql"
	MySQL    = "mysql"
	Redis    = "redis"
	SQLite   = "sqlite"
)

// Store is a backing store the service needs, and the variable that tells
// the app where it is.
type Store struct {
	Kind string // Postgres, MySQL, Redis or SQLite
	Var  string // e.g. DATABASE_URL
	// URL: the variable takes a URL (postgresql://, sqlite://); otherwise
	// a path (SQLite) or address.
	URL bool
	// Socket is how a MySQL client is given a Unix socket, which its
	// driver decides: SocketParam, UnixSocketParam or GoDSN.
	Socket string
	At     string // where the app reads the variable
}

// How MySQL drivers take a Unix socket.
const (
	SocketParam     = "socket"      // mysql://USER@localhost/DB?socket=PATH (sqlx, mysql_async, mysql)
	UnixSocketParam = "unix_socket" // mysql://USER@localhost/DB?unix_socket=PATH (diesel, libmysqlclient)
	GoDSN           = "go-dsn"      // USER@unix(PATH)/DB (go-sql-driver/mysql's DSN)
)

// Endpoint is one socket the service listens on and how the app is told
// its address.
type Endpoint struct {
	Name       string // http, smtp, metrics, ...: the option name of an extra listener
	Port       int    // default port
	PortSource string // where Port came from, for the generated comment
	Address    string // default listen address

	// At most one of PortEnv/PortFlag/PortKey and one of
	// HostEnv/HostFlag/HostKey is set; ListenEnv/ListenFlag/ListenKey take
	// host:port and replace both. Keys are dotted paths into the
	// configuration file (Service.Config).
	PortEnv, HostEnv, ListenEnv    string
	PortFlag, HostFlag, ListenFlag string
	PortKey, HostKey, ListenKey    string

	// PortFixed and AddressFixed: the source hard-codes the value (at
	// FixedAt), so the module documents it read-only instead of offering an
	// option that would do nothing.
	PortFixed, AddressFixed bool
	FixedAt                 string
	// Public: services.<Name>.openFirewall opens it (metrics and admin
	// listeners serve the operator and stay closed).
	Public bool
}

// Required is a setting the service cannot start without.
type Required struct {
	Name         string   // the environment variable
	Alternatives []string // other variables that satisfy it
	Secret       bool     // a password, token, key or URL with credentials
	FileEnv      string   // NAME_FILE variant the app reads the value from, if any
	At           string   // where the source requires it
	// Generate: a secret only the service itself uses (a session or
	// token signing key), which the module can create on first start.
	Generate bool
}

// Endpoints returns the main listener, then the others.
func (s *Service) Endpoints() []Endpoint {
	return append([]Endpoint{s.Endpoint}, s.Extra...)
}

// ConfigFile is how the app is pointed at its configuration file.
type ConfigFile struct {
	Format string `json:"format,omitempty"` // "toml", "json" or "yaml": a pkgs.formats generator
	Flag   string `json:"flag,omitempty"`   // e.g. "--config"
	Env    string `json:"env,omitempty"`    // e.g. "APP_CONFIG"
	// Positional: the path is the program's positional argument.
	Positional bool `json:"positional,omitempty"`
	// Required: the program exits when no file is given or found.
	Required bool `json:"required,omitempty"`
	// Default is the path read when neither Flag nor Env gives one.
	Default string `json:"default,omitempty"`
	// RequiredKeys are the dotted keys of the file the program stops
	// without, sorted.
	RequiredKeys []string `json:"required_keys,omitempty"`
	// Keys are the keys the program declares with a default it knows,
	// sorted by Key: the module offers each as a typed option of
	// settings with that default.
	Keys []ConfigKey `json:"keys,omitempty"`
	At   string      `json:"at,omitempty"` // where the flag or variable is declared
}

// ConfigKey is one key of the configuration file and the program's own
// default for it.
type ConfigKey struct {
	Key  string  `json:"key"` // dotted from the top of the file, as the file spells it
	Type KeyType `json:"type"`
	// Default is the value as text: a string as is, a number in decimal,
	// "true" or "false"; for KeyStrings a JSON array of strings.
	Default string `json:"default"`
	At      string `json:"at,omitempty"` // where the default is
}

// KeyType is the type of a configuration key's value.
type KeyType string

// Key types: what the file's parser accepts for the key.
const (
	KeyString   KeyType = "string"
	KeyInt      KeyType = "int"      // a signed integer
	KeyUnsigned KeyType = "unsigned" // a non-negative integer
	KeyBool     KeyType = "bool"
	KeyFloat    KeyType = "float"
	KeyStrings  KeyType = "strings" // a list of strings
)

// ProbeHost is the host a check on the same machine connects to (the VM
// test, the plain host's health loop and proxy): loopback when the
// service listens on every address, IPv6 in brackets.
func (s *Endpoint) ProbeHost() string {
	host := s.Address
	switch host {
	case "", "0.0.0.0", "localhost":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return host
}

// PortConfigurable reports whether the module can set the port.
func (s *Endpoint) PortConfigurable() bool {
	return s.PortEnv != "" || s.PortFlag != "" || s.PortKey != "" || s.ListenEnv != "" || s.ListenFlag != "" || s.ListenKey != ""
}

// AddressConfigurable reports whether the module can set the address.
func (s *Endpoint) AddressConfigurable() bool {
	return s.HostEnv != "" || s.HostFlag != "" || s.HostKey != "" || s.ListenEnv != "" || s.ListenFlag != "" || s.ListenKey != ""
}

// Outermost sorts paths (slash-separated, relative), removes duplicates and
// drops every path inside another one in the list, as Project.Sources
// requires: a kept directory already holds everything below it.
func Outermost(paths []string) []string {
	var kept []string
	for _, p := range SortStrings(append([]string(nil), paths...)) {
		inside := false
		for _, k := range kept {
			if strings.HasPrefix(p, k+"/") {
				inside = true
				break
			}
		}
		if !inside {
			kept = append(kept, p)
		}
	}
	return kept
}

// Canonical returns s, a default's text, in the form ConfigKey.Default
// holds for a value of type t (decimal numbers, "true" or "false", a JSON
// array of strings), and whether s is a value of t at all.
func (t KeyType) Canonical(s string) (string, bool) {
	switch t {
	case KeyString:
		return s, utf8.ValidString(s)
	case KeyBool:
		b, err := strconv.ParseBool(s)
		return strconv.FormatBool(b), err == nil
	case KeyInt:
		n, err := strconv.ParseInt(s, 10, 64)
		return strconv.FormatInt(n, 10), err == nil
	case KeyUnsigned:
		n, err := strconv.ParseUint(s, 10, 63) // a Nix integer is signed
		return strconv.FormatUint(n, 10), err == nil
	case KeyFloat:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return "", false
		}
		return strconv.FormatFloat(f, 'f', -1, 64), true
	case KeyStrings:
		var l []string
		if json.Unmarshal([]byte(s), &l) != nil || l == nil || !utf8.ValidString(s) {
			return "", false
		}
		out, _ := json.Marshal(l)
		return string(out), true
	}
	return "", false
}
