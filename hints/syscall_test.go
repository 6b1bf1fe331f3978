package hints

import (
	"testing"

	"github.com/cairn-vm/cairn/vm"
)

// recordingHandler answers storage_read by writing a fixed value into the
// request's response cell (StorageRead: selector, address, value).
type recordingHandler struct {
	calls []string
	ptrs  []vm.Relocatable
}

func (h *recordingHandler) Syscall(c *Context, name string, ptr vm.Relocatable) error {
	h.calls = append(h.calls, name)
	h.ptrs = append(h.ptrs, ptr)
	return c.Write(ptr.Add(2), vm.IntValue(77))
}

func TestSyscallHintsDispatch(t *testing.T) {
	for _, name := range deprecatedSyscalls {
		code := "syscall_handler." + name + "(segments=segments, syscall_ptr=ids.syscall_ptr)"
		f := newFixture(t, code, 0, tref{name: "syscall_ptr", value: "[cast(fp + (-3), felt**)]"})
		sys := f.st.Mem.AddSegment()
		f.put(f.fp(-3), vm.PtrValue(sys))

		// Without a handler the hint fails with Python's NameError.
		wantErr(t, f.run(), "name 'syscall_handler' is not defined")

		h := &recordingHandler{}
		f.st.Scopes[0][SyscallHandlerVar] = h
		f.mustRun()
		if len(h.calls) != 1 || h.calls[0] != name || h.ptrs[0] != sys {
			t.Errorf("%s: handler saw %v at %v, want one %s at %s", name, h.calls, h.ptrs, name, sys)
		}
		if got := f.get(sys.Add(2)); !got.Equal(vm.IntValue(77)) {
			t.Errorf("%s: response cell %s, want 77", name, got)
		}
	}
}

func TestSyscallHandlerWrongType(t *testing.T) {
	f := newFixture(t, "syscall_handler.storage_read(segments=segments, syscall_ptr=ids.syscall_ptr)", 0,
		tref{name: "syscall_ptr", value: "[cast(fp + (-3), felt**)]"})
	f.put(f.fp(-3), vm.PtrValue(f.st.Mem.AddSegment()))
	f.st.Scopes[0][SyscallHandlerVar] = 42
	wantErr(t, f.run(), "not a hints.DeprecatedSyscallHandler")
}
