// Command score compares nixgen's dry-run output on the corpus repositories
// with the facts recorded in bench/corpus/corpus.toml.
//
// It is driven by bench/corpus.sh:
//
//	score check  CORPUS            validate the oracle file
//	score list   CORPUS            print "name github commit" per entry
//	score report CORPUS RESULTS    score RESULTS/<name>/{stdout,stderr,rc}
//
// It imports nothing from the rest of the repository on purpose: the
// generator's packages are being moved, and the scorer reads only nixgen's
// output text. The parsing rules are documented in bench/corpus/README.md and
// next to each function below.
package score

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// Corpus is the whole oracle file.
type Corpus struct {
	Repo []Repo `toml:"repo"`
}

// ConfigFile describes the configuration file a program reads.
type ConfigFile struct {
	Format   string `toml:"format"`
	GivenBy  string `toml:"given_by"`
	Required bool   `toml:"required"`
}

// Listener is one socket a service opens by default.
type Listener struct {
	Name     string   `toml:"name"`
	Port     int      `toml:"port"`
	Host     string   `toml:"host"`
	SetBy    string   `toml:"set_by"`
	SetByAlt []string `toml:"set_by_alt"`
	Optional bool     `toml:"optional"`
}

// Repo is one corpus entry.
type Repo struct {
	Name            string      `toml:"name"`
	Github          string      `toml:"github"`
	Commit          string      `toml:"commit"`
	Language        string      `toml:"language"`
	NixpkgsPackage  string      `toml:"nixpkgs_package"`
	NixpkgsModule   string      `toml:"nixpkgs_module"`
	DefaultPackage  string      `toml:"default_package"`
	Subcommand      []string    `toml:"subcommand"`
	Health          string      `toml:"health"`
	HealthAlt       []string    `toml:"health_alt"`
	HealthEnabledBy string      `toml:"health_enabled_by"`
	Required        []string    `toml:"required"`
	Secrets         []string    `toml:"secrets"`
	ConfigFile      *ConfigFile `toml:"config_file"`
	Backing         []string    `toml:"backing"`
	CargoFeatures   []string    `toml:"cargo_features"`
	NativeInputs    []string    `toml:"native_inputs"`
	NixpkgsHelpers  []string    `toml:"nixpkgs_helpers"`
	BuildReads      []string    `toml:"build_reads"`
	GeneratedReads  []string    `toml:"generated_build_reads"`
	Unknown         []string    `toml:"unknown"`
	Evidence        []string    `toml:"evidence"`
	Listener        []Listener  `toml:"listener"`
}

func (r Repo) unknown(field string) bool {
	for _, u := range r.Unknown {
		if u == field || strings.HasPrefix(u, field+".") {
			return true
		}
	}
	return false
}

var (
	hexCommit = regexp.MustCompile(`^[0-9a-f]{40}$`)
	setterRe  = regexp.MustCompile(`^(env|flag|config):\S+$`)
)

func loadCorpus(path string) (*Corpus, error) {
	var c Corpus
	md, err := toml.DecodeFile(path, &c)
	if err != nil {
		return nil, err
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		return nil, fmt.Errorf("%s: unknown keys: %s", path, strings.Join(keys, ", "))
	}
	var errs []error
	seen := map[string]bool{}
	for i, r := range c.Repo {
		where := fmt.Sprintf("repo #%d (%s)", i+1, r.Name)
		if r.Name == "" || seen[r.Name] {
			errs = append(errs, fmt.Errorf("%s: empty or duplicate name", where))
		}
		seen[r.Name] = true
		if strings.Count(r.Github, "/") != 1 {
			errs = append(errs, fmt.Errorf("%s: github must be OWNER/NAME", where))
		}
		if !hexCommit.MatchString(r.Commit) {
			errs = append(errs, fmt.Errorf("%s: commit must be 40 lower-case hex digits", where))
		}
		if r.Language != "rust" && r.Language != "go" {
			errs = append(errs, fmt.Errorf("%s: language must be rust or go", where))
		}
		if r.DefaultPackage == "" {
			errs = append(errs, fmt.Errorf("%s: default_package is empty", where))
		}
		if len(r.Evidence) == 0 {
			errs = append(errs, fmt.Errorf("%s: no evidence", where))
		}
		for _, l := range r.Listener {
			for _, s := range append([]string{l.SetBy}, l.SetByAlt...) {
				if !setterRe.MatchString(s) {
					errs = append(errs, fmt.Errorf("%s: listener %s: setter %q is not env:NAME, flag:--name or config:key", where, l.Name, s))
				}
			}
			if l.Port < 0 || l.Port > 65535 {
				errs = append(errs, fmt.Errorf("%s: listener %s: port out of range", where, l.Name))
			}
		}
	}
	return &c, errors.Join(errs...)
}

