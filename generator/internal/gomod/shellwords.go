package gomod

import (
	"slices"
	"strings"
)

// unknown marks, inside a word, a value nixgen cannot know: a variable no
// script sets, a command substitution, a GitHub Actions expression. The
// text between the marks names it ("VERSION", "shell_git_describe"), with
// every character but letters, digits, "_" and "." made "_", so that a
// marked word stays one word.
func unknown(name string) string {
	b := []byte(name)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.') {
			b[i] = '_'
		}
	}
	return "\x00" + string(b) + "\x00"
}

// hasUnknown reports whether s holds a value nixgen cannot know.
func hasUnknown(s string) bool { return strings.Contains(s, "\x00") }

// shellCommand is one simple command of a script: its words after quote
// removal and expansion, and the line (1-based, counted from the script's
// start) it starts on.
type shellCommand struct {
	Words []string
	Line  int
	Depth int // subshells open around it: a cd inside one ends with it
}

// shellCommands splits a POSIX shell script into simple commands, enough
// to read the go commands a build script runs. Variables are expanded from
// vars (${NAME:-default} too); what is not known becomes an unknown mark,
// and so does a variable named like a version (VERSION, GIT_TAG), whose
// value in a build is the release's, whatever its default says.
// Assignments the script makes (NAME=value alone, or after export) are
// recorded into vars as they come, so later commands see them. Control
// structure (if, for, subshells) is read as a sequence of commands.
func shellCommands(script string, vars map[string]string) []shellCommand {
	var cmds []shellCommand
	var words []string
	var word strings.Builder
	inWord, line, start, depth := false, 1, 0, 0
	endWord := func() {
		if inWord {
			words = append(words, word.String())
		}
		word.Reset()
		inWord = false
	}
	endCmd := func() {
		endWord()
		// then go build ...; else mkdir ...: the command after the keyword.
		for len(words) > 0 && slices.Contains([]string{"then", "else", "do", "if", "elif", "while", "until", "!", "{", "}", "fi", "done", "esac"}, words[0]) {
			words = words[1:]
		}
		if len(words) > 0 {
			cmds = append(cmds, shellCommand{Words: words, Line: start, Depth: depth})
			assign(words, vars)
		}
		words = nil
	}
	s := script
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !inWord && len(words) == 0 && c != ' ' && c != '\t' && c != '\n' {
			start = line
		}
		switch {
		case c == '\n':
			line++
			endCmd()
		case c == '\\' && i+1 < len(s):
			i++
			if s[i] == '\n' {
				line++ // a continuation
				continue
			}
			word.WriteByte(s[i])
			inWord = true
		case c == ' ' || c == '\t':
			endWord()
		case c == ';' || c == '&' || c == '|':
			endCmd()
		case c == '(' || c == ')':
			endCmd()
			if c == '(' {
				depth++
			} else {
				depth = max(depth-1, 0)
			}
		case c == '#' && !inWord:
			for i+1 < len(s) && s[i+1] != '\n' {
				i++
			}
		case c == '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				end = len(s) - i - 1
			}
			word.WriteString(s[i+1 : i+1+end])
			line += strings.Count(s[i+1:i+1+end], "\n")
			inWord = true
			i += end + 1
		case c == '"':
			inWord = true
			for i++; i < len(s) && s[i] != '"'; i++ {
				switch {
				case s[i] == '\\' && i+1 < len(s) && strings.IndexByte("$`\"\\\n", s[i+1]) >= 0:
					i++
					if s[i] != '\n' {
						word.WriteByte(s[i])
					}
				case s[i] == '$' || s[i] == '`':
					n := expandShell(s[i:], vars, &word)
					i += n - 1
				default:
					if s[i] == '\n' {
						line++
					}
					word.WriteByte(s[i])
				}
			}
		case c == '$' || c == '`':
			inWord = true
			n := expandShell(s[i:], vars, &word)
			line += strings.Count(s[i:i+n], "\n")
			i += n - 1
		default:
			word.WriteByte(c)
			inWord = true
		}
	}
	endCmd()
	return cmds
}

// expandShell expands the $ or ` expression at the start of s into w and
// returns its length.
func expandShell(s string, vars map[string]string, w *strings.Builder) int {
	if s[0] == '`' {
		end := strings.IndexByte(s[1:], '`')
		if end < 0 {
			w.WriteString(unknown(s[1:]))
			return len(s)
		}
		w.WriteString(unknown(s[1 : end+1]))
		return end + 2
	}
	if len(s) == 1 {
		w.WriteByte('$')
		return 1
	}
	switch c := s[1]; {
	case c == '(':
		end := closing(s[1:], '(', ')')
		w.WriteString(unknown(strings.TrimSpace(strings.Trim(s[2:1+end], "()"))))
		return end + 2
	case c == '{':
		end := strings.IndexByte(s, '}')
		if end < 0 {
			w.WriteString(unknown(s[2:]))
			return len(s)
		}
		expr := s[2:end]
		name, def, hasDef := strings.Cut(expr, ":-")
		if !hasDef {
			name, def, hasDef = strings.Cut(expr, "-")
		}
		if v, ok := vars[name]; ok && (v != "" || !strings.Contains(expr, ":-")) && !versionLike.MatchString(name) {
			w.WriteString(v)
		} else if hasDef && isName(name) && !versionLike.MatchString(name) {
			w.WriteString(def)
		} else {
			w.WriteString(unknown(name))
		}
		return end + 1
	case c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z':
		n := 2
		for n < len(s) && (s[n] == '_' || s[n] >= 'A' && s[n] <= 'Z' || s[n] >= 'a' && s[n] <= 'z' || s[n] >= '0' && s[n] <= '9') {
			n++
		}
		if v, ok := vars[s[1:n]]; ok && !versionLike.MatchString(s[1:n]) {
			w.WriteString(v)
		} else {
			w.WriteString(unknown(s[1:n]))
		}
		return n
	case strings.IndexByte("0123456789@*#?$!-", c) >= 0:
		w.WriteString(unknown("arg"))
		return 2
	}
	w.WriteByte('$')
	return 1
}

// closing returns the index in s (which starts with open) of the bracket
// that closes it, or len(s)-1.
func closing(s string, open, close byte) int {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case open:
			depth++
		case close:
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return len(s) - 1
}

// assign records a command of assignments only (NAME=value ..., or export
// or readonly followed by them) into vars.
func assign(words []string, vars map[string]string) {
	if len(words) > 0 && (words[0] == "export" || words[0] == "readonly" || words[0] == "local" || words[0] == "declare") {
		words = words[1:]
	}
	for _, w := range words {
		if _, _, ok := envWord(w); !ok {
			return
		}
	}
	for _, w := range words {
		name, value, _ := envWord(w)
		vars[name] = value
	}
}

// envWord splits a NAME=value word.
func envWord(w string) (string, string, bool) {
	name, value, ok := strings.Cut(w, "=")
	if !ok || !isName(name) {
		return "", "", false
	}
	return name, value, true
}

func isName(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for _, c := range s {
		if !(c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
