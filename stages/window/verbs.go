package window

import (
	"fmt"
	"strings"

	"github.com/arrowpipe/arrowpipe/stages/internal/colname"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// Verbs returns the command-line form of the package's verbs: window and
// fill.
func Verbs() []verb.Spec {
	return []verb.Spec{
		{
			Name:    "window",
			Args:    []string{"KEYS", "FUNCS"},
			Summary: "new columns from each row's neighbours in its group of KEYS (comma-separated, - for none), rows in input order: 'prev = lag(price), total = running_sum(qty), r = rank(price desc)'; functions lag, lead, row_number, rank, dense_rank, running_sum/count/mean/min/max, moving_sum/mean(col, N), delta, ratio, ewma(col, alpha)",
			Parse: func(args []string) (verb.Verb, error) {
				keys, err := parseKeys(args[0])
				if err != nil {
					return verb.Verb{}, fmt.Errorf("window: %w", err)
				}
				fns, err := ParseFuncs(args[1])
				if err != nil {
					return verb.Verb{}, fmt.Errorf("window: %w", err)
				}
				return Window(keys, fns...), nil
			},
		},
		{
			Name:    "fill",
			Args:    []string{"COLS", "[by KEYS | with VALUE | backward]"},
			Summary: "replace the nulls of COLS (comma-separated) with the last value above (within each group of KEYS with 'by KEYS'), with VALUE, or with the first value below ('backward', which holds batches until that value arrives)",
			Words:   fillWords,
			Parse: func(args []string) (verb.Verb, error) {
				cols, err := colname.Names(args[0])
				if err != nil {
					return verb.Verb{}, fmt.Errorf("fill: %w", err)
				}
				switch {
				case len(args) == 1:
					return Fill(cols, FillDown, nil, nil), nil
				case args[1] == "backward":
					return Fill(cols, FillUp, nil, nil), nil
				case args[1] == "with":
					return Fill(cols, FillValue, nil, literal(strings.TrimSpace(args[2]))), nil
				}
				keys, err := colname.Names(args[2])
				if err != nil {
					return verb.Verb{}, fmt.Errorf("fill: by: %w", err)
				}
				return Fill(cols, FillDown, keys, nil), nil
			},
		},
	}
}

// fillWords counts fill's words: COLS, then "by KEYS", "with VALUE" or
// "backward" when the next word is one of those.
func fillWords(rest []string) int {
	if len(rest) < 2 {
		return 1
	}
	switch rest[1] {
	case "by", "with":
		if len(rest) >= 3 {
			return 3
		}
	case "backward":
		return 2
	}
	return 1
}

// parseKeys reads KEYS: comma-separated names, or - for none.
func parseKeys(arg string) ([]string, error) {
	if strings.TrimSpace(arg) == "-" {
		return nil, nil
	}
	return colname.Names(arg)
}
