package cluster

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// A done message reports one attempt at a task: where its parts are in
// the job stream, or the task's error.
type done struct {
	Task    int    `json:"task"`
	Attempt string `json:"attempt"`
	Worker  string `json:"worker"`
	// Parts are the stream sequence numbers of the attempt's parts, in
	// order: together one Arrow IPC stream.
	Parts []uint64 `json:"parts"`
	// File says the result is the attempt's file in the job's result
	// directory (resultFileName) instead of parts.
	File bool  `json:"file,omitempty"`
	Rows int64 `json:"rows"`
	// Read counts the input rows the task read, Rejected among them.
	Read int64 `json:"read,omitempty"`
	// Rejected counts the bad input rows the task skipped (ReadSpec.OnError).
	Rejected int64 `json:"rejected,omitempty"`
	// Rejects are the bad rows themselves, in line order (OnError "reject").
	Rejects   []Reject `json:"rejects,omitempty"`
	Bytes     int64    `json:"bytes"`
	Delivered uint64   `json:"delivered"`
	Millis    int64    `json:"millis"`
	Err       string   `json:"error,omitempty"`
}

func parseDone(data []byte) (*done, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var d done
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("cluster: malformed result message: %w", err)
	}
	if d.Task < 0 || (d.Err == "" && !validID(d.Attempt)) {
		return nil, fmt.Errorf("cluster: malformed result message for task %d", d.Task)
	}
	return &d, nil
}
