package gomod

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// FIFOs and symlinks to devices among the sources are skipped with a
// warning: Detect finishes.
func TestDetectSkipsSpecialFiles(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "go.mod"), []byte("module example.com/svc\n\ngo 1.22\n"), 0o644)
	os.WriteFile(filepath.Join(root, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644)
	if err := syscall.Mkfifo(filepath.Join(root, "fifo.go"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Symlink("/dev/zero", filepath.Join(root, "zero.go"))
	os.Mkdir(filepath.Join(root, "lib"), 0o755)
	syscall.Mkfifo(filepath.Join(root, "lib", "x.go"), 0o644)
	syscall.Mkfifo(filepath.Join(root, "LICENSE"), 0o644)
	syscall.Mkfifo(filepath.Join(root, ".goreleaser.yaml"), 0o644)
	done := make(chan struct{})
	go func() {
		defer close(done)
		p, err := Detect(os.DirFS(root), Options{})
		if err != nil {
			t.Error(err)
			return
		}
		all := strings.Join(p.Warnings, "\n")
		for _, want := range []string{"fifo.go: is a named pipe", "zero.go: is a symlink out of the repository", "lib/x.go: is a named pipe"} {
			if !strings.Contains(all, want) {
				t.Errorf("warnings %q, want %q", p.Warnings, want)
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("Detect hangs on a FIFO or /dev/zero")
	}
}

// The surface takes only values ident accepts: a bad port, host or name
// leaves the listener's part out (or the listener unknown), and the
// unknown line says where without repeating the value.
func TestSurfaceRefusesBadValues(t *testing.T) {
	for name, body := range map[string]string{
		"named port":    `http.ListenAndServe(":http", nil)`,
		"port too big":  `http.ListenAndServe(":99999", nil)`,
		"quoted host":   "http.ListenAndServe(`x\"; rm -rf /\":80`, nil)",
		"env name":      `http.ListenAndServe(os.Getenv("APP_PORT=//;e id;#"), nil)`,
		"flag name":     `addr := flag.String("addr;id", ":8080", ""); http.ListenAndServe(*addr, nil)`,
		"default range": `port := os.Getenv("PORT"); if port == "" { port = "70000" }; http.ListenAndServe(":"+port, nil)`,
		"newline host":  "http.ListenAndServe(\"a\\nb:80\", nil)",
		"port 0":        `http.ListenAndServe(":0", nil)`,
		"tag env name":  "type config struct { Addr string `env:\"A B\" envDefault:\":4000\"` }; var cfg config; http.ListenAndServe(cfg.Addr, nil)",
	} {
		t.Run(name, func(t *testing.T) {
			p, err := Detect(mapFS(mainFile(`"flag"; "net/http"; "os"`, "var _ = flag.Parse\nvar _ = os.Getenv", body)), Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range p.Surface.Listeners {
				if l.Port != 0 && l.Port > 65535 || l.Host != "" || strings.ContainsAny(l.PortEnv+l.AddrEnv+l.AddrFlag, ";= ") {
					t.Errorf("listener takes a bad value: %+v", l)
				}
				if l.At == "" {
					t.Errorf("listener without its file:line: %+v", l)
				}
			}
			if len(p.Surface.Listeners) == 0 && !strings.HasPrefix(strings.Join(p.Surface.Unknown, "\n"), "main.go:") {
				t.Errorf("no listener and no unknown line at main.go: %q", p.Surface.Unknown)
			}
			for _, s := range p.Surface.Settings {
				if strings.ContainsAny(s.Name, ";= ") {
					t.Errorf("setting with a bad name: %+v", s)
				}
			}
			all := strings.Join(p.Surface.Unknown, "\n")
			for _, bad := range []string{"e id", "rm -rf", "addr;id", "99999", ":http", "70000", "A B", "\nb"} {
				if strings.Contains(all, bad) {
					t.Errorf("unknown repeats the value %q: %q", bad, p.Surface.Unknown)
				}
			}
		})
	}
}
