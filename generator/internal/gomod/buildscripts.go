package gomod

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/projfs"
)

// scriptCommand is a command a build script of the project runs, or an
// assignment of linker flags to a variable (LDFLAGS = ..., export
// LD_FLAGS="..."), which a go command elsewhere may use.
type scriptCommand struct {
	At    string   // file:line
	Words []string // expanded; unknown values are marked (see unknown)
	Dir   string   // the directory it runs in, relative to the root
	// Context is what else says which build this is: the Makefile target,
	// the workflow job, the Dockerfile stage.
	Context string
	// LdflagsVar: Words are the value of a variable holding linker flags.
	LdflagsVar bool
}

// buildScripts reads the commands of the files a project builds its
// release with besides goreleaser: Makefile (GNUmakefile, makefile),
// Dockerfiles (Dockerfile, Containerfile, *.Dockerfile, Dockerfile.* at
// the root or one directory down) and GitHub Actions workflows.
func buildScripts(fsys fs.FS, warn func(string)) ([]scriptCommand, error) {
	var out []scriptCommand
	read := func(name string) (string, bool, error) {
		data, err := projfs.ReadFile(fsys, name)
		if errors.Is(err, fs.ErrNotExist) {
			return "", false, nil
		}
		if skip, ok := projfs.Skipped(err); ok {
			warn(skip.Error())
			return "", false, nil
		}
		if err != nil {
			return "", false, fmt.Errorf("%s: %w", name, err)
		}
		return string(data), true, nil
	}
	for _, name := range []string{"GNUmakefile", "makefile", "Makefile"} {
		src, ok, err := read(name)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, makefileCommands(name, src)...)
			break // make reads the first of these it finds
		}
	}
	var dockerfiles, workflows []string
	for _, dir := range []string{".", "docker", "build", "deploy", ".docker", "build/package", ".github/workflows"} {
		entries, err := fs.ReadDir(fsys, dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if e.IsDir() {
				continue
			}
			n := e.Name()
			p := path.Join(dir, n)
			switch {
			case dir == ".github/workflows":
				if strings.HasSuffix(n, ".yml") || strings.HasSuffix(n, ".yaml") {
					workflows = append(workflows, p)
				}
			case n == "Dockerfile" || n == "Containerfile" || strings.HasPrefix(n, "Dockerfile.") || strings.HasSuffix(n, ".Dockerfile") || strings.HasSuffix(n, ".dockerfile"):
				dockerfiles = append(dockerfiles, p)
			}
		}
	}
	for _, name := range dockerfiles {
		src, ok, err := read(name)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, dockerfileCommands(name, src)...)
		}
	}
	for _, name := range workflows {
		src, ok, err := read(name)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, workflowCommands(name, src)...)
		}
	}
	return out, nil
}

// ldflagsVar reports a variable name that holds linker flags: LDFLAGS,
// LD_FLAGS, GO_LDFLAGS, GOLDFLAGS, LDFLAGS_RELEASE, ...
func ldflagsVar(name string) bool {
	n := strings.ReplaceAll(strings.ToUpper(name), "_", "")
	return strings.Contains(n, "LDFLAGS")
}

// logicalLines joins lines ending in a backslash with the next, keeping
// the number of the first.
func logicalLines(src string) (lines []string, nums []int) {
	var cur strings.Builder
	start := 0
	for i, l := range strings.Split(src, "\n") {
		l = strings.TrimSuffix(l, "\r")
		if cur.Len() == 0 {
			start = i + 1
		}
		if strings.HasSuffix(l, "\\") {
			cur.WriteString(strings.TrimSuffix(l, "\\"))
			cur.WriteByte(' ')
			continue
		}
		cur.WriteString(l)
		lines, nums = append(lines, cur.String()), append(nums, start)
		cur.Reset()
	}
	if cur.Len() > 0 {
		lines, nums = append(lines, cur.String()), append(nums, start)
	}
	return lines, nums
}