// Main is the scorer's command line, run by bench/corpus/score.go:
// score check|list CORPUS, score report [-v] CORPUS RESULTS.
func Main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: score check|list CORPUS | score report [-v] CORPUS RESULTS")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "check":
		if _, err := loadCorpus(os.Args[2]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	case "list":
		c, err := loadCorpus(os.Args[2])
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		for _, r := range c.Repo {
			fmt.Printf("%s %s %s\n", r.Name, r.Github, r.Commit)
		}
	case "report":
		fs := flag.NewFlagSet("report", flag.ExitOnError)
		verbose := fs.Bool("v", false, "explain every ✗")
		_ = fs.Parse(os.Args[2:])
		if fs.NArg() != 2 {
			fmt.Fprintln(os.Stderr, "usage: score report [-v] CORPUS RESULTS")
			os.Exit(2)
		}
		c, err := loadCorpus(fs.Arg(0))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		report(c, fs.Arg(1), *verbose)
	default:
		fmt.Fprintf(os.Stderr, "score: unknown command %q\n", os.Args[1])
		os.Exit(2)
	}
}

// ---------------------------------------------------------------------------
// Reading nixgen's output.

// Output is what nixgen printed for one repository.
type Output struct {
	RC      int
	Stderr  string
	Files   map[string]string // "flake.nix" -> text, from "==> NAME <==" sections
	Skipped string            // why the repository was not run, if it was not
	Tree    []string          // the files of the pinned commit, sorted
}

var sectionRe = regexp.MustCompile(`(?m)^==> (.+) <==$`)

// splitSections cuts `--dry-run` output into files: every line
// "==> PATH <==" starts the file PATH, which runs to the next such line.
func splitSections(s string) map[string]string {
	files := map[string]string{}
	locs := sectionRe.FindAllStringSubmatchIndex(s, -1)
	for i, loc := range locs {
		name := s[loc[2]:loc[3]]
		end := len(s)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		files[name] = s[loc[1]:end]
	}
	return files
}

func readOutput(dir string) Output {
	var o Output
	if b, err := os.ReadFile(filepath.Join(dir, "skipped")); err == nil {
		o.Skipped = strings.TrimSpace(string(b))
		return o
	}
	rc, err := os.ReadFile(filepath.Join(dir, "rc"))
	if err != nil {
		o.Skipped = "not run"
		return o
	}
	o.RC, _ = strconv.Atoi(strings.TrimSpace(string(rc)))
	out, _ := os.ReadFile(filepath.Join(dir, "stdout"))
	errb, _ := os.ReadFile(filepath.Join(dir, "stderr"))
	o.Stderr = string(errb)
	o.Files = splitSections(string(out))
	if list, err := os.ReadFile(filepath.Join(dir, "files")); err == nil {
		o.Tree = strings.Fields(string(list))
	}
	return o
}

// tomlBin reads `bin = "NAME"` from the top level of nixgen.toml.
func tomlBin(s string) string {
	var v struct {
		Bin string `toml:"bin"`
	}
	if _, err := toml.Decode(s, &v); err == nil && v.Bin != "" {
		return v.Bin
	}
	m := regexp.MustCompile(`(?m)^bin\s*=\s*"([^"]*)"`).FindStringSubmatch(s)
	if m != nil {
		return m[1]
	}
	return ""
}

