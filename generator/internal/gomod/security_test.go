package gomod

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// A listen address, variable or flag nixgen cannot take at its word is
// unknown, with a warning at its file:line that does not repeat it: never
// a port the module's own type refuses, never a name pasted into a
// script.
func TestListenRefusesBadValues(t *testing.T) {
	for name, tc := range map[string]struct {
		files map[string]string
		want  Listen
		warn  string
	}{
		"named port":          {files: mainFile(`"net/http"`, "", `http.ListenAndServe(":http", nil)`), warn: "main.go:10:"},
		"port 0":              {files: mainFile(`"net/http"`, "", `http.ListenAndServe(":0", nil)`), warn: "main.go:10:"},
		"port too big":        {files: mainFile(`"net/http"`, "", `http.ListenAndServe(":99999", nil)`), warn: "main.go:10:"},
		"host with a newline": {files: mainFile(`"net/http"`, "", "http.ListenAndServe(\"a\\nb:80\", nil)"), warn: "main.go:10:"},
		"host with a quote":   {files: mainFile(`"net/http"`, "", "http.ListenAndServe(`x\"; rm -rf /\":80`, nil)"), warn: "main.go:10:"},
		"env default port too big": {
			files: mainFile(`"net/http"; "os"`, "", `port := os.Getenv("PORT")
	if port == "" {
		port = "70000"
	}
	http.ListenAndServe(":"+port, nil)`),
			want: Listen{Kind: ListenEnv, Name: "PORT", PortOnly: true}, warn: "main.go:14:",
		},
		"env name": {
			files: mainFile(`"net/http"; "os"`, "", `http.ListenAndServe(os.Getenv("APP_PORT=//;e id;#"), nil)`),
			warn:  "main.go:10:",
		},
		"struct tag env name": {
			files: mainFile(`"net/http"`, "type config struct {\n\tAddr string `env:\"A B\" envDefault:\":4000\"`\n}", `var cfg config
	http.ListenAndServe(cfg.Addr, nil)`),
			warn: "main.go:13:",
		},
		"flag name": {
			files: mainFile(`"flag"; "net/http"`, "", `addr := flag.String("addr;id", ":8080", "")
	http.ListenAndServe(*addr, nil)`),
			warn: "main.go:11:",
		},
	} {
		t.Run(name, func(t *testing.T) {
			p, err := Scan(mapFS(tc.files))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, p.Listen); diff != "" {
				t.Errorf("listen (-want +got):\n%s", diff)
			}
			all := strings.Join(p.Warnings, "\n")
			if !strings.Contains(all, tc.warn) {
				t.Errorf("warnings %q, want one at %s", p.Warnings, tc.warn)
			}
			for _, bad := range []string{"e id", "rm -rf", "\n b", "addr;id", "99999", ":http"} {
				if strings.Contains(all, bad) {
					t.Errorf("warning repeats the value %q: %q", bad, p.Warnings)
				}
			}
		})
	}
}

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
			for _, bad := range []string{"e id", "rm -rf", "addr;id", "99999", ":http", "70000"} {
				if strings.Contains(all, bad) {
					t.Errorf("unknown repeats the value %q: %q", bad, p.Surface.Unknown)
				}
			}
		})
	}
}
