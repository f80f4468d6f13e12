package expr

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/arrowpipe/arrowpipe/stages/internal/colname"
)

// Compile parses src and type-checks it against schema, before any data
// is seen. The result is immutable and safe for concurrent use. Errors are
// *Error values that point at the offending token.
func Compile(src string, schema *arrow.Schema) (*Expr, error) {
	tree, err := parse(src)
	if err != nil {
		return nil, err
	}
	if schema == nil {
		schema = arrow.NewSchema(nil, nil)
	}
	c := &compiler{src: src, schema: schema}
	root, err := c.compile(tree)
	if err != nil {
		return nil, err
	}
	root = c.zoneless(root, c.zoneOf(tree))
	e := &Expr{src: src, text: format(tree), root: root, nslots: c.nslots, schema: schema}
	for idx := range c.used {
		e.cols = append(e.cols, idx)
	}
	e.pool = sync.Pool{New: func() any { return e.NewEvaluator() }}
	return e, nil
}

type compiler struct {
	src    string
	schema *arrow.Schema
	nslots int
	used   map[int]bool
	// zones holds the zone of each compiled syntax node's timestamp
	// (zone.go); instant marks the to_timezone calls of date_trunc(unit,
	// t, zone), which read a zone-less t as UTC.
	zones   map[astNode]zoneKind
	instant map[astNode]bool
}

