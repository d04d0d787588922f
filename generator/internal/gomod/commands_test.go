package gomod

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/nixgen/nixgen/generator/internal/model"
)

// mainFile is a one-file main package with the given imports and body.
func mainFile(imports, decls, body string) map[string]string {
	return map[string]string{
		"go.mod":  "module example.com/svc\n\ngo 1.22\n",
		"main.go": "package main\n\nimport (\n" + imports + "\n)\n\n" + decls + "\n\nfunc main() {\n" + body + "\n}\n",
	}
}

// surfaceOfMain is the surface of the main package named name, empty
// when it has none.
func surfaceOfMain(p *Project, name string) model.Surface {
	for _, m := range p.Mains {
		if m.Name == name && m.Surface != nil {
			return *m.Surface
		}
	}
	return model.Surface{}
}

// mainListener is the first listener of the only server command.
func mainListener(p *Project) model.Listener {
	for _, m := range p.Mains {
		if m.Server && m.Surface != nil && len(m.Surface.Listeners) > 0 {
			return m.Surface.Listeners[0]
		}
	}
	return model.Listener{}
}

func TestListen(t *testing.T) {
	for name, tc := range map[string]struct {
		files  map[string]string
		server bool
		want   model.Listener // the main listener, Name and At aside
	}{
		"literal": {
			files:  mainFile(`"net/http"`, "", `http.ListenAndServe(":8080", nil)`),
			server: true, want: model.Listener{Port: 8080, Fixed: true},
		},
		"literal host": {
			files:  mainFile(`"net/http"`, "", `http.ListenAndServe("0.0.0.0:3000", nil)`),
			server: true, want: model.Listener{Host: "0.0.0.0", Port: 3000, Fixed: true},
		},
		"const": {
			files:  mainFile(`"net/http"`, `const addr = "127.0.0.1:" + "8081"`, `http.ListenAndServe(addr, nil)`),
			server: true, want: model.Listener{Host: "127.0.0.1", Port: 8081, Fixed: true},
		},
		"env PORT with fallback": {
			files: mainFile(`"net/http"; "os"`, "", `port := os.Getenv("PORT")
	if port == "" {
		port = "8000"
	}
	http.ListenAndServe(":"+port, nil)`),
			server: true, want: model.Listener{PortEnv: "PORT", Port: 8000},
		},
		"env addr default first": {
			files: mainFile(`"net/http"; "os"`, "", `addr := ":8080"
	if v := os.Getenv("LISTEN_ADDR"); v != "" {
		addr = v
	}
	http.ListenAndServe(addr, nil)`),
			server: true, want: model.Listener{AddrEnv: "LISTEN_ADDR", Port: 8080},
		},
		"env without default": {
			files:  mainFile(`"net/http"; "os"`, "", `http.ListenAndServe(os.Getenv("HTTP_ADDR"), nil)`),
			server: true, want: model.Listener{AddrEnv: "HTTP_ADDR"},
		},
		"env helper": {
			files: mainFile(`"net/http"; "os"`, `func getEnv(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}`, `http.ListenAndServe(getEnv("APP_ADDR", "localhost:9000"), nil)`),
			server: true, want: model.Listener{AddrEnv: "APP_ADDR", Host: "localhost", Port: 9000},
		},
		"flag string": {
			files: mainFile(`"flag"; "net/http"`, "", `addr := flag.String("addr", ":8080", "listen address")
	flag.Parse()
	http.ListenAndServe(*addr, nil)`),
			server: true, want: model.Listener{AddrFlag: "-addr", Port: 8080},
		},
		"kingpin flag": {
			files: mainFile(`"net/http"; "github.com/alecthomas/kingpin/v2"`, "", `addr := kingpin.Flag("listen-address", "where to listen").Envar("APP_LISTEN").Default(":9200").String()
	kingpin.Parse()
	http.ListenAndServe(*addr, nil)`),
			server: true, want: model.Listener{AddrEnv: "APP_LISTEN", AddrFlag: "--listen-address", Port: 9200},
		},
		"exporter toolkit": {
			files: mainFile(`"net/http"; "github.com/alecthomas/kingpin/v2"; "github.com/prometheus/exporter-toolkit/web"; "github.com/prometheus/exporter-toolkit/web/kingpinflag"`, "", `flags := kingpinflag.AddFlags(kingpin.CommandLine, ":9100")
	kingpin.Parse()
	srv := &http.Server{}
	web.ListenAndServe(srv, flags, nil)`),
			server: true, want: model.Listener{AddrFlag: "--web.listen-address", Port: 9100},
		},
		"flag int with Sprintf": {
			files: mainFile(`"flag"; "fmt"; "net/http"`, "", `port := flag.Int("port", 8080, "port")
	flag.Parse()
	http.ListenAndServe(fmt.Sprintf(":%d", *port), nil)`),
			server: true, want: model.Listener{PortFlag: "-port", Port: 8080},
		},
		"flag var at package level": {
			files: mainFile(`"flag"; "net"; "net/http"`, `var listenAddr string

func init() {
	flag.StringVar(&listenAddr, "listen", "[::1]:7000", "address")
}`, `ln, _ := net.Listen("tcp", listenAddr)
	http.Serve(ln, nil)`),
			server: true, want: model.Listener{AddrFlag: "-listen", Host: "::1", Port: 7000},
		},
		"http.Server": {
			files: mainFile(`"net/http"; "os"`, "", `srv := &http.Server{Addr: ":" + os.Getenv("PORT")}
	srv.ListenAndServe()`),
			server: true, want: model.Listener{PortEnv: "PORT"},
		},
		"config struct with env tags": {
			files: mainFile(`"net/http"`, "type config struct {\n\tAddr string `env:\"SERVER_ADDR\" envDefault:\":4000\"`\n}", `var cfg config
	http.ListenAndServe(cfg.Addr, nil)`),
			server: true, want: model.Listener{AddrEnv: "SERVER_ADDR", Port: 4000},
		},
		"cobra flag on a struct field": {
			files: mainFile(`"net/http"; "github.com/spf13/cobra"`, `type options struct{ addr string }`, `var o options
	cmd := &cobra.Command{}
	cmd.Flags().StringVarP(&o.addr, "http-addr", "a", ":8443", "address")
	http.ListenAndServe(o.addr, nil)`),
			server: true, want: model.Listener{AddrFlag: "--http-addr", Port: 8443},
		},
		"gin default": {
			files: mainFile(`"github.com/gin-gonic/gin"`, "", `r := gin.Default()
	r.Run()`),
			server: true, want: model.Listener{PortEnv: "PORT", Port: 8080},
		},
		"echo": {
			files: mainFile(`"github.com/labstack/echo/v4"`, "", `e := echo.New()
	e.Start(":1323")`),
			server: true, want: model.Listener{Port: 1323, Fixed: true},
		},
		"unreadable address": {
			files:  mainFile(`"net/http"`, `func addr() string { return compute() }`, `http.ListenAndServe(addr(), nil)`),
			server: true,
		},
		"grpc": {
			files: mainFile(`"net"; "google.golang.org/grpc"`, "", `lis, _ := net.Listen("tcp", ":50051")
	s := grpc.NewServer()
	s.Serve(lis)`),
			server: true, want: model.Listener{Port: 50051, Fixed: true},
		},
		"grpc client is no server": {
			files: mainFile(`"google.golang.org/grpc"`, "", `conn, _ := grpc.Dial("localhost:50051")
	conn.Close()`),
		},
		"http client is no server": {
			files: mainFile(`"net/http"`, "", `resp, _ := http.Get("http://localhost:8080/healthz")
	resp.Body.Close()`),
		},
		"chi router": {
			files: mainFile(`"github.com/go-chi/chi/v5"`, "", `r := chi.NewRouter()
	_ = r`),
			server: true,
		},
	} {
		t.Run(name, func(t *testing.T) {
			p, err := Scan(mapFS(tc.files))
			if err != nil {
				t.Fatal(err)
			}
			if p.Server != tc.server || len(p.Mains) != 1 || p.Mains[0].Server != tc.server {
				t.Errorf("Server = %v, Mains = %+v; want %v", p.Server, p.Mains, tc.server)
			}
			if diff := cmp.Diff(tc.want, mainListener(p), cmpopts.IgnoreFields(model.Listener{}, "Name", "At")); diff != "" {
				t.Errorf("main listener (-want +got):\n%s", diff)
			}
		})
	}
}

