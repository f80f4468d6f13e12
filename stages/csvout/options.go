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
	// A tab writes TSV as Miller and the IANA TSV convention do: no
	// quotes, and a tab, line feed, carriage return or backslash in a text
	// field written as \t, \n, \r or \\ (csvin's Options.TSV reads
	// them back).
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
