package colname

import (
	"errors"
	"fmt"
	"strings"
)

// Item is one entry of a comma-separated argument.
type Item struct {
	// Text is the entry trimmed of spaces, backticks as written.
	Text string
	// Pos is the byte offset of Text in the argument, so that errors can
	// point at it.
	Pos int
}

// Split splits arg at the commas outside backticks. It fails on an
// unterminated backtick and on an empty entry.
func Split(arg string) ([]Item, error) {
	var items []Item
	quoted := false
	start := 0
	cut := func(end int) {
		raw := arg[start:end]
		text := strings.TrimLeft(raw, " \t")
		pos := start + len(raw) - len(text)
		items = append(items, Item{strings.TrimRight(text, " \t"), pos})
		start = end + 1
	}
	for i := 0; i < len(arg); i++ {
		switch arg[i] {
		case '`':
			// `` inside backticks is a literal backtick: toggling twice
			// leaves quoted as it was.
			quoted = !quoted
		case ',':
			if !quoted {
				cut(i)
			}
		}
	}
	if quoted {
		return nil, fmt.Errorf("unterminated backtick in %q", arg)
	}
	cut(len(arg))
	for _, it := range items {
		if it.Text == "" {
			return nil, fmt.Errorf("empty column name in %q", arg)
		}
	}
	return items, nil
}

// Unquote returns the name s spells: backticked parts lose their
// backticks, a doubled backtick inside them becomes one, and the rest is kept as
// written (s is trimmed first).
func Unquote(s string) (string, error) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "`") {
		return s, nil
	}
	var b strings.Builder
	quoted := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '`' && quoted && i+1 < len(s) && s[i+1] == '`':
			b.WriteByte('`')
			i++
		case c == '`':
			quoted = !quoted
		default:
			b.WriteByte(c)
		}
	}
	if quoted {
		return "", fmt.Errorf("unterminated backtick in %q", s)
	}
	return b.String(), nil
}

// Names splits arg into the names it lists.
func Names(arg string) ([]string, error) {
	items, err := Split(arg)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(items))
	for k, it := range items {
		if names[k], err = Unquote(it.Text); err != nil {
			return nil, err
		}
		if names[k] == "" {
			return nil, fmt.Errorf("empty column name in %q", arg)
		}
	}
	return names, nil
}

// ErrNoName is returned by CutQuoted for text that does not start with a
// backtick.
var ErrNoName = errors.New("colname: not a backticked name")

// CutQuoted reads the backticked name at the start of s and returns it
// with the text after its closing backtick.
func CutQuoted(s string) (name, rest string, err error) {
	if !strings.HasPrefix(s, "`") {
		return "", s, ErrNoName
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != '`' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '`' {
			b.WriteByte('`')
			i++
			continue
		}
		return b.String(), s[i+1:], nil
	}
	return "", "", fmt.Errorf("unterminated backtick in %q", s)
}

// Cut splits s at the first sep outside backticks, as strings.Cut does,
// and returns both sides unquoted: the OLD=NEW of rename, the COL:TYPE of
// cast. Without sep, before is all of s, unquoted.
func Cut(s string, sep byte) (before, after string, found bool, err error) {
	quoted := false
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '`':
			quoted = !quoted
		case s[i] == sep && !quoted:
			if before, err = Unquote(s[:i]); err != nil {
				return "", "", false, err
			}
			after, err = Unquote(s[i+1:])
			return before, after, true, err
		}
	}
	before, err = Unquote(s)
	return before, "", false, err
}
