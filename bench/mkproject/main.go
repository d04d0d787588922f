//go:build ignore

// Command mkproject writes a synthetic project for init benchmarks:
//
//	go run bench/mkproject/main.go -kind cargo -n 100 DIR   a Cargo workspace of N members
//	go run bench/mkproject/main.go -kind go -n 50 DIR       a Go module with N commands
//
// Every member or command is a small server that reads its address from
// the environment through a helper, as real services do, so the source
// analysis has work to do. The output is the same for the same flags.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	kind := flag.String("kind", "cargo", "cargo or go")
	n := flag.Int("n", 100, "members or commands")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: mkproject -kind cargo|go -n N DIR")
		os.Exit(2)
	}
	dir := flag.Arg(0)
	var err error
	switch *kind {
	case "cargo":
		err = cargo(dir, *n)
	case "go":
		err = gomod(dir, *n)
	default:
		err = fmt.Errorf("-kind %q: want cargo or go", *kind)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func write(path, content string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(content), 0o644)
}

func cargo(dir string, n int) error {
	var members, lock strings.Builder
	lock.WriteString("version = 4\n")
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("svc%03d", i)
		fmt.Fprintf(&members, "  \"crates/%s\",\n", name)
		fmt.Fprintf(&lock, "\n[[package]]\nname = %q\nversion = \"0.1.0\"\n", name)
		files := map[string]string{
			"Cargo.toml": fmt.Sprintf("[package]\nname = %q\nversion = \"0.1.0\"\nedition = \"2021\"\n", name),
			"src/main.rs": fmt.Sprintf(`mod config;

fn main() {
    let cfg = config::Config::from_env();
    let listener = std::net::TcpListener::bind((cfg.host.as_str(), cfg.port)).expect("bind");
    for stream in listener.incoming() {
        let _ = stream;
    }
}
`),
			"src/config.rs": fmt.Sprintf(`use std::env;

fn env_or(key: &str, default: &str) -> String {
    env::var(key).unwrap_or_else(|_| default.to_string())
}

pub struct Config {
    pub host: String,
    pub port: u16,
}

impl Config {
    pub fn from_env() -> Self {
        Config {
            host: env_or("SVC%03d_HOST", "127.0.0.1"),
            port: env_or("SVC%03d_PORT", "%d").parse().expect("port"),
        }
    }
}
`, i, i, 3000+i),
		}
		for p, c := range files {
			if err := write(filepath.Join(dir, "crates", name, p), c); err != nil {
				return err
			}
		}
	}
	if err := write(filepath.Join(dir, "Cargo.toml"), "[workspace]\nresolver = \"2\"\nmembers = [\n"+members.String()+"]\n"); err != nil {
		return err
	}
	return write(filepath.Join(dir, "Cargo.lock"), lock.String())
}

func gomod(dir string, n int) error {
	if err := write(filepath.Join(dir, "go.mod"), "module example.com/many\n\ngo 1.22\n"); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("svc%03d", i)
		src := fmt.Sprintf(`package main

import (
	"log"
	"net/http"
	"os"
)

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func main() {
	addr := envOr("SVC%03d_ADDR", ":%d")
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	log.Fatal(http.ListenAndServe(addr, nil))
}
`, i, 3000+i)
		if err := write(filepath.Join(dir, "cmd", name, "main.go"), src); err != nil {
			return err
		}
	}
	return nil
}
