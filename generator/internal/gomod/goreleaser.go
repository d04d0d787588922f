package gomod

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/model"
	"github.com/nixgen/nixgen/generator/internal/projfs"
)

// goreleaserFiles are the names goreleaser looks for, in its order.
var goreleaserFiles = []string{".goreleaser.yaml", ".goreleaser.yml", "goreleaser.yaml", "goreleaser.yml"}

// goreleaserLdflags returns the linker flags of the first goreleaser
// config found, translated for buildGoModule's ldflags list:
//
//   - one flag per entry, "-X" joined with its argument ("-X main.v=x");
//   - {{.Version}} (any spacing) becomes model.VersionPlaceholder;
//   - a flag using any other template ({{.Commit}}, {{.Date}}, {{.Env.X}},
//     pipelines, ...) is dropped: nixgen cannot fill it, and the program
//     keeps its built-in default;
//   - -extldflags (usually "-static", which breaks against glibc) and
//     -buildid (buildGoModule sets it) are dropped;
//   - flags of several builds are merged in order, the first -X for a
//     symbol winning.
//
// The config is read with a small YAML subset (block and flow sequences,
// plain, quoted and block scalars); anchors and merge keys are not
// followed. Without explicit ldflags the result is nil.
func goreleaserLdflags(fsys fs.FS, warn func(string)) ([]string, error) {
	for _, name := range goreleaserFiles {
		data, err := projfs.ReadFile(fsys, name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if skip, ok := projfs.Skipped(err); ok {
			warn(skip.Error())
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		values, err := buildsLdflags(name, string(data))
		if err != nil {
			return nil, err
		}
		return translateLdflags(values), nil
	}
	return nil, nil
}

type yamlLine struct {
	num    int // 1-based
	indent int
	text   string // without indentation and trailing comment
}

func yamlLines(src string) []yamlLine {
	var out []yamlLine
	num := 0
	for raw := range strings.Lines(src) {
		num++
		raw = strings.TrimRight(raw, "\r\n")
		trimmed := strings.TrimLeft(raw, " ")
		text := strings.TrimSpace(stripComment(trimmed))
		if text == "" || text == "---" {
			continue
		}
		out = append(out, yamlLine{num: num, indent: len(raw) - len(trimmed), text: text})
	}
	return out
}

// stripComment removes a " #" comment outside quotes.
func stripComment(s string) string {
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			if i == 0 || s[i-1] == ' ' || s[i-1] == '[' || s[i-1] == ',' || s[i-1] == ':' || s[i-1] == '-' {
				quote = c
			}
		case c == '#' && (i == 0 || s[i-1] == ' ' || s[i-1] == '\t'):
			return s[:i]
		}
	}
	return s
}

// buildsLdflags returns every string under builds[].ldflags.
func buildsLdflags(name, src string) ([]string, error) {
	var values []string
	for _, b := range buildItems(src) {
		v, _, err := itemList(name, b.lines, b.keyIndent, "ldflags")
		if err != nil {
			return nil, err
		}
		values = append(values, v...)
	}
	return values, nil
}

// buildItem is one item of the top-level builds sequence.
type buildItem struct {
	lines     []yamlLine
	keyIndent int
}

// buildItems returns the items of the top-level builds: sequence.
func buildItems(src string) []buildItem {
	lines := yamlLines(src)
	var items []buildItem
	for i := 0; i < len(lines); i++ {
		if lines[i].indent != 0 || !isKey(lines[i].text, "builds") {
			continue
		}
		// The builds sequence: lines until the next top-level key.
		end := i + 1
		for end < len(lines) && (lines[end].indent > 0 || strings.HasPrefix(lines[end].text, "-")) {
			end++
		}
		block := lines[i+1 : end]
		for j := 0; j < len(block); j++ {
			l := block[j]
			if !strings.HasPrefix(l.text, "- ") && l.text != "-" {
				continue
			}
			// A sequence item: its mapping keys sit two columns in.
			keyIndent := l.indent + 2
			itemEnd := j + 1
			for itemEnd < len(block) && block[itemEnd].indent >= keyIndent {
				itemEnd++
			}
			item := []yamlLine{{num: l.num, indent: keyIndent, text: strings.TrimSpace(strings.TrimPrefix(l.text, "-"))}}
			item = append(item, block[j+1:itemEnd]...)
			items = append(items, buildItem{lines: item, keyIndent: keyIndent})
			j = itemEnd - 1
		}
		i = end - 1
	}
	return items
}

