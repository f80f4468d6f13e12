package input

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/arrowpipe/arrowpipe/stages/format"
)

// ErrNoMatch is returned by Expand for a pattern that matches no file.
var ErrNoMatch = errors.New("input: no file matches")

// Expand turns command-line input arguments into the files to read, in
// order: an argument that names an existing file (or stdin, "-") is kept
// as it is; a directory stands for every file beneath it, at any depth,
// whose name has a known table format (format.FromPath; compressed ones
// too), skipping names that start with "." or "_" (hidden files,
// _SUCCESS markers, in-progress temporary directories); anything else
// with *, ? or [ is a glob pattern, expanded by Expand rather than the
// shell so that it works when the list would be too long for an argument
// list. A pattern's "**" segment matches any number of directories (zero
// included); the other segments follow path.Match. The files of one
// directory or pattern come sorted by path (byte order), so a run reads
// them in the same order every time. A pattern or directory that yields
// no file is an error wrapping ErrNoMatch. It reads only directory
// entries, never the files.
func Expand(args []string) ([]string, error) {
	files, _, err := ExpandRooted(args)
	return files, err
}

// ExpandRooted is Expand that also gives, for each file, the part of its
// path that the expansion walked: below the directory argument, or below
// a pattern's fixed leading directories; "" for a file named as it is.
// Hive partition directories (key=value) count only there, so that a
// directory that happens to have "=" in its name above the data adds no
// column.
func ExpandRooted(args []string) (files, walked []string, err error) {
	for _, arg := range args {
		n := len(files)
		files, err = expandOne(files, arg)
		if err != nil {
			return nil, nil, err
		}
		root := rootOf(arg)
		for _, f := range files[n:] {
			w := ""
			if root != "" {
				if rel, err := filepath.Rel(root, f); err == nil && !strings.HasPrefix(rel, "..") {
					w = rel
				}
			}
			walked = append(walked, w)
		}
	}
	return files, walked, nil
}

// rootOf is the directory an argument's expansion walks from, or "" for
// a file named as it is.
func rootOf(arg string) string {
	if IsStdin(arg) {
		return ""
	}
	if st, err := os.Stat(arg); err == nil {
		if st.IsDir() {
			return arg
		}
		return ""
	}
	if !hasMeta(arg) {
		return ""
	}
	segs := strings.Split(filepath.ToSlash(arg), "/")
	fixed := 0
	for fixed < len(segs) && !hasMeta(segs[fixed]) && segs[fixed] != "**" {
		fixed++
	}
	switch root := strings.Join(segs[:fixed], "/"); {
	case fixed == 0:
		return "."
	case root == "":
		return "/"
	default:
		return root
	}
}

func expandOne(out []string, arg string) ([]string, error) {
	if IsStdin(arg) {
		return append(out, arg), nil
	}
	{
		st, err := os.Stat(arg)
		switch {
		case err == nil && st.IsDir():
			files, err := dirFiles(arg)
			if err != nil {
				return nil, err
			}
			if len(files) == 0 {
				return nil, fmt.Errorf("%s: is a directory holding no csv, tsv, ndjson, arrow or parquet file: %w", arg, ErrNoMatch)
			}
			out = append(out, files...)
		case err == nil || !hasMeta(arg):
			out = append(out, arg) // a file, or a missing one that Open reports
		default:
			files, err := glob(arg)
			if err != nil {
				return nil, err
			}
			if len(files) == 0 {
				return nil, fmt.Errorf("%s: %w", arg, ErrNoMatch)
			}
			out = append(out, files...)
		}
	}
	return out, nil
}

func hasMeta(s string) bool { return strings.ContainsAny(s, "*?[") }

// hidden reports names that a directory read skips.
func hidden(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}

// dirFiles lists the table files beneath dir, sorted.
func dirFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir && hidden(d.Name()) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.IsDir() {
			if f, _ := format.FromPath(p); f != format.Unknown {
				files = append(files, p)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	return files, nil
}

// glob expands one pattern. The segments before the first one with a
// metacharacter are the directory walked; the rest is matched against the
// path beneath it.
func glob(pattern string) ([]string, error) {
	segs := strings.Split(filepath.ToSlash(pattern), "/")
	fixed := 0
	for fixed < len(segs) && !hasMeta(segs[fixed]) && segs[fixed] != "**" {
		fixed++
	}
	for _, s := range segs[fixed:] {
		if _, err := path.Match(s, ""); err != nil {
			return nil, fmt.Errorf("%s: bad pattern: %w", pattern, err)
		}
	}
	root := strings.Join(segs[:fixed], "/")
	switch {
	case fixed == 0:
		root = "."
	case root == "":
		root = "/" // the pattern was absolute: "/*.csv"
	}
	rest := segs[fixed:]
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return err
		}
		if p == root {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		parts := strings.Split(filepath.ToSlash(rel), "/")
		if d.IsDir() {
			if !matchPrefix(rest, parts) {
				return fs.SkipDir
			}
			return nil
		}
		if matchSegs(rest, parts) {
			if fixed == 0 {
				files = append(files, rel)
			} else {
				files = append(files, p)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	return files, nil
}

// matchSegs matches path segments against pattern segments; "**" matches
// zero or more segments. Like a shell, a wildcard does not match a leading
// "." in a name.
func matchSegs(pat, parts []string) bool {
	if len(pat) == 0 {
		return len(parts) == 0
	}
	if pat[0] == "**" {
		for i := 0; i <= len(parts); i++ {
			if i > 0 && strings.HasPrefix(parts[i-1], ".") {
				return false
			}
			if matchSegs(pat[1:], parts[i:]) {
				return true
			}
		}
		return false
	}
	if len(parts) == 0 || !matchOne(pat[0], parts[0]) {
		return false
	}
	return matchSegs(pat[1:], parts[1:])
}

// matchPrefix reports whether a directory whose path is parts could hold
// a match of pat, so that the walk can skip the others.
func matchPrefix(pat, parts []string) bool {
	for i, part := range parts {
		if i >= len(pat) {
			return false
		}
		if pat[i] == "**" {
			return !strings.HasPrefix(part, ".") || matchAnyLater(pat[i+1:], part)
		}
		if !matchOne(pat[i], part) {
			return false
		}
	}
	return true
}

func matchAnyLater(pat []string, part string) bool {
	return len(pat) > 0 && matchOne(pat[0], part)
}

func matchOne(pat, name string) bool {
	if strings.HasPrefix(name, ".") && !strings.HasPrefix(pat, ".") {
		return false
	}
	ok, _ := path.Match(pat, name)
	return ok
}
