package plan

import (
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/stages/transform"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// withFlattens lets verbs name the fields of struct columns by dotted path
// ("user.country", "a.b.c"), as they could when NDJSON objects were always
// flattened: before the first verb that names a path through a struct
// column that the schema reaching it does not have as a column, it inserts
// a flatten of that struct (transform.Flatten: one column per field, in
// place, recursively). The names a verb uses are those its Reads returns
// for every output needed (Reads(in, nil): asked so, Reads leaves no state
// for the next Build, as join's would for a narrower need). A verb that
// still does not build (a filter or sort, whose Reads then answers
// "every column") gets the one struct whose flattening makes it build, or
// else every struct when that does. Struct columns that no verb names
// pass through whole. Without a struct column in the input, verbs are
// returned as they are. A verb that fails to build ends the walk: Build
// reports its error.
func withFlattens(env verb.Env, verbs []verb.Verb, in *arrow.Schema) []verb.Verb {
	if !hasStruct(in) {
		return verbs
	}
	out := make([]verb.Verb, 0, len(verbs)+1)
	schema := in
	for i, v := range verbs {
		if hasStruct(schema) {
			if f, s, ok := flattenFor(env, v, schema); ok {
				out, schema = append(out, f), s
			}
		}
		out = append(out, v)
		_, s, err := v.Build(env, schema)
		if err != nil {
			return append(out, verbs[i+1:]...)
		}
		schema = s
	}
	return out
}

// flattenFor returns the flatten that verb v needs before it on schema,
// with the schema it makes, or false when v needs none.
func flattenFor(env verb.Env, v verb.Verb, schema *arrow.Schema) (verb.Verb, *arrow.Schema, bool) {
	var cols []string
	if v.Reads != nil {
		for _, name := range v.Reads(schema, nil) {
			if c := structOf(schema, name); c != "" && !slices.Contains(cols, c) {
				cols = append(cols, c)
			}
		}
	}
	if len(cols) > 0 {
		f := transform.Flatten(cols...)
		if _, s, err := f.Build(env, schema); err == nil {
			return f, s, true
		}
	}
	if _, _, err := v.Build(env, schema); err == nil {
		return verb.Verb{}, nil, false
	}
	for _, c := range schema.Fields() {
		if c.Type.ID() == arrow.STRUCT {
			f := transform.Flatten(c.Name)
			if s, ok := buildsAfter(env, f, v, schema); ok {
				return f, s, true
			}
		}
	}
	f := transform.Flatten()
	s, ok := buildsAfter(env, f, v, schema)
	return f, s, ok
}

// buildsAfter reports whether v builds after f, and the schema f makes.
func buildsAfter(env verb.Env, f, v verb.Verb, schema *arrow.Schema) (*arrow.Schema, bool) {
	_, s, err := f.Build(env, schema)
	if err != nil {
		return nil, false
	}
	if _, _, err := v.Build(env, s); err != nil {
		return nil, false
	}
	return s, true
}

// structOf returns the struct column that name is a dotted path into
// ("user" for "user.geo.lat"), or "" when name is a column of schema or
// starts with no struct column's name. A path to no field still names its
// struct: flattened, the verb's error then suggests the closest field
// ("user.contry": did you mean "user.country"?).
func structOf(schema *arrow.Schema, name string) string {
	if len(schema.FieldIndices(name)) > 0 {
		return ""
	}
	var prefix string
	for _, f := range schema.Fields() {
		rest, ok := strings.CutPrefix(name, f.Name+".")
		if !ok || f.Type.ID() != arrow.STRUCT {
			continue
		}
		if inStruct(f.Type, rest) {
			return f.Name
		}
		prefix = f.Name
	}
	return prefix
}

// inStruct reports whether path names a field of struct type t, at any
// depth ("geo.lat"); field names may hold dots themselves.
func inStruct(t arrow.DataType, path string) bool {
	st, ok := t.(*arrow.StructType)
	if !ok {
		return false
	}
	for _, f := range st.Fields() {
		if f.Name == path {
			return true
		}
		if rest, ok := strings.CutPrefix(path, f.Name+"."); ok && inStruct(f.Type, rest) {
			return true
		}
	}
	return false
}

func hasStruct(schema *arrow.Schema) bool {
	return slices.ContainsFunc(schema.Fields(), func(f arrow.Field) bool { return f.Type.ID() == arrow.STRUCT })
}
