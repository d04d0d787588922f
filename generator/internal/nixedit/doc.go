// Package nixedit finds pinned values in Nix source and rewrites exactly
// their bytes.
//
// `nixgen bump` updates revisions and hashes in any .nix file, generated or
// written by hand, so it must never disturb comments, layout or anything else
// around a value, and it must never search and replace text: a hash quoted in
// a comment or a string must stay as it is. The package therefore reads the
// file the way Nix does:
//
//   - Lex splits the source into tokens that tile it, whitespace and
//     comments included, following the rules of Nix's own lexer (lexer.l,
//     Nix 2.8), down to its quirks: `x:x` is a URI and `2/3` a path.
//   - A parser builds a small syntax tree from those tokens; Check reports the
//     first syntax error.
//   - FindFetches, FindBindings and FindOutputHashes walk that tree and report
//     byte spans of values.
//   - Apply replaces spans with new text, and QuoteString renders a Go string
//     as a Nix string literal to put there.
//
// All offsets are byte offsets into the source; lines and columns count from
// 1, columns in bytes.
package nixedit
