package render

import (
	"bytes"
	"fmt"
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