// goreleaserTags returns the build tags of the first goreleaser config's
// builds for Linux (goos lists linux, or is absent): the tags every one of
// them sets, and where they are, "" when no Linux build sets tags. Tags in
// a build's flags (-tags=a,b) count too.
func goreleaserTags(fsys fs.FS) ([]string, string, error) {
	for _, name := range goreleaserFiles {
		data, err := projfs.ReadFile(fsys, name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if _, ok := projfs.Skipped(err); ok {
			continue // goreleaserLdflags warned
		}
		if err != nil {
			return nil, "", fmt.Errorf("%s: %w", name, err)
		}
		var sets [][]string
		at := ""
		for _, b := range buildItems(string(data)) {
			goos, found, err := itemList(name, b.lines, b.keyIndent, "goos")
			if err != nil {
				return nil, "", err
			}
			if found && !slices.Contains(goos, "linux") {
				continue
			}
			tags, found, err := itemList(name, b.lines, b.keyIndent, "tags")
			if err != nil {
				return nil, "", err
			}
			flags, _, err := itemList(name, b.lines, b.keyIndent, "flags")
			if err != nil {
				return nil, "", err
			}
			for _, f := range flags {
				for _, w := range splitQuoted(f) {
					if v, ok := strings.CutPrefix(strings.TrimPrefix(strings.TrimPrefix(w, "-"), "-"), "tags="); ok {
						tags, found = append(tags, v), true
					}
				}
			}
			if found && at == "" {
				at = fmt.Sprintf("%s:%d", name, b.lines[0].num)
			}
			sets = append(sets, splitTags(tags))
		}
		if at == "" {
			return nil, "", nil
		}
		return intersect(sets), at, nil
	}
	return nil, "", nil
}

func isKey(text, key string) bool {
	return text == key+":" || strings.HasPrefix(text, key+": ")
}

// itemList reads a key of one builds[] item whose value is a string or a
// sequence of strings; found is false when the item lacks the key.
func itemList(name string, item []yamlLine, keyIndent int, key string) (values []string, found bool, err error) {
	for k, l := range item {
		if l.indent != keyIndent || !isKey(l.text, key) {
			continue
		}
		inline := strings.TrimSpace(strings.TrimPrefix(l.text, key+":"))
		rest := item[k+1:]
		switch {
		case strings.HasPrefix(inline, "["):
			flow := inline
			for _, r := range rest {
				if strings.HasSuffix(flow, "]") {
					break
				}
				flow += " " + r.text
			}
			v, err := flowSequence(name, l.num, flow)
			return v, true, err
		case inline == "|" || inline == "|-" || inline == ">" || inline == ">-":
			var parts []string
			for _, r := range rest {
				if r.indent <= keyIndent {
					break
				}
				parts = append(parts, r.text)
			}
			return []string{strings.Join(parts, " ")}, true, nil
		case inline != "":
			s, err := scalar(name, l.num, inline)
			return []string{s}, true, err
		}
		for _, r := range rest {
			if r.indent < keyIndent || (r.indent == keyIndent && !strings.HasPrefix(r.text, "-")) {
				break
			}
			if !strings.HasPrefix(r.text, "- ") {
				continue
			}
			s, err := scalar(name, r.num, strings.TrimSpace(r.text[2:]))
			if err != nil {
				return nil, true, err
			}
			values = append(values, s)
		}
		return values, true, nil
	}
	return nil, false, nil
}

func flowSequence(name string, line int, s string) ([]string, error) {
	if !strings.HasPrefix(s, "[") || !strings.HasSuffix(s, "]") {
		return nil, &diag.InputError{File: name, Line: line, Msg: "ldflags: unterminated flow sequence"}
	}
	body := s[1 : len(s)-1]
	var values []string
	for len(strings.TrimSpace(body)) > 0 {
		body = strings.TrimSpace(body)
		var item string
		if body[0] == '"' || body[0] == '\'' {
			end := closingQuote(body)
			if end < 0 {
				return nil, &diag.InputError{File: name, Line: line, Msg: "ldflags: unterminated quoted string"}
			}
			item, body = body[:end+1], body[end+1:]
		} else {
			comma := strings.IndexByte(body, ',')
			if comma < 0 {
				comma = len(body)
			}
			item, body = body[:comma], body[comma:]
		}
		v, err := scalar(name, line, strings.TrimSpace(item))
		if err != nil {
			return nil, err
		}
		values = append(values, v)
		body = strings.TrimPrefix(strings.TrimSpace(body), ",")
	}
	return values, nil
}

// closingQuote returns the index of the quote closing s[0], or -1.
func closingQuote(s string) int {
	q := s[0]
	for i := 1; i < len(s); i++ {
		switch {
		case q == '"' && s[i] == '\\':
			i++
		case s[i] == q && q == '\'' && i+1 < len(s) && s[i+1] == '\'':
			i++
		case s[i] == q:
			return i
		}
	}
	return -1
}

// scalar decodes a plain, single- or double-quoted YAML scalar.
func scalar(name string, line int, s string) (string, error) {
	if s == "" || (s[0] != '"' && s[0] != '\'') {
		return s, nil
	}
	end := closingQuote(s)
	if end != len(s)-1 {
		return "", &diag.InputError{File: name, Line: line, Msg: "ldflags: malformed quoted string " + s}
	}
	body := s[1:end]
	if s[0] == '\'' {
		return strings.ReplaceAll(body, "''", "'"), nil
	}
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		if body[i] != '\\' || i+1 == len(body) {
			b.WriteByte(body[i])
			continue
		}
		i++
		switch body[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		default:
			b.WriteByte(body[i])
		}
	}
	return b.String(), nil
}

