package window

import (
	"fmt"
	"strings"

	"github.com/arrowpipe/arrowpipe/stages/internal/colname"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// Verbs returns the command-line form of the package's verbs: window.
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
	}
}

// parseKeys reads KEYS: comma-separated names, or - for none.
func parseKeys(arg string) ([]string, error) {
	if strings.TrimSpace(arg) == "-" {
		return nil, nil
	}
	return colname.Names(arg)
}
