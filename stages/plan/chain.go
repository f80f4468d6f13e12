package plan

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/arrowpipe/arrowpipe/stages/format"
	"github.com/arrowpipe/arrowpipe/stages/internal/colname"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// A Call is one verb of a command-line chain: its spec, its words and the
// Verb they parse into.
type Call struct {
	Spec verb.Spec
	Args []string
	Verb verb.Verb
}

// ParseChain splits command-line words into the verb chain and the files
// that follow it: VERB ARGS [then VERB ARGS]... FILE... A verb takes the
// next len(Args) words whatever they look like ('-a < -1' is an
// expression, not a flag). It looks at the file system to tell a
// mistyped verb from a missing file, and a forgotten verb argument from a
// file name (top 5 orders.csv). Errors are *UsageError.
func ParseChain(words []string, specs []verb.Spec) (calls []Call, files []string, err error) {
	calls, files, err = splitChain(words, specs)
	if err != nil {
		return nil, nil, err
	}
	if err := checkFiles(files); err != nil {
		return nil, nil, err
	}
	if err := checkLastArg(calls, files); err != nil {
		return nil, nil, err
	}
	for i, c := range calls {
		v, err := c.Spec.Parse(c.Args)
		if err != nil {
			return nil, nil, usage(prefixed(c.Spec.Name, err))
		}
		calls[i].Verb = v
	}
	return calls, files, nil
}

// Verbs returns the calls' verbs, in order.
func Verbs(calls []Call) []verb.Verb {
	vs := make([]verb.Verb, len(calls))
	for i, c := range calls {
		vs[i] = c.Verb
	}
	return vs
}

func splitChain(args []string, specs []verb.Spec) ([]Call, []string, error) {
	byName := make(map[string]verb.Spec, len(specs))
	names := make([]string, 0, len(specs))
	for _, s := range specs {
		byName[s.Name] = s
		names = append(names, s.Name)
	}
	var calls []Call
	afterThen := false
	for i := 0; i < len(args); {
		tok := args[i]
		spec, ok := byName[tok]
		if !ok {
			if afterThen {
				return nil, nil, usage(unknownVerb(tok, names, "after 'then'"))
			}
			if _, err := os.Stat(tok); err != nil && tok != "-" && looksLikeVerb(tok) {
				if s := colname.Closest(tok, names); s != "" {
					return nil, nil, usage(fmt.Sprintf("unknown verb or missing file %q (did you mean the verb %q?)", tok, s))
				}
			}
			return calls, args[i:], nil
		}
		n := len(spec.Args)
		if spec.Words != nil {
			n = spec.Words(args[i+1:])
		}
		if n > len(args)-i-1 || n < 0 {
			return nil, nil, usage(fmt.Sprintf("verb %s needs %d argument(s): %s %s", tok, len(spec.Args), tok, strings.Join(spec.Args, " ")))
		}
		calls = append(calls, Call{Spec: spec, Args: args[i+1 : i+1+n]})
		i += 1 + n
		afterThen = false
		if i < len(args) && args[i] == "then" {
			i++
			afterThen = true
			if i == len(args) {
				return nil, nil, usage("'then' must be followed by a verb")
			}
		}
	}
	return calls, nil, nil
}

// checkFiles refuses a flag among the files: flags go before the first
// verb or file, and taking "-o" for a missing file would hide that.
func checkFiles(files []string) error {
	for _, f := range files {
		if len(f) > 1 && f[0] == '-' {
			if _, err := os.Stat(f); err != nil {
				return usage(fmt.Sprintf("%s after the verbs and files: flags go before the first verb or file (arrowpipe [FLAGS] [VERB ARGS [then VERB ARGS]...] [FILE...]); a file whose name starts with - is written ./%s", f, f))
			}
		}
	}
	return nil
}

// checkLastArg catches a forgotten verb argument (top 5 orders.csv): the
// file name became the verb's last argument and stdin would be read
// instead. With no file after the chain, a last argument that names an
// existing file is refused, unless the verb takes a file there (tee). An
// explicit - for stdin keeps such an argument.
func checkLastArg(calls []Call, files []string) error {
	if len(files) > 0 || len(calls) == 0 {
		return nil
	}
	last := calls[len(calls)-1]
	if len(last.Args) == 0 {
		return nil
	}
	// A verb of several forms names its last argument last in Args.
	i := min(len(last.Args), len(last.Spec.Args)) - 1
	if i < 0 {
		return nil
	}
	name, arg := last.Spec.Args[i], last.Args[len(last.Args)-1]
	if name == verb.FileArg || last.Spec.Args[len(last.Spec.Args)-1] == verb.FileArg {
		return nil // the verb's last word is a file of its own (tee, join)
	}
	use := strings.Join(append([]string{last.Spec.Name}, last.Spec.Args...), " ")
	st, err := os.Stat(arg)
	if errors.Is(err, fs.ErrNotExist) {
		// A missing file would otherwise become the argument, and stdin
		// the input: name the file instead (top 5 price missing.csv).
		if f, c := format.FromPath(arg); f != format.Unknown || c != format.None {
			return usage(fmt.Sprintf("%s: %q looks like a file name, not %s, and there is no such file; usage: %s [then ...] [FILE...] (to read stdin, end with -)",
				last.Spec.Name, arg, name, use))
		}
	}
	if err != nil || st.IsDir() {
		return nil
	}
	return usage(fmt.Sprintf("%s: %q looks like a file name, not %s; usage: %s [then ...] [FILE...] (to read stdin, end with -)",
		last.Spec.Name, arg, name, use))
}

func unknownVerb(tok string, names []string, where string) string {
	msg := fmt.Sprintf("unknown verb %q %s", tok, where)
	if s := colname.Closest(tok, names); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return msg
}

// prefixed makes err's message start with the verb's name, once.
func prefixed(name string, err error) string {
	msg := err.Error()
	if !strings.HasPrefix(msg, name+":") {
		msg = name + ": " + msg
	}
	return msg
}

// looksLikeVerb is true for a bare word: no path separator or extension.
func looksLikeVerb(s string) bool {
	return s != "" && !strings.ContainsAny(s, "./\\")
}
