{
  description = "rg-lite: a small grep, packaged by hand";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.05";
  inputs.flake-utils.url = "github:numtide/flake-utils";

  outputs = { self, nixpkgs, flake-utils }:
    flake-utils.lib.eachDefaultSystem (system:
      let
        pkgs = nixpkgs.legacyPackages.${system};
        inherit (pkgs) lib;
      in
      {
        # Bump rev and hash together; nixgen bump does both.
        # Not a call: fetchFromGitHub { rev = "in-a-comment"; }
        packages.default = pkgs.rustPlatform.buildRustPackage rec {
          pname = "rg-lite";
          version = "1.4.2";

          src = pkgs.fetchFromGitHub {
            owner = "example";
            repo = "rg-lite";
            rev = "v${version}";
            hash = "sha256-mcqHBGBHMHm6yrf66iISzS3hC6YyImlkTRxf3/OdugE=";
          };

          cargoLock = {
            lockFile = ./Cargo.lock;
            outputHashes = {
              "tree-sitter-0.20.10" = "sha256-fQ3Cj4/ZVlTPBwStwL0/M+4XGo/EiGHzRcJ83wqo9lw=";
              # A git dependency added last week, hash still to come.
              "git-dep-0.1.0" = lib.fakeHash;
            };
          };

          meta = {
            description = "A grep that says \"rev = \\\"x\\\"\" and ${pname}";
            license = lib.licenses.mit;
          };
        };

        devShells.default = pkgs.mkShell {
          inputsFrom = [ self.packages.${system}.default ];
        };
      });
}
