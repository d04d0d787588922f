package model

// Host is a NixOS machine that runs an app's NixOS module, described in a
// NixOS configuration repository and deployed to with deploy-rs.
type Host struct {
	Name     string // nixosConfigurations.<Name>, deploy.nodes.<Name>, networking.hostName
	Hostname string // the address deploy-rs connects to
	SSHUser  string // the user deploy-rs logs in as
	System   string // the Nix system, e.g. "x86_64-linux"
	Channel  string // the nixpkgs branch, e.g. "nixos-26.05"

	App HostApp

	// Cachix names a cache the host and the deploy workflow substitute
	// from, "" for none; CachixKey is its public signing key, "" when not
	// known (then the host lists the cache but cannot trust it yet).
	Cachix, CachixKey string
}

// HostApp is the app flake a host runs.
type HostApp struct {
	Input   string // the flake input's name in the configuration
	URL     string // its flake reference
	Service string // the app's services.<Service> option
	Local   bool   // URL is a path on this machine
}
