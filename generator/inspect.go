package generator

import (
	"context"
	"os"

	"github.com/nixgen/nixgen/generator/internal/choices"
	"github.com/nixgen/nixgen/generator/internal/config"
	"github.com/nixgen/nixgen/generator/internal/model"
)

// Surface is what a program's source shows of its runtime needs, as
// `nixgen inspect` prints it.
type Surface = model.Surface

// Inspection is what detection found in a project, for review.
type Inspection struct {
	Language string         `json:"language"`
	Default  string         `json:"default"`
	Packages []string       `json:"packages"`
	Server   bool           `json:"server"`
	Surface  *model.Surface `json:"surface,omitempty"`
	Warnings []string       `json:"warnings,omitempty"`
}

// Inspect detects the project in dir, with nixgen.toml's choices, and
// returns what it found without resolving or rendering anything: no tool
// runs and nothing is written.
func Inspect(ctx context.Context, dir string, flags Choices) (*Inspection, error) {
	dir = orDot(dir)
	fsys := os.DirFS(dir)
	cfg, _, err := config.Load(fsys)
	if err != nil {
		return nil, located(dir, err)
	}
	c, err := choices.Merge(flags, cfg)
	if err != nil {
		return nil, located(dir, err)
	}
	p, err := detect(fsys, c)
	if err != nil {
		return nil, located(dir, err)
	}
	in := &Inspection{Language: string(p.Language), Default: p.Default, Server: p.Server, Surface: p.Surface, Warnings: p.Warnings}
	for _, pkg := range p.Packages {
		in.Packages = append(in.Packages, pkg.Name)
	}
	return in, nil
}
