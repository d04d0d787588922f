package gomod

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"
)

var update = flag.Bool("update", false, "rewrite the want.json section of testdata/surface/*.txtar")

// TestSurface runs Detect on each program of testdata/surface/*.txtar
// (small synthetic services, one pattern each) and compares the surface
// with the archive's want.json; -update rewrites it.
func TestSurface(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "surface", "*.txtar"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			files := map[string]string{}
			want, wantAt := "", -1
			for i, f := range ar.Files {
				if f.Name == "want.json" {
					want, wantAt = string(f.Data), i
					continue
				}
				files[f.Name] = string(f.Data)
			}
			p, err := Detect(mapFS(files), Options{})
			if err != nil {
				t.Fatal(err)
			}
			data, err := json.MarshalIndent(p.Surface, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got := string(data) + "\n"
			if *update {
				if wantAt < 0 {
					ar.Files = append(ar.Files, txtar.File{Name: "want.json"})
					wantAt = len(ar.Files) - 1
				}
				ar.Files[wantAt].Data = []byte(got)
				if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("surface (-want +got):\n%s", diff)
			}
		})
	}
}
