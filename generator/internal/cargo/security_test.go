package cargo

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/nixgen/nixgen/generator/internal/diag"
)

// clap's env = "..." and long = "..." hold any string; one that is not a
// name is never taken (it would reach a shell script run as root, the
// module and the unit), and the warning names where it is without
// repeating it.
func TestListenRefusesBadNames(t *testing.T) {
	main := "use clap::Parser;\n#[derive(Parser)]\nstruct Args {\n    #[arg(long, env = \"APP_PORT=//;e id;#\", default_value_t = 8080)]\n    port: u16,\n    #[arg(long = \"host;rm -rf /\", default_value = \"0.0.0.0\")]\n    host: String,\n}\nfn main() {}\n"
	fsys := fstest.MapFS{
		"Cargo.toml":  file("[package]\nname = \"x\"\n[dependencies]\naxum = \"0.8\"\nclap = \"4\"\n"),
		"Cargo.lock":  file(lockV4),
		"src/main.rs": file(main),
	}
	p, err := Detect(fsys, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Surface.Listeners) != 1 {
		t.Fatalf("listeners = %+v, want one", p.Surface.Listeners)
	}
	l := p.Surface.Listeners[0]
	if l.PortEnv != "" || l.HostFlag != "" || l.HostEnv != "" || l.PortFlag != "--port" {
		t.Errorf("listener = %+v: took a name that is not one", l)
	}
	all := strings.Join(p.Warnings, "\n")
	if !strings.Contains(all, "src/main.rs:4: env") || !strings.Contains(all, "src/main.rs:6: long") {
		t.Errorf("warnings %q, want src/main.rs:4 and :6", p.Warnings)
	}
	if strings.Contains(all, "e id") || strings.Contains(all, "rm -rf") {
		t.Errorf("warnings repeat the value: %q", p.Warnings)
	}
}

// A Cargo.lock git source that git would read as an option is an input
// error at its line.
func TestGitDepRefusesOptionURL(t *testing.T) {
	lock := "version = 4\n\n[[package]]\nname = \"dep\"\nversion = \"0.1.0\"\nsource = \"git+--upload-pack=touch pwned;#0123456789abcdef0123456789abcdef01234567\"\n"
	fsys := fstest.MapFS{
		"Cargo.toml":  file("[package]\nname = \"x\"\n[dependencies]\ndep = { git = \"https://example.org/dep\" }\n"),
		"Cargo.lock":  file(lock),
		"src/main.rs": file("fn main() {}\n"),
	}
	_, err := Detect(fsys, Options{})
	if diag.ExitCode(err) != diag.ExitInput || !strings.HasPrefix(err.Error(), "Cargo.lock:6: package dep: ") {
		t.Errorf("err = %v, want an input error at Cargo.lock:6", err)
	}
	for _, src := range []string{"git+-x#0123456789abcdef", "git+ext::sh -c id#0123456789abcdef", "git+https://e.org/a#--upload-pack=x"} {
		if _, _, err := ParseGitSource(src); err == nil {
			t.Errorf("ParseGitSource(%q) accepted it", src)
		}
	}
}

// A FIFO or a symlink to /dev/zero among the sources is skipped with a
// warning: detection finishes.
func TestDetectSkipsSpecialFiles(t *testing.T) {
	root := t.TempDir()
	write := func(name, data string) {
		os.MkdirAll(filepath.Dir(filepath.Join(root, name)), 0o755)
		os.WriteFile(filepath.Join(root, name), []byte(data), 0o644)
	}
	write("Cargo.toml", "[package]\nname = \"x\"\n[dependencies]\naxum = \"0.8\"\n")
	write("Cargo.lock", lockV4)
	write("src/main.rs", "fn main() {}\n")
	if err := syscall.Mkfifo(filepath.Join(root, "src/fifo.rs"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Symlink("/dev/zero", filepath.Join(root, "src/zero.rs"))
	done := make(chan struct{})
	go func() {
		defer close(done)
		p, err := Detect(os.DirFS(root), Options{})
		if err != nil {
			t.Error(err)
			return
		}
		all := strings.Join(p.Warnings, "\n")
		if !strings.Contains(all, "src/fifo.rs: is a named pipe") || !strings.Contains(all, "src/zero.rs: is a symlink out of the repository") {
			t.Errorf("warnings %q, want the FIFO and the symlink named", p.Warnings)
		}
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("Detect hangs on a FIFO or /dev/zero")
	}
	// Cargo.toml itself a FIFO: an input error, not a hang.
	os.Remove(filepath.Join(root, "Cargo.toml"))
	syscall.Mkfifo(filepath.Join(root, "Cargo.toml"), 0o644)
	if _, err := Detect(os.DirFS(root), Options{}); diag.ExitCode(err) != diag.ExitInput || !strings.Contains(err.Error(), "Cargo.toml: cannot read: is a named pipe") {
		t.Errorf("Cargo.toml a FIFO: %v", err)
	}
}
