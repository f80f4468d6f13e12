package expr

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
)

// listBit marks a list type: listBit | the element type, one of the scalar
// types below decimals (bool, int64, uint64, float64, string, timestamp,
// timestamp[ns], date). A list vec holds row r's elements at
// loffs[r]..loffs[r+1]-1 of its value slices (i, f, b, or offs and data),
// an element null where cvalid (nil: none is) has its bit clear.
const listBit typ = 0x80

// tStrList is list<string>, what split and regexp_split return.
const tStrList = listBit | tString

func listOf(e typ) typ { return listBit | e }

// isList reports whether t is a list type (decimal types, which use the
// bits above, never are).
func (t typ) isList() bool { return t&listBit != 0 && uint(t)>>8 == 0 }

// elem is the element type of list type t.
func (t typ) elem() typ { return t &^ listBit }

// listTypeOf maps a list or large list column to its list type.
func listTypeOf(dt arrow.DataType) (typ, error) {
	e := dt.(arrow.ListLikeType).Elem()
	switch e.ID() {
	case arrow.LIST, arrow.LARGE_LIST, arrow.NULL:
	default:
		if et, err := typeOf(e); err == nil && isElemType(et) {
			return listOf(et), nil
		}
	}
	return 0, fmt.Errorf("unsupported column type %s: expressions read lists of bool, integers, floats, strings, timestamps and dates", dt)
}

// isElemType reports whether a list may hold values of type t: any scalar
// type below decimals, not null.
func isElemType(t typ) bool { return t != tNull && t&listBit == 0 && uint(t)>>8 == 0 }
