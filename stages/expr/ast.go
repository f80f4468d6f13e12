package expr

// The parser produces an untyped syntax tree; Compile checks it against a
// schema and turns it into a tree of typed kernels (see node.go).

type astNode interface{ position() int }

type litKind uint8

const (
	litNull litKind = iota
	litBool
	litInt
	litFloat
	litString
	litTime
	litDate
	litUint   // an integer literal above MaxInt64, up to MaxUint64
	litTimeNs // a timestamp literal with more than 6 fraction digits
)

// litExpr is a literal. i holds ints, µs since the epoch for timestamps
// (ns for litTimeNs) and days since the epoch for dates.
type litExpr struct {
	pos  int
	kind litKind
	b    bool
	i    int64
	u    uint64
	f    float64
	s    string
}

type colExpr struct {
	pos  int
	name string
}

type unaryExpr struct {
	pos int
	op  string // "-" or "not"
	x   astNode
}

type binaryExpr struct {
	pos  int // position of the operator
	op   string
	l, r astNode
}

type inExpr struct {
	pos  int
	not  bool
	x    astNode
	list []astNode
}

type isNullExpr struct {
	pos int
	not bool
	x   astNode
}

type callExpr struct {
	pos  int
	name string
	args []astNode
}

func (e *litExpr) position() int    { return e.pos }
func (e *colExpr) position() int    { return e.pos }
func (e *unaryExpr) position() int  { return e.pos }
func (e *binaryExpr) position() int { return e.pos }
func (e *inExpr) position() int     { return e.pos }
func (e *isNullExpr) position() int { return e.pos }
func (e *callExpr) position() int   { return e.pos }