func TestServerInImportedPackage(t *testing.T) {
	fsys := mapFS(map[string]string{
		"go.mod":                    "module example.com/svc\n",
		"cmd/svc/main.go":           "package main\n\nimport \"example.com/svc/internal/server\"\n\nfunc main() { server.Run() }\n",
		"cmd/cli/main.go":           "package main\n\nfunc main() {}\n",
		"internal/server/server.go": "package server\n\nimport (\n\t\"net/http\"\n\t\"os\"\n)\n\nfunc Run() {\n\thttp.HandleFunc(\"/readyz\", nil)\n\thttp.HandleFunc(\"/livez\", nil)\n\thttp.ListenAndServe(os.Getenv(\"ADDR\"), nil)\n}\n",
		"internal/unused/unused.go": "package unused\n\nimport \"net/http\"\n\nfunc init() { http.HandleFunc(\"/healthz\", nil); http.ListenAndServe(\":1\", nil) }\n",
	})
	p, err := Scan(fsys)
	if err != nil {
		t.Fatal(err)
	}
	wantMains := []Main{{Dir: "cmd/cli", Name: "cli"}, {Dir: "cmd/svc", Name: "svc", Server: true}}
	if diff := cmp.Diff(wantMains, p.Mains, ignoreSurface); diff != "" {
		t.Errorf("Mains (-want +got):\n%s", diff)
	}
	if l := mainListener(p); l.AddrEnv != "ADDR" {
		t.Errorf("main listener = %+v, want one set by ADDR", l)
	}
	if h := surfaceOfMain(p, "svc").Health.Value; h != "/livez" {
		t.Errorf("health = %q, want /livez (preferred over /readyz; /healthz is in a package no command imports)", h)
	}
}