// makefileCommands reads a Makefile: its variables (=, :=, ::=, ?=, +=,
// with export or override), expanded when a recipe uses them; and each
// recipe line, expanded by make's rules ($(NAME), ${NAME}, $$) and then
// split as the shell does. Functions ($(shell ...), $(or ...)) and
// automatic variables are unknown values; conditionals are not followed.
func makefileCommands(name, src string) []scriptCommand {
	vars := map[string]string{}
	type recipe struct {
		line, num int
		target    string
		text      string
	}
	var recipes []recipe
	var assigns []scriptCommand
	target := ""
	cond := 0 // depth of ifeq/ifdef blocks: what they assign is not known
	lines, nums := logicalLines(src)
	for i, l := range lines {
		if strings.HasPrefix(l, "\t") {
			if target != "" {
				recipes = append(recipes, recipe{num: nums[i], target: target, text: strings.TrimLeft(l, "\t@-+ ")})
			}
			continue
		}
		trimmed := strings.TrimSpace(l)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		trimmed = strings.TrimSpace(stripMakeComment(trimmed))
		for _, kw := range []string{"export ", "override "} {
			trimmed = strings.TrimPrefix(trimmed, kw)
		}
		switch f := strings.Fields(trimmed); f[0] {
		case "ifeq", "ifneq", "ifdef", "ifndef":
			cond++
			continue
		case "endif":
			cond = max(cond-1, 0)
			continue
		case "else":
			continue
		}
		if n, op, v, ok := makeAssignment(trimmed); ok {
			if cond > 0 {
				op, v = "=", unknown(n)
			}
			switch op {
			case "?=":
				if _, set := vars[n]; !set {
					vars[n] = v
				}
			case "+=":
				vars[n] = strings.TrimSpace(vars[n] + " " + v)
			default:
				vars[n] = v
			}
			if ldflagsVar(n) {
				assigns = append(assigns, scriptCommand{At: fmt.Sprintf("%s:%d", name, nums[i]), LdflagsVar: true, Context: n})
			}
			continue
		}
		if head, _, ok := strings.Cut(trimmed, ":"); ok && !strings.HasPrefix(trimmed, ".") {
			target = strings.TrimSpace(head)
			continue
		}
		target = ""
	}
	var out []scriptCommand
	for _, a := range assigns {
		v := makeExpand("$("+a.Context+")", vars, 0)
		for _, c := range shellCommands(v, map[string]string{}) {
			a.Words = append(a.Words, c.Words...)
		}
		out = append(out, a)
	}
	shellVars := map[string]string{}
	for _, r := range recipes {
		out = append(out, scriptCommands(name, r.num, r.target, shellCommands(makeExpand(r.text, vars, 0), shellVars))...)
	}
	return out
}

// stripMakeComment removes a # comment that is not escaped.
func stripMakeComment(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '#' && (i == 0 || s[i-1] != '\\') {
			return s[:i]
		}
	}
	return s
}

// makeAssignment splits NAME OP VALUE for OP one of = := ::= ?= +=.
func makeAssignment(s string) (name, op, value string, ok bool) {
	i := strings.IndexAny(s, "=:?+!")
	if i <= 0 {
		return "", "", "", false
	}
	rest := s[i:]
	for _, o := range []string{"::=", ":=", "?=", "+=", "="} {
		if strings.HasPrefix(rest, o) {
			name = strings.TrimSpace(s[:i])
			if strings.ContainsAny(name, " \t$") {
				return "", "", "", false
			}
			return name, o, strings.TrimSpace(rest[len(o):]), true
		}
	}
	return "", "", "", false
}

// makeExpand expands make's references in s: $$ is $, $(NAME) and ${NAME}
// the variable (itself expanded), anything else an unknown value.
func makeExpand(s string, vars map[string]string, depth int) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch c := s[i+1]; c {
		case '$':
			b.WriteByte('$')
			i++
		case '(', '{':
			closeBy := byte(')')
			if c == '{' {
				closeBy = '}'
			}
			end := closing(s[i+1:], c, closeBy)
			ref := s[i+2 : i+1+end]
			i += end + 1
			v, ok := vars[ref]
			switch {
			case versionLike.MatchString(ref) && isName(ref):
				b.WriteString(unknown(ref)) // the version: the flake's own
			case ok && depth < 10:
				b.WriteString(makeExpand(v, vars, depth+1))
			case strings.HasPrefix(ref, "if "):
				b.WriteString(makeIf(ref[3:], vars, depth))
			default:
				b.WriteString(unknown(ref))
			}
		default:
			b.WriteString(unknown(string(c))) // $@, $<, $X
			i++
		}
	}
	return b.String()
}

