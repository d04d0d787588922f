package render

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/nixgen/nixgen/generator/internal/model"
	"github.com/nixgen/nixgen/internal/golden"
	"github.com/nixgen/nixgen/internal/nixtest"
)

// TestGolden renders small projects to testdata/NAME/PATH.golden, with the
// warnings in testdata/NAME/warnings.golden. `go test -update` rewrites
// them; review the diff.
func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name   string
		render func() (Files, []string, error)
	}{
		{"rust-crate", func() (Files, []string, error) {
			return Rust(rustCrate(), Options{Builder: model.RustPlatform, Channel: model.DefaultChannel})
		}},
		{"rust-crate-crane", func() (Files, []string, error) {
			return Rust(rustCrate(), Options{Builder: model.Crane, Channel: "nixos-25.05"})
		}},
		{"go-service", func() (Files, []string, error) {
			return Go(goService(), Options{Channel: model.DefaultChannel, Src: &model.SourcePin{
				Fetcher: "fetchFromGitHub", Owner: "acme", Repo: "greeter",
				Rev: "0123456789abcdef0123456789abcdef01234567", Hash: "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", Version: "1.2.0",
			}})
		}},
		{"go-stores", func() (Files, []string, error) {
			return Go(storesService(), Options{Channel: model.DefaultChannel})
		}},
		{"plain", func() (Files, []string, error) {
			files, warnings, err := Rust(plainService(), Options{Builder: model.Crane, Channel: model.DefaultChannel})
			if err != nil {
				return nil, nil, err
			}
			deploy, more, err := CI(plainService(), model.CI{Target: model.TargetPlain, PinActions: model.PinSHA})
			maps.Copy(files, deploy)
			return files, append(warnings, more...), err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files, warnings, err := tc.render()
			if err != nil {
				t.Fatal(err)
			}
			got := fstest.MapFS{}
			dir := t.TempDir()
			for p, data := range files {
				got[p+".golden"] = &fstest.MapFile{Data: data}
				if strings.HasSuffix(p, ".nix") {
					path := filepath.Join(dir, strings.ReplaceAll(p, "/", "-"))
					if err := os.WriteFile(path, data, 0o644); err != nil {
						t.Fatal(err)
					}
					nixtest.Parse(t, path)
				}
			}
			if len(warnings) > 0 {
				got["warnings.golden"] = &fstest.MapFile{Data: []byte(strings.Join(warnings, "\n") + "\n")}
			}
			golden.Dir(t, filepath.Join("testdata", tc.name), got)
		})
	}
}

// rustCrate is one crate with a hostile description, extra sources, and
// build inputs on every platform (a ++ chain too long for one line).
func rustCrate() *model.Project {
	return &model.Project{
		Language: model.Rust, Name: "tiny-cli", Version: "0.3.1",
		Description: `Says "hello" to ${USER}`, Homepage: "https://example.org/tiny",
		Licenses: []string{"mit", "asl20"},
		Packages: []model.Package{{Name: "tiny-cli", Dir: ".", Version: "0.3.1", Binaries: []string{"tiny", "tiny-admin"}, MainProgram: "tiny"}},
		Default:  "tiny-cli",
		Native: model.Native{
			NativeBuildInputs: []string{"pkg-config"},
			BuildInputs:       []string{"openssl", "sqlite"},
			LinuxBuildInputs:  []string{"systemdLibs"},
			DarwinBuildInputs: []string{"libiconv", "darwin.apple_sdk.frameworks.Security"},
		},
		Sources: []string{"assets", "my templates"},
		Env:     []model.EnvVar{{Name: "SQLX_OFFLINE", Value: `"true"`}},
		Rust:    &model.RustInfo{Nextest: true},
	}
}

