package cargo

import (
	"strings"
	"testing"
	"testing/fstest"
)

// In a workspace without a root package or default-members, the default is
// the binary that serves: a server framework in its workspace dependency
// closure (here through a library member), never the first name.
func TestDefaultIsTheServer(t *testing.T) {
	fsys := fstest.MapFS{
		"Cargo.toml":                 file("[workspace]\nmembers = [\"crates/*\"]\n[workspace.dependencies]\naxum = \"0.8\"\n"),
		"Cargo.lock":                 file(lockV4),
		"crates/aaa-cli/Cargo.toml":  file("[package]\nname = \"aaa-cli\"\nversion = \"0.1.0\"\n[dev-dependencies]\naxum = \"0.8\"\n"),
		"crates/aaa-cli/src/main.rs": file("fn main() {}\n"),
		"crates/core/Cargo.toml":     file("[package]\nname = \"mail-core\"\nversion = \"0.1.0\"\n[dependencies]\naxum = { workspace = true }\n"),
		"crates/core/src/lib.rs":     file(""),
		"crates/mail/Cargo.toml":     file("[package]\nname = \"mail\"\nversion = \"0.1.0\"\n[dependencies]\nmail-core = { path = \"../core\" }\n"),
		"crates/mail/src/main.rs":    file("fn main() {}\n"),
	}
	p, err := Detect(fsys, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Default != "mail" || !p.Server {
		t.Errorf("default %q, server %v; want mail, a server", p.Default, p.Server)
	}

	// A daemon on plain tokio sockets: no framework, but a listener.
	fsys = fstest.MapFS{
		"Cargo.toml":  file("[package]\nname = \"relay\"\nversion = \"0.1.0\"\n[dependencies]\ntokio = \"1\"\n"),
		"Cargo.lock":  file(lockV4),
		"src/main.rs": file("#[tokio::main]\nasync fn main() {\n    let port: u16 = std::env::var(\"BRIDGE_PORT\").ok().and_then(|p| p.parse().ok()).unwrap_or(2333);\n    let _l = tokio::net::TcpListener::bind((\"0.0.0.0\", port)).await.unwrap();\n}\n"),
	}
	if p, err = Detect(fsys, Options{}); err != nil {
		t.Fatal(err)
	}
	if !p.Server || len(p.Surface.Listeners) != 1 || p.Surface.Listeners[0].PortEnv != "BRIDGE_PORT" || p.Surface.Listeners[0].Port != 2333 {
		t.Errorf("server %v, surface %+v; want a server on BRIDGE_PORT, 2333", p.Server, p.Surface)
	}
}

// A package name that is not one is refused where it is written: it would
// become a Nix attribute, a unit, a user and a repository_dispatch event.
func TestCrateNameRefused(t *testing.T) {
	for _, name := range []string{"${{ PWNED }}", "a b", "x\\\"y", "-lead", "9lives", "caf\u00e9"} {
		fsys := fstest.MapFS{
			"Cargo.toml":  file("[package]\nname = \"" + name + "\"\nversion = \"0.1.0\"\n"),
			"Cargo.lock":  file(lockV4),
			"src/main.rs": file("fn main() {}\n"),
		}
		_, err := Detect(fsys, Options{})
		if err == nil || !strings.Contains(err.Error(), "Cargo.toml: package.name is not a Cargo package name") {
			t.Errorf("name %q: %v", name, err)
		}
	}
}