// makeIf expands $(if CONDITION,THEN[,ELSE]) when CONDITION is a variable
// the Makefile never sets, which make expands to nothing: ELSE. Other
// conditions are unknown values.
func makeIf(args string, vars map[string]string, depth int) string {
	parts := strings.SplitN(args, ",", 3)
	c := strings.TrimSpace(parts[0])
	if name, ok := strings.CutPrefix(c, "$("); ok && strings.HasSuffix(name, ")") && isName(strings.TrimSuffix(name, ")")) {
		if _, set := vars[strings.TrimSuffix(name, ")")]; !set {
			if len(parts) == 3 {
				return makeExpand(parts[2], vars, depth+1)
			}
			return ""
		}
	}
	return unknown("if " + args)
}

// dockerfileCommands reads the RUN instructions of a Dockerfile, with the
// ARG and ENV values set before them (ARG defaults; a build argument given
// on the command line is not known).
func dockerfileCommands(name, src string) []scriptCommand {
	vars := map[string]string{}
	var out []scriptCommand
	stage := ""
	lines, nums := logicalLines(src)
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		instr, rest, _ := strings.Cut(l, " ")
		rest = strings.TrimSpace(rest)
		switch strings.ToUpper(instr) {
		case "FROM":
			f := strings.Fields(rest)
			stage = f[len(f)-1]
		case "ARG":
			for _, w := range strings.Fields(rest) {
				if n, v, ok := strings.Cut(w, "="); ok {
					if _, set := vars[n]; !set && !versionLike.MatchString(n) {
						vars[n] = strings.Trim(v, `"'`)
					}
				}
			}
		case "ENV":
			words := shellCommands(rest, vars)
			if len(words) == 1 && len(words[0].Words) == 2 && !strings.Contains(words[0].Words[0], "=") {
				vars[words[0].Words[0]] = words[0].Words[1] // ENV NAME value
				continue
			}
			for _, c := range words {
				assign(c.Words, vars)
			}
		case "RUN":
			script := rest
			for strings.HasPrefix(script, "--") { // RUN --mount=... --network=...
				_, script, _ = strings.Cut(script, " ")
				script = strings.TrimSpace(script)
			}
			if strings.HasPrefix(script, "[") {
				script = execForm(script)
			}
			cmds := shellCommands(script, vars)
			for k := range cmds {
				cmds[k].Line = 1 // a RUN is one logical line
			}
			out = append(out, scriptCommands(name, nums[i], stage, cmds)...)
		}
	}
	return out
}

// execForm turns RUN's JSON form ["go", "build", ...] into a command line.
func execForm(s string) string {
	var words []string
	for _, part := range strings.Split(strings.Trim(s, "[] "), ",") {
		w := strings.TrimSpace(part)
		w = strings.TrimSuffix(strings.TrimPrefix(w, `"`), `"`)
		words = append(words, "'"+strings.ReplaceAll(w, "'", `'\''`)+"'")
	}
	return strings.Join(words, " ")
}

