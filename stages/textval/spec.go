package textval

import (
	"errors"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// ErrSpec is wrapped by every error of ParseSpec and Spec.Apply.
var ErrSpec = errors.New("textval: bad schema")

// A Spec is an ordered list of column type overrides, as given on the command
// line with --schema. Columns it does not name keep their inferred types.
type Spec []SpecField

// A SpecField gives the type of the column called Name.
type SpecField struct {
	Name string
	Type arrow.DataType
}

// typeNames maps the names accepted in a spec to types; the first name of
// each type is the one FormatSchema writes.
var typeNames = []struct {
	name string
	kind Kind
}{
	{"int64", KindInt64}, {"int", KindInt64},
	{"float64", KindFloat64}, {"float", KindFloat64}, {"double", KindFloat64},
	{"bool", KindBool}, {"boolean", KindBool},
	{"string", KindString}, {"str", KindString}, {"utf8", KindString},
	{"timestamp", KindTimestamp}, {"timestamp_us", KindTimestamp}, {"timestamptz", KindTimestamp},
	{"timestamp_ns", KindTimestampNano},
	{"date", KindDate}, {"date32", KindDate},
}

// ParseSpec reads a comma-separated list of name:type entries, such as
//
//	id:int64,price:float64,ts:timestamp,d:date,flag:bool,name:string
//
// Types are int64 (or int), float64 (float, double), bool (boolean), string
// (str, utf8), timestamp (microseconds, UTC; or timestamp_us, timestamptz),
// timestamp_ns (nanoseconds, UTC), date (date32) and the timestamp types
// as schema prints them: timestamp[us] and timestamp[ns] (zone-less: wall
// clock times, DuckDB's TIMESTAMP), timestamp[us, UTC] and
// timestamp[ns, UTC]; decimal(p,s) (or numeric(p,s); decimal(p) is scale
// 0; 1 ≤ p ≤ 38, 0 ≤ s ≤ p; read exactly: see ParseDecimal128); and lists, for NDJSON arrays: list<T> or DuckDB's
// T[], T one of int64 (int, bigint, integer), float64 (float, double),
// bool (boolean) and string (str, utf8, varchar, text); in any letter case. A name may contain ':' (the type follows the last one) but not ','.
// Spaces around names and types are ignored. An empty string is an empty
// Spec. Errors wrap ErrSpec and quote the bad entry.
func ParseSpec(s string) (Spec, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var spec Spec
	seen := make(map[string]bool)
	for i, entry := range splitEntries(s) {
		colon := strings.LastIndexByte(entry, ':')
		if colon < 0 {
			return nil, fmt.Errorf("%w: entry %d %q: want name:type", ErrSpec, i+1, entry)
		}
		name := strings.TrimSpace(entry[:colon])
		tname := strings.ToLower(strings.TrimSpace(entry[colon+1:]))
		if name == "" {
			return nil, fmt.Errorf("%w: entry %d %q: empty column name", ErrSpec, i+1, entry)
		}
		if seen[name] {
			return nil, fmt.Errorf("%w: entry %d %q: column %q given twice", ErrSpec, i+1, entry, name)
		}
		seen[name] = true
		dt := bracketTimestamp(tname)
		if dt == nil {
			dt = listType(tname)
		}
		if dt == nil {
			var why string
			if dt, why = decimalType(tname); why != "" {
				return nil, fmt.Errorf("%w: entry %d %q: %s", ErrSpec, i+1, entry, why)
			}
		}
		for _, tn := range typeNames {
			if dt == nil && tn.name == tname {
				dt = tn.kind.DataType()
				break
			}
		}
		if dt == nil {
			return nil, fmt.Errorf("%w: entry %d %q: unknown type %q (want int64, float64, bool, string, timestamp, timestamp_ns, timestamp[us], timestamp[us, UTC], date, decimal(p,s), or a list: list<int64>, int64[] ...)", ErrSpec, i+1, entry, tname)
		}
		spec = append(spec, SpecField{Name: name, Type: dt})
	}
	return spec, nil
}

// Apply returns a copy of fields with the types that s gives them. Every
// name in s must be the name of one of fields; the error for a name that is
// not wraps ErrSpec and lists the known names.
func (s Spec) Apply(fields []arrow.Field) ([]arrow.Field, error) {
	out := append([]arrow.Field(nil), fields...)
	for _, sf := range s {
		if _, ok := sf.Type.(*arrow.ListType); ok {
			return nil, fmt.Errorf("%w: column %q: %s is for NDJSON arrays; a CSV or TSV field is text (read it as a string and split it)", ErrSpec, sf.Name, listName(sf.Type))
		}
		found := false
		for i := range out {
			if out[i].Name == sf.Name {
				out[i].Type = sf.Type
				found = true
			}
		}
		if !found {
			names := make([]string, len(fields))
			for i, f := range fields {
				names[i] = f.Name
			}
			return nil, fmt.Errorf("%w: column %q is not in the input (columns: %s)", ErrSpec, sf.Name, strings.Join(names, ", "))
		}
	}
	return out, nil
}

// FormatSchema writes schema in the syntax that ParseSpec reads, one
// name:type entry per field. Types outside ParseSpec's set are written with
// their Arrow name (so the result documents the schema but ParseSpec rejects
// it); names containing ',' do not read back.
func FormatSchema(schema *arrow.Schema) string {
	var b strings.Builder
	for i, f := range schema.Fields() {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(f.Name)
		b.WriteByte(':')
		b.WriteString(typeName(f.Type))
	}
	return b.String()
}

func typeName(dt arrow.DataType) string {
	if ts, ok := dt.(*arrow.TimestampType); ok {
		return timestampName(ts)
	}
	if name := listName(dt); name != "" {
		return name
	}
	if name := decimalName(dt); name != "" {
		return name
	}
	k, ok := KindOf(dt)
	if !ok {
		return dt.String()
	}
	for _, tn := range typeNames {
		if tn.kind == k {
			return tn.name
		}
	}
	return dt.String()
}

// timestampName writes a timestamp type with its unit and zone, as
// "timestamp[us, UTC]" or "timestamp[ns]" (zone-less).
func timestampName(ts *arrow.TimestampType) string {
	name := "timestamp[" + ts.Unit.String()
	if ts.TimeZone != "" {
		name += ", " + ts.TimeZone
	}
	return name + "]"
}

// bracketTimestamp reads a lower-case "timestamp[us]", "timestamp[ns]",
// "timestamp[us, utc]" or "timestamp[ns, utc]" (spaces optional), the
// forms timestampName writes for the types a reader builds; nil for any
// other text.
func bracketTimestamp(tname string) arrow.DataType {
	rest, ok := strings.CutPrefix(tname, "timestamp[")
	if !ok {
		return nil
	}
	rest, ok = strings.CutSuffix(rest, "]")
	if !ok {
		return nil
	}
	unitText, zone, zoned := strings.Cut(rest, ",")
	var unit arrow.TimeUnit
	switch strings.TrimSpace(unitText) {
	case "us":
		unit = arrow.Microsecond
	case "ns":
		unit = arrow.Nanosecond
	default:
		return nil
	}
	switch {
	case !zoned:
		return &arrow.TimestampType{Unit: unit}
	case strings.TrimSpace(zone) == "utc":
		return &arrow.TimestampType{Unit: unit, TimeZone: "UTC"}
	}
	return nil
}

// splitEntries cuts a spec at the commas outside brackets and parentheses,
// so that "ts:timestamp[us, UTC],x:int64" is two entries.
func splitEntries(s string) []string {
	var entries []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[', '(':
			depth++
		case ']', ')':
			depth--
		case ',':
			if depth <= 0 {
				entries = append(entries, s[start:i])
				start = i + 1
			}
		}
	}
	return append(entries, s[start:])
}
