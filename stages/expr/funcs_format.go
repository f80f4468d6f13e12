package expr

// format(fmt, args...) and printf(fmt, args...): the format string is a
// literal, parsed and checked against the arguments' types by Compile, so
// that a bad one is an *Error with a caret at it before any data is read.
// A row is null when any argument is, as in DuckDB.

// formatCall checks a format or printf call and keeps the parsed pieces in
// g.pieces.
func (c *compiler) formatCall(a *callExpr, g *callNode, want func(k int, ts ...typ) error) error {
	g.t = tString
	if err := want(0, tString); err != nil {
		return err
	}
	if k, ok := g.args[0].(*constNode); ok && k.v.null {
		return nil // null format: null result
	}
	lit, ok := constArg(g, 0, tString)
	if !ok {
		return c.errorf(a.args[0].position(), "%s: the format must be a string literal", a.name)
	}
	var pieces []fmtPiece
	var err error
	if g.fn == fnFormat {
		pieces, err = parseBraces(string(lit.v.constStr()))
	} else {
		pieces, err = parsePrintf(string(lit.v.constStr()))
	}
	if err != nil {
		return c.errorf(a.args[0].position(), "%s: %v", a.name, err)
	}
	for i := range pieces {
		p := &pieces[i]
		if p.arg < 0 {
			continue
		}
		if p.arg+1 >= len(g.args) {
			return c.errorf(a.args[0].position(), "%s: the format asks for argument %d, but %d are given", a.name, p.arg+1, len(g.args)-1)
		}
		k := p.arg + 1 // the argument as written
		pos := a.args[k].position()
		if g.args[k].typ().isDec() { // printed as the float nearest to it, as DuckDB does
			g.args[k] = c.convert(g.args[k], tFloat)
		}
		if msg := checkSpec(p.spec, g.args[k].typ()); msg != "" {
			return c.errorf(pos, "%s: argument %d: %s", a.name, k, msg)
		}
	}
	g.pieces = pieces
	return nil
}

// formatRows evaluates format and printf.
func (c *callNode) formatRows(s *slot, a []vec, n int) (vec, error) {
	return buildStrings(s, n, func(r int, dst []byte) ([]byte, bool) {
		for k := range a {
			if !a[k].isValid(r) {
				return dst, false
			}
		}
		for i := range c.pieces {
			p := &c.pieces[i]
			dst = append(dst, p.lit...)
			if p.arg >= 0 {
				dst = appendFormatted(dst, &a[p.arg+1], c.args[p.arg+1].typ(), r, &p.spec, &s.tmp)
			}
		}
		return dst, true
	})
}
