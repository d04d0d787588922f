# JavaScript build stand-ins: buildNpmPackage (pkgs/build-support/node/
# build-npm-package), fetchYarnDeps and the yarn v1 hooks (pkgs/build-
# support/node/fetch-yarn-deps), nodejs. The dependency fetches are
# fixed-output derivations, so Nix rejects a malformed hash.
{ lib, stdenv, checkArgs, checkExact, requireAttrs, hashOf, mkFetch, mkPackage, prog, self }:
{
  nodejs = prog "nodejs" "22.17.0" "node";
  yarn = prog "yarn" "1.22.22" "yarn";
  # Setup hooks: yarnConfigHook installs yarnOfflineCache, yarnBuildHook
  # runs `yarn build` (yarnBuildScript).
  yarnConfigHook = mkPackage "yarn-config-hook" "1" { };
  yarnBuildHook = mkPackage "yarn-build-hook" "1" { };
  yarnInstallHook = mkPackage "yarn-install-hook" "1" { };

  # The offline cache of a yarn.lock (v1): a fixed-output derivation.
  fetchYarnDeps = args:
    let
      a = checkExact "fetchYarnDeps" [ "yarnLock" "src" "hash" "sha256" "name" "forceEmptyCache" "postBuild" "passthru" "meta" ]
        (requireAttrs "fetchYarnDeps" [ ] args);
      lock =
        if a ? yarnLock then builtins.readFile a.yarnLock
        else if a ? src then builtins.readFile "${a.src}/yarn.lock"
        else throw "fetchYarnDeps: either yarnLock or src is required";
    in
    if !(lib.hasInfix "yarn lockfile v1" lock) then throw "fetchYarnDeps: the lock file is not a yarn v1 lock file"
    else mkFetch (a.name or "offline") (hashOf "fetchYarnDeps" a) { };

  # buildNpmPackage: stdenv.mkDerivation with npm's hooks and the package
  # lock's dependencies fetched by hash (npmDepsHash, or npmDeps).
  buildNpmPackage = fnOrArgs:
    let
      args0 = if builtins.isFunction fnOrArgs then fnOrArgs args0 else fnOrArgs;
      args = checkArgs "buildNpmPackage" [
        "npmDepsHash" "npmDeps" "npmDepsFetcherVersion" "makeCacheWritable" "npmFlags" "npmInstallFlags" "npmBuildFlags"
        "npmBuildScript" "npmPackFlags" "npmPruneFlags" "npmRebuildFlags" "npmWorkspace" "npmRoot" "dontNpmBuild"
        "dontNpmInstall" "dontNpmPrune" "forceGitDeps" "forceEmptyCache" "nodejs" "npmConfigHook" "npmBuildHook"
        "npmInstallHook" "makeWrapperArgs"
      ] args0;
      src = args.src or (throw "buildNpmPackage: src is required");
      # A path, or a file set's or cleanSource's copy of one (looked at
      # where it comes from, before the store has it); a derivation's
      # output evaluation cannot look into.
      lockOk =
        args ? npmDeps || lib.isDerivation src
        || (if builtins.isPath src then builtins.pathExists (src + "/package-lock.json")
            else if src ? origSrc then builtins.pathExists (src.origSrc + "/package-lock.json")
            else true);
      npmDeps = args.npmDeps or (mkFetch "${args.pname or args.name or "npm"}-npm-deps"
        (hashOf "buildNpmPackage" { hash = args.npmDepsHash or (throw "buildNpmPackage: npmDepsHash (or npmDeps) is required"); }) { });
    in
    if !lockOk then throw "buildNpmPackage: ${toString src} has no package-lock.json"
    else stdenv.mkDerivation (removeAttrs args [
      "npmDepsHash" "npmDeps" "npmDepsFetcherVersion" "makeCacheWritable" "npmFlags" "npmInstallFlags" "npmBuildFlags"
      "npmBuildScript" "npmPackFlags" "npmPruneFlags" "npmRebuildFlags" "npmWorkspace" "npmRoot" "dontNpmBuild"
      "dontNpmInstall" "dontNpmPrune" "forceGitDeps" "forceEmptyCache" "nodejs" "npmConfigHook" "npmBuildHook"
      "npmInstallHook" "makeWrapperArgs"
    ] // {
      nativeBuildInputs = (args.nativeBuildInputs or [ ]) ++ [ (args.nodejs or self.nodejs) ];
      NPM_DEPS = "${npmDeps}";
    });
}
