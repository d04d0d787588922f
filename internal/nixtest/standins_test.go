package nixtest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A stand-in that accepts what the real function rejects lets a broken
// generated flake pass every test. Each case below calls a stand-in twice,
// through a flake with the inputs generated flakes have: once as the real
// function accepts (it must evaluate, so the harness is sound) and once
// with one thing the real function rejects (it must fail, with the error).
func TestStandinsRejectWhatTheRealOnesReject(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, branch string
		good, bad    string
		want         string
	}{
		{"buildNpmPackage argument", "nixos-26.05",
			`(pkgs.buildNpmPackage { pname = "ui"; version = "1"; src = ./ui; npmDepsHash = lib.fakeHash; }).drvPath`,
			`(pkgs.buildNpmPackage { pname = "ui"; version = "1"; src = ./ui; npmDepHash = lib.fakeHash; }).drvPath`,
			"unknown argument `npmDepHash'"},
		{"buildNpmPackage without a lock file", "nixos-26.05",
			`(pkgs.buildNpmPackage { pname = "ui"; version = "1"; src = ./ui; npmDepsHash = lib.fakeHash; }).drvPath`,
			`(pkgs.buildNpmPackage { pname = "ui"; version = "1"; src = ./web; npmDepsHash = lib.fakeHash; }).drvPath`,
			"has no package-lock.json"},
		{"fetchYarnDeps argument", "nixos-26.05",
			`(pkgs.fetchYarnDeps { yarnLock = ./web/yarn.lock; hash = lib.fakeHash; }).drvPath`,
			`(pkgs.fetchYarnDeps { yarnLockFile = ./web/yarn.lock; hash = lib.fakeHash; }).drvPath`,
			"unexpected argument 'yarnLockFile'"},
		{"yarn hooks read yarnOfflineCache, not another name", "nixos-26.05",
			`(pkgs.stdenv.mkDerivation { pname = "web"; version = "1"; src = ./web; yarnOfflineCache = pkgs.fetchYarnDeps { yarnLock = ./web/yarn.lock; hash = lib.fakeHash; }; nativeBuildInputs = [ pkgs.yarnConfigHook pkgs.yarnBuildHook pkgs.nodejs ]; }).drvPath`,
			`(pkgs.stdenv.mkDerivation { pname = "web"; version = "1"; src = ./web; offlineCache = pkgs.fetchYarnDeps { yarnLock = ./web/yarn.lock; hash = lib.fakeHash; }; nativeBuildInputs = [ pkgs.yarnConfigHook pkgs.yarnBuildHook pkgs.nodejs ]; }).drvPath`,
			"unknown argument `offlineCache'"},
		{"buildGoModule argument", "nixos-26.05",
			`(pkgs.buildGoModule { pname = "x"; version = "1"; src = ./.; vendorHash = null; }).drvPath`,
			`(pkgs.buildGoModule { pname = "x"; version = "1"; src = ./.; vendorHash = null; subPackage = [ "." ]; }).drvPath`,
			"unknown argument `subPackage'"},
		{"buildGoModule.override", "nixos-26.05",
			`((pkgs.buildGoModule.override { go = pkgs.go_1_26; }) { pname = "x"; version = "1"; src = ./.; vendorHash = null; }).drvPath`,
			`((pkgs.buildGoModule.override { goVersion = "1.26"; }) { pname = "x"; version = "1"; src = ./.; vendorHash = null; }).drvPath`,
			"unexpected argument 'goVersion'"},
		{"go_1_XX of nixos-26.05", "nixos-26.05", `pkgs.go_1_27.name`, `pkgs.go_1_24.name`, "attribute 'go_1_24' missing"},
		{"go_1_XX of nixos-25.05", "nixos-25.05", `pkgs.go_1_23.name`, `pkgs.go_1_26.name`, "attribute 'go_1_26' missing"},
		{"go_1_XX of nixos-unstable", "nixos-unstable", `(pkgs.buildGo127Module { pname = "x"; version = "1"; src = ./.; vendorHash = null; }).drvPath`, `pkgs.go_1_25.name`, "attribute 'go_1_25' missing"},
		{"buildRustPackage argument", "nixos-26.05",
			`(pkgs.rustPlatform.buildRustPackage { pname = "x"; version = "1"; src = ./.; cargoLock.lockFile = ./Cargo.lock; }).drvPath`,
			`(pkgs.rustPlatform.buildRustPackage { pname = "x"; version = "1"; src = ./.; cargoLock.lockFile = ./Cargo.lock; cargoBuildFlag = [ ]; }).drvPath`,
			"unknown argument `cargoBuildFlag'"},
		{"crane buildPackage argument", "nixos-26.05",
			`(craneLib.buildPackage { src = ./.; cargoBuildExtraArgs = "--offline"; }).drvPath`,
			`(craneLib.buildPackage { src = ./.; cargoExtraArg = "--offline"; }).drvPath`,
			"unknown argument `cargoExtraArg'"},
		{"crane cargoDocTest argument", "nixos-26.05",
			`(craneLib.cargoDocTest { src = ./.; cargoArtifacts = null; cargoTestExtraArgs = "--all"; }).drvPath`,
			`(craneLib.cargoDocTest { src = ./.; cargoArtifacts = null; cargoDocTestExtraArgs = "--all"; }).drvPath`,
			"unknown argument `cargoDocTestExtraArgs'"},
		{"crane cargoNextest partitionType", "nixos-26.05",
			`(craneLib.cargoNextest { src = ./.; cargoArtifacts = null; partitions = 2; partitionType = "hash"; }).drvPath`,
			`(craneLib.cargoNextest { src = ./.; cargoArtifacts = null; partitions = 2; partitionType = "round-robin"; }).drvPath`,
			`partitionType must be "count" or "hash"`},
		{"mkShell argument", "nixos-26.05",
			`(pkgs.mkShell { packages = [ pkgs.hello ]; shellHook = ""; }).drvPath`,
			`(pkgs.mkShell { packages = [ pkgs.hello ]; shelHook = ""; }).drvPath`,
			"unknown argument `shelHook'"},
		{"fetchFromGitHub argument", "nixos-26.05",
			`(pkgs.fetchFromGitHub { owner = "o"; repo = "r"; rev = "v1"; hash = lib.fakeHash; }).drvPath`,
			`(pkgs.fetchFromGitHub { owner = "o"; repo = "r"; revision = "v1"; hash = lib.fakeHash; }).drvPath`,
			"unexpected argument 'revision'"},
		{"flake-utils eachSystem", "nixos-26.05",
			`builtins.attrNames (flake-utils.lib.eachSystem [ "x86_64-linux" ] (system: { packages = { }; })).packages`,
			`builtins.attrNames (flake-utils.lib.eachSystem "x86_64-linux" (system: { packages = { }; })).packages`,
			"must be a list of systems"},
		{"deploy-rs overlay", "nixos-26.05",
			`builtins.attrNames (import nixpkgs { inherit system; overlays = [ deploy-rs.overlays.default ]; }).deploy-rs.lib.activate`,
			`builtins.attrNames (import nixpkgs { inherit system; overlays = [ deploy-rs.overlay ]; }).deploy-rs.lib.activate`,
			"attribute 'overlay' missing"},
		{"deploy-rs activate.nixos", "nixos-26.05",
			`(deploy-rs.lib.${system}.activate.noop pkgs.hello).drvPath`,
			`(deploy-rs.lib.${system}.activate.nixos pkgs.hello).drvPath`,
			"takes a NixOS configuration"},
		{"deploy-rs schema", "nixos-26.05",
			`(deploy-rs.lib.${system}.deployChecks { nodes.a = { hostname = "a"; sshUser = "root"; profiles.p.path = deploy-rs.lib.${system}.activate.noop pkgs.hello; }; }).deploy-schema.drvPath`,
			`(deploy-rs.lib.${system}.deployChecks { nodes.a = { hostname = "a"; sshUsr = "root"; profiles.p.path = deploy-rs.lib.${system}.activate.noop pkgs.hello; }; }).deploy-schema.drvPath`,
			"unknown property `sshUsr'"},
		{"runNixOSTest argument", "nixos-26.05",
			`(pkgs.testers.runNixOSTest { name = "t"; nodes.m = { }; testScript = ""; }).drvPath`,
			`(pkgs.testers.runNixOSTest { name = "t"; machines.m = { }; testScript = ""; }).drvPath`,
			"machines"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := standinProbe(t, c.branch, c.good, c.bad)
			if _, err := evalFlake(t, dir, "good"); err != nil {
				t.Fatalf("the accepted call fails, so the case proves nothing:\n%s", errorText(err))
			}
			_, err := evalFlake(t, dir, "bad")
			if err == nil {
				t.Fatalf("the stand-in accepts %s; the real function rejects it", c.bad)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error does not contain %q:\n%v", c.want, err)
			}
		})
	}
}