// goService is a Go module with two commands, one a service configured by
// environment variables and a settings file.
func goService() *model.Project {
	return &model.Project{
		Language: model.Go, Name: "greeter", Version: "1.2.0",
		Licenses: []string{"bsd3"},
		Packages: []model.Package{
			{Name: "greeter", Dir: "cmd/greeter", Binaries: []string{"greeter"}, MainProgram: "greeter"},
			{Name: "greetctl", Dir: "cmd/greetctl", Binaries: []string{"greetctl"}, MainProgram: "greetctl"},
		},
		Default: "greeter",
		Sources: []string{"migrations"},
		Service: &model.Service{
			Name: "greeter", Description: "Greets over HTTP (100% of the time)", Program: "greeter",
			Endpoint:   model.Endpoint{Name: "http", Port: 8080, Address: "127.0.0.1", PortEnv: "GREETER_PORT", HostEnv: "GREETER_HOST", Public: true},
			HealthPath: "/healthz",
			Config: &model.ConfigFile{Format: "toml", Env: "GREETER_CONFIG", Keys: []model.ConfigKey{
				{Key: "allowed_origins", Type: model.KeyStrings, Default: `["https://example.org","http://localhost:3000"]`, At: "config.go:31"},
				{Key: "log.json", Type: model.KeyBool, Default: "false", At: "config.go:29"},
				{Key: "log.level", Type: model.KeyString, Default: "info", At: "config.go:28"},
				{Key: "ratio", Type: model.KeyFloat, Default: "1", At: "config.go:33"},
				{Key: "workers", Type: model.KeyUnsigned, Default: "4", At: "config.go:32"},
			}},
		},
		SkipTests: []model.SkippedTest{
			{Name: "TestMigrate", Reason: "a database ($DATABASE_URL) at store/db_test.go:12", At: "store/db_test.go:20"},
			{Name: "TestUpstream", Reason: "the network (http.Get https://api.example.net/) at client_test.go:9", At: "client_test.go:8"},
		},
		Go: &model.GoInfo{
			ModulePath: "example.org/greeter", GoVersion: "1.24.0", HasGoSum: true,
			VendorHash: "sha256-BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=",
			Ldflags:    []string{"-s", "-w", "-X main.version=" + model.VersionPlaceholder, "-X main.mode=prod"},
			Tags:       []string{"netgo", "sqlite_omit_load_extension"},
			BuildFrom:  []string{"tags netgo,sqlite_omit_load_extension: Makefile:12", "-X main.mode=prod: Dockerfile:9"},
			LeftOut:    []model.GoLeftOut{{Dir: "plugins/example", Why: "an example (in example/)"}},
		},
	}
}

// storesService is a Go service with a second listener set in its
// configuration file and every backing store the module creates: its
// Postgres and Redis by URL, a SQLite file by path, and a secret it can
// read from a file.
func storesService() *model.Project {
	return &model.Project{
		Language: model.Go, Name: "queue",
		Packages: []model.Package{{Name: "queue", Dir: ".", Binaries: []string{"queue"}, MainProgram: "queue"}},
		Default:  "queue",
		Service: &model.Service{
			Name: "queue", Program: "queue", Subcommand: []string{"serve"},
			Endpoint: model.Endpoint{Name: "http", Port: 8080, Address: "127.0.0.1", ListenEnv: "QUEUE_ADDR", Public: true},
			Extra: []model.Endpoint{
				{Name: "metrics", Port: 9100, Address: "127.0.0.1", PortKey: "metrics.port", HostKey: "metrics.host"},
				{Name: "grpc", Port: 9090, Address: "::", ListenFlag: "--grpc-listen", Public: true},
			},
			HealthPath: "/healthz",
			Config: &model.ConfigFile{Format: "yaml", Flag: "--config", Required: true, Keys: []model.ConfigKey{
				{Key: "2fa", Type: model.KeyBool, Default: "true", At: "config.go:40"},
				{Key: "queue.depth", Type: model.KeyInt, Default: "-1", At: "config.go:41"},
				{Key: "queue.name", Type: model.KeyString, Default: "jobs ${x} \"q\"", At: "config.go:42"},
			}},
			Required: []model.Required{
				{Name: "QUEUE_DATABASE_URL", Secret: true, At: "config.go:12"},
				{Name: "QUEUE_TOKEN", Secret: true, FileEnv: "QUEUE_TOKEN_FILE", At: "config.go:20"},
				{Name: "QUEUE_SESSION_SECRET", Secret: true, Generate: true, At: "config.go:22"},
				{Name: "QUEUE_JWT_SECRET", Secret: true, FileEnv: "QUEUE_JWT_SECRET_FILE", Generate: true, At: "config.go:24"},
			},
			Stores: []model.Store{
				{Kind: model.Postgres, Var: "QUEUE_DATABASE_URL", URL: true, At: "config.go:12"},
				{Kind: model.Redis, Var: "QUEUE_REDIS_URL", URL: true, At: "config.go:14"},
				{Kind: model.SQLite, Var: "QUEUE_CACHE_PATH", At: "config.go:16"},
			},
		},
		Go: &model.GoInfo{ModulePath: "example.org/queue", GoVersion: "1.24.0", VendorNull: true},
	}
}

// plainService is a Rust service deployed without Nix, told its address
// and its settings file by flags.
func plainService() *model.Project {
	return &model.Project{
		Language: model.Rust, Name: "hello-api", Version: "1.0.0",
		Packages: []model.Package{{Name: "hello-api", Dir: ".", Version: "1.0.0", Binaries: []string{"hello-api"}, MainProgram: "hello-api"}},
		Default:  "hello-api",
		Service: &model.Service{
			Name: "hello-api", Program: "hello-api",
			Endpoint:   model.Endpoint{Name: "http", Port: 3000, Address: "0.0.0.0", ListenFlag: "--listen", Public: true},
			HealthPath: "/health", Config: &model.ConfigFile{Format: "yaml", Flag: "--config"},
		},
		Rust: &model.RustInfo{},
	}
}
