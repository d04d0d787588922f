# nixpkgs' own `lib`, evaluated by Nix 2.8.
#
# The lib calls builtins that Nix 2.8 lacks. Every file of it is imported
# with a `builtins` that has a polyfill (polyfills.nix) for each such builtin
# the lib calls unguarded, and with an `import` that does the same for the
# files it imports in turn, so the lib's text stays as upstream wrote it. A
# Nix that has a builtin keeps its own.
#
# Builtins newer than 2.8 that the lib names: readFileType (2.14) is called
# unguarded by lib.filesystem.pathType, which lib.fileset rests on, so it
# has a polyfill. warn (2.23) is looked up with `builtins.warn or`, which
# falls back to trace. convertHash (2.21), addDrvOutputDependencies (2.18),
# parseFlakeRef and flakeRefToString (2.16) are only re-exported, lazily,
# and nothing the stand-ins evaluate calls them: they stay missing, and
# calling one fails as it would with nixpkgs on a real Nix 2.8.
libDir:
let
  polyfills = import ./polyfills.nix;
  builtins' = builtins // removeAttrs polyfills (builtins.attrNames builtins);

  importWithPolyfills = file: scopedImport scope file;
  scope = {
    builtins = builtins';
    import = importWithPolyfills;
  };
in
importWithPolyfills (libDir + "/default.nix")
