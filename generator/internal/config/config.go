// Package config reads and writes nixgen.toml, the record of every choice
// `nixgen init` made, so that regenerating gives the same bytes and a changed
// answer is a one-line diff.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/escape"
	"github.com/nixgen/nixgen/generator/internal/projfs"
)

// FileName is where the choices live, at the project root.
const FileName = "nixgen.toml"

// Config is nixgen.toml.
type Config struct {
	Builder    string `toml:"builder"`
	Nixpkgs    string `toml:"nixpkgs"`
	Bin        string `toml:"bin"`
	VendorHash string `toml:"vendor-hash"`
	// Description is meta.description when Cargo.toml has none (Go
	// modules never have one).
	Description string `toml:"description"`
	// Include lists extra paths kept in the package source.
	Include []string `toml:"include"`
	// Src is where the source comes from: "" (the local tree),
	// "github:OWNER/REPO" or "git:URL".
	Src string `toml:"src"`
	// Systems are the Nix systems the flake exposes; empty means nixgen's
	// default list.
	Systems []string `toml:"systems"`
	// PrefetchDeps fills Cargo git dependencies' outputHashes for a local source.
	PrefetchDeps bool    `toml:"prefetch-deps"`
	Service      Service `toml:"service"`
	CI           CI      `toml:"ci"`
	// Owned lists generated files the user maintains by hand: nixgen
	// neither rewrites them nor compares them.
	Owned []string `toml:"owned"`
	// Generated lists the files the last generation wrote, so that check
	// finds the ones that no longer belong.
	Generated []string `toml:"generated"`
	Go        *Go      `toml:"go"`
	Vendor    Vendor   `toml:"vendor"`

	// Features and NoDefaultFeatures are the Cargo features a Rust build
	// turns on ("feature" of the default package, "package/feature" of
	// another) and whether it turns the defaults off; absent, nixgen
	// chooses from what the source needs.
	Features          *[]string `toml:"features"`
	NoDefaultFeatures *bool     `toml:"no-default-features"`
	// SkipTests are the tests the build's check phase leaves out, by
	// name; absent, those nixgen finds need what the sandbox lacks.
	SkipTests *[]string `toml:"skip-tests"`
}

// Go is the [go] table: choices only a Go project has.
type Go struct {
	// EmbedProvided are //go:embed paths that a build step outside Go
	// makes and the user provides: nixgen does not stop when the source
	// lacks them.
	EmbedProvided []string `toml:"embed-provided"`
}

// Vendor is the [vendor] table: what Go's vendorHash was computed from, so
// that check and init reuse it while the inputs are unchanged.
type Vendor struct {
	Hash   string `toml:"hash"`   // the vendorHash, or "null"
	Go     string `toml:"go"`     // the Go minor version it was computed with
	Inputs string `toml:"inputs"` // a digest of go.mod, go.sum and what else decides it

	// What the cgo directives of the dependencies in the same vendor tree
	// name, so that reusing the hash reuses them too; Cgo nil: not
	// recorded (an older nixgen.toml), the tree is read again.
	Cgo       *bool    `toml:"cgo"`
	PkgConfig []string `toml:"pkg-config"`
	Libs      []string `toml:"libs"`
}

// Service is the [service] table. Subcommand, Required and Listeners
// record what nixgen read in the program's source, so that a misreading is
// corrected in one line; absent, the source decides.
type Service struct {
	Enabled    *bool      `toml:"enabled"`
	Port       int        `toml:"port"`
	Subcommand *[]string  `toml:"subcommand"`
	Required   *[]string  `toml:"required"`
	Listeners  []Listener `toml:"listener"`
}

// Listener is one [[service.listener]] table: a socket the program listens
// on and how it is told the address.
type Listener struct {
	Name string `toml:"name"`
	Port int    `toml:"port"` // 0: not found in the source
	Host string `toml:"host"`

	PortEnv  string `toml:"port-env"`
	HostEnv  string `toml:"host-env"`
	AddrEnv  string `toml:"address-env"`
	PortFlag string `toml:"port-flag"`
	HostFlag string `toml:"host-flag"`
	AddrFlag string `toml:"address-flag"`
	PortKey  string `toml:"port-key"`
	HostKey  string `toml:"host-key"`
	AddrKey  string `toml:"address-key"`
	// Fixed: the source hard-codes the address.
	Fixed bool `toml:"fixed"`
}

// CI is the [ci] table.
type CI struct {
	Cachix     string `toml:"cachix"`
	DeployRepo string `toml:"deploy-repo"`
	PinActions string `toml:"pin-actions"`
	Target     string `toml:"target"`
	// Systems are the Nix systems the workflow builds; empty means
	// x86_64-linux.
	Systems []string `toml:"systems"`
	// Container is the image the plain target builds in.
	Container string `toml:"container"`
}

