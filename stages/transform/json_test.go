package transform

import (
	"bytes"
	"encoding/json"
)

// jsonCompactSorted re-encodes one JSON object with sorted keys.
func jsonCompactSorted(dst *bytes.Buffer, line string) error {
	var v map[string]any
	if err := json.Unmarshal([]byte(line), &v); err != nil {
		return err
	}
	b, err := json.Marshal(v) // encoding/json sorts map keys
	if err != nil {
		return err
	}
	dst.Write(b)
	return nil
}
