package model

// SourcePin is the package source fixed at one commit of a remote
// repository, written as a Nix fetcher call instead of the local tree.
type SourcePin struct {
	// Fetcher is "fetchFromGitHub" (Owner, Repo) or "fetchgit" (URL).
	Fetcher     string
	Owner, Repo string
	URL         string
	Rev         string // the full commit hash
	Hash        string // SRI hash of the tree the fetcher unpacks
	// Submodules is true when the tree holds the submodules the build
	// reads (fetchFromGitHub's fetchSubmodules; fetchgit fetches them
	// by default).
	Submodules bool
	// Version is the version the pinned tag names ("1.2.0" for v1.2.0),
	// else "0-unstable-DATE" from the commit's date, as nixpkgs names
	// unreleased versions; "" when neither is known.
	Version string
}
