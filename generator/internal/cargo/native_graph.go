package cargo

import (
	"strconv"
	"strings"
)

// nativeBuild is what the native table is applied to: the crates the
// flake's builds compile, as far as the manifests and Cargo.lock tell.
type nativeBuild struct {
	crates     map[string]bool            // every crate compiled
	dependents map[string]map[string]bool // crate -> compiled crates that use it
	direct     map[string]bool            // crates a compiled member uses itself
	features   map[string]bool            // "crate/feature" the members switch on
	// offered are the "crate/feature" pairs a compiled member's [features]
	// can switch on, whether or not the build does.
	offered map[string]bool
}

// compiledCrates walks Cargo.lock from the packages the flake builds (every
// one shares the native inputs, and crane builds their dependencies at
// once). Edges out of
// a workspace member are the dependencies its enabled features use
// (dev-dependencies and other systems' targets left out); edges out of a
// registry or git crate are all taken, but for the gates below, since
// their manifests are not at hand. With no package, or when the
// manifests could not be read again (g is nil), every locked dependency of
// every member counts.
func compiledCrates(g *featureGraph, lock *lockfile, built []featureStart) nativeBuild {
	b := nativeBuild{crates: map[string]bool{}, dependents: map[string]map[string]bool{},
		direct: map[string]bool{}, features: map[string]bool{}, offered: map[string]bool{}}
	var r *resolution
	ok := false
	if len(built) > 0 && g != nil {
		r, ok = g.resolve(built)
	}
	var roots []int
	for i, p := range lock.Package {
		if p.Source == "" && (!ok || r.members[p.Name]) {
			roots = append(roots, i)
		}
	}
	if ok {
		for _, uses := range r.direct {
			for c := range uses {
				b.direct[c] = true
			}
		}
		b.features = r.features
		for name := range r.members {
			for k, v := range g.crates[name].offers() {
				b.offered[k] = v
			}
		}
	}
	follow := func(e lockEdge) bool {
		from, to := lock.Package[e.from], lock.Package[e.to]
		if !ok {
			return true
		}
		if uses, member := r.direct[from.Name]; member && from.Source == "" {
			return uses[to.Name]
		}
		for _, g := range gates {
			if g.from == from.Name && g.gates(to.Name) {
				return g.open(from.Version, r)
			}
		}
		return true
	}
	b.crates = lock.reachable(roots, follow)
	// Who uses each compiled crate, for rules that depend on the path to it.
	for _, p := range lock.Package {
		if !b.crates[p.Name] {
			continue
		}
		for _, d := range p.Dependencies {
			name, _, _ := strings.Cut(d, " ")
			if !b.crates[name] {
				continue
			}
			if b.dependents[name] == nil {
				b.dependents[name] = map[string]bool{}
			}
			b.dependents[name][p.Name] = true
		}
	}
	return b
}

// gate is an optional dependency of a well-known registry crate: Cargo.lock
// records the edge when any feature anywhere in the workspace could switch
// it on, but a build compiles it only when one of enabledBy is requested
// by a compiled member, or when it is on by default and the members use
// the crate with its default features (or do not use it themselves, so
// some other crate's defaults decide).
type gate struct {
	from      string
	to        []string
	enabledBy []string // "crate/feature"
	// onByDefault: the feature is among the crate's defaults; defaultBefore,
	// when set, limits that to versions below it ("0.13").
	onByDefault   bool
	defaultBefore string
}

func (g gate) gates(to string) bool {
	for _, t := range g.to {
		if t == to {
			return true
		}
	}
	return false
}

func (g gate) open(version string, r *resolution) bool {
	for _, f := range g.enabledBy {
		if r.features[f] {
			return true
		}
	}
	if !g.onByDefault || (g.defaultBefore != "" && !versionBelow(version, g.defaultBefore)) {
		return false
	}
	used := false
	for _, uses := range r.direct {
		used = used || uses[g.from]
	}
	return !used || r.defaults[g.from]
}

// gates lists the optional edges that decide whether a native library is
// compiled, checked against the crates' own manifests.
var gates = []gate{
	// actix: OpenSSL only with the "openssl" features (rustypaste).
	{from: "awc", to: []string{"openssl", "tokio-openssl"}, enabledBy: []string{"awc/openssl"}},
	{from: "actix-tls", to: []string{"openssl", "tokio-openssl"},
		enabledBy: []string{"actix-tls/openssl", "actix-web/openssl", "actix-http/openssl", "awc/openssl"}},
	// aws-lc-rs: the FIPS module only with "fips" (static-web-server).
	{from: "aws-lc-rs", to: []string{"aws-lc-fips-sys"}, enabledBy: []string{"aws-lc-rs/fips", "rustls/fips",
		"tokio-rustls/fips", "hyper-rustls/fips", "rustls-platform-verifier/fips"}},
	// reqwest: native-tls is the default TLS before 0.13, rustls since.
	{from: "reqwest", to: []string{"native-tls", "hyper-tls", "tokio-native-tls"}, onByDefault: true, defaultBefore: "0.13",
		enabledBy: []string{"reqwest/default-tls", "reqwest/native-tls", "reqwest/native-tls-alpn", "reqwest/native-tls-vendored"}},
	// diesel: each backend's client library only with its feature (vaultwarden).
	{from: "diesel", to: []string{"pq-sys"}, enabledBy: []string{"diesel/postgres", "diesel_migrations/postgres"}},
	{from: "diesel", to: []string{"mysqlclient-sys"}, enabledBy: []string{"diesel/mysql", "diesel_migrations/mysql"}},
	{from: "diesel", to: []string{"libsqlite3-sys"}, enabledBy: []string{"diesel/sqlite", "diesel_migrations/sqlite"}},
	// shadow-rs reads the repository with git2 unless its defaults are off.
	{from: "shadow-rs", to: []string{"git2"}, onByDefault: true, enabledBy: []string{"shadow-rs/git2"}},
	// WebSocket, mail and Redis clients: native-tls is opt-in (lettre's is a default).
	{from: "tokio-tungstenite", to: []string{"native-tls", "tokio-native-tls"},
		enabledBy: []string{"tokio-tungstenite/native-tls", "tokio-tungstenite/native-tls-vendored"}},
	{from: "tungstenite", to: []string{"native-tls"},
		enabledBy: []string{"tungstenite/native-tls", "tungstenite/native-tls-vendored", "tokio-tungstenite/native-tls", "tokio-tungstenite/native-tls-vendored"}},
	{from: "ureq", to: []string{"native-tls"}, enabledBy: []string{"ureq/native-tls"}},
	{from: "lettre", to: []string{"native-tls", "tokio-native-tls"}, onByDefault: true,
		enabledBy: []string{"lettre/native-tls", "lettre/tokio1-native-tls"}},
	{from: "redis", to: []string{"native-tls", "tokio-native-tls"},
		enabledBy: []string{"redis/tls-native-tls", "redis/tokio-native-tls-comp", "redis/async-std-native-tls-comp"}},
}

// versionBelow compares the numeric parts of two versions ("0.12.5" < "0.13").
func versionBelow(v, limit string) bool {
	a, b := strings.Split(v, "."), strings.Split(limit, ".")
	for i := range b {
		if i >= len(a) {
			return true
		}
		x, _ := strconv.Atoi(strings.SplitN(a[i], "-", 2)[0])
		y, _ := strconv.Atoi(b[i])
		if x != y {
			return x < y
		}
	}
	return false
}
