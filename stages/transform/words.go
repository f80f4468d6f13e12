package transform

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/stages/internal/colname"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// The command line's words, parsed into the typed arguments of the
// constructors. Column lists are comma-separated, names bare or in
// backticks (see stages/internal/colname). Errors are prefixed with the
// verb's name, as the command line prints them.

// parseNames parses a column list and returns the names with their
// offsets in arg.
func parseNames(verbName, arg string) (names []string, offs []int, err error) {
	items, err := colname.Split(arg)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", verbName, err)
	}
	for _, it := range items {
		name, err := colname.Unquote(it.Text)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", verbName, err)
		}
		names, offs = append(names, name), append(offs, it.Pos)
	}
	return names, offs, nil
}

func parseSelect(args []string) (verb.Verb, error) {
	names, offs, err := parseNames("select", args[0])
	if err != nil {
		return verb.Verb{}, err
	}
	return located(Select(names...), args[0], offs), nil
}

func parseDrop(args []string) (verb.Verb, error) {
	names, offs, err := parseNames("drop", args[0])
	if err != nil {
		return verb.Verb{}, err
	}
	return located(Drop(names...), args[0], offs), nil
}

// parseRename parses OLD=NEW, ...
func parseRename(args []string) (verb.Verb, error) {
	items, err := colname.Split(args[0])
	if err != nil {
		return verb.Verb{}, fmt.Errorf("rename: %w", err)
	}
	renames := make([]Renaming, len(items))
	offs := make([]int, len(items))
	for k, it := range items {
		old, nu, ok, err := colname.Cut(it.Text, '=')
		if err != nil {
			return verb.Verb{}, fmt.Errorf("rename: %w", err)
		}
		if !ok || old == "" || nu == "" {
			return verb.Verb{}, fmt.Errorf("rename: %q is not OLD=NEW", it.Text)
		}
		renames[k], offs[k] = Renaming{Old: old, New: nu}, it.Pos
	}
	return located(Rename(renames...), args[0], offs), nil
}

// parseCast parses COL:TYPE, ... with the types named as in castTargets
// or their synonyms, in any case.
func parseCast(args []string) (verb.Verb, error) {
	items, err := colname.Split(args[0])
	if err != nil {
		return verb.Verb{}, fmt.Errorf("cast: %w", err)
	}
	items = joinParens(items)
	casts := make([]Casting, len(items))
	offs := make([]int, len(items))
	for k, it := range items {
		col, typ, ok, err := colname.Cut(it.Text, ':')
		if err != nil {
			return verb.Verb{}, fmt.Errorf("cast: %w", err)
		}
		typ = strings.ToLower(typ)
		if !ok || col == "" || typ == "" {
			return verb.Verb{}, fmt.Errorf("cast: %q is not COL:TYPE", it.Text)
		}
		to, err := castType(typ)
		if err != nil {
			return verb.Verb{}, fmt.Errorf("cast: %w", err)
		}
		casts[k], offs[k] = Casting{Column: col, To: to}, it.Pos
	}
	return located(Cast(casts...), args[0], offs), nil
}

// castType returns the type a cast type name stands for.
func castType(word string) (arrow.DataType, error) {
	if dt, ok, err := decimalType(word); ok {
		return dt, err
	}
	aliases := map[string]string{
		"int64": "int", "integer": "int", "float64": "float", "double": "float",
		"str": "string", "utf8": "string", "boolean": "bool",
	}
	if name, ok := aliases[word]; ok {
		word = name
	}
	var names []string
	for _, t := range castTargets() {
		if castTargetName(t.name) == castTargetName(word) {
			return t.to, nil
		}
		names = append(names, t.name)
	}
	all := append(slices.Collect(maps.Keys(aliases)), names...)
	slices.Sort(all)
	if hint := colname.Closest(word, all); hint != "" {
		return nil, fmt.Errorf("unknown type %q, did you mean %q?", word, hint)
	}
	return nil, fmt.Errorf("unknown type %q (types: %s)", word, strings.Join(names, ", "))
}

// parseDerive parses NAME = EXPR; ... (a trailing semicolon allowed); each
// definition's expression keeps its offset in the word, so that Build's
// errors point there.
func parseDerive(args []string) (verb.Verb, error) {
	arg := args[0]
	parts, starts := splitAssignments(arg)
	var defs []Definition
	var offs []int
	for k, p := range parts {
		if strings.TrimSpace(p) == "" {
			if k == len(parts)-1 && k > 0 {
				continue // a trailing semicolon
			}
			return verb.Verb{}, fmt.Errorf("derive: empty assignment in %q", arg)
		}
		name, at, err := parseAssignment(p)
		if err != nil {
			return verb.Verb{}, fmt.Errorf("derive: %w", err)
		}
		defs, offs = append(defs, Definition{Name: name, Expr: p[at:]}), append(offs, starts[k]+at)
	}
	return located(Derive(defs...), arg, offs), nil
}

// parseFilter takes the condition as it is: Build checks it.
func parseFilter(args []string) (verb.Verb, error) { return Filter(args[0]), nil }

func parseHead(args []string) (verb.Verb, error) {
	n, err := parseCount("head", args[0])
	if err != nil {
		return verb.Verb{}, err
	}
	return Head(n), nil
}

func parseTail(args []string) (verb.Verb, error) {
	n, err := parseCount("tail", args[0])
	if err != nil {
		return verb.Verb{}, err
	}
	return Tail(n), nil
}

func parseCount(verbName, arg string) (int64, error) {
	n, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s: %q is not a row count (a whole number ≥ 0)", verbName, arg)
	}
	return n, nil
}

// splitAssignments splits "a = x; b = y" at semicolons outside quotes and
// returns each assignment with its byte offset in arg.
func splitAssignments(arg string) (parts []string, offs []int) {
	start := 0
	var quote byte
	for i := 0; i < len(arg); i++ {
		c := arg[i]
		switch {
		case quote != 0 && c == '\\' && quote != '`':
			i++
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
		case c == '\'' || c == '"' || c == '`':
			quote = c
		case c == ';':
			parts, offs = append(parts, arg[start:i]), append(offs, start)
			start = i + 1
		}
	}
	parts, offs = append(parts, arg[start:]), append(offs, start)
	return parts, offs
}

// parseAssignment splits "NAME = EXPR" (NAME bare or in backticks) and
// returns the name and the offset of the expression within a.
func parseAssignment(a string) (name string, exprAt int, err error) {
	i := 0
	for i < len(a) && (a[i] == ' ' || a[i] == '\t' || a[i] == '\n' || a[i] == '\r') {
		i++
	}
	if i < len(a) && a[i] == '`' {
		var b strings.Builder
		j := i + 1
		for ; j < len(a); j++ {
			if a[j] == '`' {
				if j+1 < len(a) && a[j+1] == '`' {
					b.WriteByte('`')
					j++
					continue
				}
				break
			}
			b.WriteByte(a[j])
		}
		if j >= len(a) {
			return "", 0, errors.New("unterminated backtick")
		}
		name, i = b.String(), j+1
	} else {
		j := i
		for j < len(a) && a[j] != '=' && a[j] != ' ' && a[j] != '\t' {
			j++
		}
		name, i = a[i:j], j
	}
	for i < len(a) && (a[i] == ' ' || a[i] == '\t') {
		i++
	}
	if name == "" || i >= len(a) || a[i] != '=' || i+1 < len(a) && a[i+1] == '=' {
		return "", 0, fmt.Errorf("%q is not NAME = EXPR", strings.TrimSpace(a))
	}
	return name, i + 1, nil
}
