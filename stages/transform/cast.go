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
// arrow.FixedWidthTypes.Timestamp_us (UTC; a timestamp[ns] column is left
// as it is, keeping its nanoseconds) or arrow.FixedWidthTypes.Date32. A
// column already of that type is passed on as it is. Build fails on
// another type, a missing column and a column type that does not convert;
// a value that does not convert is an error at run time.
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
// gives it and the function of stages/expr that converts.
type castTarget struct {
	to       arrow.DataType
	name, fn string
}

func castTargets() []castTarget {
	return []castTarget{
		{arrow.PrimitiveTypes.Int64, "int", "to_int"},
		{arrow.PrimitiveTypes.Float64, "float", "to_float"},
		{arrow.BinaryTypes.String, "string", "to_string"},
		{arrow.FixedWidthTypes.Boolean, "bool", "to_bool"},
		{arrow.FixedWidthTypes.Timestamp_us, "timestamp", "to_timestamp"},
		{arrow.FixedWidthTypes.Date32, "date", "to_date"},
	}
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
			names := make([]string, len(targets))
			for j, t := range targets {
				names[j] = t.to.String()
			}
			return pipeline.Stage{}, nil, fmt.Errorf("cast: column %q: cannot cast to %v (types: %s)", c.Column, c.To, strings.Join(names, ", "))
		}
		idx, err := columnIndex("cast", in, c.Column, k)
		if err != nil {
			return pipeline.Stage{}, nil, err
		}
		quoted := "`" + strings.ReplaceAll(c.Column, "`", "``") + "`"
		e, err := expr.Compile(castCall(targets[t].fn, quoted), schema)
		if err != nil {
			// The column and the target exist: what fails is this type.
			dt := schema.Field(idx).Type
			te := verb.TypeLimit(c.Column, dt, fmt.Errorf("cast: column %q to %s: %s", c.Column, targets[t].name, firstLine(err)))
			te.Hint = fmt.Sprintf("cast cannot turn column %q of type %s into %s: cast it to string or float first (cast %s:string then %s:%s), or leave it out", c.Column, dt, targets[t].name, c.Column, c.Column, targets[t].name)
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

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}