// block returns the text from the opening bracket at s[open] to its match.
func block(s string, open int) string {
	pairs := map[byte]byte{'{': '}', '[': ']', '(': ')'}
	closeCh, ok := pairs[s[open]]
	if !ok {
		return ""
	}
	depth := 0
	inStr := false
	for i := open; i < len(s); i++ {
		c := s[i]
		if inStr {
			if c == '\\' {
				i++
			} else if c == '"' {
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case s[open]:
			depth++
		case closeCh:
			depth--
			if depth == 0 {
				return s[open : i+1]
			}
		}
	}
	return s[open:]
}

// Module is what the scorer understands of nix/module.nix.
type Module struct {
	Text      string
	Ports     map[string]int      // port option path -> default
	Setters   map[string][]string // port option path -> ["env:PORT", "flag:--port", "config:server.port"]
	ExecStart string              // the ExecStart expression
	ExecLines []string            // its lines, trimmed
	EnvBlock  string              // the unit's environment = { ... } block
	optBlocks map[string]string   // option path -> its mkOption block
	cfgRef    map[string]*regexp.Regexp
}

var (
	mkOptionRe = regexp.MustCompile(`(?m)^\s*([A-Za-z_][\w.-]*)\s*=\s*(?:lib\.)?mkOption\s*\{`)
	defaultRe  = regexp.MustCompile(`(?m)^\s*default\s*=\s*(\d+)\s*;`)
	envOpenRe  = regexp.MustCompile(`(?m)^\s*environment\s*=\s*\{`)
	execRe     = regexp.MustCompile(`ExecStart\s*=\s*`)
	assignRe   = regexp.MustCompile(`^\s*("?[A-Za-z_][\w.-]*"?(?:\."?[A-Za-z_][\w-]*"?)*)\s*=\s*(.*)$`)
)

// parseModule finds the port options and how the unit passes each one.
//
// Rules (see README.md): a port option is a `NAME = lib.mkOption { ... }`
// whose type mentions "port" or "ints.between 1 65535" and whose default is
// an integer. The option counts as passed as env:VAR when a line `VAR = ...`
// of the unit's `environment = { ... }` block references cfg.NAME; as
// flag:--x when, inside ExecStart, a line that is the string "--x" is
// followed by a line referencing cfg.NAME, or a line "--x=...cfg.NAME..."
// appears; as config:KEY when any other line `KEY = ...cfg.NAME...` appears
// outside the options (a settings default or a generated config file).
func parseModule(s string) *Module {
	m := &Module{Text: s, Ports: map[string]int{}, Setters: map[string][]string{}, optBlocks: map[string]string{}, cfgRef: map[string]*regexp.Regexp{}}
	for _, loc := range mkOptionRe.FindAllStringSubmatchIndex(s, -1) {
		name := optionPath(s, loc[2]) + s[loc[2]:loc[3]]
		b := block(s, loc[1]-1)
		m.optBlocks[name] = b
		typ := ""
		if i := strings.Index(b, "type ="); i >= 0 {
			typ = b[i:]
			if j := strings.Index(typ, ";"); j >= 0 {
				typ = typ[:j]
			}
		}
		if !strings.Contains(typ, "port") && !strings.Contains(typ, "ints.between 1 65535") {
			continue
		}
		if d := defaultRe.FindStringSubmatch(b); d != nil {
			n, _ := strconv.Atoi(d[1])
			m.Ports[name] = n
		}
	}
	for name := range m.Ports {
		// By its path: cfg.port is not cfg.smtp.port.
		m.cfgRef[name] = regexp.MustCompile(`\bcfg\.` + regexp.QuoteMeta(name) + `\b`)
	}
	// The unit's environment block: the first `environment = {` after
	// systemd.services, else the last one in the file.
	envLocs := envOpenRe.FindAllStringIndex(s, -1)
	sys := strings.Index(s, "systemd.services")
	for _, loc := range envLocs {
		if sys < 0 || loc[0] > sys {
			m.EnvBlock = block(s, loc[1]-1)
			break
		}
	}
	if loc := execRe.FindStringIndex(s); loc != nil {
		open := loc[1]
		for open < len(s) && s[open] != '(' && s[open] != '[' && s[open] != '"' && s[open] != '\n' {
			open++
		}
		if open < len(s) && (s[open] == '(' || s[open] == '[') {
			m.ExecStart = block(s, open)
		} else {
			end := strings.Index(s[loc[1]:], ";")
			if end >= 0 {
				m.ExecStart = s[loc[1] : loc[1]+end]
			}
		}
		for _, l := range strings.Split(m.ExecStart, "\n") {
			if t := strings.TrimSpace(l); t != "" {
				m.ExecLines = append(m.ExecLines, t)
			}
		}
	}
	for name, ref := range m.cfgRef {
		add := func(setter string) {
			for _, x := range m.Setters[name] {
				if x == setter {
					return
				}
			}
			m.Setters[name] = append(m.Setters[name], setter)
		}
		for _, l := range strings.Split(m.EnvBlock, "\n") {
			if a := assignRe.FindStringSubmatch(l); a != nil && ref.MatchString(a[2]) {
				add("env:" + strings.Trim(a[1], `"`))
			}
		}
		for i, l := range m.ExecLines {
			lit, ok := nixString(l)
			if !ok || !strings.HasPrefix(lit, "-") {
				continue
			}
			if k, _, found := strings.Cut(lit, "="); found && ref.MatchString(l) {
				add("flag:" + k)
				continue
			}
			if i+1 < len(m.ExecLines) && ref.MatchString(m.ExecLines[i+1]) {
				add("flag:" + lit)
			}
		}
		// config: assignments elsewhere, outside option declarations, the
		// environment block and ExecStart.
		rest := s
		for _, b := range m.optBlocks {
			rest = strings.Replace(rest, b, "", 1)
		}
		if m.EnvBlock != "" {
			rest = strings.Replace(rest, m.EnvBlock, "", 1)
		}
		if m.ExecStart != "" {
			rest = strings.Replace(rest, m.ExecStart, "", 1)
		}
		for _, l := range strings.Split(rest, "\n") {
			a := assignRe.FindStringSubmatch(l)
			if a == nil || !ref.MatchString(a[2]) {
				continue
			}
			key := strings.ReplaceAll(a[1], `"`, "")
			if isPlumbing(key) {
				continue
			}
			add("config:" + key)
		}
	}
	return m
}

// optionPath is the path of the attribute sets that enclose position i
// inside the module's options (`smtp = { port = mkOption ... }` gives
// "smtp."), "" at the top of options.services.NAME.
func optionPath(s string, i int) string {
	var stack []string
	inStr := false
	for j := 0; j < i; j++ {
		c := s[j]
		if inStr {
			if c == '\\' {
				j++
			} else if c == '"' {
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '#':
			for j < i && s[j] != '\n' {
				j++
			}
		case '{':
			line := s[strings.LastIndexByte(s[:j], '\n')+1 : j]
			name := ""
			if m := openSetRe.FindStringSubmatch(line); m != nil {
				name = m[1]
			}
			stack = append(stack, name)
		case '}':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
	}
	var path []string
	for k, n := range stack {
		if strings.HasPrefix(n, "options.") {
			path = nil
			for _, inner := range stack[k+1:] {
				if inner == "" {
					return ""
				}
				path = append(path, inner)
			}
			break
		}
	}
	if len(path) == 0 {
		return ""
	}
	return strings.Join(path, ".") + "."
}

var openSetRe = regexp.MustCompile(`^\s*([A-Za-z_][\w.-]*)\s*=\s*$`)

// isPlumbing names attributes that use the port without telling the
// program about it (firewall, proxies, helpers).
func isPlumbing(key string) bool {
	for _, p := range []string{"lowPort", "networking.", "allowedTCPPorts", "allowedUDPPorts", "proxyPass", "reverse_proxy", "warnings", "assertion", "message", "isLoopback", "CapabilityBoundingSet", "AmbientCapabilities", "PrivateUsers"} {
		if strings.HasPrefix(key, p) || key == p {
			return true
		}
	}
	return false
}

// nixString returns the contents of a line that is exactly one Nix string
// literal (optionally followed by a comma-free list separator).
func nixString(line string) (string, bool) {
	l := strings.TrimSpace(line)
	if len(l) < 2 || l[0] != '"' || l[len(l)-1] != '"' {
		return "", false
	}
	inner := l[1 : len(l)-1]
	if strings.Contains(inner, `" `) {
		return "", false
	}
	return inner, true
}

// execArgs returns the literal positional words ExecStart passes after the
// program: the leading string literals that do not start with "-" and
// contain no interpolation.
func (m *Module) execArgs() []string {
	var words []string
	started := false
	for _, l := range m.ExecLines {
		if !started {
			if strings.Contains(l, "getExe") || strings.Contains(l, "/bin/") {
				started = true
			}
			continue
		}
		l = strings.TrimSpace(strings.TrimPrefix(l, "++"))
		if l == "" || l == "[" || l == "]" || strings.HasPrefix(l, "]") {
			continue
		}
		// A list on one line: ++ [ "serve" ] or [ "--port" (...) ].
		if strings.HasPrefix(l, "[") && strings.HasSuffix(l, "]") {
			items := quotedRe.FindAllString(l, -1)
			if len(items) == 0 {
				break
			}
			for _, q := range items {
				lit, ok := nixString(q)
				if !ok || strings.HasPrefix(lit, "-") || strings.Contains(lit, "${") {
					return words
				}
				words = append(words, lit)
			}
			continue
		}
		lit, ok := nixString(l)
		if !ok || strings.HasPrefix(lit, "-") || strings.Contains(lit, "${") {
			break
		}
		words = append(words, lit)
	}
	return words
}

// ---------------------------------------------------------------------------
// Flake parsing.

var quotedRe = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

var (
	inputsRe   = regexp.MustCompile(`(?m)\b(nativeBuildInputs|buildInputs)\s*=`)
	pkgsRe     = regexp.MustCompile(`\bpkgs\.([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)?)`)
	darwinRe   = regexp.MustCompile(`lib\.optionals?\s+(?:pkgs\.)?stdenv\.(?:hostPlatform\.)?isDarwin\s*\[[^\]]*\]`)
	filesetRe  = regexp.MustCompile(`fileset\s*=\s*`)
	pathRe     = regexp.MustCompile(`(?:^|[\s(\[])\./([^\s)\];]*)`)
	extRe      = regexp.MustCompile(`hasExt\s*(?:"([^"]+)"|\[([^\]]*)\])`)
	curlRe     = regexp.MustCompile(`curl[^\n]*?https?://[^/\s"']+(/[^\s"']*)?`)
	srcWholeRe = regexp.MustCompile(`(?m)\bsrc\s*=\s*(?:\./\.|self|lib\.cleanSource\s+\./\.|pkgs\.lib\.cleanSource\s+\./\.)\s*;`)
)

// nativeInputs collects pkgs.X names from every `nativeBuildInputs = ...;`
// and `buildInputs = ...;` statement of flake.nix, leaving out Darwin-only
// lists, stdenv and nixgen's Go toolchain helpers.
func nativeInputs(flake string) map[string]bool {
	got := map[string]bool{}
	for _, loc := range inputsRe.FindAllStringIndex(flake, -1) {
		end := statementEnd(flake, loc[1])
		stmt := darwinRe.ReplaceAllString(flake[loc[1]:end], "")
		for _, m := range pkgsRe.FindAllStringSubmatch(stmt, -1) {
			name := m[1]
			if strings.HasPrefix(name, "stdenv") || strings.HasPrefix(name, "lib.") {
				continue
			}
			got[name] = true
		}
	}
	return got
}

// statementEnd finds the `;` ending the statement that starts at i, skipping
// nested brackets and strings.
func statementEnd(s string, i int) int {
	depth := 0
	inStr := false
	for ; i < len(s); i++ {
		c := s[i]
		if inStr {
			if c == '\\' {
				i++
			} else if c == '"' {
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '[', '(', '{':
			depth++
		case ']', ')', '}':
			depth--
		case ';':
			if depth <= 0 {
				return i
			}
		}
	}
	return len(s)
}

// Fileset is the source the flake keeps.
type Fileset struct {
	Whole bool     // the whole tree (src = ./.; or a ./. entry)
	Paths []string // ./x entries, without "./"
	Exts  []string // extensions kept everywhere by fileFilter
}

// parseFileset reads `fileset = ...;`: every ./PATH entry, and the
// extensions of `fileFilter (file: ... hasExt ...)` entries. A flake with
// `src = ./.;` (or lib.cleanSource ./.) keeps everything.
func parseFileset(flake string) Fileset {
	var fs Fileset
	if srcWholeRe.MatchString(flake) {
		fs.Whole = true
	}
	for _, loc := range filesetRe.FindAllStringIndex(flake, -1) {
		stmt := flake[loc[1]:statementEnd(flake, loc[1])]
		for _, line := range strings.Split(stmt, "\n") {
			if strings.Contains(line, "commonCargoSources") {
				// crane's filter keeps Cargo's files under the path, not
				// the whole tree the path names.
				fs.Exts = append(fs.Exts, "rs", "toml")
				continue
			}
			if strings.Contains(line, "fileFilter") {
				for _, m := range extRe.FindAllStringSubmatch(line, -1) {
					if m[1] != "" {
						fs.Exts = append(fs.Exts, m[1])
					}
					for _, q := range regexp.MustCompile(`"([^"]+)"`).FindAllStringSubmatch(m[2], -1) {
						fs.Exts = append(fs.Exts, q[1])
					}
				}
				continue
			}
			for _, m := range pathRe.FindAllStringSubmatch(line, -1) {
				p := strings.TrimSuffix(m[1], "/")
				if p == "" || p == "." {
					fs.Whole = true
					continue
				}
				fs.Paths = append(fs.Paths, p)
			}
		}
	}
	return fs
}

// covers reports whether the fileset keeps path p: an entry equal to p or a
// directory above it, or (for a file) an extension fileFilter keeps.
func (fs Fileset) covers(p string) bool {
	if fs.Whole {
		return true
	}
	for _, e := range fs.Paths {
		if e == p || strings.HasPrefix(p, e+"/") {
			return true
		}
	}
	if ext := filepath.Ext(p); ext != "" {
		for _, e := range fs.Exts {
			if "."+strings.TrimPrefix(e, ".") == ext {
				return true
			}
		}
	}
	return false
}

// coversTree reports whether the fileset keeps path p, a file or a
// directory of tree (the files of the commit): a directory is kept when
// every file under it is.
func (fs Fileset) coversTree(p string, tree []string) bool {
	if fs.covers(p) {
		return true
	}
	under := 0
	for _, f := range tree {
		if strings.HasPrefix(f, p+"/") {
			under++
			if !fs.covers(f) {
				return false
			}
		}
	}
	return under > 0
}

// healthPaths returns the URL paths the flake's VM test curls.
func healthPaths(flake string) []string {
	var ps []string
	for _, m := range curlRe.FindAllStringSubmatch(flake, -1) {
		p := m[1]
		if p == "" {
			p = "/"
		}
		ps = append(ps, p)
	}
	return ps
}

// ---------------------------------------------------------------------------
// Scoring.

// Mark is one criterion's result for one repository.
type Mark int

const (
	NA Mark = iota
	Pass
	Fail
)

func (m Mark) String() string {
	switch m {
	case Pass:
		return "✓"
	case Fail:
		return "✗"
	}
	return "-"
}

func mark(ok bool) Mark {
	if ok {
		return Pass
	}
	return Fail
}

// Tally counts passes over scored cases.
type Tally struct{ Pass, Total int }

func (t *Tally) add(m Mark) {
	if m == NA {
		return
	}
	t.Total++
	if m == Pass {
		t.Pass++
	}
}

func (t Tally) String() string {
	if t.Total == 0 {
		return "0/0 (-)"
	}
	return fmt.Sprintf("%d/%d (%d%%)", t.Pass, t.Total, (t.Pass*100+t.Total/2)/t.Total)
}

// Row is one repository's scores.
type Row struct {
	Name, Lang, Run              string
	Default, Listeners, Subcmd   Mark
	Required, Health, Fileset    Mark
	Features                     Mark
	Generated                    bool // the build embeds output the repository does not hold
	NativeTP, NativeFP, NativeFN int
	NativeScored                 bool
	ListenerPorts, ListenerSets  Tally
	RequiredItems, FilesetItems  Tally
	Why                          []string
}

// wouldStart is this scorer's reading of "the module would start the
// service with only its documented secrets given": it ran, builds the
// serving binary, runs its serving subcommand, wires every listener and
// names every required setting. (A build and a boot are not tried.)
func (r Row) wouldStart() bool {
	ok := func(m Mark) bool { return m == Pass || m == NA }
	return r.Run == "ok" && r.Default == Pass && ok(r.Listeners) && ok(r.Subcmd) && ok(r.Required)
}

// wouldBuild is this scorer's reading of "packages.default builds the
// serving binary with zero edits": it ran, names the serving package,
// misses no native input the compiler needs, keeps every file the build
// reads, selects the features the build needs, and the build embeds no
// output (a UI bundle) that is not in the repository and that nixgen does
// not build. (Nothing is built.)
func (r Row) wouldBuild() bool {
	ok := func(m Mark) bool { return m == Pass || m == NA }
	return r.Run == "ok" && r.Default == Pass && r.NativeFN == 0 && ok(r.Fileset) && ok(r.Features) && !r.Generated
}

func normFlag(s string) string { return strings.TrimLeft(s, "-") }

// setterMatches compares an oracle setter with one nixgen passes.
func setterMatches(oracle, got string) bool {
	ok, ov, _ := strings.Cut(oracle, ":")
	gk, gv, _ := strings.Cut(got, ":")
	if ok != gk {
		return false
	}
	switch ok {
	case "env":
		return ov == gv
	case "flag":
		return normFlag(ov) == normFlag(gv)
	case "config":
		if strings.EqualFold(ov, gv) {
			return true
		}
		lastO := ov[strings.LastIndex(ov, ".")+1:]
		lastG := gv[strings.LastIndex(gv, ".")+1:]
		return strings.EqualFold(lastO, lastG)
	}
	return false
}

var wordCache = map[string]*regexp.Regexp{}

func hasWord(text, w string) bool {
	re, ok := wordCache[w]
	if !ok {
		re = regexp.MustCompile(`(^|[^\w-])` + regexp.QuoteMeta(w) + `($|[^\w-])`)
		wordCache[w] = re
	}
	return re.MatchString(text)
}

// requiredFound applies the documented rules for one required setting.
func requiredFound(req string, m *Module) bool {
	switch {
	case strings.HasPrefix(req, "arg:"):
		return strings.Contains(m.ExecStart, "configFile") || regexp.MustCompile(`cfg\.[\w.]*[Ff]ile\b`).MatchString(m.ExecStart)
	case strings.HasPrefix(req, "config:"):
		k := strings.TrimPrefix(req, "config:")
		return hasWord(m.Text, k[strings.LastIndex(k, ".")+1:])
	case strings.HasPrefix(req, "-"):
		for _, l := range m.ExecLines {
			if lit, ok := nixString(l); ok {
				if k, _, _ := strings.Cut(lit, "="); normFlag(k) == normFlag(req) {
					return true
				}
			}
		}
		return false
	default:
		return hasWord(m.Text, strings.TrimPrefix(req, "env:"))
	}
}

func scoreRepo(r Repo, o Output) Row {
	row := Row{Name: r.Name, Lang: r.Language}
	why := func(f string, a ...any) { row.Why = append(row.Why, fmt.Sprintf(f, a...)) }
	switch {
	case o.Skipped != "":
		row.Run = "skip"
	case o.RC != 0:
		row.Run = fmt.Sprintf("rc=%d", o.RC)
		first := strings.SplitN(strings.TrimSpace(o.Stderr), "\n", 2)[0]
		why("nixgen exited %d: %s", o.RC, first)
	default:
		row.Run = "ok"
	}
	if o.Skipped != "" {
		return row
	}
	flake := o.Files["flake.nix"]
	modText, hasModule := o.Files["nix/module.nix"]
	m := parseModule(modText)

	// default package
	bin := tomlBin(o.Files["nixgen.toml"])
	row.Default = mark(bin == r.DefaultPackage)
	if row.Default == Fail {
		why("default package: got %q, want %q", bin, r.DefaultPackage)
	}

	// listeners
	var req []Listener
	for _, l := range r.Listener {
		if !l.Optional {
			req = append(req, l)
		}
	}
	if len(req) == 0 {
		row.Listeners = NA
	} else {
		all := true
		for _, l := range req {
			var cands []string
			portKnown := l.Port != 0 && !r.unknown("listener."+l.Name+".port")
			for name, p := range m.Ports {
				if !portKnown || p == l.Port {
					cands = append(cands, name)
				}
			}
			sort.Strings(cands)
			portOK := hasModule && len(cands) > 0
			setOK := false
			var got []string
			for _, c := range cands {
				for _, s := range m.Setters[c] {
					got = append(got, s)
					for _, want := range append([]string{l.SetBy}, l.SetByAlt...) {
						if setterMatches(want, s) {
							setOK = true
						}
					}
				}
			}
			if portKnown {
				row.ListenerPorts.add(mark(portOK))
			}
			row.ListenerSets.add(mark(portOK && setOK))
			if !portOK || !setOK {
				all = false
				ports := make([]string, 0, len(m.Ports))
				for n, p := range m.Ports {
					ports = append(ports, fmt.Sprintf("%s=%d %v", n, p, m.Setters[n]))
				}
				sort.Strings(ports)
				if !hasModule {
					why("listener %s: no nix/module.nix", l.Name)
				} else {
					why("listener %s: want %d via %s; module has %s", l.Name, l.Port, l.SetBy, strings.Join(ports, "; "))
				}
			}
		}
		row.Listeners = mark(all && hasModule)
	}

	// subcommand
	if !hasModule {
		row.Subcmd = Fail
		if len(r.Subcommand) == 0 {
			row.Subcmd = NA
		}
	} else {
		got := m.execArgs()
		row.Subcmd = mark(strings.Join(got, " ") == strings.Join(r.Subcommand, " "))
		if row.Subcmd == Fail {
			why("subcommand: got %q, want %q", got, r.Subcommand)
		}
	}

	// required settings
	if len(r.Required) == 0 {
		row.Required = NA
	} else {
		all := true
		var missing []string
		for _, q := range r.Required {
			ok := hasModule && requiredFound(q, m)
			row.RequiredItems.add(mark(ok))
			if !ok {
				all = false
				missing = append(missing, q)
			}
		}
		row.Required = mark(all)
		if !all {
			why("required settings missing from module.nix: %s", strings.Join(missing, ", "))
		}
	}

	// health
	if r.Health == "" {
		row.Health = NA
	} else {
		want := append([]string{r.Health}, r.HealthAlt...)
		got := healthPaths(flake)
		ok := false
		for _, g := range got {
			for _, w := range want {
				if g == w {
					ok = true
				}
			}
		}
		if ok && r.HealthEnabledBy != "" {
			tok := r.HealthEnabledBy[strings.Index(r.HealthEnabledBy, ":")+1:]
			ok = hasWord(modText, tok) || hasWord(flake, tok)
		}
		row.Health = mark(hasModule && ok)
		if row.Health == Fail {
			why("health: VM test curls %q, want %q%s", got, want, map[bool]string{true: " enabled by " + r.HealthEnabledBy, false: ""}[r.HealthEnabledBy != ""])
		}
	}

	// native inputs
	if !r.unknown("native_inputs") && row.Run == "ok" {
		row.NativeScored = true
		got := nativeInputs(flake)
		want := map[string]bool{}
		for _, n := range r.NativeInputs {
			want[n] = true
		}
		helper := map[string]bool{}
		for _, n := range r.NixpkgsHelpers {
			helper[n] = true
		}
		var fp, fn []string
		for n := range got {
			if want[n] {
				row.NativeTP++
			} else if helper[n] {
				continue // a tool of a UI or docs build, not of the compiler
			} else {
				row.NativeFP++
				fp = append(fp, n)
			}
		}
		for n := range want {
			if !got[n] {
				row.NativeFN++
				fn = append(fn, n)
			}
		}
		sort.Strings(fp)
		sort.Strings(fn)
		if len(fp)+len(fn) > 0 {
			why("native inputs: extra %v, missing %v", fp, fn)
		}
	}

	// features: each one the build needs is selected, by buildFeatures
	// or --features.
	if len(r.CargoFeatures) == 0 || r.unknown("cargo_features") {
		row.Features = NA
	} else {
		selected := featureSelections(flake)
		var missing []string
		for _, f := range r.CargoFeatures {
			if !selected[f] {
				missing = append(missing, f)
			}
		}
		row.Features = mark(row.Run == "ok" && len(missing) == 0)
		if len(missing) > 0 {
			why("features not selected: %s", strings.Join(missing, ", "))
		}
	}
	// Output the repository lacks is fine when the flake builds it and
	// copies it in (`cp -r ${frontend} PATH`).
	if !r.unknown("generated_build_reads") {
		built := map[string]bool{}
		for _, m := range frontendCopyRE.FindAllStringSubmatch(flake, -1) {
			built[m[1]] = true
		}
		for _, g := range r.GeneratedReads {
			if !built[g] {
				row.Generated = true
				why("the build embeds %s, which the repository lacks and the flake does not build", g)
			}
		}
	}

	// fileset
	if len(r.BuildReads) == 0 || r.unknown("build_reads") {
		row.Fileset = NA
	} else {
		fs := parseFileset(flake)
		all := row.Run == "ok"
		var missing []string
		for _, p := range r.BuildReads {
			ok := row.Run == "ok" && fs.coversTree(p, o.Tree)
			row.FilesetItems.add(mark(ok))
			if !ok {
				all = false
				missing = append(missing, p)
			}
		}
		row.Fileset = mark(all)
		if !all {
			why("fileset lacks: %s", strings.Join(missing, ", "))
		}
	}
	return row
}

func report(c *Corpus, results string, verbose bool) {
	var rows []Row
	var skipped []string
	for _, r := range c.Repo {
		dir := filepath.Join(results, r.Name)
		if _, err := os.Stat(dir); err != nil {
			continue // not selected for this run
		}
		o := readOutput(dir)
		if o.Skipped != "" {
			skipped = append(skipped, fmt.Sprintf("%s (%s)", r.Name, o.Skipped))
			continue
		}
		rows = append(rows, scoreRepo(r, o))
	}
	w := 0
	for _, row := range rows {
		w = max(w, len(row.Name))
	}
	fmt.Printf("%-*s  %-4s  %-5s  %-7s  %-9s  %-6s  %-8s  %-6s  %-7s  %-7s\n", w, "repo", "lang", "run", "default", "listeners", "subcmd", "required", "health", "native", "fileset")
	var tDefault, tListeners, tSubcmd, tRequired, tHealth, tFileset, tRun, tStarts, tBuilds, tFeatures Tally
	var ports, sets, reqItems, fileItems Tally
	var tp, fp, fn int
	for _, row := range rows {
		native := "-"
		if row.NativeScored {
			native = fmt.Sprintf("+%d-%d", row.NativeFP, row.NativeFN)
			if row.NativeFP+row.NativeFN == 0 {
				native = "✓"
			}
			tp += row.NativeTP
			fp += row.NativeFP
			fn += row.NativeFN
		}
		fmt.Printf("%-*s  %-4s  %-5s  %-7s  %-9s  %-6s  %-8s  %-6s  %-7s  %-7s\n", w, row.Name, row.Lang, row.Run,
			row.Default, row.Listeners, row.Subcmd, row.Required, row.Health, native, row.Fileset)
		if verbose {
			for _, y := range row.Why {
				fmt.Printf("%*s    %s\n", w, "", y)
			}
		}
		tRun.add(mark(row.Run == "ok"))
		tStarts.add(mark(row.wouldStart()))
		tBuilds.add(mark(row.wouldBuild()))
		tFeatures.add(row.Features)
		tDefault.add(row.Default)
		tListeners.add(row.Listeners)
		tSubcmd.add(row.Subcmd)
		tRequired.add(row.Required)
		tHealth.add(row.Health)
		tFileset.add(row.Fileset)
		ports.Pass += row.ListenerPorts.Pass
		ports.Total += row.ListenerPorts.Total
		sets.Pass += row.ListenerSets.Pass
		sets.Total += row.ListenerSets.Total
		reqItems.Pass += row.RequiredItems.Pass
		reqItems.Total += row.RequiredItems.Total
		fileItems.Pass += row.FilesetItems.Pass
		fileItems.Total += row.FilesetItems.Total
	}
	fmt.Println()
	if len(skipped) > 0 {
		fmt.Printf("skipped: %s\n", strings.Join(skipped, ", "))
	}
	fmt.Printf("repos scored          %d (ran cleanly %s)\n", len(rows), tRun)
	fmt.Printf("default package       %s\n", tDefault)
	fmt.Printf("listeners (all right) %s   ports %s, port+setter %s\n", tListeners, ports, sets)
	fmt.Printf("subcommand            %s\n", tSubcmd)
	fmt.Printf("required settings     %s   items %s\n", tRequired, reqItems)
	fmt.Printf("health route          %s\n", tHealth)
	fmt.Printf("would start           %s   (default, listeners, subcommand and required all right)\n", tStarts)
	recall, precision := "-", "-"
	if tp+fn > 0 {
		recall = fmt.Sprintf("%d/%d (%d%%)", tp, tp+fn, (tp*100+(tp+fn)/2)/(tp+fn))
	}
	if tp+fp > 0 {
		precision = fmt.Sprintf("%d/%d (%d%%)", tp, tp+fp, (tp*100+(tp+fp)/2)/(tp+fp))
	}
	fmt.Printf("native inputs         recall %s, precision %s\n", recall, precision)
	fmt.Printf("fileset complete      %s   paths %s\n", tFileset, fileItems)
	fmt.Printf("features selected     %s\n", tFeatures)
	fmt.Printf("would build           %s   (default, no native input missing, fileset, features, no unbuilt UI embedded)\n", tBuilds)
}

var (
	buildFeaturesRE = regexp.MustCompile(`(?s)buildFeatures = \[(.*?)\];`)
	featuresArgRE   = regexp.MustCompile(`--features[= ]"?([A-Za-z0-9_,/-]+)`)
	quotedRE        = regexp.MustCompile(`"([^"]*)"`)
	frontendCopyRE  = regexp.MustCompile(`cp -r \$\{frontend[0-9]*\} ([A-Za-z0-9_./-]+)`)
)

// featureSelections are the Cargo features flake.nix selects: the strings
// of every buildFeatures list and the arguments of every --features.
func featureSelections(flake string) map[string]bool {
	out := map[string]bool{}
	for _, m := range buildFeaturesRE.FindAllStringSubmatch(flake, -1) {
		for _, q := range quotedRE.FindAllStringSubmatch(m[1], -1) {
			out[q[1]] = true
		}
	}
	for _, m := range featuresArgRE.FindAllStringSubmatch(flake, -1) {
		for _, f := range strings.Split(m[1], ",") {
			out[f] = true
		}
	}
	return out
}
