package render

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nixgen/nixgen/generator/internal/escape"
	"github.com/nixgen/nixgen/generator/internal/model"
	"github.com/nixgen/nixgen/internal/nixtest"
)

// moduleFacts are the strings of nix/module.nix that carry the service's
// values, as Nix evaluates them.
type moduleFacts struct {
	Names          []string `json:"names"`
	Units          []string `json:"units"`
	Enable         string   `json:"enable"`
	OpenFirewall   string   `json:"openFirewall"`
	ExtraArgs      string   `json:"extraArgs"`
	EnvFileExample string   `json:"envFileExample"`
	User           string   `json:"user"`
	Address        string   `json:"address"`
	Messages       []string `json:"messages"`
	Description    string   `json:"description"`
	StateDirectory string   `json:"stateDirectory"`
	WorkingDir     string   `json:"workingDirectory"`
}

// moduleEval applies the module to stand-in arguments with the stand-in
// lib, and reads its options and the unit it defines, without a NixOS
// evaluation: the config, pkgs and utils it is given fail when forced, and
// nothing selected here forces them.
const moduleEval = `let
  lib = import %s;
  fail = what: throw "module.nix forced ${what}";
  m = import ./module.nix { self = fail "self"; } {
    config = fail "config";
    inherit lib;
    pkgs = fail "pkgs";
    utils = fail "utils";
  };
  names = builtins.attrNames m.options.services;
  name = builtins.head names;
  opts = m.options.services.${name};
  c = m.config.content;
  unit = c.systemd.services.${name};
in
{
  inherit names;
  units = builtins.attrNames c.systemd.services;
  enable = opts.enable.description;
  openFirewall = opts.openFirewall.description;
  extraArgs = opts.extraArgs.description;
  envFileExample = opts.environmentFile.example;
  user = opts.user.default;
  address = opts.listenAddress.default;
  messages = map (a: a.message) c.assertions;
  description = unit.description;
  stateDirectory = unit.serviceConfig.StateDirectory;
  workingDirectory = unit.serviceConfig.WorkingDirectory;
}
`

