# A hand-written package, in the style of nixpkgs: bump must touch only the
# pinned values. The old hash also appears in this comment and must stay:
# sha256-mcqHBGBHMHm6yrf66iISzS3hC6YyImlkTRxf3/OdugE=
{ lib, rustPlatform, fetchFromGitHub, fetchgit, buildGoModule }:

let
  # The helper is pinned to a commit, laid out oddly on purpose.
  helper = fetchgit { url = "https://git.example.org/helper.git";   rev =
    "1111111111111111111111111111111111111111"
      ;   sha256 = "0000000000000000000000000000000000000000000000000000"; /* nix32, kept nix32 */ };
in
rustPlatform.buildRustPackage rec {
  pname = "rg-lite";
  version = "1.4.2"; # bumped by nixgen bump

  src = fetchFromGitHub {
    owner = "example";
    repo = pname;
    rev = "v${version}";
    hash = "sha256-mcqHBGBHMHm6yrf66iISzS3hC6YyImlkTRxf3/OdugE=";
  };

  cargoLock = {
    lockFile = ./Cargo.lock;
    outputHashes = {
      # rev = "not a value"; hash = "sha256-mcqHBGBHMHm6yrf66iISzS3hC6YyImlkTRxf3/OdugE=";
      "tree-sitter-0.20.10" = "sha256-fQ3Cj4/ZVlTPBwStwL0/M+4XGo/EiGHzRcJ83wqo9lw=";
      "git-dep-0.1.0" = lib.fakeHash;
    };
  };

  passthru.helper = helper;
  passthru.tool = buildGoModule rec {
    pname = "tool";
    version = "0-unstable-2024-01-01";
    src = fetchFromGitHub {
      owner = "example"; repo = "tool";
      rev = "2222222222222222222222222222222222222222";
      sha256 = "sha256:0000000000000000000000000000000000000000000000000000";
    };
    vendorHash = lib.fakeHash;
  };

  meta = {
    description = "A grep that says \"rev = \\\"x\\\"\" and ${pname}";
    license = lib.licenses.mit;
  };
}
