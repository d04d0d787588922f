package templates

import "embed"

// Workflows holds the GitHub Actions workflow templates. They use <% %> as
// delimiters, so GitHub's own ${{ }} expressions stay literal; package
// render parses them once, apart from the *.tmpl files above.
//
//go:embed workflows/*.yml.tmpl
var Workflows embed.FS
