package hive

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
)

// Null is the segment value of a null partition key.
const Null = "__HIVE_DEFAULT_PARTITION__"

// Empty is the segment value of an empty string.
const Empty = "__HIVE_EMPTY__"

// ErrBadSegment is wrapped by Parse for a key=value segment it cannot
// decode.
var ErrBadSegment = errors.New("hive: bad partition segment")

// Escape returns value as the value part of one path segment; valid is
// false for a null.
func Escape(value string, valid bool) string {
	switch {
	case !valid:
		return Null
	case value == "":
		return Empty
	}
	var b strings.Builder
	for i := 0; i < len(value); i++ {
		c := value[i]
		if needsEscape(c) || (c == '_' && i == 0) || (c == '.' && isDots(value)) {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func isDots(s string) bool { return s == "." || s == ".." }

// needsEscape lists the bytes a segment never holds as they are: path
// separators, the escape and key characters, control bytes, and what
// Windows, shells or URLs make special. Bytes of UTF-8 text above 0x7f
// stay, so that names remain readable.
func needsEscape(c byte) bool {
	if c < 0x20 || c == 0x7f {
		return true
	}
	return strings.IndexByte("/\\%=:*?\"<>|#{}[]^~`'", c) >= 0
}

// Segment returns "key=value" with both parts escaped.
func Segment(key, value string, valid bool) string {
	return Escape(key, true) + "=" + Escape(value, valid)
}

// Unescape decodes a segment value; valid is false for Null.
func Unescape(s string) (value string, valid bool, err error) {
	switch s {
	case Null:
		return "", false, nil
	case Empty:
		return "", true, nil
	}
	v, err := url.PathUnescape(s)
	if err != nil {
		return "", false, fmt.Errorf("%w %q: %v", ErrBadSegment, s, err)
	}
	return v, true, nil
}

// A Pair is one partition key and its value, read from a path.
type Pair struct {
	Key   string
	Value string
	Valid bool // false for a null value
}

// Parse returns the key=value directory segments of path, outermost first
// (the file name itself does not count). Segments without "=" are skipped;
// a key that appears twice is an error, as is a segment Unescape refuses.
func Parse(path string) ([]Pair, error) {
	dir := filepath.ToSlash(filepath.Dir(path))
	var pairs []Pair
	for _, seg := range strings.Split(dir, "/") {
		k, v, ok := strings.Cut(seg, "=")
		if !ok || k == "" {
			continue
		}
		key, _, err := Unescape(k)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		value, valid, err := Unescape(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		for _, p := range pairs {
			if p.Key == key {
				return nil, fmt.Errorf("%s: %w: key %q appears twice", path, ErrBadSegment, key)
			}
		}
		pairs = append(pairs, Pair{Key: key, Value: value, Valid: valid})
	}
	return pairs, nil
}
