package plan

import (
	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/parquetio"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// keepDictionaries lets a Parquet reader hand the chain's first stage the
// text columns that stage groups by (verb.Verb.DictionaryKeys) as their
// dictionary codes, undecoded: a group-by then hashes each row group's few
// dictionary values instead of every row's string. Only the first verb
// qualifies, since nothing runs before it to see the column, and its
// output is the same either way, types included. A source of several
// files (a union, which may retype columns to combine them) or of another
// format is left as it is.
func keepDictionaries(verbs []verb.Verb, src pipeline.Source) error {
	if len(verbs) == 0 || verbs[0].DictionaryKeys == nil {
		return nil
	}
	pq, ok := parquetSource(src)
	if !ok {
		return nil
	}
	cols := verbs[0].DictionaryKeys(pq.Schema())
	if len(cols) == 0 {
		return nil
	}
	return pq.KeepDictionary(cols)
}

// parquetSource returns the Parquet reader that src is, or wraps.
func parquetSource(src pipeline.Source) (*parquetio.Source, bool) {
	switch s := src.(type) {
	case *Source:
		return parquetSource(s.Source)
	case *plainViews:
		return parquetSource(s.Source)
	case *parquetio.Source:
		return s, true
	}
	return nil, false
}
