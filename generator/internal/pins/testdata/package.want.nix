# A hand-written package, in the style of nixpkgs: bump must touch only the
# pinned values. The old hash also appears in this comment and must stay:
# sha256-mcqHBGBHMHm6yrf66iISzS3hC6YyImlkTRxf3/OdugE=
{ lib, rustPlatform, fetchFromGitHub, fetchgit, buildGoModule }:

let
  # The helper is pinned to a commit, laid out oddly on purpose.
  helper = fetchgit { url = "https://git.example.org/helper.git";   rev =
    "3333333333333333333333333333333333333333"
      ;   sha256 = "0ha07wz3sg1v78wkhdrn6ls36cii60pjwb9c5cm2ja174qjj88r2"; /* nix32, kept nix32 */ };
in
rustPlatform.buildRustPackage rec {
  pname = "rg-lite";
  version = "1.10.0"; # bumped by nixgen bump

  src = fetchFromGitHub {
    owner = "example";
    repo = pname;
    rev = "v${version}";
    hash = "sha256-ERITFBUWFxgZGhscHR4fICEiIyQlJicoKSorLC0uLzA=";
  };

  cargoLock = {
    lockFile = ./Cargo.lock;
    outputHashes = {
      # rev = "not a value"; hash = "sha256-mcqHBGBHMHm6yrf66iISzS3hC6YyImlkTRxf3/OdugE=";
      "tree-sitter-0.20.10" = "sha256-REVGR0hJSktMTU5PUFFSU1RVVldYWVpbXF1eX2BhYmM=";
      "git-dep-0.1.0" = "sha256-VVZXWFlaW1xdXl9gYWJjZGVmZ2hpamtsbW5vcHFyc3Q=";
      "new-dep-0.3.0" = "sha256-ZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn+AgYKDhIU=";
    };
  };

  passthru.helper = helper;
  passthru.tool = buildGoModule rec {
    pname = "tool";
    version = "0-unstable-2024-06-15";
    src = fetchFromGitHub {
      owner = "example"; repo = "tool";
      rev = "4444444444444444444444444444444444444444";
      sha256 = "sha256:0ljia17lwkac9d54jj278r2l8hs28503ygix7hxklf9q6wv3ad1k";
    };
    vendorHash = "sha256-d3h5ent8fX5/gIGCg4SFhoeIiYqLjI2Oj5CRkpOUlZY=";
  };

  meta = {
    description = "A grep that says \"rev = \\\"x\\\"\" and ${pname}";
    license = lib.licenses.mit;
  };
}
