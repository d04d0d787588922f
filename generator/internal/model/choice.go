package model

// Builder is the Nix function that builds a Rust package.
type Builder string

// Rust builders.
const (
	Crane        Builder = "crane"
	RustPlatform Builder = "rust-platform"
)

// Builders lists the Rust builders in the order help texts name them.
var Builders = []Builder{Crane, RustPlatform}

// CI chooses the CI/CD scaffolding written besides the flake. The zero
// value writes none.
type CI struct {
	Cachix     string // Cachix cache name: writes .github/workflows/nix.yml
	DeployRepo string // OWNER/REPO of the NixOS configuration to notify
	PinActions string // PinTag or PinSHA
	Target     string // TargetNix or TargetPlain
	// Systems are the Nix systems nix.yml builds, each on a native runner;
	// empty means DefaultSystem only.
	Systems []string
	// Nixgen is the version of the nixgen writing the files (a module
	// version go run can fetch, such as v1.2.0), which nix.yml's generated
	// job pins; "" for a development build (the job runs @latest). Not a
	// choice: the command supplies it, and nixgen.toml never records it.
	Nixgen string
	// Container is the image --target plain builds in: the host's OS, so
	// the binary links against the glibc and libssl the host has. ""
	// means DefaultContainer.
	Container string
}

// Enabled reports whether any CI/CD file is asked for.
func (c CI) Enabled() bool {
	return c.Cachix != "" || c.DeployRepo != "" || c.Target == TargetPlain
}

// Ways to pin GitHub Actions.
const (
	PinTag = "tag" // owner/name@v7: follows the major release line
	PinSHA = "sha" // owner/name@<commit> # v7.0.1: immutable
)

// Targets: where the service runs.
const (
	TargetNix   = "nix"   // NixOS hosts, deployed from a NixOS configuration
	TargetPlain = "plain" // hosts without Nix: a release binary, a unit and setup.sh
)

// DefaultContainer is the image --target plain builds in unless told
// otherwise: the oldest Ubuntu LTS nixgen supports on hosts, so the binary
// needs no newer glibc than it has.
const DefaultContainer = "ubuntu:22.04"

// DefaultSystem is the one system nix.yml builds unless told otherwise.
const DefaultSystem = "x86_64-linux"

// Systems are the Nix systems nixgen knows, each built natively on a
// GitHub-hosted runner, in the order flakes and build matrices list them.
var Systems = []string{"x86_64-linux", "aarch64-linux", "aarch64-darwin", "x86_64-darwin"}

// FlakeSystems are the systems a generated flake exposes unless told
// otherwise. x86_64-darwin is left out: nixpkgs stops building it with
// 26.11 (its release notes, "x86_64-darwin-26.11"), and 26.05 keeps it only
// until the end of 2026.
var FlakeSystems = []string{"x86_64-linux", "aarch64-linux", "aarch64-darwin"}

// DefaultChannel is the nixpkgs branch generated flakes follow unless the
// user chooses another: the current stable NixOS release.
const DefaultChannel = "nixos-26.05"

// Source kinds for Src.Kind.
const (
	SrcLocal  = ""       // the local tree, through lib.fileset
	SrcGitHub = "github" // pkgs.fetchFromGitHub (fetchgit when origin is elsewhere)
	SrcGit    = "git"    // pkgs.fetchgit
)

// Prefetchers by name, for --prefetcher.
const (
	PrefetchAuto   = "auto"
	PrefetchNix    = "nix-prefetch-git"
	PrefetchNative = "native"
)

// Src says where the flake's src comes from, and whether Cargo git
// dependencies are prefetched.
type Src struct {
	Kind string
	// Owner and Repo name the GitHub repository; "" reads them from the
	// origin remote of the project's git repository.
	Owner, Repo string
	// URL is the remote for SrcGit; "" is origin's URL.
	URL string
	// Rev is a commit, tag or branch; "" is the head of the remote's
	// default branch (or the pin already in flake.nix).
	Rev string
	// GitHubURL, when set, fetches GitHub repositories from
	// GitHubURL/OWNER/REPO. The flake still names GitHub.
	GitHubURL string
	// Prefetcher is PrefetchAuto, PrefetchNix or PrefetchNative.
	Prefetcher string
	// PrefetchDeps fills Cargo git dependencies' outputHashes for the
	// local source too. A pinned source always gets them.
	PrefetchDeps bool
}
