// Package templates embeds the text/template files nixgen renders. They are
// parsed once, by package render.
package templates

import "embed"

// FS holds every template file.
//
//go:embed *.tmpl
var FS embed.FS
