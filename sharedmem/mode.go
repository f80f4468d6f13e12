package sharedmem

import "fmt"

// Mode selects how batches cross between stages.
type Mode uint8

const (
	// Auto shares, except small slices of big buffers (and batches under
	// a copy threshold, if one is set), which it copies. It is the zero
	// value.
	Auto Mode = iota
	// Copy encodes every batch into a message decoded into fresh buffers.
	Copy
	// Shared moves every batch by reference.
	Shared
)

// ParseMode reads "auto", "copy" or "shared".
func ParseMode(s string) (Mode, error) {
	switch s {
	case "auto", "":
		return Auto, nil
	case "copy":
		return Copy, nil
	case "shared":
		return Shared, nil
	}
	return Auto, fmt.Errorf("sharedmem: unknown handoff mode %q (want copy, shared or auto)", s)
}

func (m Mode) String() string {
	switch m {
	case Copy:
		return "copy"
	case Shared:
		return "shared"
	default:
		return "auto"
	}
}
