# An overlay written by hand, in every layout nixgen bump must survive.
# fetchFromGitHub { owner = "in-a-comment"; rev = "nope"; }
/* fetchgit {
     url = "https://example.org/block-comment";
     rev = "nope";
   } */
final: prev:
let
  version = "2.0.1"; # tool-a and tool-b see this one
  lib = prev.lib;
  inherit (prev) fetchFromGitHub;
  note = "fetchFromGitHub { rev = \"x\"; hash = \"\"; }";
  script = ''
    echo 'fetchgit { rev = "y"; }' ''${HOME} '''quoted''' "${note}"
    ${prev.hello}/bin/hello --greeting="fetchFromGitHub {"
  '';
in
{
  tool-a = prev.tool-a.overrideAttrs (old: { src = fetchFromGitHub { owner = "a"; repo = "tool-a"; rev = "a50126cc2d6c726de0ca203c3b659f658d356173"; sha256 = "sha256-NGS0g0QiYrzlb2AsYPxA5XQ9wX0Y5mRD9+4zWlbzFmA="; }; });

  tool-b = prev.stdenv.mkDerivation {
    pname = "tool-b";
    inherit version;
    src = (prev.fetchFromGitHub {
      hash = /* filled in by nixgen */ "sha256-lH1bxCTQkMc5P6/zbpM775WjpwjsoDeBhyJNKAtdgYQ=";
      rev =
        # the release tag
        "v${version}";
      repo = "tool-b";
      owner = "b";
    });
  };

  tool-c = prev.tool-c.overrideAttrs (old: rec {
    version = "3.1";
    src = prev.fetchgit {
      url = "https://git.example.org/tool-c.git";
      rev = "refs/tags/${version}";
      hash = lib.fakeHash;
      fetchSubmodules = true;
      leaveDotGit = false;
      deepClone = false;
    };
  });

  tool-d = prev.callPackage ({ stdenv, fetchFromGitHub }: stdenv.mkDerivation rec {
    pname = "tool-d"; version = "0.9";
    src = fetchFromGitHub rec { owner = "d"; repo = "tool-d"; rev = version; version = "0.9.1"; hash = ""; };
  }) { };

  tool-e = (version: prev.fetchgit { url = "https://example.org/e.git"; inherit (prev.tool-e) rev; sha256 = lib.fakeSha256; }) "5.0";

  tool-r = prev.rustPlatform.buildRustPackage {
    pname = "tool-r";
    version = "0.1.0";
    src = ./.;
    cargoLock.lockFile = ./Cargo.lock;
    cargoLock.outputHashes."serde-1.0.0" = "sha256-i5F8S2FjvILvSv8CXG9fTVQgUjLEWV85t7QwCCVqbLc=";
    cargoLock.outputHashes.simple = prev.lib.fakeSha256;
  };

  plugins = [
    (prev.fetchFromGitHub { owner = "p"; repo = "one"; rev = "aa893358be4b506d8aeb52b29b8a9cacdd695b64"; hash = "sha256-dpLDrTVAu4A8Ags67mbNiIcSMjTqDG5xQ8Ct1z/0Me0="; })
    (final.fetchgit { url = "https://example.org/two.git"; rev = "7e264138d0ca103b872057862b9b0359962ec5d2"; sha256 = "0000000000000000000000000000000000000000000000000000"; })
  ];
}
