package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/arrowpipe/arrowpipe/stages/format"
	"github.com/arrowpipe/arrowpipe/stages/plan"
)

// runCompletion prints the completion script for a shell: bash, zsh or
// fish. The scripts complete verbs (at the start and after "then"), flags
// and their fixed values, help topics, file paths, and the column names
// of the file on the line after a verb whose argument is columns (asking
// "arrowpipe schema FILE", which reads its first rows).
func runCompletion(args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return &usageError{"completion takes one shell: bash, zsh or fish"}
	}
	c := completionWords()
	switch args[0] {
	case "bash":
		_, err := io.WriteString(stdout, bashCompletion(c))
		return err
	case "zsh":
		// zsh runs the bash function through its bash completion layer.
		_, err := io.WriteString(stdout, "#compdef arrowpipe\nautoload -U +X bashcompinit && bashcompinit\n"+bashCompletion(c))
		return err
	case "fish":
		_, err := io.WriteString(stdout, fishCompletion(c))
		return err
	}
	return &usageError{fmt.Sprintf("completion %q: want bash, zsh or fish", args[0])}
}

// completionData is what the scripts complete from.
type completionData struct {
	verbs       []string
	summaries   []string
	columnVerbs []string // verbs whose first argument is columns
	flags       []*pflag.Flag
	formats     []string
}

func completionWords() completionData {
	var c completionData
	for _, s := range plan.Specs(nil, nil) {
		c.verbs = append(c.verbs, s.Name)
		c.summaries = append(c.summaries, s.Summary)
		if len(s.Args) > 0 {
			switch s.Args[0] {
			case "COLS", "KEYS", "ORDER":
				c.columnVerbs = append(c.columnVerbs, s.Name)
			}
		}
	}
	processFlags().VisitAll(func(f *pflag.Flag) {
		if !f.Hidden {
			c.flags = append(c.flags, f)
		}
	})
	for _, f := range append(format.Formats(), format.Table, format.Markdown) {
		c.formats = append(c.formats, f.Names()...)
	}
	return c
}

// flagValues are the fixed values of the flags that have them.
func flagValues(formats []string) map[string]string {
	return map[string]string{
		"from":        strings.Join(formats, " "),
		"to":          strings.Join(formats, " "),
		"compress":    "gzip zstd none",
		"compression": "zstd snappy lz4 none",
		"handoff":     "auto shared copy",
		"on-error":    "fail skip reject",
		"stats":       "text json",
		"progress":    "auto on plain json off",
	}
}

func bashCompletion(c completionData) string {
	var flags, fileFlags, valueFlags []string
	for _, f := range c.flags {
		flags = append(flags, "--"+f.Name)
		if f.Shorthand != "" {
			flags = append(flags, "-"+f.Shorthand)
		}
		switch f.Name {
		case "output", "rejects", "stats-file", "temp-dir":
			fileFlags = append(fileFlags, "--"+f.Name)
			if f.Shorthand != "" {
				fileFlags = append(fileFlags, "-"+f.Shorthand)
			}
		}
		if f.Value.Type() != "bool" && f.NoOptDefVal == "" {
			valueFlags = append(valueFlags, "--"+f.Name)
		}
	}
	var cases strings.Builder
	for name, values := range flagValues(c.formats) {
		fmt.Fprintf(&cases, "        --%s) COMPREPLY=($(compgen -W %q -- \"$cur\")); return ;;\n", name, values)
	}
	return fmt.Sprintf(`# bash completion for arrowpipe: source <(arrowpipe completion bash)
_arrowpipe() {
    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"
    local verbs=%q
    local flags=%q
    COMPREPLY=()
    case "$prev" in
%s        %s) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        %s) return ;;
    esac
    if [[ $COMP_CWORD -gt 1 ]]; then
        case "${COMP_WORDS[1]}" in
            help) [[ $COMP_CWORD -eq 2 ]] && COMPREPLY=($(compgen -W "$verbs functions formats" -- "$cur")); return ;;
            completion) [[ $COMP_CWORD -eq 2 ]] && COMPREPLY=($(compgen -W "bash zsh fish" -- "$cur")); return ;;
            man|bench|gen) return ;;
        esac
    fi
    case "$prev" in
        %s)
            # Column names of the file on the line, comma-separated.
            local w file
            for w in "${COMP_WORDS[@]:1}"; do [[ -f $w ]] && file=$w; done
            if [[ -n $file ]]; then
                local cols pre=""
                cols=$("${COMP_WORDS[0]}" schema -- "$file" 2>/dev/null | sed 's/:[^:]*$//')
                [[ $cur == *,* ]] && pre="${cur%%,*},"
                compopt -o nospace 2>/dev/null
                COMPREPLY=($(compgen -P "$pre" -W "$cols" -- "${cur##*,}"))
            fi
            return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$flags" -- "$cur"))
        return
    fi
    # A verb where one may start (after the flags, or after "then"),
    # else a file.
    local i valueflags="|%s|"
    for ((i = 1; i < COMP_CWORD; i++)); do
        [[ ${COMP_WORDS[i]} == -* ]] || break
        [[ $valueflags == *"|${COMP_WORDS[i]}|"* ]] && ((i++))
    done
    if [[ $prev == then || $i -eq $COMP_CWORD ]]; then
        COMPREPLY=($(compgen -W "$verbs help man completion gen schema bench" -- "$cur"))
    else
        COMPREPLY=($(compgen -W "then" -- "$cur"))
    fi
    COMPREPLY+=($(compgen -f -- "$cur"))
    return 0
}
complete -o filenames -F _arrowpipe arrowpipe
`, strings.Join(c.verbs, " "), strings.Join(flags, " "), cases.String(),
		strings.Join(fileFlags, "|"), strings.Join(valueFlags, "|"), strings.Join(c.columnVerbs, "|"),
		strings.Join(append(valueFlags, "-o"), "|"))
}

func fishCompletion(c completionData) string {
	var b strings.Builder
	b.WriteString("# fish completion for arrowpipe: arrowpipe completion fish | source\n")
	b.WriteString("complete -c arrowpipe -n '__fish_seen_subcommand_from help' -xa 'functions formats " + strings.Join(c.verbs, " ") + "'\n")
	b.WriteString("complete -c arrowpipe -n '__fish_seen_subcommand_from completion' -xa 'bash zsh fish'\n")
	b.WriteString("complete -c arrowpipe -n '__fish_use_subcommand' -a 'help man completion gen schema bench'\n")
	b.WriteString("complete -c arrowpipe -a then -d 'start the next verb'\n")
	for i, v := range c.verbs {
		fmt.Fprintf(&b, "complete -c arrowpipe -a %s -d %s\n", v, fishQuote(firstClause(c.summaries[i])))
	}
	values := flagValues(c.formats)
	for _, f := range c.flags {
		line := "complete -c arrowpipe -l " + f.Name
		if f.Shorthand != "" {
			line += " -s " + f.Shorthand
		}
		switch {
		case values[f.Name] != "":
			line += " -xa " + fishQuote(values[f.Name])
		case f.Value.Type() != "bool" && f.NoOptDefVal == "":
			line += " -r"
		}
		_, usage := pflag.UnquoteUsage(f)
		b.WriteString(line + " -d " + fishQuote(firstClause(usage)) + "\n")
	}
	return b.String()
}

// firstClause cuts a help text at its first ';' or '(' for a one-line
// description.
func firstClause(s string) string {
	if i := strings.IndexAny(s, ";("); i > 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

// fishQuote quotes s for fish: single quotes, with \ and ' escaped.
func fishQuote(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	return "'" + strings.ReplaceAll(s, "'", `\'`) + "'"
}
