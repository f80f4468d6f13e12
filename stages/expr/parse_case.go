package expr

// caseExpr parses the rest of
//
//	case when c1 then v1 [when c2 then v2 ...] [else e] end
//	case x when a then v1 [when b then v2 ...] [else e] end
//
// after the word case, as nested if() calls: if(c1, v1, if(c2, v2, e)),
// with x == a as the condition of the second form (x is evaluated once per
// when) and null when there is no else. A condition that is null takes the
// next branch, as in SQL.
func (p *parser) caseExpr(pos int) (astNode, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxNesting {
		return nil, p.errorf(pos, "expression nested too deeply")
	}
	var subject astNode
	if !p.keyword("when") {
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		subject = x
	}
	type branch struct {
		pos        int
		cond, then astNode
	}
	var branches []branch
	for p.keyword("when") {
		wpos := p.tok.pos
		if err := p.advance(); err != nil {
			return nil, err
		}
		cond, err := p.expr()
		if err != nil {
			return nil, err
		}
		if subject != nil {
			cond = &binaryExpr{pos: wpos, op: "==", l: subject, r: cond}
		}
		if !p.keyword("then") {
			return nil, p.errorf(p.tok.pos, "expected then, found "+p.describe())
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		then, err := p.expr()
		if err != nil {
			return nil, err
		}
		branches = append(branches, branch{wpos, cond, then})
	}
	if len(branches) == 0 {
		return nil, p.errorf(p.tok.pos, "expected when after case, found "+p.describe())
	}
	var rest astNode = &litExpr{pos: pos}
	if p.keyword("else") {
		if err := p.advance(); err != nil {
			return nil, err
		}
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		rest = e
	}
	if !p.keyword("end") {
		return nil, p.errorf(p.tok.pos, "expected end of case, found "+p.describe())
	}
	for k := len(branches) - 1; k >= 0; k-- {
		b := branches[k]
		rest = &callExpr{pos: b.pos, name: "if", args: []astNode{b.cond, b.then, rest}}
	}
	return rest, p.advance()
}
