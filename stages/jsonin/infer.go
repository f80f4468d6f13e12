package jsonin

// observe records the kinds of the values of one valid line's object, whose
// opening brace is at b[i], into n. The line was validated first, so observe
// does not report errors.
func observe(b []byte, i int, n *inode, buf []byte) (int, []byte) {
	i = skipSpace(b, i+1)
	if b[i] == '}' {
		return i + 1, buf
	}
	for {
		s, e, esc, out, next, _ := scanString(b, i, buf[:0])
		buf = out
		key := b[s:e]
		if esc {
			key = buf[s:e]
		}
		c := n.child(string(key))
		i = skipSpace(b, next)
		i = skipSpace(b, i+1) // ':'
		switch v := b[i]; {
		case v == '{':
			c.seen |= seenObject
			i, buf = observe(b, i, c, buf)
		case v == '[':
			c.seen |= seenArray
			i, _ = skipValue(b, i, 1)
		case v == '"':
			s, e, esc, out, next, _ := scanString(b, i, buf[:0])
			buf = out
			str := b[s:e]
			if esc {
				str = buf[s:e]
			}
			c.seen |= seenString
			if _, _, ok := parseTimestamp(str); !ok {
				c.seen |= seenNonTimestamp
			}
			i = next
		case v == 't' || v == 'f':
			c.seen |= seenBool
			i, _ = skipValue(b, i, 1)
		case v == 'n':
			c.seen |= seenNull
			i += 4
		default:
			end, isInt, _ := scanNumber(b, i)
			if _, ok := parseInt(b[i:end]); isInt && ok {
				c.seen |= seenInt
			} else {
				c.seen |= seenFloat
			}
			i = end
		}
		i = skipSpace(b, i)
		if b[i] == '}' {
			return i + 1, buf
		}
		i = skipSpace(b, i+1) // ','
	}
}

// validObject reports whether line holds exactly one JSON object, and the
// offset of its opening brace.
func validObject(line []byte) (int, bool) {
	i := skipSpace(line, 0)
	if i >= len(line) || line[i] != '{' {
		return 0, false
	}
	end, err := skipValue(line, i, 0)
	if err != nil || skipSpace(line, end) != len(line) {
		return 0, false
	}
	return i, true
}
