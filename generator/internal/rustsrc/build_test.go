package rustsrc

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCfgEval(t *testing.T) {
	on := func(fs ...string) func(string) bool {
		return func(f string) bool {
			for _, x := range fs {
				if x == f {
					return true
				}
			}
			return false
		}
	}
	db := Cfg{Op: "not", Args: []Cfg{{Op: "any", Args: []Cfg{{Op: "feature", Name: "sqlite"}, {Op: "feature", Name: "postgres"}}}}}
	unix := Cfg{Op: "all", Args: []Cfg{{Op: "other", Name: "unix"}, {Op: "feature", Name: "x"}}}
	for _, tc := range []struct {
		c           Cfg
		on          []string
		value, know bool
	}{
		{db, nil, true, true},
		{db, []string{"postgres"}, false, true},
		{unix, nil, false, true},            // all(): false as soon as one part is
		{unix, []string{"x"}, false, false}, // unix decides
		{Always, nil, true, true},
	} {
		v, k := tc.c.Eval(on(tc.on...))
		if k != tc.know || k && v != tc.value {
			t.Errorf("%s with %v = %v (known %v), want %v (known %v)", tc.c, tc.on, v, k, tc.value, tc.know)
		}
	}
	if got := db.Features(); !cmp.Equal(got, []string{"sqlite", "postgres"}) {
		t.Errorf("Features() = %v", got)
	}
}

func TestGuards(t *testing.T) {
	src := `
#[cfg(not(any(feature = "sqlite", feature = "postgres")))]
compile_error!("enable a database: cargo build --features sqlite");

#[cfg(all(feature = "sqlite", feature = "postgres"))]
compile_error!("sqlite and postgres exclude each other");

mod inner {
    #[cfg(feature = "tls")]
    mod tls {
        #[cfg(not(feature = "rustls"))]
        compile_error!("tls needs rustls");
    }
}

#[cfg(test)]
mod tests {
    #[cfg(not(feature = "mock"))]
    compile_error!("tests need mock");
}

macro_rules! never {
    () => { compile_error!("inside a macro definition") };
}
`
	got, err := Guards([]File{{Path: "src/lib.rs", Src: []byte(src)}})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, g := range got {
		lines = append(lines, g.At+" "+g.When.String()+" "+g.Message)
	}
	want := []string{
		`src/lib.rs:3 not(any(feature = "sqlite", feature = "postgres")) enable a database: cargo build --features sqlite`,
		`src/lib.rs:6 all(feature = "sqlite", feature = "postgres") sqlite and postgres exclude each other`,
		`src/lib.rs:12 all(not(feature = "rustls"), feature = "tls") tls needs rustls`,
	}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("guards (-want +got):\n%s", diff)
	}
}

func TestDownloads(t *testing.T) {
	src := `
use std::process::Command;
use ureq::get;

fn main() {
    #[cfg(feature = "bundled-assets")]
    fetch_assets();
    if std::env::var("CARGO_FEATURE_MODELS").is_ok() {
        let _ = reqwest::blocking::get("https://example.org/model.bin");
    }
    if !cfg!(feature = "curl-fetch") {
        return;
    }
    Command::new("curl").arg("-O").arg("https://example.org/x").status().unwrap();
}

fn fetch_assets() {
    let _ = get("https://example.org/assets.tar").call();
}

fn always() {
    Command::new("wget").arg("https://example.org/y");
}
`
	got, err := Downloads(File{Path: "build.rs", Src: []byte(src)}, []string{"bundled-assets", "curl-fetch", "models"})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, d := range got {
		lines = append(lines, d.At+" "+d.Via+" "+d.When.String())
	}
	want := []string{
		`build.rs:9 reqwest feature = "models"`,
		`build.rs:14 curl (command) feature = "curl-fetch"`,
		`build.rs:18 ureq feature = "bundled-assets"`,
		`build.rs:22 wget (command) true`,
	}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("downloads (-want +got):\n%s", diff)
	}
}
