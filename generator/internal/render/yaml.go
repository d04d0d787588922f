package render

import (
	"bytes"
	"fmt"
	"strings"
	"text/template"

	"github.com/nixgen/nixgen/templates"
)

// workflows are the GitHub Actions templates. They are parsed once, with
// <% %> as delimiters so that GitHub's ${{ }} expressions need no escaping.
var workflows = template.Must(template.New("").Delims("<%", "%>").Option("missingkey=error").
	ParseFS(templates.Workflows, "workflows/*.yml.tmpl"))

func executeWorkflow(name string, view any) ([]byte, error) {
	var buf bytes.Buffer
	if err := workflows.ExecuteTemplate(&buf, name, view); err != nil {
		return nil, fmt.Errorf("rendering %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// yamlString returns s as a YAML double-quoted scalar that GitHub Actions
// reads back as exactly s: backslash and double quote escaped, and every
// character YAML does not allow raw or would fold as a line break (C0 and C1
// controls, DEL, U+2028, U+2029, BOM, surrogates, noncharacters) written as
// \uXXXX. Invalid UTF-8 becomes U+FFFD. And since GitHub evaluates ${{ }}
// inside any string, "${{" is written as an expression whose value is "${{".
func yamlString(s string) string {
	s = strings.ReplaceAll(s, "${{", "${{ '${{' }}")
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20, r >= 0x7f && r <= 0x9f, r == 0x2028, r == 0x2029, r == 0xfeff,
			r >= 0xd800 && r <= 0xdfff, r == 0xfffe, r == 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// yamlComment returns s made safe to follow "# " on one line: line breaks
// and the characters yamlString escapes become spaces.
func yamlComment(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t':
			return r
		case r < 0x20, r >= 0x7f && r <= 0x9f, r == 0x2028, r == 0x2029, r == 0xfeff,
			r >= 0xd800 && r <= 0xdfff, r == 0xfffe, r == 0xffff:
			return ' '
		}
		return r
	}, s)
}
