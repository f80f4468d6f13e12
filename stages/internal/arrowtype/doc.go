// Package arrowtype compares Arrow data types by what they are, for the
// checks that a batch has the types a stage was built for.
//
// arrow-go's TypeEqual falls back to reflect.DeepEqual for some nested
// types (large lists, dictionaries), and a timestamp type caches its
// time.Location once asked for it, so two equal large_list<timestamp[us,
// UTC]> types compare unequal once one has been used to print a value —
// as happens after a copy handoff, which decodes a fresh type. Same
// compares their structure instead. It holds no state.
package arrowtype
