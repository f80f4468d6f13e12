package csvout

import (
	"errors"
	"fmt"
)

// ErrDelimiter reports an unusable Options.Delimiter.
var ErrDelimiter = errors.New("csvout: delimiter must be one of , ; | or tab")

// Options configure a Sink. The zero value writes comma-separated values
// with a header line and LF line ends.
type Options struct {
	// Delimiter separates fields: ',', '\t', ';' or '|'; 0 means ','.
	Delimiter byte
	// NoHeader leaves out the line of column names.
	NoHeader bool
	// CRLF ends lines with "\r\n" instead of "\n".
	CRLF bool
}

func (o Options) withDefaults() (Options, error) {
	switch o.Delimiter {
	case 0:
		o.Delimiter = ','
	case ',', '\t', ';', '|':
	default:
		return o, fmt.Errorf("%w, not %q", ErrDelimiter, o.Delimiter)
	}
	return o, nil
}
