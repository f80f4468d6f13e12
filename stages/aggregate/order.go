package aggregate

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/stages/internal/colname"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// orderKey is one term of a sort order: a column, its direction and where
// its nulls go. Nulls go last by default in both directions. Floats compare
// as cmp.Compare does: NaN before every number. A uint64 column is a
// kindInt key whose bits compare as unsigned.
type orderKey struct {
	col        int
	kind       kind
	unsigned   bool
	desc       bool
	nullsFirst bool
}

// parseOrder reads "COL [asc|desc] [nulls first|last], ...". COL is named
// as in every verb (package colname): bare, spaces allowed, or in
// backticks.
func parseOrder(in *arrow.Schema, s string) ([]orderKey, error) {
	items, err := colname.Split(s)
	if err != nil {
		return nil, fmt.Errorf("order: %w", err)
	}
	keys := make([]orderKey, 0, len(items))
	for _, it := range items {
		k, err := parseOrderTerm(in, it.Text)
		if err != nil {
			return nil, fmt.Errorf("order %q: %w", it.Text, err)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// errOrderSyntax is the shape every order term must have.
var errOrderSyntax = errors.New("expected COL [asc|desc] [nulls first|last]")

// parseOrderTerm reads one term. A bare term's name is what precedes its
// trailing direction and nulls words; when the whole term is a column as
// well ("price desc" naming a column), the term is ambiguous and an error.
func parseOrderTerm(in *arrow.Schema, term string) (orderKey, error) {
	var k orderKey
	var name string
	if strings.HasPrefix(term, "`") {
		n, rest, err := colname.CutQuoted(term)
		if err != nil {
			return k, err
		}
		if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
			return k, errOrderSyntax
		}
		if left := k.cutModifiers(rest); strings.TrimSpace(left) != "" {
			return k, errOrderSyntax
		}
		name = n
	} else {
		left := k.cutModifiers(term)
		if left == term {
			// No modifiers: the whole term is the name.
			k = orderKey{}
		} else if whole, err := colname.Unquote(term); err == nil && len(in.FieldIndices(whole)) > 0 {
			n, _ := colname.Unquote(left)
			if len(in.FieldIndices(n)) > 0 {
				return k, fmt.Errorf("ambiguous: column %q, or column %q with an order; put the column name in backticks", whole, n)
			}
			k, left = orderKey{}, term
		}
		n, err := colname.Unquote(left)
		if err != nil {
			return k, err
		}
		if n == "" {
			return k, errOrderSyntax
		}
		if len(in.FieldIndices(n)) == 0 {
			if col, ok := leadingColumn(in, n); ok {
				return k, fmt.Errorf("%w: %q follows column %q", errOrderSyntax, strings.TrimSpace(n[len(col):]), col)
			}
			if len(n) >= 2 && n[0] == '"' && n[len(n)-1] == '"' {
				return k, fmt.Errorf("unknown column %q (a column name is quoted with backticks: `%s`)", n, n[1:len(n)-1])
			}
		}
		name = n
	}
	i, err := columnIndex(in, name)
	if err != nil {
		return k, err
	}
	k.col = i
	if k.kind, err = valueKindOf(in.Field(i).Type); err != nil {
		return k, verb.NameColumn(err, name)
	}
	k.unsigned = isUnsigned(in.Field(i).Type)
	return k, nil
}

// cutModifiers sets k's direction and nulls placement from the trailing
// words of s ("desc", "asc nulls first", "nulls last") and returns s
// without them.
func (k *orderKey) cutModifiers(s string) string {
	rest, last := lastWord(s)
	if strings.EqualFold(last, "first") || strings.EqualFold(last, "last") {
		if r, w := lastWord(rest); strings.EqualFold(w, "nulls") {
			k.nullsFirst = strings.EqualFold(last, "first")
			s = r
		}
	}
	rest, last = lastWord(s)
	switch strings.ToLower(last) {
	case "asc":
		s = rest
	case "desc":
		k.desc = true
		s = rest
	}
	return s
}

// lastWord splits s before its last space-separated word.
func lastWord(s string) (rest, word string) {
	s = strings.TrimRight(s, " \t")
	i := strings.LastIndexAny(s, " \t")
	return s[:i+1], s[i+1:]
}

// leadingColumn reports the longest run of whole leading words of name
// that is a column of in.
func leadingColumn(in *arrow.Schema, name string) (string, bool) {
	for i := len(name) - 1; i > 0; i-- {
		if (name[i] == ' ' || name[i] == '\t') && name[i-1] != ' ' && name[i-1] != '\t' {
			if col := name[:i]; len(in.FieldIndices(col)) > 0 {
				return col, true
			}
		}
	}
	return "", false
}

// keyView reads one sort key column of one batch without interfaces.
type keyView struct {
	ints   []int64
	floats []float64
	offs   []int32
	data   []byte
	valid  validity
}

// viewsOf makes the key views of rec. Narrow integer columns are widened
// into new slices. It fails only on a text key strView cannot read.
func viewsOf(keys []orderKey, rec arrow.RecordBatch) ([]keyView, error) {
	vs := make([]keyView, len(keys))
	for i, k := range keys {
		col := rec.Column(k.col)
		v := keyView{valid: validityOf(col)}
		switch k.kind {
		case kindInt:
			v.ints = int64s(col, nil)
		case kindFloat:
			v.floats = float64s(col, nil)
		default:
			var err error
			if v.offs, v.data, err = strView(col, nil); err != nil { // kept with the batch
				return nil, namedTextErr(rec.Schema().Field(k.col).Name, err)
			}
		}
		vs[i] = v
	}
	return vs, nil
}

// compareRows orders row i of a against row j of b.
func compareRows(keys []orderKey, a []keyView, i int, b []keyView, j int) int {
	for k := range keys {
		va, vb := &a[k], &b[k]
		an, bn := !va.valid.ok(i), !vb.valid.ok(j)
		if an || bn {
			if an && bn {
				continue
			}
			if an == keys[k].nullsFirst {
				return -1
			}
			return 1
		}
		var c int
		switch keys[k].kind {
		case kindInt:
			if keys[k].unsigned {
				c = cmp.Compare(uint64(va.ints[i]), uint64(vb.ints[j]))
			} else {
				c = cmp.Compare(va.ints[i], vb.ints[j])
			}
		case kindFloat:
			c = cmp.Compare(va.floats[i], vb.floats[j])
		default:
			c = bytes.Compare(va.data[va.offs[i]:va.offs[i+1]], vb.data[vb.offs[j]:vb.offs[j+1]])
		}
		if c != 0 {
			if keys[k].desc {
				return -c
			}
			return c
		}
	}
	return 0
}

// sortOrder returns the permutation that sorts the rows of recs (taken
// in order, as one sequence) by keys, stable. Each key is first turned into
// an unsigned number per row that orders exactly as the key (strings by
// their rank among the distinct strings), so the sort is a radix sort of
// flat numbers with no comparator at all.
func sortOrder(keys []orderKey, recs []arrow.RecordBatch, views func(i int) []keyView) []uint32 {
	n := 0
	for _, r := range recs {
		n += int(r.NumRows())
	}
	nk := len(keys)
	pres := make([]uint64, n*nk)
	nulls := make([]int8, n*nk)
	for k, key := range keys {
		var ranks []uint64
		var gids []uint32
		var tab *table
		if key.kind == kindString {
			tab = newTable([]arrow.DataType{arrow.BinaryTypes.String})
		}
		// Signed keys flip the sign bit so that their bits order as
		// unsigned numbers; uint64 keys already do.
		signFlip := uint64(1) << 63
		if key.unsigned {
			signFlip = 0
		}
		at := 0
		null := int8(1)
		if key.nullsFirst {
			null = -1
		}
		for b, rec := range recs {
			v := views(b)[k]
			rows := int(rec.NumRows())
			if tab != nil {
				var err error
				if gids, err = tab.groups([]arrow.Array{rec.Column(key.col)}, rows, 0, gids); err != nil {
					// viewsOf read the same column.
					panic(fmt.Sprintf("aggregate: a viewed key column: %v", err))
				}
			}
			for i := range rows {
				p := (at+i)*nk + k
				if !v.valid.ok(i) {
					nulls[p] = null
					continue
				}
				switch key.kind {
				case kindInt:
					pres[p] = uint64(v.ints[i]) ^ signFlip
				case kindFloat:
					pres[p] = floatPrefix(v.floats[i])
				default:
					pres[p] = uint64(gids[i])
				}
			}
			at += rows
		}
		if tab != nil {
			ranks = stringRanks(tab.keys[0].(*strKey))
			for p := k; p < len(pres); p += nk {
				if nulls[p] == 0 {
					pres[p] = ranks[pres[p]]
				}
			}
		}
		if key.desc {
			for p := k; p < len(pres); p += nk {
				pres[p] = ^pres[p]
			}
		}
	}
	// LSD: sort by the last key first, each pass stable, so that the first
	// key decides and ties fall to the next key, then to input order. Each
	// key is radix sorted by its prefix, then by its null class.
	ord := identity(n)
	tmp := make([]uint32, n)
	es, etmp := make([]radixEntry, n), make([]radixEntry, n)
	for k := nk - 1; k >= 0; k-- {
		for i, r := range ord {
			es[i] = radixEntry{pres[int(r)*nk+k], r}
		}
		for i, e := range radixSort(es, etmp) {
			ord[i] = e.idx
		}
		if nullSort(ord, tmp, func(r uint32) int8 { return nulls[int(r)*nk+k] }) {
			ord, tmp = tmp, ord
		}
	}
	return ord
}

// stringRanks returns, for each group of a string key table, the rank of
// its string among all of them.
func stringRanks(k *strKey) []uint64 {
	n := len(k.offs) - 1
	byValue := make([]uint32, n)
	for i := range byValue {
		byValue[i] = uint32(i)
	}
	val := func(g uint32) []byte { return k.arena[k.offs[g]:k.offs[g+1]] }
	slices.SortFunc(byValue, func(a, b uint32) int { return bytes.Compare(val(a), val(b)) })
	ranks := make([]uint64, n)
	for r, g := range byValue {
		ranks[g] = uint64(r)
	}
	return ranks
}

// floatPrefix maps floats to unsigned integers in cmp.Compare order: NaN
// first, -0 equal to 0.
func floatPrefix(f float64) uint64 {
	if f != f {
		return 0
	}
	if f == 0 {
		f = 0
	}
	b := math.Float64bits(f)
	if b>>63 == 1 {
		return ^b
	}
	return b | 1<<63
}