// standinProbe writes a flake with the inputs generated flakes use, nixpkgs
// on branch, whose outputs good and bad are the two expressions.
func standinProbe(t *testing.T, branch, good, bad string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"flake.nix": `{
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/` + branch + `";
    crane.url = "github:ipetkov/crane";
    flake-utils.url = "github:numtide/flake-utils";
    deploy-rs.url = "github:serokell/deploy-rs";
  };
  outputs = { self, nixpkgs, crane, flake-utils, deploy-rs }:
    let
      system = "x86_64-linux";
      pkgs = nixpkgs.legacyPackages.${system};
      inherit (pkgs) lib;
      craneLib = crane.mkLib pkgs;
    in
    {
      good = ` + good + `;
      bad = ` + bad + `;
    };
}
`,
		"Cargo.toml":           "[package]\nname = \"x\"\nversion = \"0.1.0\"\n",
		"Cargo.lock":           "version = 4\n\n[[package]]\nname = \"x\"\nversion = \"0.1.0\"\n",
		"src/main.rs":          "fn main() {}\n",
		"go.mod":               "module x\n\ngo 1.26\n",
		"ui/package.json":      `{"scripts": {"build": "vite build"}}`,
		"ui/package-lock.json": `{"lockfileVersion": 3}`,
		"web/package.json":     `{"scripts": {"build": "vite build"}}`,
		"web/yarn.lock":        "# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n",
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestNixpkgsBranch(t *testing.T) {
	for url, want := range map[string]string{
		"github:NixOS/nixpkgs/nixos-26.05":             "nixos-26.05",
		"github:nixos/nixpkgs/nixos-unstable":          "nixos-unstable",
		"github:NixOS/nixpkgs/nixpkgs-unstable":        "nixos-unstable",
		"github:NixOS/nixpkgs/nixpkgs-25.11-darwin":    "nixos-25.11",
		"github:NixOS/nixpkgs/release-25.05":           "nixos-25.05",
		"github:NixOS/nixpkgs?ref=nixos-26.05-small":   "nixos-26.05",
		"github:NixOS/nixpkgs":                         "",
		"https://channels.nixos.org/x/nixexprs.tar.xz": "",
	} {
		if got := nixpkgsBranch(url); got != want {
			t.Errorf("nixpkgsBranch(%q) = %q, want %q", url, got, want)
		}
	}
}