// Load reads nixgen.toml from fsys; ok is false when there is none.
func Load(fsys fs.FS) (cfg *Config, ok bool, err error) {
	data, err := projfs.ReadFile(fsys, FileName)
	if errors.Is(err, fs.ErrNotExist) {
		return &Config{}, false, nil
	}
	if err != nil {
		return nil, false, &diag.InputError{File: FileName, Msg: err.Error(), Err: err}
	}
	cfg = &Config{}
	md, err := diag.DecodeTOML(FileName, data, cfg)
	if err != nil {
		return nil, false, err
	}
	if undecoded := md.Undecoded(); len(undecoded) > 0 {
		keys := make([]string, len(undecoded))
		for i, k := range undecoded {
			keys[i] = k.String()
		}
		return nil, false, &diag.InputError{File: FileName, Msg: "unknown keys: " + strings.Join(keys, ", "),
			Hint: "see the comments nixgen writes in nixgen.toml for the keys it reads"}
	}
	return cfg, true, nil
}

// IsOwned reports whether path is listed in owned.
func (c *Config) IsOwned(path string) bool {
	for _, o := range c.Owned {
		if o == path {
			return true
		}
	}
	return false
}

// Render writes the configuration as commented TOML, always in the same
// order with the same comments.
func (c *Config) Render() []byte {
	var b bytes.Buffer
	str := func(comment, key, value string) {
		fmt.Fprintf(&b, "# %s\n%s = %s\n", comment, key, escape.TOMLString(value))
	}
	b.WriteString(`# nixgen's choices for this repository. ` + "`nixgen init --force`" + ` regenerates
# the same files from them and ` + "`nixgen check`" + ` reports files that drifted.
# Change a value and run ` + "`nixgen init --force`" + ` to change a choice.

`)
	if c.Builder != "" {
		str(`Rust builder: "crane" or "rust-platform".`, "builder", c.Builder)
	}
	str("nixpkgs branch the flake follows.", "nixpkgs", c.Nixpkgs)
	b.WriteString("# Nix systems the flake exposes (it always covers [ci] systems).\n")
	fmt.Fprintf(&b, "systems = %s\n", sortedStrings(c.Systems))
	str("Package exposed as packages.default.", "bin", c.Bin)
	if c.VendorHash != "" {
		str(`Go vendorHash: "computed" runs `+"`go mod vendor`"+`; "fake" writes lib.fakeHash.`, "vendor-hash", c.VendorHash)
	}
	str("meta.description when the project's own files give none.", "description", c.Description)
	b.WriteString("# Extra paths kept in the build's source: files the build or its tests read\n# that nixgen cannot see in the code, e.g. [\"assets\"].\n")
	fmt.Fprintf(&b, "include = %s\n", sortedStrings(c.Include))
	str(`Source: "" for the local tree, "github:OWNER/REPO" or "git:URL" for a pinned commit (`+"`nixgen bump`"+` moves the pin).`, "src", c.Src)
	fmt.Fprintf(&b, "# Prefetch Cargo git dependencies for cargoLock.outputHashes (always done for a pinned src).\nprefetch-deps = %t\n", c.PrefetchDeps)
	if c.Features != nil || c.NoDefaultFeatures != nil {
		b.WriteString("# Cargo features the build turns on: \"feature\" of packages.default,\n" +
			"# \"package/feature\" of another package. nixgen chooses them when the\n" +
			"# defaults cannot build (a compile_error! guard, a download in build.rs,\n" +
			"# a [[bin]]'s required-features); change them here.\n")
		fmt.Fprintf(&b, "features = %s\n", sortedStrings(deref(c.Features)))
		b.WriteString("# Build without the default features (--no-default-features).\n")
		fmt.Fprintf(&b, "no-default-features = %t\n", c.NoDefaultFeatures != nil && *c.NoDefaultFeatures)
	}
	if c.SkipTests != nil {
		b.WriteString("# Tests the check phase skips because they need what the Nix sandbox\n" +
			"# lacks (the network, Docker, a database server), by name as the test\n" +
			"# runner's skip option takes them, e.g. [\"db::tests::connects\"].\n")
		fmt.Fprintf(&b, "skip-tests = %s\n", sortedStrings(*c.SkipTests))
	}
	b.WriteString("# Generated files you maintain by hand: nixgen never rewrites them and\n# `nixgen check` skips them, e.g. [\"nix/module.nix\"].\n")
	fmt.Fprintf(&b, "owned = %s\n", sortedStrings(c.Owned))
	b.WriteString("# Files nixgen generated; `nixgen check` reports any that no longer belong.\n")
	fmt.Fprintf(&b, "generated = %s\n", sortedStrings(c.Generated))

	b.WriteString("\n[service]\n")
	enabled := c.Service.Enabled != nil && *c.Service.Enabled
	fmt.Fprintf(&b, "# Write nix/module.nix, the NixOS module (services.NAME).\nenabled = %t\n", enabled)
	if enabled {
		svc := c.Service
		fmt.Fprintf(&b, "# The service's default port.\nport = %d\n", svc.Port)
		b.WriteString("# What nixgen read in the program's source; correct a misreading here.\n")
		b.WriteString("# Arguments before the flags that make the program serve, e.g. [\"serve\"].\n")
		fmt.Fprintf(&b, "subcommand = %s\n", escape.TOMLStrings(deref(svc.Subcommand)))
		b.WriteString("# Environment variables the program stops without; the module asserts\n# that each is given.\n")
		fmt.Fprintf(&b, "required = %s\n", sortedStrings(deref(svc.Required)))
		if len(svc.Listeners) > 0 {
			b.WriteString("\n# The sockets the program listens on, the main one (services.NAME.port)\n" +
				"# first; port = 0: not found in the source. How the program is told each\n" +
				"# address: port-env, host-env and address-env (host:port) name variables,\n" +
				"# *-flag command-line flags, *-key keys of its configuration file.\n")
		}
		for _, l := range svc.Listeners {
			b.WriteString("[[service.listener]]\n")
			fmt.Fprintf(&b, "name = %s\nport = %d\nhost = %s\n", escape.TOMLString(l.Name), l.Port, escape.TOMLString(l.Host))
			for _, kv := range [][2]string{
				{"port-env", l.PortEnv}, {"host-env", l.HostEnv}, {"address-env", l.AddrEnv},
				{"port-flag", l.PortFlag}, {"host-flag", l.HostFlag}, {"address-flag", l.AddrFlag},
				{"port-key", l.PortKey}, {"host-key", l.HostKey}, {"address-key", l.AddrKey},
			} {
				if kv[1] != "" {
					fmt.Fprintf(&b, "%s = %s\n", kv[0], escape.TOMLString(kv[1]))
				}
			}
			if l.Fixed {
				b.WriteString("fixed = true\n")
			}
		}
	}

	b.WriteString("\n[ci]\n")
	str("Cachix cache for .github/workflows/nix.yml; empty: no workflow.", "cachix", c.CI.Cachix)
	str("OWNER/REPO of the NixOS configuration notified after a green build on main.", "deploy-repo", c.CI.DeployRepo)
	str(`Pin GitHub Actions by "tag" or by commit "sha".`, "pin-actions", c.CI.PinActions)
	str(`"nix" for NixOS hosts; "plain" also writes a workflow, unit and setup script for hosts without Nix.`, "target", c.CI.Target)
	b.WriteString("# Nix systems nix.yml builds, each on a native runner; empty: x86_64-linux.\n")
	fmt.Fprintf(&b, "systems = %s\n", sortedStrings(c.CI.Systems))
	if c.CI.Container != "" {
		str(`Image the "plain" target builds in: the hosts' OS, so the binary links against their glibc and libssl.`, "container", c.CI.Container)
	}

	if c.Go != nil {
		b.WriteString("\n[go]\n# //go:embed paths a build step outside Go makes (a UI built with npm or\n# yarn) that you put in the source yourself, e.g. [\"ui/build\"]: nixgen does\n# not stop when the source lacks them.\n")
		fmt.Fprintf(&b, "embed-provided = %s\n", sortedStrings(c.Go.EmbedProvided))
	}

	if c.Vendor.Inputs != "" {
		b.WriteString("\n# What Go's vendorHash was computed from: while go.mod, go.sum and the\n# replaced modules are unchanged, `nixgen check` and `nixgen init --force`\n# reuse the hash without running go; `--rehash` recomputes it.\n[vendor]\n")
		str("vendorHash, or \"null\" when there is nothing to vendor.", "hash", c.Vendor.Hash)
		str("The Go minor version it was computed with.", "go", c.Vendor.Go)
		str("Digest of the inputs.", "inputs", c.Vendor.Inputs)
		if v := c.Vendor; v.Cgo != nil {
			b.WriteString("# What the dependencies' cgo directives name in that vendor tree: whether\n# one uses cgo, its pkg-config modules and -l libraries.\n")
			fmt.Fprintf(&b, "cgo = %t\npkg-config = %s\nlibs = %s\n", *v.Cgo, sortedStrings(v.PkgConfig), sortedStrings(v.Libs))
		}
	}
	return b.Bytes()
}

func deref(p *[]string) []string {
	if p == nil {
		return nil
	}
	return *p
}

// sortedStrings writes items, sorted, as a TOML array of strings on one line.
func sortedStrings(items []string) string {
	return escape.TOMLStrings(slices.Sorted(slices.Values(items)))
}