func (c *compiler) errorf(pos int, format string, args ...any) *Error {
	return &Error{Src: c.src, Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

func (c *compiler) id() int {
	c.nslots++
	return c.nslots - 1
}

// compile compiles a and records the zone of its value.
func (c *compiler) compile(a astNode) (node, error) {
	n, err := c.compileNode(a)
	if err != nil {
		return nil, err
	}
	z := zAny
	switch a := a.(type) {
	case *colExpr:
		if col, ok := n.(*colNode); ok {
			z = columnZone(col.dt)
		}
	case *callExpr:
		z = c.callZone(a)
	}
	if z != zAny {
		if c.zones == nil {
			c.zones = map[astNode]zoneKind{}
		}
		c.zones[a] = z
	}
	return n, nil
}

func (c *compiler) compileNode(a astNode) (node, error) {
	switch a := a.(type) {
	case *litExpr:
		return c.literal(a), nil
	case *colExpr:
		return c.column(a)
	case *unaryExpr:
		x, err := c.compile(a.x)
		if err != nil {
			return nil, err
		}
		if a.op == "not" {
			if x.typ() != tBool && x.typ() != tNull {
				return nil, c.errorf(a.pos, "not needs a bool, got %s", x.typ())
			}
			return c.fold(&notNode{base{c.id(), tBool}, c.convert(x, tBool)})
		}
		if x.typ().isDec() {
			return c.decNeg(x)
		}
		switch x.typ() {
		case tNull:
			return nullConst(c.id(), tInt), nil
		case tInt, tFloat:
			return c.fold(&negNode{base{c.id(), x.typ()}, x})
		case tUint: // -u is int64, as 0 - u would be
			return c.fold(&negNode{base{c.id(), tInt}, c.convert(x, tInt)})
		}
		return nil, c.errorf(a.pos, "unary - needs a number, got %s", x.typ())
	case *binaryExpr:
		return c.binary(a)
	case *isNullExpr:
		if n, ok := c.nullTestColumn(a); ok {
			return n, nil // never folded: it reads a column
		}
		x, err := c.compile(a.x)
		if err != nil {
			return nil, err
		}
		return c.fold(&isNullNode{base{c.id(), tBool}, a.not, x})
	case *inExpr:
		return c.in(a)
	case *callExpr:
		return c.call(a)
	}
	panic("expr: unknown syntax node")
}

func (c *compiler) literal(a *litExpr) node {
	id := c.id()
	switch a.kind {
	case litBool:
		return newConst(id, tBool, vec{b: boolBits(a.b)})
	case litInt:
		return newConst(id, tInt, vec{i: []int64{a.i}})
	case litUint:
		return newConst(id, tUint, vec{i: []int64{int64(a.u)}})
	case litFloat:
		return newConst(id, tFloat, vec{f: []float64{a.f}})
	case litString:
		return newConst(id, tString, vec{offs: []int32{0, int32(len(a.s))}, data: []byte(a.s)})
	case litTime:
		return newConst(id, tTime, vec{i: []int64{a.i}})
	case litTimeNs:
		return newConst(id, tTimeNs, vec{i: []int64{a.i}})
	case litDate:
		return newConst(id, tDate, vec{i: []int64{a.i}})
	}
	return nullConst(id, tNull)
}

func (c *compiler) column(a *colExpr) (node, error) {
	idx := c.schema.FieldIndices(a.name)
	if len(idx) == 0 {
		names := make([]string, c.schema.NumFields())
		for k, f := range c.schema.Fields() {
			names[k] = f.Name
		}
		e := c.errorf(a.pos, "unknown column %q", a.name)
		e.Hint = colname.Closest(a.name, names)
		return nil, e
	}
	if len(idx) > 1 {
		return nil, c.errorf(a.pos, "column name %q is ambiguous: %d columns have it", a.name, len(idx))
	}
	f := c.schema.Field(idx[0])
	t, err := typeOf(f.Type)
	if err != nil {
		e := c.errorf(a.pos, "column %q: %v", a.name, err)
		e.TypeColumn = a.name
		return nil, e
	}
	if c.used == nil {
		c.used = map[int]bool{}
	}
	c.used[idx[0]] = true
	col := &colNode{base: base{c.id(), t}, idx: idx[0], name: a.name, dt: f.Type}
	if t.isList() {
		et := f.Type.(arrow.ListLikeType).Elem()
		col.elems = &colNode{base: base{c.id(), t.elem()}, name: a.name, dt: et}
	}
	return col, nil
}

// convert converts x to type t (x's type must unify to t). Constants are
// converted at once.
func (c *compiler) convert(x node, t typ) node {
	from := x.typ()
	if from == t {
		return x
	}
	if from.isDec() || t.isDec() {
		return c.convertDec(x, t)
	}
	if k, ok := x.(*constNode); ok {
		if k.v.null {
			return nullConst(c.id(), t)
		}
		switch {
		case from == tInt && t == tFloat:
			return newConst(c.id(), t, vec{f: []float64{float64(k.v.i[0])}})
		case from == tUint && t == tFloat:
			return newConst(c.id(), t, vec{f: []float64{float64(uint64(k.v.i[0]))}})
		case from == tUint && t == tInt && k.v.i[0] >= 0:
			return newConst(c.id(), t, vec{i: []int64{k.v.i[0]}})
		case from == tInt && t == tUint && k.v.i[0] >= 0: // see adapt
			return newConst(c.id(), t, vec{i: []int64{k.v.i[0]}})
		case (from == tDate || from == tTime) && (t == tTime || t == tTimeNs):
			// beyond the range of t: left to evaluation, which reports
			// it for the rows that use it
			m, _ := timeFactor(from, t)
			if x, excess := mulHiInt64(k.v.i[0], m); excess == 0 {
				return newConst(c.id(), t, vec{i: []int64{x}})
			}
		}
	}
	switch {
	case from == tNull:
		return nullConst(c.id(), t)
	case (from == tInt || from == tUint) && t == tFloat:
		return &toFloatNode{base{c.id(), t}, x}
	case from == tUint && t == tInt:
		return &uintToIntNode{base{c.id(), t}, x}
	case (from == tDate || from == tTime) && (t == tTime || t == tTimeNs):
		return &dateToTimeNode{base{c.id(), t}, x}
	}
	panic(fmt.Sprintf("expr: convert %s to %s", from, t))
}

// adapt gives a non-negative int64 constant the type uint64 when the
// operand it meets is uint64, as an untyped constant adapts in Go: u + 1
// and u > 5 stay uint64, while u + i (an int64 column) is int64.
func (c *compiler) adapt(x node, other typ) node {
	k, ok := x.(*constNode)
	if other != tUint || x.typ() != tInt || !ok || k.v.null || k.v.i[0] < 0 {
		return x
	}
	return c.convert(x, tUint)
}

// fold evaluates a node whose operands are all constants once, on a
// one-row batch, and replaces it by the constant result. A constant
// integer overflow is left to evaluation, which reports it only for rows
// that use it (it may sit in an if() branch no row takes).
func (c *compiler) fold(n node) (node, error) {
	if !allConst(n) || n.typ().isList() { // lists are never constants
		return n, nil
	}
	ev := &Evaluator{slots: make([]slot, c.nslots)}
	v, err := n.eval(ev, &input{n: 1})
	if errors.Is(err, ErrOverflow) || errors.Is(err, ErrValue) {
		return n, nil
	}
	if err != nil {
		return nil, err
	}
	if v.isConst {
		return newConst(c.id(), n.typ(), v), nil
	}
	if v.hi != nil { // a decimal beyond int64: constants hold int64 only
		return n, nil
	}
	out := vec{null: !v.isValid(0)}
	switch storage(n.typ()) {
	case tBool:
		out.b = boolBits(v.boolAt(0))
	case tInt, tUint, tTime, tTimeNs, tDate:
		out.i = []int64{v.i[0]}
	case tFloat:
		out.f = []float64{v.f[0]}
	case tString:
		s := string(v.str(0))
		out.offs, out.data = []int32{0, int32(len(s))}, []byte(s)
	}
	return newConst(c.id(), n.typ(), out), nil
}

func allConst(n node) bool {
	var kids []node
	switch n := n.(type) {
	case *constNode:
		return true
	case *colNode:
		return false
	case *arithNode:
		kids = []node{n.l, n.r}
	case *cmpNode:
		kids = []node{n.l, n.r}
	case *logicNode:
		kids = []node{n.l, n.r}
	case *negNode:
		kids = []node{n.x}
	case *notNode:
		kids = []node{n.x}
	case *isNullNode:
		kids = []node{n.x}
	case *inNode:
		kids = append([]node{n.x}, n.list...)
	case *callNode:
		kids = n.args
	case *toFloatNode:
		kids = []node{n.x}
	case *uintToIntNode:
		kids = []node{n.x}
	case *dateToTimeNode:
		kids = []node{n.x}
	case interface{ kids() []node }:
		kids = n.kids()
	}
	for _, k := range kids {
		if _, ok := k.(*constNode); !ok {
			return false
		}
	}
	return true
}

func (c *compiler) binary(a *binaryExpr) (node, error) {
	l, err := c.compile(a.l)
	if err != nil {
		return nil, err
	}
	r, err := c.compile(a.r)
	if err != nil {
		return nil, err
	}
	l, r = c.adapt(l, r.typ()), c.adapt(r, l.typ())
	lt, rt := l.typ(), r.typ()
	if lt.isList() || rt.isList() {
		// A list column named as an operand is a limit of the column's
		// type: say which column, as a column's unsupported type is said.
		for _, side := range []struct {
			e   astNode
			lst bool
		}{{a.l, lt.isList()}, {a.r, rt.isList()}} {
			if col, ok := side.e.(*colExpr); ok && side.lst {
				dt := c.schema.Field(c.schema.FieldIndices(col.name)[0]).Type
				e := c.errorf(col.pos, "column %q: unsupported column type %s for operator %s (lists go to list_length, list_get, list_contains, list_join)", col.name, dt, a.op)
				e.TypeColumn = col.name
				return nil, e
			}
		}
		return nil, c.errorf(a.pos, "operator %s does not take a list", a.op)
	}
	switch a.op {
	case "and", "or":
		if lt != tBool && lt != tNull || rt != tBool && rt != tNull {
			return nil, c.errorf(a.pos, "%s needs bool operands, got %s and %s", a.op, lt, rt)
		}
		return c.fold(&logicNode{base{c.id(), tBool}, a.op == "or", c.convert(l, tBool), c.convert(r, tBool)})
	case "+", "-", "*", "/", "%":
		if lt.isDec() || rt.isDec() {
			return c.decArith(a.pos, a.op, l, r)
		}
		if lt != tNull && !isNumeric(lt) || rt != tNull && !isNumeric(rt) {
			msg := "operator %s needs numbers, got %s and %s"
			if isTime(lt) || isTime(rt) {
				msg += " (epoch(a) - epoch(b) is a duration in seconds)"
			}
			return nil, c.errorf(a.pos, msg, a.op, lt, rt)
		}
		// int64 op int64 is int64 and uint64 op uint64 is uint64, both
		// checked; mixing the two is int64 (the uint64 must fit); / and
		// anything with a float is float64.
		t := tInt
		switch {
		case lt == tFloat || rt == tFloat || a.op == "/":
			t = tFloat
		case (lt == tUint || rt == tUint) && lt != tInt && rt != tInt: // uint64 with uint64 or null
			t = tUint
		}
		if lt == tNull || rt == tNull {
			return nullConst(c.id(), t), nil
		}
		op := map[string]arithOp{"+": opAdd, "-": opSub, "*": opMul, "/": opDiv, "%": opMod}[a.op]
		return c.fold(&arithNode{base{c.id(), t}, op, c.convert(l, t), c.convert(r, t)})
	}
	op := map[string]cmpOp{"==": opEq, "!=": opNe, "<": opLt, "<=": opLe, ">": opGt, ">=": opGe}[a.op]
	return c.compareNode(a.pos, op, l, r)
}

// compareNode compiles l op r. A uint64 compared with an int64 is compared
// exactly (a negative int64 is below every uint64), not through a common
// type that would lose one side's range.
func (c *compiler) compareNode(pos int, op cmpOp, l, r node) (node, error) {
	l, r = c.adapt(l, r.typ()), c.adapt(r, l.typ())
	lt, rt := l.typ(), r.typ()
	if lt.isDec() || rt.isDec() {
		return c.decCompare(pos, op, l, r)
	}
	switch {
	case lt == tUint && rt == tInt:
		return c.fold(&cmpNode{base: base{c.id(), tBool}, op: op, ot: tInt, mix: mixUintInt, l: l, r: r})
	case lt == tInt && rt == tUint:
		return c.fold(&cmpNode{base: base{c.id(), tBool}, op: op.swapped(), ot: tInt, mix: mixUintInt, l: r, r: l})
	case rt == tTimeNs && (lt == tTime || lt == tDate):
		return c.compareMicroNano(op, l, r)
	case lt == tTimeNs && (rt == tTime || rt == tDate):
		return c.compareMicroNano(op.swapped(), r, l)
	}
	if lt == tClock || rt == tClock {
		return c.compareClock(pos, op, l, r)
	}
	ot, ok := unify(lt, rt)
	if !ok {
		return nil, c.errorf(pos, "cannot compare %s with %s", lt, rt)
	}
	if ot == tBool && op != opEq && op != opNe {
		return nil, c.errorf(pos, "bools can only be compared with == and !=")
	}
	if ot == tNull {
		return nullConst(c.id(), tBool), nil
	}
	return c.fold(&cmpNode{base: base{c.id(), tBool}, op: op, ot: ot, l: c.convert(l, ot), r: c.convert(r, ot)})
}

// compareMicroNano compiles l op r for a µs timestamp or a date l and a
// ns timestamp r as a comparison of the exact instants: a constant l that
// fits in ns is converted once, anything else compares through µs and the
// ns remainder, so that no value is rounded and none beyond the ns range
// (1677 to 2262) fails.
func (c *compiler) compareMicroNano(op cmpOp, l, r node) (node, error) {
	if k, ok := l.(*constNode); ok && !k.v.null {
		m, _ := timeFactor(l.typ(), tTimeNs)
		if x, excess := mulHiInt64(k.v.i[0], m); excess == 0 {
			l = newConst(c.id(), tTimeNs, vec{i: []int64{x}})
			return c.fold(&cmpNode{base: base{c.id(), tBool}, op: op, ot: tTimeNs, l: l, r: r})
		}
	}
	return c.fold(&cmpNode{base: base{c.id(), tBool}, op: op, ot: tTimeNs, mix: mixMicroNano, l: c.convert(l, tTime), r: r})
}

func (c *compiler) in(a *inExpr) (node, error) {
	x, err := c.compile(a.x)
	if err != nil {
		return nil, err
	}
	ot := x.typ()
	if ot.isList() {
		return nil, c.errorf(a.pos, "in does not take a list; use list_contains")
	}
	list := make([]node, len(a.list))
	for k, e := range a.list {
		if list[k], err = c.compile(e); err != nil {
			return nil, err
		}
		if x.typ() == tClock || list[k].typ() == tClock {
			ot = tClock // compared one by one below, literals read as times
			continue
		}
		t, ok := unify(ot, list[k].typ())
		if !ok {
			return nil, c.errorf(e.position(), "cannot compare %s with %s in list", x.typ(), list[k].typ())
		}
		ot = t
	}
	if hasUintMix(x, list) || hasTimeMix(x, list) || ot.isDec() || ot == tClock {
		return c.inChain(a, x, list)
	}
	var n node
	if ot == tNull {
		n = nullConst(c.id(), tBool)
	} else {
		for k := range list {
			list[k] = c.convert(list[k], ot)
		}
		g := &inNode{base: base{c.id(), tBool}, ot: ot, x: c.convert(x, ot), list: list}
		g.cmp, g.acc = c.id(), c.id()
		c.id() // g.acc+1
		if n, err = c.fold(g); err != nil {
			return nil, err
		}
	}
	if a.not {
		return c.fold(&notNode{base{c.id(), tBool}, n})
	}
	return n, nil
}

// hasUintMix reports whether x in (list) compares a uint64 with an
// integer of the other signedness somewhere.
func hasUintMix(x node, list []node) bool {
	u, i := x.typ() == tUint, x.typ() == tInt
	for _, e := range list {
		u, i = u || e.typ() == tUint, i || e.typ() == tInt
	}
	return u && i
}

// hasTimeMix reports whether x in (list) compares a ns timestamp with a
// µs timestamp or a date somewhere.
func hasTimeMix(x node, list []node) bool {
	ns, us := x.typ() == tTimeNs, x.typ() == tTime || x.typ() == tDate
	for _, e := range list {
		ns = ns || e.typ() == tTimeNs
		us = us || e.typ() == tTime || e.typ() == tDate
	}
	return ns && us
}

// inChain compiles x in (a, b, ...) as (x == a) or (x == b) or ..., the same
// three-valued result, so that each comparison can mix uint64 and int64
// exactly. x is evaluated once per element.
func (c *compiler) inChain(a *inExpr, x node, list []node) (node, error) {
	var acc node
	for k, e := range list {
		eq, err := c.compareNode(a.list[k].position(), opEq, x, e)
		if err != nil {
			return nil, err
		}
		if acc == nil {
			acc = eq
			continue
		}
		if acc, err = c.fold(&logicNode{base{c.id(), tBool}, true, c.convert(acc, tBool), c.convert(eq, tBool)}); err != nil {
			return nil, err
		}
	}
	if a.not {
		return c.fold(&notNode{base{c.id(), tBool}, c.convert(acc, tBool)})
	}
	return acc, nil
}

func (c *compiler) call(a *callExpr) (node, error) {
	info, ok := funcs[a.name]
	if !ok {
		e := c.errorf(a.pos, "unknown function %q", a.name)
		e.Hint = colname.Closest(a.name, funcNames())
		return nil, e
	}
	if len(a.args) < info.minArgs || info.maxArgs >= 0 && len(a.args) > info.maxArgs {
		return nil, c.errorf(a.pos, "%s takes %s, got %d arguments (usage: %s)", a.name, argCount(info), len(a.args), info.usage)
	}
	if info.id == fnDateTrunc && len(a.args) == 3 {
		// truncate the wall clock of the zone, then read it back as UTC
		z := a.args[2]
		local := &callExpr{pos: a.pos, name: "to_timezone", args: []astNode{a.args[1], z}}
		if c.instant == nil {
			c.instant = map[astNode]bool{}
		}
		c.instant[local] = true // a zone-less t is taken as UTC here
		trunc := &callExpr{pos: a.pos, name: "date_trunc", args: []astNode{a.args[0], local}}
		return c.compile(&callExpr{pos: a.pos, name: "from_timezone", args: []astNode{trunc, z}})
	}
	if info.id == fnNullif { // if(x == y, null, x): == decides what equal means
		eq := &binaryExpr{pos: a.pos, op: "==", l: a.args[0], r: a.args[1]}
		return c.compile(&callExpr{pos: a.pos, name: "if", args: []astNode{eq, &litExpr{pos: a.pos}, a.args[0]}})
	}
	args := make([]node, len(a.args))
	for k, e := range a.args {
		var err error
		if args[k], err = c.compile(e); err != nil {
			return nil, err
		}
	}
	if !takesClock(info.id) {
		for k, x := range args {
			if x.typ() == tClock {
				return nil, c.errorf(a.args[k].position(), "%s does not take a time of day (it compares, and goes to to_string, coalesce, if, greatest and least)", a.name)
			}
		}
	}
	if !takesList(info.id) {
		for k, x := range args {
			if x.typ().isList() {
				return nil, c.errorf(a.args[k].position(), "%s does not take a list (lists go to list_length, list_get, list_contains, list_join, or out as a column)", a.name)
			}
		}
	}
	// want checks that argument k has one of the given types (null always
	// passes).
	want := func(k int, ts ...typ) error {
		t := args[k].typ()
		if t == tNull {
			return nil
		}
		for _, w := range ts {
			if t == w {
				return nil
			}
		}
		var names []string
		for _, w := range ts {
			if w != tTimeNs { // "timestamp" names every unit
				names = append(names, w.String())
			}
		}
		return c.errorf(a.args[k].position(), "argument %d of %s must be %s, got %s", k+1, a.name, strings.Join(names, " or "), t)
	}
	hasNull := false
	for _, x := range args {
		hasNull = hasNull || x.typ() == tNull
	}
	g := &callNode{base: base{c.id(), 0}, fn: info.id, args: args}
	if n, ok, err := c.decCall(a, info, g); ok {
		return n, err
	}
	switch info.id {
	case fnCoalesce, fnIf:
		vals := args
		if info.id == fnIf {
			if err := want(0, tBool); err != nil {
				return nil, err
			}
			args[0] = c.convert(args[0], tBool)
			vals = args[1:]
		}
		for k := range vals {
			for _, y := range vals {
				vals[k] = c.adapt(vals[k], y.typ())
			}
		}
		t := tNull
		for k, x := range vals {
			u, ok := unify(t, x.typ())
			if !ok {
				return nil, c.errorf(a.args[len(args)-len(vals)+k].position(), "%s: cannot mix %s and %s", a.name, t, x.typ())
			}
			t = u
		}
		if t == tNull {
			return nullConst(c.id(), tNull), nil
		}
		for k := range vals {
			vals[k] = c.convert(vals[k], t)
		}
		g.t = t
		return c.fold(g)
	case fnAbs, fnFloor, fnCeil, fnRound:
		if err := want(0, tInt, tUint, tFloat); err != nil {
			return nil, err
		}
		g.t = args[0].typ()
		if g.t == tNull {
			return nullConst(c.id(), tNull), nil
		}
		if info.id == fnRound && len(args) == 2 {
			k, ok := args[1].(*constNode)
			if !ok || k.t != tInt || k.v.null {
				return nil, c.errorf(a.args[1].position(), "round: digits must be an integer literal")
			}
			g.digits = max(min(k.v.i[0], 400), -400)
			g.args = args[:1]
		}
		if g.t == tInt && (info.id == fnFloor || info.id == fnCeil || info.id == fnRound && g.digits >= 0) {
			return args[0], nil // already whole
		}
		if g.t == tUint && (info.id != fnRound || g.digits >= 0) {
			return args[0], nil // already whole and not negative
		}
		return c.fold(g)
	case fnLower, fnUpper, fnTrim, fnLength:
		if err := want(0, tString); err != nil {
			return nil, err
		}
		g.t = tString
		if info.id == fnLength {
			g.t = tInt
		}
	case fnContains, fnStartsWith, fnEndsWith:
		for k := range args {
			if err := want(k, tString); err != nil {
				return nil, err
			}
		}
		g.t = tBool
	case fnReplace:
		for k := range args {
			if err := want(k, tString); err != nil {
				return nil, err
			}
		}
		g.t = tString
	case fnSubstr:
		if err := want(0, tString); err != nil {
			return nil, err
		}
		for k := 1; k < len(args); k++ {
			if err := want(k, tInt); err != nil {
				return nil, err
			}
		}
		g.t = tString
	case fnToInt:
		g.t = tInt
	case fnToFloat:
		g.t = tFloat
	case fnToString:
		g.t = tString
	case fnToBool:
		if err := want(0, tBool, tInt, tUint, tFloat, tString); err != nil {
			return nil, err
		}
		g.t = tBool
	case fnToTimestamp:
		if err := want(0, tTime, tTimeNs, tDate, tInt, tString); err != nil {
			return nil, err
		}
		g.t = tTime
		if len(args) == 2 { // to_timestamp(x, 'type'): its unit here, its zone by callZone
			to, _, ok := timestampTypeArg(a)
			if !ok {
				return nil, c.errorf(a.args[1].position(), "to_timestamp(x, type): type must be a string literal: 'timestamp' (zone-less), 'timestamptz', 'timestamp_ns', 'timestamp[us]', 'timestamp[us, UTC]', 'timestamp[ns]' or 'timestamp[ns, UTC]'")
			}
			if args[0].typ() == tNull {
				return nullConst(c.id(), to), nil
			}
			g.args = args[:1]
			x := node(g)
			if args[0].typ() == tTimeNs {
				x = args[0]
			}
			x, err := c.fold(x)
			if err != nil {
				return nil, err
			}
			switch {
			case to == tTimeNs && x.typ() == tTime:
				return c.fold(c.convert(x, tTimeNs))
			case to == tTime && x.typ() == tTimeNs:
				return c.fold(&nsToMicroNode{base{c.id(), tTime}, x})
			}
			return x, nil
		}
		if args[0].typ() == tTimeNs {
			return args[0], nil // already a timestamp, at its own precision
		}
	case fnToDate:
		if err := want(0, tTime, tTimeNs, tDate, tInt, tString); err != nil {
			return nil, err
		}
		g.t = tDate
	case fnYear, fnMonth, fnDay:
		if err := want(0, tTime, tTimeNs, tDate); err != nil {
			return nil, err
		}
		g.t = tInt
	case fnHour, fnMinute:
		if err := want(0, tTime, tTimeNs); err != nil {
			return nil, err
		}
		g.t = tInt
	case fnEpoch:
		if err := want(0, tTime, tTimeNs, tDate); err != nil {
			return nil, err
		}
		g.t = tFloat
	case fnDateTrunc:
		k, ok := args[0].(*constNode)
		if !ok || k.t != tString || k.v.null {
			return nil, c.errorf(a.args[0].position(), "date_trunc: unit must be a string literal: 'year', 'month', 'day', 'hour' or 'minute'")
		}
		u, ok := parseUnit(string(k.v.constStr()))
		if !ok {
			e := c.errorf(a.args[0].position(), "date_trunc: unknown unit %q", k.v.constStr())
			e.Hint = colname.Closest(string(k.v.constStr()), []string{"year", "month", "day", "hour", "minute"})
			return nil, e
		}
		if err := want(1, tTime, tTimeNs, tDate); err != nil {
			return nil, err
		}
		g.unit = u
		g.t = args[1].typ()
		if g.t == tDate && u > unitDay {
			return nil, c.errorf(a.args[0].position(), "date_trunc: a date has no %s", k.v.constStr())
		}
		if g.t == tNull {
			g.t = tTime
		}
	default:
		if n, err := c.callMore(a, g, want); n != nil || err != nil {
			return n, err
		}
	}
	if hasNull {
		return nullConst(c.id(), g.t), nil
	}
	return c.fold(g)
}

func argCount(f funcInfo) string {
	switch {
	case f.maxArgs < 0:
		return "at least " + strconv.Itoa(f.minArgs) + " argument(s)"
	case f.minArgs == f.maxArgs:
		return strconv.Itoa(f.minArgs) + " argument(s)"
	}
	return strconv.Itoa(f.minArgs) + " to " + strconv.Itoa(f.maxArgs) + " arguments"
}
