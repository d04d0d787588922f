{
  description = "nixtest sample flake";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    crane.url = "github:ipetkov/crane";
    flake-utils.url = "github:numtide/flake-utils";
  };

  outputs = { self, nixpkgs, crane, flake-utils }:
    flake-utils.lib.eachDefaultSystem (system:
      let
        pkgs = nixpkgs.legacyPackages.${system};
        lib = pkgs.lib;
        craneLib = crane.mkLib pkgs;
        src = lib.fileset.toSource {
          root = ./.;
          fileset = lib.fileset.unions [ ./Cargo.toml ./Cargo.lock ./src ];
        };
        commonArgs = { inherit src; strictDeps = true; };
        cargoArtifacts = craneLib.buildDepsOnly commonArgs;
        demo = craneLib.buildPackage (commonArgs // {
          inherit cargoArtifacts;
          meta.mainProgram = "demo";
        });
      in
      {
        packages = {
          default = demo;
          rust = pkgs.rustPlatform.buildRustPackage {
            pname = "demo";
            version = "0.1.0";
            inherit src;
            cargoLock.lockFile = ./Cargo.lock;
            meta = { mainProgram = "demo"; license = lib.licenses.mit; };
          };
          go = pkgs.buildGoModule {
            pname = "demo-go";
            version = "0.1.0";
            src = lib.fileset.toSource { root = ./.; fileset = lib.fileset.unions [ ./go.mod ./main.go ]; };
            vendorHash = null;
            env.CGO_ENABLED = 0;
            ldflags = [ "-s" "-w" ];
          };
        };
        checks = lib.optionalAttrs pkgs.stdenv.hostPlatform.isLinux {
          vm = pkgs.testers.runNixOSTest {
            name = "demo";
            nodes.machine = {
              imports = [ self.nixosModules.default ];
              services.demo.enable = true;
            };
            testScript = ''
              machine.wait_for_unit("demo.service")
              machine.wait_for_open_port(8080)
            '';
          };
        } // {
          clippy = craneLib.cargoClippy (commonArgs // {
            inherit cargoArtifacts;
            cargoClippyExtraArgs = "--all-targets -- --deny warnings";
          });
          nextest = craneLib.cargoNextest (commonArgs // {
            inherit cargoArtifacts;
            partitions = 2;
            partitionType = "count";
          });
        };
        devShells.default = craneLib.devShell {
          checks = self.checks.${system};
          packages = [ pkgs.rust-analyzer ];
          RUST_LOG = "debug";
        };
        # Each of these must fail to evaluate (see nixtest_test.go).
        broken = {
          rustArg = (pkgs.rustPlatform.buildRustPackage {
            pname = "demo";
            version = "0.1.0";
            inherit src;
            cargoLock.lockFile = ./Cargo.lock;
            cargoBuildFlag = [ "--bin" "demo" ];
          }).drvPath;
          craneArg = (craneLib.buildPackage (commonArgs // { cargoExtraArg = "--locked"; })).drvPath;
          shellArg = (pkgs.mkShell { packages = [ ]; shelHook = "echo hi"; }).drvPath;
          missingPath = (lib.fileset.toSource {
            root = ./.;
            fileset = lib.fileset.unions [ ./Cargo.toml ./does-not-exist.rs ];
          }).outPath;
          noCargoLock = (pkgs.rustPlatform.buildRustPackage { pname = "demo"; version = "0.1.0"; inherit src; }).drvPath;
        };
      })
    // {
      nixosModules.default = import ./module.nix self;
    };
}
