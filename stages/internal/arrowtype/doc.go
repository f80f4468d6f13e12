// Package arrowtype compares Arrow data types by what they are, for the
// checks that a batch has the types a stage was built for.
//
// arrow-go's TypeEqual falls back to reflect.DeepEqual for some nested
// types (large lists, dictionaries), and a timestamp type caches its
// time.Location once asked for it, so two equal large_list<timestamp[us,
// UTC]> types compare unequal once one has been used to print a value —
// as happens after a copy handoff, which decodes a fresh type. Same
// compares their structure instead, for checks that a batch is the one a
// stage expects. Deciding whether to cast before building a record is
// not such a check: arrow-go validates records with TypeEqual, so there
// TypeEqual decides. It holds no state.
package arrowtype
