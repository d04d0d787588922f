{
  description = "svc, a Go service";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.05";
  };

  outputs = { self, nixpkgs }:
    let
      system = "x86_64-linux";
      pkgs = import nixpkgs { inherit system; };
      version = "0.3.1";
    in
    {
      packages.${system} = {
        default = pkgs.buildGoModule {
          pname = "svc";
          inherit version;
          src = pkgs.fetchFromGitHub {
            owner = "example";
            repo = "svc";
            tag = "v${version}";
            sha256 = "sha256-2FTTBGU5xh6dR1Y8GeC3rajz8JbLrNubKVjtkQFsGVY=";
          };
          vendorHash = "sha256-YwuglEivUiFU8473aF7x9EsPPpQw+AgpoDziT0APN1Q=";
          ldflags = [ "-s" "-w" "-X main.version=${version}" ];
        };

        cli = pkgs.buildGoModule rec {
          pname = "svc-cli";
          version = "0.4.0-rc.1";
          src = pkgs.fetchgit {
            url = "https://git.example.org/svc.git";
            rev = "5573e39b6600496d40f493d00ec7658479a19607";
            hash = "sha256-qI81OLOtQbkcekl/kYvYCgveYk3fdvD2UwkD4218Ewc=";
            fetchSubmodules = true;
          };
          vendorHash = null;
          subPackages = [ "cmd/cli" ];
        };

        tools = pkgs.buildGoModule {
          pname = "svc-tools";
          inherit version;
          src = self;
          vendorHash = pkgs.lib.fakeHash;
        };
      };
    };
}
