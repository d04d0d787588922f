# Builtins newer than Nix 2.8 that nixpkgs' lib calls unguarded, written
# for Nix 2.8 (upstream-lib.nix says which and why).
let
  inherit (builtins) readDir dirOf baseNameOf storeDir typeOf;

  # A path filtered down to nothing: the empty directory when the path is a
  # directory, a copy of the path otherwise.
  emptied = path: builtins.path { inherit path; name = "nixgen-file-type"; filter = _: _: false; };
  emptyDirectory = emptied ./.;

  fail = msg: throw "readFileType (nixgen polyfill for Nix 2.8): ${msg}";
in
{
  # The type of a file, read from the listing of its parent directory. A
  # top-level store path has a parent pure evaluation may not list (the
  # store itself): it is a directory exactly when filtering it down to
  # nothing leaves the empty directory. Whether a top-level store path that
  # is no directory is a regular file or a symlink cannot be told on 2.8
  # without listing the store, so that case fails rather than guess.
  readFileType = path:
    let
      parent = dirOf path;
      name = baseNameOf path;
    in
    if typeOf path != "path" && typeOf path != "string" then
      fail "value is ${typeOf path} while a path was expected"
    else if toString parent == toString path then "directory"
    else if toString parent == storeDir then
      (if emptied path == emptyDirectory then "directory"
      else fail "cannot tell whether the top-level store path '${toString path}' is a regular file or a symlink")
    else (readDir parent).${name} or (fail "getting status of '${toString path}': No such file or directory");
}
