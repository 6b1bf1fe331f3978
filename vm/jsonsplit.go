package vm

import "errors"

// splitObject cuts a JSON object into its top-level members without
// decoding them, so that a loader can decode the members it needs and keep
// the others (a program's debug_info, often half the file) as raw bytes.
// encoding/json would validate and scan every byte first, which is most of
// the cost of loading a large program. The split checks only the structure
// it walks; values are validated when they are decoded. On any doubt it
// returns an error and the caller decodes the whole input with
// encoding/json, which reports the position of the problem.
func splitObject(b []byte) (map[string][]byte, error) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil, errNotObject
	}
	out := map[string][]byte{}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return out, trailing(b, i+1)
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return nil, errNotObject
		}
		end, escaped := stringEnd(b, i)
		if end < 0 || escaped {
			return nil, errNotObject // escaped keys: let encoding/json decode them
		}
		key := string(b[i+1 : end])
		i = skipSpace(b, end+1)
		if i >= len(b) || b[i] != ':' {
			return nil, errNotObject
		}
		i = skipSpace(b, i+1)
		vend := valueEnd(b, i)
		if vend < 0 {
			return nil, errNotObject
		}
		if _, dup := out[key]; dup {
			return nil, errNotObject // encoding/json's last-wins rule: leave it to it
		}
		out[key] = b[i:vend]
		i = skipSpace(b, vend)
		if i >= len(b) {
			return nil, errNotObject
		}
		if b[i] == '}' {
			return out, trailing(b, i+1)
		}
		if b[i] != ',' {
			return nil, errNotObject
		}
		i = skipSpace(b, i+1)
	}
}

var errNotObject = errors.New("not a well-formed JSON object")

func trailing(b []byte, i int) error {
	if skipSpace(b, i) != len(b) {
		return errNotObject
	}
	return nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	return i
}

// stringEnd returns the index of the closing quote of the string that
// starts at b[i], and whether it contains escapes; -1 if unterminated.
func stringEnd(b []byte, i int) (int, bool) {
	escaped := false
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			return j, escaped
		}
	}
	return -1, escaped
}

// valueEnd returns the index just past the value that starts at b[i], or
// -1 when it is not terminated. Objects and arrays are matched by depth,
// skipping strings; scalars end at the next delimiter.
func valueEnd(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		end, _ := stringEnd(b, i)
		if end < 0 {
			return -1
		}
		return end + 1
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, _ := stringEnd(b, j)
				if end < 0 {
					return -1
				}
				j = end
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\n' && b[j] != '\r' && b[j] != '\t' {
		j++
	}
	if j == i {
		return -1
	}
	return j
}