// translateLdflags splits goreleaser ldflags strings into flags and
// translates their templates (see goreleaserLdflags).
func translateLdflags(values []string) []string {
	var out []string
	seenX := map[string]bool{}
	for _, v := range values {
		words := splitQuoted(v)
		for i := 0; i < len(words); i++ {
			w := words[i]
			name, arg, paired := strings.Cut(strings.TrimLeft(w, "-"), "=")
			name = "-" + name
			switch name {
			case "-X", "-extldflags", "-buildid", "-linkmode", "-extld", "-buildmode":
				if !paired {
					if i+1 == len(words) {
						continue
					}
					i++
					arg, paired = words[i], true
				}
			default:
				name, arg, paired = w, "", false
			}
			switch name {
			case "-extldflags", "-buildid":
				continue
			}
			if strings.Contains(name, "{{") || strings.Contains(name, "$") {
				continue
			}
			translated, ok := translateTemplate(arg)
			if !ok {
				continue
			}
			if name == "-X" {
				sym, _, _ := strings.Cut(translated, "=")
				if seenX[sym] {
					continue
				}
				seenX[sym] = true
			}
			if paired {
				quoted, ok := quoteLdflag(translated)
				if !ok {
					continue // no quoting of go's carries it
				}
				out = append(out, name+" "+quoted)
				continue
			}
			if !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	return out
}

// translateTemplate replaces {{.Version}} with model.VersionPlaceholder and
// reports false for any other template or a literal "$".
func translateTemplate(s string) (string, bool) {
	if strings.Contains(s, "$") {
		return "", false
	}
	var b strings.Builder
	for {
		open := strings.Index(s, "{{")
		if open < 0 {
			b.WriteString(s)
			return b.String(), true
		}
		closing := strings.Index(s[open:], "}}")
		if closing < 0 {
			return "", false
		}
		action := strings.TrimSpace(strings.Trim(s[open+2:open+closing], "-"))
		if action != ".Version" {
			return "", false
		}
		b.WriteString(s[:open])
		b.WriteString(model.VersionPlaceholder)
		s = s[open+closing+2:]
	}
}

// splitQuoted splits s as the go command splits -ldflags
// (cmd/internal/quoted.Split), which is what goreleaser's ldflags reach:
// fields at white space; a field that starts with ' or " runs to the next
// such quote, with no escapes; a quote inside a field is a plain
// character. A {{ template }} stays in one piece, as goreleaser fills it
// in before go splits. An unterminated quote leaves the rest out.
func splitQuoted(s string) []string {
	var words []string
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
	for i := 0; i < len(s); {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i == len(s) {
			break
		}
		if q := s[i]; q == '\'' || q == '"' {
			end := strings.IndexByte(s[i+1:], q)
			if end < 0 {
				break
			}
			words = append(words, s[i+1:i+1+end])
			i += end + 2
			continue
		}
		start := i
		for i < len(s) && !isSpace(s[i]) {
			if strings.HasPrefix(s[i:], "{{") {
				if end := strings.Index(s[i:], "}}"); end >= 0 {
					i += end + 2
					continue
				}
			}
			i++
		}
		words = append(words, s[start:i])
	}
	return words
}

// quoteLdflag writes one word of -ldflags so that the go command reads it
// back whole (see splitQuoted): as it is when it needs no quotes, else in
// single quotes, or double quotes when it holds a single quote. A word
// with both, or with a quote character first and white space, cannot be
// written: ok is false.
func quoteLdflag(w string) (string, bool) {
	needs := w == "" || strings.ContainsAny(w, " \t\n\r") || w[0] == '\'' || w[0] == '"'
	switch {
	case !needs:
		return w, true
	case !strings.Contains(w, "'"):
		return "'" + w + "'", true
	case !strings.Contains(w, `"`):
		return `"` + w + `"`, true
	}
	return "", false
}

// splitTags splits -tags values ("a,b", "a b") into sorted, unique tags.
func splitTags(values []string) []string {
	var tags []string
	for _, v := range values {
		for _, t := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
			tags = append(tags, t)
		}
	}
	return sortedUnique(tags)
}

// intersect returns the strings every one of the sorted sets holds.
func intersect(sets [][]string) []string {
	if len(sets) == 0 {
		return nil
	}
	var out []string
	for _, s := range sets[0] {
		all := true
		for _, other := range sets[1:] {
			if !slices.Contains(other, s) {
				all = false
			}
		}
		if all {
			out = append(out, s)
		}
	}
	return out
}
