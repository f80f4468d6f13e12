package window

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/arrowpipe/arrowpipe/stages/internal/colname"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// Verbs returns the command-line form of the package's verbs: window,
// fill, sample and summary.
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
		sampleSpec(),
		{
			Name:    "summary",
			Summary: "one row per input column: type, count, nulls, distinct (estimated past 10000, flagged), min, max, mean, stddev, quartiles (estimated past 10000 values, flagged), the 5 most frequent values",
			Parse:   func([]string) (verb.Verb, error) { return Summary(), nil },
		},
	}
}

// sampleSpec is the sample verb's command-line form.
func sampleSpec() verb.Spec {
	return verb.Spec{
		Name:    "sample",
		Args:    []string{"N|P%", "[SEED]", "[by KEYS]"},
		Summary: "a uniform sample of N rows (reservoir, held to the end, in input order), of N rows of each group of KEYS (comma-separated) with 'by KEYS', or of each row with probability P%; the same rows for the same SEED (an integer; random without it)",
		Words:   sampleWords,
		Parse: func(args []string) (verb.Verb, error) {
			seed := rand.Uint64()
			var keys []string
			if len(args) >= 3 && args[len(args)-2] == "by" {
				var err error
				if keys, err = colname.Names(args[len(args)-1]); err != nil {
					return verb.Verb{}, fmt.Errorf("sample: by: %w", err)
				}
				args = args[:len(args)-2]
			}
			if len(args) == 2 {
				seed, _ = strconv.ParseUint(args[1], 10, 64)
			}
			arg := strings.TrimSpace(args[0])
			if pct, ok := strings.CutSuffix(arg, "%"); ok {
				p, err := strconv.ParseFloat(pct, 64)
				if err != nil || !(p >= 0 && p <= 100) {
					return verb.Verb{}, fmt.Errorf("sample: %q is not a percentage from 0%% to 100%%", arg)
				}
				if keys != nil {
					return verb.Verb{}, fmt.Errorf("sample: %s by KEYS: a percentage keeps each row with that chance whatever its group; give N rows a group, or leave out by", arg)
				}
				return SampleFraction(p/100, seed), nil
			}
			n, err := strconv.ParseInt(arg, 10, 64)
			if err != nil || n < 0 {
				return verb.Verb{}, fmt.Errorf("sample: %q is neither a row count nor a percentage (N or P%%)", arg)
			}
			return SampleBy(n, seed, keys...), nil
		},
	}
}

// sampleWords counts sample's words: N, SEED when the next word is an
// integer, then "by KEYS" when the next word is "by".
func sampleWords(rest []string) int {
	n := 1
	if len(rest) >= 2 {
		if _, err := strconv.ParseUint(rest[1], 10, 64); err == nil {
			n = 2
		}
	}
	if len(rest) >= n+2 && rest[n] == "by" {
		n += 2
	}
	return n
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
