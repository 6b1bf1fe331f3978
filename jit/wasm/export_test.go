package wasm

// EncodeUnchecked encodes m after the structural checks only (every
// function defined, bodies balanced and complete) but without
// type-checking the bodies, so that tests can show wazero rejecting what
// Validate rejects.
func EncodeUnchecked(m *Module) ([]byte, error) {
	if err := m.validateStructure(); err != nil {
		return nil, err
	}
	return m.encode(), nil
}
