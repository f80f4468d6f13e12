package jsonin

import "io"

// arrayText reads an input as NDJSON whatever its JSON form: a file that
// is one top-level array of objects ("[{...},\n {...}]", as pandas'
// to_json(orient="records") and many APIs write it) is rewritten, as it
// streams, into one object a line; any other input passes unchanged. The
// rewrite is byte for byte, in the caller's buffer, so it costs one pass
// over the bytes and no memory: the array's '[' and ']' become a space and
// a newline, the commas between its elements newlines, and the newlines
// and carriage returns between tokens inside an element spaces (JSON
// strings cannot hold a raw newline). A byte order mark at the start
// becomes spaces in either form. So in an array file, the line
// number of an error counts the array's elements.
type arrayText struct {
	r     io.Reader
	state uint8
	pos   int // bytes seen while in textStart
	bom   int // bytes of a byte order mark at the start
	depth int
	inStr bool
	esc   bool
}

const (
	textStart = iota // only whitespace (or a byte order mark) so far
	textLines        // not an array: passed through
	textArray        // inside the top-level array
	textAfter        // after its closing ']'
)

func newArrayText(r io.Reader) *arrayText { return &arrayText{r: r} }

// Read reads from the input and rewrites what it read in place.
func (t *arrayText) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if t.state != textLines {
		t.rewrite(p[:n])
	}
	return n, err
}

// Close closes the input when it is an io.Closer, so that the source's
// Close still unblocks a Read on a pipe.
func (t *arrayText) Close() error {
	if c, ok := t.r.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

func (t *arrayText) rewrite(b []byte) {
	for i, c := range b {
		switch t.state {
		case textStart:
			t.pos++
			if t.pos <= 3 && t.bom == t.pos-1 && c == "\xEF\xBB\xBF"[t.bom] {
				t.bom++
				b[i] = ' ' // a byte order mark, which JSON does not allow
				continue
			}
			if t.bom > 0 && t.bom < 3 {
				// A broken mark: not JSON text. Put back what this read
				// holds of it (a one-byte read has passed it on as spaces).
				for k := range t.bom {
					if j := i - t.bom + k; j >= 0 {
						b[j] = "\xEF\xBB\xBF"[k]
					}
				}
				t.state = textLines
				return
			}
			switch c {
			case ' ', '\t', '\r', '\n':
			case '[':
				b[i] = ' '
				t.state = textArray
			default:
				t.state = textLines
				return
			}
		case textArray:
			switch {
			case t.inStr:
				switch {
				case t.esc:
					t.esc = false
				case c == '\\':
					t.esc = true
				case c == '"':
					t.inStr = false
				}
			case c == '"':
				t.inStr = true
			case c == '{' || c == '[':
				t.depth++
			case c == '}' || c == ']':
				t.depth--
				if t.depth < 0 {
					b[i] = '\n'
					t.state = textAfter
				}
			case c == ',' && t.depth == 0:
				b[i] = '\n'
			case c == '\n' || c == '\r':
				b[i] = ' '
			}
		}
	}
}