// evalModule renders nix/module.nix for s, checks that it parses, and
// evaluates the strings that carry s's values.
func evalModule(t testing.TB, s *model.Service) (moduleFacts, []byte) {
	t.Helper()
	tool := nixtest.Require(t, "nix-instantiate")
	module, err := Module(s, model.Go)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "module.nix")
	if err := os.WriteFile(path, module, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(tool, "--parse", path).CombinedOutput(); err != nil {
		t.Fatalf("module.nix for %q does not parse: %v\n%s\n%s", s.Name, err, out, module)
	}
	lib := filepath.Join(nixtest.StandinsDir(t), "nixpkgs", "lib")
	eval := filepath.Join(dir, "eval.nix")
	if err := os.WriteFile(eval, []byte(strings.Replace(moduleEval, "%s", lib, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "--eval", "--strict", "--json", eval).Output()
	if err != nil {
		t.Fatalf("evaluating module.nix for %q: %v\n%s", s.Name, stderrOf(err), module)
	}
	var facts moduleFacts
	if err := json.Unmarshal(out, &facts); err != nil {
		t.Fatalf("nix-instantiate printed %s: %v", out, err)
	}
	return facts, module
}

func stderrOf(err error) string {
	if exit, ok := err.(*exec.ExitError); ok {
		return string(exit.Stderr)
	}
	return err.Error()
}

// wantModule is what evalModule reads for s: every value as written, in the
// display form (services."2fa") where it sits in documentation.
func wantModule(s *model.Service) moduleFacts {
	name := escape.NixValue(s.Name)
	attr := escape.NixValue(escape.NixAttrName(s.Name))
	firewall := []string{"{option}`services." + attr + ".port`"}
	for _, e := range s.Extra {
		firewall = append(firewall, "{option}`services."+attr+"."+e.Name+".port`")
	}
	messages := []string{
		"services." + attr + ": enable at most one of nginx.enable and caddy.enable.",
		"services." + attr + ": nginx.enable and caddy.enable need services." + attr + ".domain.",
	}
	for _, r := range s.Required {
		messages = append(messages, "services."+attr+": "+name+" stops without "+r.Name+" ("+escape.NixValue(r.At)+"): put it in services."+attr+
			".environmentFile, or give the file in services."+attr+".credentials."+r.Name+".")
	}
	return moduleFacts{
		Names:          []string{name},
		Units:          []string{name},
		Enable:         "Whether to enable " + name + ".",
		OpenFirewall:   "Whether to open " + andList(firewall) + " in the firewall.",
		ExtraArgs:      "Extra command-line arguments for " + escape.NixValue(s.Program) + ".",
		EnvFileExample: "/run/secrets/" + name + ".env",
		User:           name,
		Address:        escape.NixValue(s.Address),
		Messages:       messages,
		// NixOS writes it into Description= as it is: one line, "%" doubled.
		Description:    escape.NixValue(escape.SystemdText(orName(s.Description, s.Name))),
		StateDirectory: name,
		WorkingDir:     "/var/lib/" + name,
	}
}

// hostileService is a service whose every value is hostile.
func hostileService(name string) *model.Service {
	return &model.Service{
		Name: name, Program: name,
		Endpoint:    model.Endpoint{Name: "http", Port: 8080, Address: "$(touch PWNED)", PortEnv: "PORT", HostEnv: "HOST", Public: true},
		Extra:       []model.Endpoint{{Name: "smtp", Port: 25, Address: "'${x}", FixedAt: "a\"${b}''", PortFixed: true, AddressFixed: true, Public: true}},
		Description: "first line\nExecStartPre=/bin/sh -c 'touch /PWNED'\n100% sure \u202e",
		HealthPath:  "/h'${builtins.currentSystem}`id`",
		Config:      &model.ConfigFile{Format: "toml", Env: "CONFIG"},
		Required:    []model.Required{{Name: "TOKEN", Secret: true, FileEnv: "TOKEN_FILE", At: "src/\"${x}''.rs:1"}},
	}
}

// hostileNames are service names that are not Nix identifiers, or that try
// to leave a string.
var hostileNames = []string{
	"web.api", "2fa", "rec", "in", "let", "or", " + builtins.currentSystem + ", `x" + builtins.currentSystem + "`,
	"a'${builtins.currentSystem}", "a''${builtins.currentSystem}", "'${x}", "${builtins.currentSystem}",
	"back\\slash", "line\nbreak", "bidi\u202eevil", "-leading-dash", "../up",
}

// TestModuleHostileNames renders the module for names that are not Nix
// identifiers or try to break out of a string, and reads back every string
// that carries them: the module parses, and no name became code.
func TestModuleHostileNames(t *testing.T) {
	for _, name := range hostileNames {
		t.Run(strings.ReplaceAll(name, "/", "_"), func(t *testing.T) {
			s := hostileService(name)
			got, module := evalModule(t, s)
			if want := wantModule(s); !moduleEqual(got, want) {
				t.Errorf("module.nix for %q evaluates to\n%+v\nwant\n%+v\n%s", name, got, want, module)
			}
		})
	}
}

func moduleEqual(a, b moduleFacts) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// TestModuleDescriptionOneLine: a description of several lines, with "%",
// reaches systemd's Description= as one line with "%%".
func TestModuleDescriptionOneLine(t *testing.T) {
	s := hostileService("app")
	got, _ := evalModule(t, s)
	if strings.ContainsAny(got.Description, "\r\n") || !strings.Contains(got.Description, "100%% sure") {
		t.Errorf("systemd.services.app.description = %q: want one line with %%%%", got.Description)
	}
}

// vmTestLayout lays the VM test script out as the flake templates do: an
// indented string, each line at the template's indentation.
func vmTestLayout(lines []string) string {
	var b strings.Builder
	b.WriteString("{\n  testScript = ''\n")
	for _, l := range lines {
		b.WriteString("            " + l + "\n")
	}
	b.WriteString("          '';\n}.testScript\n")
	return b.String()
}

// evalVMTestScript evaluates the VM test script written for s.
func evalVMTestScript(t testing.TB, s *model.Service) (string, string) {
	t.Helper()
	tool := nixtest.Require(t, "nix-instantiate")
	expr := vmTestLayout(vmTestScript(s))
	path := filepath.Join(t.TempDir(), "vmtest.nix")
	if err := os.WriteFile(path, []byte(expr), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "--eval", "--json", path).Output()
	if err != nil {
		t.Fatalf("the VM test script for %q does not evaluate: %v\n%s", s.Name, stderrOf(err), expr)
	}
	var script string
	if err := json.Unmarshal(out, &script); err != nil {
		t.Fatal(err)
	}
	return script, expr
}

// checkVMTestScript evaluates the VM test script written for s and reads
// it as the test driver would: the unit and the port, and the curl command,
// run by sh, gets the URL (with host) as one argument and runs nothing.
func checkVMTestScript(t *testing.T, sh string, s *model.Service, host string) {
	t.Helper()
	script, expr := evalVMTestScript(t, s)
	lines := strings.Split(strings.TrimSuffix(script, "\n"), "\n")
	unit, _ := json.Marshal(s.Name + ".service")
	// The unit, every listener's port, the health route.
	want := []string{"machine.wait_for_unit(" + string(unit) + ")"}
	for _, e := range s.Endpoints() {
		want = append(want, "machine.wait_for_open_port("+strconv.Itoa(e.Port)+")")
	}
	// A mail listener's greeting, then the health route.
	banners := 0
	for _, e := range s.Extra {
		if e.Name == "smtp" {
			banners++
		}
	}
	if len(lines) != len(want)+banners+1 || !slices.Equal(lines[:len(want)], want) {
		t.Fatalf("the VM test script evaluates to\n%s\nNix:\n%s", script, expr)
	}
	for _, l := range lines[len(want) : len(want)+banners] {
		if !strings.HasPrefix(l, `machine.succeed("timeout 5 bash -c 'exec 3<>`) || !strings.Contains(l, "/dev/tcp/") || !strings.HasSuffix(l, `| grep -q 220")`) {
			t.Errorf("the greeting check is %s", l)
		}
	}
	lines = append(lines[:len(want)], lines[len(want)+banners:]...)
	cmd, ok := strings.CutPrefix(lines[len(want)], "machine.succeed(")
	if !ok {
		t.Fatalf("the last line is %s", lines[len(want)])
	}
	curl := []string{"--fail", "--silent", "--show-error", "http://" + host + ":8080" + s.HealthPath}
	if words := shellWords(t, sh, pyString(t, strings.TrimSuffix(cmd, ")"))); !slices.Equal(words, curl) {
		t.Errorf("sh runs curl with %q, want %q", words, curl)
	}
}

// TestVMTestScriptHostile evaluates the VM test script for hostile names,
// addresses and health paths and reads it back.
func TestVMTestScriptHostile(t *testing.T) {
	sh := nixtest.Require(t, "sh")
	for _, name := range hostileNames {
		if escape.NixValue(name) != name || strings.ContainsAny(name, "\n") {
			continue // the script is Python: names it cannot carry exactly are refused earlier
		}
		t.Run(strings.ReplaceAll(name, "/", "_"), func(t *testing.T) {
			s := hostileService(name)
			s.Address = "0.0.0.0"
			checkVMTestScript(t, sh, s, "127.0.0.1")
		})
	}
	// A listen host that is a command substitution stays a word of the URL.
	checkVMTestScript(t, sh, hostileService("app"), "$(touch PWNED)")
}