func TestHealthPath(t *testing.T) {
	for name, tc := range map[string]struct {
		imports, body, want string
	}{
		"mux HandleFunc": {`"net/http"`, `mux := http.NewServeMux(); mux.HandleFunc("/healthz", nil); http.ListenAndServe(":1", mux)`, "/healthz"},
		"method pattern": {`"net/http"`, `http.HandleFunc("GET /health", nil); http.ListenAndServe(":1", nil)`, "/health"},
		"preference":     {`"net/http"`, `http.HandleFunc("/readyz", nil); http.HandleFunc("/health", nil); http.HandleFunc("/healthz", nil); http.ListenAndServe(":1", nil)`, "/healthz"},
		"gin GET":        {`"github.com/gin-gonic/gin"`, `r := gin.New(); r.GET("/health", nil); r.Run(":1")`, "/health"},
		"nested path":    {`"net/http"`, `http.HandleFunc("/api/health", nil); http.HandleFunc("/", nil); http.ListenAndServe(":1", nil)`, "/api/health"},
		"other paths":    {`"net/http"`, `http.HandleFunc("/api/users", nil); http.HandleFunc("/", nil); http.ListenAndServe(":1", nil)`, ""},
		"not registered": {`"net/http"; "fmt"`, `fmt.Println("/healthz"); http.ListenAndServe(":1", nil)`, ""},
	} {
		t.Run(name, func(t *testing.T) {
			p, err := Scan(mapFS(mainFile(tc.imports, "", tc.body)))
			if err != nil {
				t.Fatal(err)
			}
			if h := surfaceOfMain(p, "svc").Health.Value; h != tc.want {
				t.Errorf("health = %q, want %q", h, tc.want)
			}
		})
	}
}

