package vm

import (
	"errors"
	"io"
)

// ErrAIRUnsupported is returned by the AIR input writers until they land.
var ErrAIRUnsupported = errors.New("writing AIR inputs is not supported yet")

// WriteAIRPublicInput writes the AIR public input of a proof-mode run.
// Not implemented yet: it returns ErrAIRUnsupported.
func (r *Runner) WriteAIRPublicInput(w io.Writer) error { return ErrAIRUnsupported }

// WriteAIRPrivateInput writes the AIR private input of a proof-mode run.
// Not implemented yet: it returns ErrAIRUnsupported.
func (r *Runner) WriteAIRPrivateInput(w io.Writer, traceFile, memoryFile string) error {
	return ErrAIRUnsupported
}
