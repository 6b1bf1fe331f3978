package hints

import (
	"fmt"
	"strings"
)

// HintError is an error raised while a hint ran: the pc (offset in the
// program segment) of the hint, its Python code, and the cause, whose text
// follows cairo-lang's message for the same failure where there is one
// ("a = 5 is out of range.").
type HintError struct {
	PC   int
	Code string
	Err  error
}

// Error reads as cairo-lang's report of a failing hint; the engine adds the
// pc and the Cairo location around it.
func (e *HintError) Error() string {
	return "Got an exception while executing a hint: " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *HintError) Unwrap() error { return e.Err }

// UnknownHintError is returned when execution reaches a hint that no
// registered Go function implements. Programs whose unknown hints are never
// reached run normally.
type UnknownHintError struct {
	Code     string
	PC       int
	Location string // "file.cairo:3:5", empty without debug information
}

// Error names the pc, the location and the first line of the hint's code.
func (e *UnknownHintError) Error() string {
	first := strings.TrimSpace(e.Code)
	if i := strings.IndexByte(first, '\n'); i >= 0 {
		first = strings.TrimSpace(first[:i])
	}
	if e.Location != "" {
		return fmt.Sprintf("unknown hint at pc 0:%d (%s): %s", e.PC, e.Location, first)
	}
	return fmt.Sprintf("unknown hint at pc 0:%d: %s", e.PC, first)
}

// RevokedError is returned when a hint reads an ap-based reference whose ap
// tracking group differs from the hint's: ap cannot be deduced there.
type RevokedError struct {
	Name                string // the name as the hint wrote it
	RefGroup, HintGroup int
}

// Error is cairo-lang's message for the same case.
func (e *RevokedError) Error() string { return fmt.Sprintf("Reference '%s' is revoked.", e.Name) }
