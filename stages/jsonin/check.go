package jsonin

// checkLine validates a non-blank line as one JSON object without a
// schema, for the sample. Its errors are the decoder's for the same line:
// the same message, byte position and key, so that a bad line in the sample
// reads the same as one after it.
func checkLine(b []byte) (open int, err *syntaxError) {
	i := skipSpace(b, 0)
	if b[i] != '{' {
		return 0, errAt(i, "want '{': each line must be one JSON object")
	}
	end, err := checkObject(b, i, "", 1)
	if err != nil {
		return 0, err
	}
	if j := skipSpace(b, end); j != len(b) {
		return 0, errAt(j, "unexpected data after the object")
	}
	return i, nil
}

// checkObject validates the object whose brace is at b[i]; prefix is its
// dotted path, for the key named in an error.
func checkObject(b []byte, i int, prefix string, depth int) (int, *syntaxError) {
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, nil
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return 0, errAt(i, "want a key string")
		}
		s, e, esc, out, next, err := scanString(b, i, nil)
		if err != nil {
			return 0, err
		}
		key := b[s:e]
		if esc {
			key = out[s:e]
		}
		i = skipSpace(b, next)
		if i >= len(b) || b[i] != ':' {
			return 0, errAt(i, "want ':' after key")
		}
		i = skipSpace(b, i+1)
		if i < len(b) && b[i] == '{' {
			if i, err = checkObject(b, i, prefix+string(key)+".", depth+1); err != nil {
				return 0, err
			}
		} else if i, err = skipValue(b, i, depth); err != nil {
			err.field = prefix + string(key)
			return 0, err
		}
		i = skipSpace(b, i)
		if i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
			continue
		}
		if i < len(b) && b[i] == '}' {
			return i + 1, nil
		}
		return 0, errAt(i, "want ',' or '}'")
	}
}