// workflowCommands reads the run: steps of a GitHub Actions workflow, with
// the env: values set in the file. An expression ${{ env.NAME }} is the
// variable; other expressions are unknown values named by what they read
// (github.ref_name).
func workflowCommands(name, src string) []scriptCommand {
	raw := strings.Split(src, "\n")
	indentOf := func(l string) int { return len(l) - len(strings.TrimLeft(l, " ")) }
	vars := map[string]string{}
	type run struct {
		num    int
		script string
		job    string
	}
	var runs []run
	job, jobIndent := "", -1
	for i := 0; i < len(raw); i++ {
		l := strings.TrimRight(raw[i], "\r")
		text := strings.TrimSpace(stripComment(strings.TrimLeft(l, " ")))
		if text == "" {
			continue
		}
		ind := indentOf(l)
		if text == "jobs:" {
			jobIndent = -2
			continue
		}
		if jobIndent == -2 && strings.HasSuffix(text, ":") {
			jobIndent = ind
		}
		if ind == jobIndent && strings.HasSuffix(text, ":") {
			job = strings.TrimSuffix(text, ":")
		}
		key, value, ok := strings.Cut(strings.TrimPrefix(text, "- "), ":")
		if !ok {
			continue
		}
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		keyIndent := ind
		if strings.HasPrefix(text, "- ") {
			keyIndent += 2
		}
		block := func() (string, int) {
			var lines []string
			blockIndent := -1
			j := i + 1
			for ; j < len(raw); j++ {
				bl := strings.TrimRight(raw[j], "\r")
				if strings.TrimSpace(bl) == "" {
					lines = append(lines, "")
					continue
				}
				if indentOf(bl) <= keyIndent {
					break
				}
				if blockIndent < 0 {
					blockIndent = indentOf(bl)
				}
				lines = append(lines, strings.TrimPrefix(bl, strings.Repeat(" ", blockIndent)))
			}
			return strings.Join(lines, "\n"), j
		}
		switch key {
		case "env":
			if value != "" {
				continue
			}
			for j := i + 1; j < len(raw); j++ {
				bl := strings.TrimRight(raw[j], "\r")
				if strings.TrimSpace(bl) == "" {
					continue
				}
				if indentOf(bl) <= keyIndent {
					break
				}
				k, v, ok := strings.Cut(strings.TrimSpace(stripComment(strings.TrimSpace(bl))), ":")
				if ok && isName(strings.TrimSpace(k)) {
					if s, err := scalar(name, j+1, strings.TrimSpace(v)); err == nil {
						vars[strings.TrimSpace(k)] = s
					}
				}
			}
		case "run":
			switch {
			case value == "|" || value == "|-" || value == "|+":
				script, _ := block()
				runs = append(runs, run{num: i + 2, script: script, job: job})
			case value == ">" || value == ">-" || value == ">+":
				script, _ := block()
				runs = append(runs, run{num: i + 2, script: strings.ReplaceAll(script, "\n", " "), job: job})
			case value != "":
				if s, err := scalar(name, i+1, value); err == nil {
					runs = append(runs, run{num: i + 1, script: s, job: job})
				}
			}
		}
	}
	var out []scriptCommand
	for _, r := range runs {
		shellVars := maps.Clone(vars)
		out = append(out, scriptCommands(name, r.num, r.job, shellCommands(githubExpressions(r.script, vars), shellVars))...)
	}
	return out
}

// scriptCommands turns a script's commands into scriptCommands, the script
// starting at line start of file, with an LdflagsVar entry after each
// assignment to a variable holding linker flags.
func scriptCommands(file string, start int, context string, cmds []shellCommand) []scriptCommand {
	var out []scriptCommand
	dirs := []string{"."} // the directory at each subshell depth
	for _, c := range cmds {
		for len(dirs) <= c.Depth {
			dirs = append(dirs, dirs[len(dirs)-1])
		}
		dirs = dirs[:c.Depth+1]
		if len(c.Words) == 2 && c.Words[0] == "cd" {
			dirs[c.Depth] = path.Join(dirs[c.Depth], c.Words[1])
			if hasUnknown(c.Words[1]) || path.IsAbs(c.Words[1]) {
				dirs[c.Depth] = unknown("cd")
			}
		}
		at := fmt.Sprintf("%s:%d", file, start+c.Line-1)
		out = append(out, scriptCommand{At: at, Words: c.Words, Context: context, Dir: dirs[c.Depth]})
		words := c.Words
		if len(words) > 0 && words[0] == "export" {
			words = words[1:]
		}
		if !slices.ContainsFunc(words, func(w string) bool { _, _, ok := envWord(w); return !ok }) {
			for _, w := range words {
				if n, v, _ := envWord(w); ldflagsVar(n) {
					out = append(out, scriptCommand{At: at, LdflagsVar: true, Context: n, Words: wordsOf(v)})
				}
			}
		}
	}
	return out
}

// wordsOf splits a variable's value into words, as an unquoted expansion.
func wordsOf(v string) []string {
	var out []string
	for _, c := range shellCommands(v, map[string]string{}) {
		out = append(out, c.Words...)
	}
	return out
}

// githubExpressions replaces ${{ ... }} in a run: script: ${{ env.NAME }}
// by $NAME, others by an unknown value named by the expression.
func githubExpressions(s string, vars map[string]string) string {
	var b strings.Builder
	for {
		open := strings.Index(s, "${{")
		if open < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := strings.Index(s[open:], "}}")
		if end < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:open])
		expr := strings.TrimSpace(s[open+3 : open+end])
		if n, ok := strings.CutPrefix(expr, "env."); ok && isName(n) {
			b.WriteString("${" + n + "}")
		} else {
			b.WriteString(unknown(expr))
		}
		s = s[open+end+2:]
	}
}