func TestVersionVar(t *testing.T) {
	for name, tc := range map[string]struct {
		files map[string]string
		want  string
	}{
		"main version": {
			files: mainFile(`"fmt"`, "var version string", `fmt.Println(version)`),
			want:  "main.version",
		},
		"main Version in a group with a literal": {
			files: mainFile(`"fmt"`, "var (\n\tcommit string\n\tVersion = \"dev\"\n)", `fmt.Println(Version, commit)`),
			want:  "main.Version",
		},
		"const is not settable": {
			files: mainFile(`"fmt"`, `const version = "1.0"`, `fmt.Println(version)`),
		},
		"computed is not settable": {
			files: mainFile(`"fmt"; "runtime/debug"`, `var version = func() string { i, _ := debug.ReadBuildInfo(); return i.Main.Version }()`, `fmt.Println(version)`),
		},
		"int is not a string": {
			files: mainFile(`"fmt"`, `var version int`, `fmt.Println(version)`),
		},
		"local var does not count": {
			files: mainFile(`"fmt"`, "", `var version string; fmt.Println(version)`),
		},
		"buildinfo package": {
			files: map[string]string{
				"go.mod":                  "module example.com/app\n",
				"cmd/app/main.go":         "package main\n\nimport \"example.com/app/internal/version\"\n\nfunc main() { println(version.Version) }\n",
				"internal/version/v.go":   "package version\n\nvar Version = \"dev\"\n",
				"internal/config/conf.go": "package config\n\nvar Version string\n",
			},
			want: "example.com/app/internal/version.Version",
		},
		"non-buildinfo package ignored": {
			files: map[string]string{
				"go.mod":                  "module example.com/app\n",
				"main.go":                 "package main\n\nimport \"example.com/app/internal/config\"\n\nfunc main() { println(config.Version) }\n",
				"internal/config/conf.go": "package config\n\nvar Version string\n",
			},
		},
		"main wins over package": {
			files: map[string]string{
				"go.mod":         "module example.com/app\n",
				"main.go":        "package main\n\nimport \"example.com/app/buildinfo\"\n\nvar version string\n\nfunc main() { println(buildinfo.Version, version) }\n",
				"buildinfo/b.go": "package buildinfo\n\nvar Version string\n",
			},
			want: "main.version",
		},
	} {
		t.Run(name, func(t *testing.T) {
			p, err := Scan(mapFS(tc.files))
			if err != nil {
				t.Fatal(err)
			}
			if p.VersionVar != tc.want {
				t.Errorf("VersionVar = %q, want %q", p.VersionVar, tc.want)
			}
		})
	}
}

// A cobra program that serves with a subcommand: the root runs nothing.
func TestServeSubcommand(t *testing.T) {
	files := mainFile(`"net/http"; "github.com/spf13/cobra"`, `var root = &cobra.Command{Use: "svc", Short: "a service"}

var serveCmd = &cobra.Command{
	Use:   "serve [flags]",
	Short: "run the server",
	Run:   func(*cobra.Command, []string) { http.ListenAndServe(":8080", nil) },
}

var migrateCmd = &cobra.Command{Use: "migrate", Run: func(*cobra.Command, []string) {}}`, `root.AddCommand(serveCmd, migrateCmd)
	root.Execute()`)
	p, err := Scan(mapFS(files))
	if err != nil {
		t.Fatal(err)
	}
	if sub := surfaceOfMain(p, "svc").Subcommand; !cmp.Equal(sub, []string{"serve"}) {
		t.Errorf("subcommand %v, want [serve]", sub)
	}
	// A root that runs the server itself needs no subcommand.
	files = mainFile(`"net/http"; "github.com/spf13/cobra"`, `var root = &cobra.Command{Use: "svc", Run: func(*cobra.Command, []string) { http.ListenAndServe(":8080", nil) }}

var serveCmd = &cobra.Command{Use: "serve", Run: func(*cobra.Command, []string) {}}`, `root.AddCommand(serveCmd)
	root.Execute()`)
	if p, err = Scan(mapFS(files)); err != nil {
		t.Fatal(err)
	}
	if sub := surfaceOfMain(p, "svc").Subcommand; sub != nil {
		t.Errorf("subcommand %v, want none", sub)
	}
}

// ignoreSurface leaves the commands' surfaces to surface_test.go.
var ignoreSurface = cmpopts.IgnoreFields(Main{}, "Surface", "Vars", "Deps")
