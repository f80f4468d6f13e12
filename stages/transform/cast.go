package transform

import (
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/expr"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// Casting converts the column Column to the type To.
type Casting struct {
	Column string
	To     arrow.DataType
}

// Cast returns the verb that converts columns with the to_* functions of
// stages/expr (see the package documentation for the rules). To must be
// one of arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Float64,
// arrow.BinaryTypes.String, arrow.FixedWidthTypes.Boolean,
// arrow.FixedWidthTypes.Date32, a decimal128 or a timestamp in µs or ns,
// zone-less or UTC (ns to µs drops the ns digits toward zero, as DuckDB's
// cast of TIMESTAMP_NS). Between zones the
// numbers stay: a zoned timestamp becomes its UTC wall clock, and a
// zone-less one is read as a UTC wall clock, as DuckDB's casts with the
// session zone UTC. A column already of that type is passed on as it is.
// Build fails on another type, a missing column and a column type that
// does not convert; a value that does not convert is an error at run
// time.
func Cast(casts ...Casting) verb.Verb {
	casts = slices.Clone(casts)
	return verb.Verb{
		Name: "cast",
		Build: func(env verb.Env, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
			return buildCast(env, casts, in)
		},
		Reads: func(_ *arrow.Schema, needed []string) []string {
			cols := make([]string, len(casts))
			for k, c := range casts {
				cols[k] = c.Column
			}
			return readsPassing(needed, cols)
		},
	}
}

// castTarget is a type Cast converts to, with the name the command line
// gives it and the function of stages/expr that converts (with tsArg, the
// type argument of to_timestamp(x, 'type')). The timestamp names are
// --schema's (stages/textval): timestamp, timestamptz and timestamp_us are
// timestamp[us, UTC], timestamp_ns is timestamp[ns, UTC], and the
// bracketed names are the types schema prints, zone-less without a zone.
type castTarget struct {
	to              arrow.DataType
	name, fn, tsArg string
}

func castTargets() []castTarget {
	us, ns := arrow.Microsecond, arrow.Nanosecond
	return []castTarget{
		{arrow.PrimitiveTypes.Int64, "int", "to_int", ""},
		{arrow.PrimitiveTypes.Float64, "float", "to_float", ""},
		{arrow.BinaryTypes.String, "string", "to_string", ""},
		{arrow.FixedWidthTypes.Boolean, "bool", "to_bool", ""},
		{&arrow.TimestampType{Unit: us, TimeZone: "UTC"}, "timestamp", "to_timestamp", "timestamp[us, utc]"},
		{&arrow.TimestampType{Unit: us, TimeZone: "UTC"}, "timestamptz", "to_timestamp", "timestamp[us, utc]"},
		{&arrow.TimestampType{Unit: us, TimeZone: "UTC"}, "timestamp_us", "to_timestamp", "timestamp[us, utc]"},
		{&arrow.TimestampType{Unit: ns, TimeZone: "UTC"}, "timestamp_ns", "to_timestamp", "timestamp[ns, utc]"},
		{&arrow.TimestampType{Unit: us}, "timestamp[us]", "to_timestamp", "timestamp[us]"},
		{&arrow.TimestampType{Unit: us, TimeZone: "UTC"}, "timestamp[us, UTC]", "to_timestamp", "timestamp[us, utc]"},
		{&arrow.TimestampType{Unit: ns}, "timestamp[ns]", "to_timestamp", "timestamp[ns]"},
		{&arrow.TimestampType{Unit: ns, TimeZone: "UTC"}, "timestamp[ns, UTC]", "to_timestamp", "timestamp[ns, utc]"},
		{arrow.FixedWidthTypes.Date32, "date", "to_date", ""},
	}
}

// castTargetName is name as castTargets spells it, in lower case without
// spaces, so that 'timestamp[us,utc]' names timestamp[us, UTC].
func castTargetName(name string) string {
	return strings.ToLower(strings.ReplaceAll(name, " ", ""))
}

// castExpr is the expression that converts the column quoted to target t.
func castExpr(t castTarget, quoted string) string {
	if t.tsArg != "" {
		return "to_timestamp(" + quoted + ", '" + t.tsArg + "')"
	}
	return castCall(t.fn, quoted)
}

func buildCast(env verb.Env, casts []Casting, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
	targets := castTargets()
	fields := append([]arrow.Field(nil), in.Fields()...)
	var steps []step
	schema := in
	for k, c := range casts {
		if d, ok := c.To.(*arrow.Decimal128Type); ok {
			targets = append(targets, decimalTarget(d))
		}
		t := slices.IndexFunc(targets, func(t castTarget) bool { return c.To != nil && arrow.TypeEqual(t.to, c.To) })
		if t < 0 {
			var names []string
			for _, t := range targets {
				if !slices.Contains(names, t.to.String()) {
					names = append(names, t.to.String())
				}
			}
			return pipeline.Stage{}, nil, fmt.Errorf("cast: column %q: cannot cast to %v (types: %s)", c.Column, c.To, strings.Join(names, ", "))
		}
		idx, err := columnIndex("cast", in, c.Column, k)
		if err != nil {
			return pipeline.Stage{}, nil, err
		}
		quoted := "`" + strings.ReplaceAll(c.Column, "`", "``") + "`"
		e, err := expr.Compile(castExpr(targets[t], quoted), schema)
		if err != nil {
			// The column and the target exist: what fails is this type.
			dt := schema.Field(idx).Type
			te := verb.TypeLimit(c.Column, dt, fmt.Errorf("cast: column %q to %s: %s", c.Column, targets[t].name, firstLine(err)))
			te.Hint = castHint(c.Column, dt, targets[t])
			return pipeline.Stage{}, nil, te
		}
		if arrow.TypeEqual(e.Type(), schema.Field(idx).Type) {
			continue // already that type
		}
		steps = append(steps, step{e: e, name: c.Column, schema: schema, pos: idx, strict: true, src: idx, to: e.Type().String()})
		fields[idx] = arrow.Field{Name: c.Column, Type: e.Type(), Nullable: true, Metadata: in.Field(idx).Metadata}
		md := in.Metadata()
		schema = arrow.NewSchema(append([]arrow.Field(nil), fields...), &md)
	}
	return newComputeStage("cast", env, steps, schema), schema, nil
}

// castHint is the advice for column col of type dt, which cast cannot
// turn into target. It offers no detour through another cast: where
// to_string takes such a column, its text is not what the target's
// to_* reads either (a time of day to int, a bool to date, a decimal to
// timestamp; a list's "[1, 2]" to anything), so that advice failed on
// every row.
func castHint(col string, dt arrow.DataType, target castTarget) string {
	head := fmt.Sprintf("cast cannot turn column %q of type %s into %s", col, dt, target.name)
	if _, nested := dt.(arrow.NestedType); nested {
		return head + ": cast converts single values, not a list, struct or map as a whole (explode a list or flatten a struct to cast its values), or leave it out"
	}
	return head + "; leave it out (select other columns)"
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}
