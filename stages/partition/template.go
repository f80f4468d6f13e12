package partition

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/arrowpipe/arrowpipe/stages/hive"
)

// ErrTemplate is wrapped by ParseTemplate's errors and by a template that
// gives two keys one file.
var ErrTemplate = errors.New("partition: output path template")

// A Template is an output path with {column} parts, such as
// "out/region={region}/part.parquet": one file per distinct combination
// of the columns' values, each value written as --partition-by writes it
// (hive.Escape: "/", "..", control bytes and other unsafe bytes escaped,
// the empty string as hive.Empty, null as hive.Null), so that no value
// names a path outside its own segment; a value that starts a segment
// has a leading "." or "_" escaped too, so that no file is hidden from a
// directory read. "{{" and "}}" are literal braces.
//
// The directories before the first segment with a column are the root,
// written all or nothing as Options.Dir. A column in a hive-style
// directory segment (exactly "name={name}") is left out of the files, as
// --partition-by and DuckDB's PARTITION_BY leave it: reading the root
// back yields it from the directory names. A column only in the file name
// or in another kind of segment stays in the files, since nothing would
// give it back.
type Template struct {
	root string
	segs [][]piece // the segments below the root
	cols []string  // in order of first appearance
	drop []string  // the columns of hive-style directory segments
}

// A piece is literal text or, when col is set, a column's value.
type piece struct {
	text string
	col  bool
}

// IsTemplate reports whether path is meant as a template: it has a brace.
// A path whose only braces are "{{" or "}}" is a template too, with no
// column: ParseTemplate refuses it, as a template that names no column.
func IsTemplate(path string) bool { return strings.ContainsAny(path, "{}") }

// ParseTemplate parses an output path template (see Template).
func ParseTemplate(s string) (*Template, error) {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%w %q: %s", ErrTemplate, s, fmt.Sprintf(format, args...))
	}
	var segs [][]piece
	for _, seg := range strings.Split(s, "/") {
		ps, err := parsePieces(seg)
		if err != nil {
			return nil, fail("%v", err)
		}
		segs = append(segs, ps)
	}
	first := slices.IndexFunc(segs, func(ps []piece) bool { return slices.ContainsFunc(ps, func(p piece) bool { return p.col }) })
	switch {
	case first < 0:
		return nil, fail("no {column} in it (write {{ and }} for braces in a plain file name)")
	case first == 0 || (first == 1 && literal(segs[0]) == ""):
		return nil, fail("the {column} parts must be below a directory, e.g. out/{region}.csv: that directory is written all or nothing")
	}
	t := &Template{segs: segs[first:]}
	var root []string
	for _, ps := range segs[:first] {
		root = append(root, literal(ps))
	}
	t.root = strings.Join(root, "/")
	if b := path.Base(path.Clean(t.root)); b == "." || b == ".." || b == "/" {
		return nil, fail("the directory before the first {column} is the output root, written all or nothing: name one, e.g. out/{region}.csv, not %q", t.root)
	}
	for i, ps := range t.segs {
		last := i == len(t.segs)-1
		if len(ps) == 0 {
			if last {
				return nil, fail("it ends with /: give a file name, e.g. out/{region}/part.csv")
			}
			return nil, fail("an empty path segment (//)")
		}
		if lit := literal(ps); len(ps) == 1 && (lit == "." || lit == "..") {
			return nil, fail("%q below the root would mix the keys' files", lit)
		}
		for _, p := range ps {
			if p.col && !slices.Contains(t.cols, p.text) {
				t.cols = append(t.cols, p.text)
			}
		}
		if col, ok := hiveStyle(ps); ok && !last && !slices.Contains(t.drop, col) {
			t.drop = append(t.drop, col)
		}
	}
	return t, nil
}

// parsePieces splits one segment into literal text and {column} parts.
func parsePieces(seg string) ([]piece, error) {
	var ps []piece
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			ps = append(ps, piece{text: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		switch {
		case c == '{' && strings.HasPrefix(seg[i:], "{{"), c == '}' && strings.HasPrefix(seg[i:], "}}"):
			lit.WriteByte(c)
			i++
		case c == '{':
			end := strings.IndexAny(seg[i+1:], "{}")
			if end < 0 || seg[i+1+end] != '}' {
				return nil, fmt.Errorf("%q opens a {column} that does not close (write {{ for a brace)", seg)
			}
			name := seg[i+1 : i+1+end]
			if name == "" {
				return nil, fmt.Errorf("%q has an empty {} (write {{}} for braces)", seg)
			}
			flush()
			ps = append(ps, piece{text: name, col: true})
			i += end + 1
		case c == '}':
			return nil, fmt.Errorf("%q has a } that closes nothing (write }} for a brace)", seg)
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return ps, nil
}

// literal is the text of a segment without columns ("" if it has one).
func literal(ps []piece) string {
	var b strings.Builder
	for _, p := range ps {
		if p.col {
			return ""
		}
		b.WriteString(p.text)
	}
	return b.String()
}

// hiveStyle reports a segment "name={name}" whose name needs no escaping,
// which package plan reads back as the column name.
func hiveStyle(ps []piece) (string, bool) {
	if len(ps) != 2 || ps[0].col || !ps[1].col {
		return "", false
	}
	name, ok := strings.CutSuffix(ps[0].text, "=")
	if !ok || name != ps[1].text || hive.Escape(name, true) != name {
		return "", false
	}
	return name, true
}

// Root is the directory before the first segment with a column: the
// output directory (Options.Dir).
func (t *Template) Root() string { return t.root }

// Columns are the template's columns in order of first appearance.
func (t *Template) Columns() []string { return slices.Clone(t.cols) }

// Dropped are the columns left out of the files: those of hive-style
// directory segments.
func (t *Template) Dropped() []string { return slices.Clone(t.drop) }

// path returns the file of one key, relative to the root: values holds
// each of Columns' values escaped (hive.Escape). A value that starts a
// segment with "." or "_" has that byte escaped too (%2E, %5F), so that
// no key makes a name that a directory read skips (null, hive.Null, would
// be "__HIVE_DEFAULT_PARTITION__"). A segment that the values
// and literal text make "." or ".." is an error rather than a path that
// leaves its directory.
func (t *Template) path(values []string) (string, error) {
	segs := make([]string, len(t.segs))
	for i, ps := range t.segs {
		var b strings.Builder
		for _, p := range ps {
			if !p.col {
				b.WriteString(p.text)
				continue
			}
			v := values[slices.Index(t.cols, p.text)]
			if b.Len() == 0 && v != "" && (v[0] == '.' || v[0] == '_') {
				// Not a name that a directory read skips (hive.Null and
				// hive.Empty start with "_"), nor the spill directory.
				v = fmt.Sprintf("%%%02X", v[0]) + v[1:]
			}
			b.WriteString(v)
		}
		segs[i] = b.String()
		if segs[i] == "." || segs[i] == ".." || (i == 0 && segs[i] == spillName) {
			return "", fmt.Errorf("%w: the values make the path segment %q", ErrTemplate, segs[i])
		}
	}
	return path.Join(segs...), nil
}
