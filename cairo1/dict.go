package cairo1

import (
	"fmt"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/class"
	"github.com/cairn-vm/cairn/vm"
)

// DictManager is the Python side of an execution's Felt252Dicts:
// cairo-lang's DictManager (starkware/cairo/common/dict.py) as the Cairo 1
// hints use it, with __segment_index_to_arena_index beside it. Each dict
// lives in a segment of its own, found by the segment index of any pointer
// into it; its tracker holds the Python dict (a defaultdict of 0) and the
// dict's current end, which every access must start from.
type DictManager struct {
	trackers map[int]*dictTracker
	// bases are the dicts' segment bases in allocation order.
	bases []vm.Relocatable
	// arenaIndex maps a dict's segment index to its index in the segment
	// arena's infos (the arena's segment count when it was allocated).
	arenaIndex map[int]asm.Felt
}

// dictTracker is cairo-lang's DictTracker.
type dictTracker struct {
	data    map[vm.Value]vm.Value
	current vm.Relocatable
}

func newDictManager() *DictManager {
	return &DictManager{trackers: map[int]*dictTracker{}, arenaIndex: map[int]asm.Felt{}}
}

// Segments returns the bases of the dict segments in allocation order; all
// but the first of an execution are temporary segments.
func (d *DictManager) Segments() []vm.Relocatable { return append([]vm.Relocatable(nil), d.bases...) }

// Lookup returns the value of key in the dict living in the given segment
// as the hints last set it; ok is false when the dict or the key is absent.
func (d *DictManager) Lookup(segment int, key vm.Value) (v vm.Value, ok bool) {
	t := d.trackers[segment]
	if t == nil {
		return vm.Value{}, false
	}
	v, ok = t.data[dictKey(key)]
	return v, ok
}

// newDict is new_default_dict(segments, 0, temp_segment=temp).
func (d *DictManager) newDict(m *vm.Memory, temp bool) vm.Relocatable {
	var base vm.Relocatable
	if temp {
		base = m.AddTempSegment()
	} else {
		base = m.AddSegment()
	}
	d.trackers[base.Segment] = &dictTracker{data: map[vm.Value]vm.Value{}, current: base}
	d.bases = append(d.bases, base)
	return base
}

// tracker is get_tracker(ptr): the dict of ptr's segment, whose current end
// must be ptr.
func (d *DictManager) tracker(ptr vm.Relocatable) (*dictTracker, error) {
	t := d.trackers[ptr.Segment]
	if t == nil {
		return nil, fmt.Errorf("%w: Dictionary pointer %s was not created using dict_new().", ErrDict, ptr)
	}
	if t.current != ptr {
		return nil, fmt.Errorf("%w: Wrong dict pointer supplied. Got %s, expected %s.", ErrDict, ptr, t.current)
	}
	return t, nil
}

// get is data[key] on the defaultdict: a missing key is set to 0.
func (t *dictTracker) get(key vm.Value) vm.Value {
	key = dictKey(key)
	if v, ok := t.data[key]; ok {
		return v
	}
	v := vm.IntValue(0)
	t.data[key] = v
	return v
}

func (t *dictTracker) set(key, v vm.Value) { t.data[dictKey(key)] = v }

// dictKey normalises a memory value so that equal Python values are equal
// Go map keys.
func dictKey(v vm.Value) vm.Value {
	if v.IsPtr() {
		return vm.PtrValue(v.Ptr())
	}
	return vm.FeltValue(v.Felt())
}

// dictsOf returns the execution's dict manager; without one, no dict was
// allocated (in Python, __dict_manager is not defined).
func dictsOf(st *vm.State) (*DictManager, error) {
	es, err := stateOf(st)
	if err != nil {
		return nil, err
	}
	if es.dicts == nil {
		return nil, fmt.Errorf("%w: no dict manager: no Felt252Dict was allocated in this execution", ErrDict)
	}
	return es.dicts, nil
}

// allocFelt252Dict: the arena's segment count n = memory[ptr - 2] is the
// new dict's index; the dict gets a new segment (a temporary one unless
// n = 0) whose base is written to the start of the n-th SegmentInfo,
// memory[memory[ptr - 3] + 3n].
func allocFelt252Dict(st *vm.State, h *class.AllocFelt252Dict) error {
	es, err := stateOf(st)
	if err != nil {
		return err
	}
	if es.dicts == nil {
		es.dicts = newDictManager()
	}
	arena, err := evalPtr(st, &h.SegmentArenaPtr, "segment_arena_ptr")
	if err != nil {
		return err
	}
	at, err := addInt(arena, -2)
	if err != nil {
		return err
	}
	idxV, err := readAt(st.Mem, at)
	if err != nil {
		return err
	}
	if !idxV.IsFelt() {
		return notInteger("the arena's segment count", idxV)
	}
	idx := idxV.Felt()
	base := es.dicts.newDict(st.Mem, !idx.IsZero())
	es.dicts.arenaIndex[base.Segment] = idx
	if at, err = addInt(arena, -3); err != nil {
		return err
	}
	infos, err := readAt(st.Mem, at)
	if err != nil {
		return err
	}
	if !infos.IsPtr() {
		return notAddress("the arena's infos pointer", infos)
	}
	n, err := feltInt(&idx, "the arena's segment count", maxOffset/3)
	if err != nil {
		return err
	}
	dst, err := addInt(infos.Ptr(), 3*n)
	if err != nil {
		return err
	}
	return st.Mem.Write(dst, vm.PtrValue(base))
}

// trackerAt finds the dict whose current end dict_ptr is.
func trackerAt(st *vm.State, dictPtr *class.ResOperand) (*dictTracker, vm.Relocatable, error) {
	d, err := dictsOf(st)
	if err != nil {
		return nil, vm.Relocatable{}, err
	}
	ptr, err := evalPtr(st, dictPtr, "dict_ptr")
	if err != nil {
		return nil, vm.Relocatable{}, err
	}
	t, err := d.tracker(ptr)
	return t, ptr, err
}

// felt252DictEntryInit starts an access at the dict's end: the end moves
// past the access, and the key's value (0 if absent) is written as the
// access's previous value, memory[dict_ptr + 1].
func felt252DictEntryInit(st *vm.State, h *class.Felt252DictEntryInit) error {
	t, ptr, err := trackerAt(st, &h.DictPtr)
	if err != nil {
		return err
	}
	t.current.Offset += 3
	key, err := evalValue(st, &h.Key)
	if err != nil {
		return err
	}
	v := t.get(key)
	dst, err := addInt(ptr, 1)
	if err != nil {
		return err
	}
	return st.Mem.Write(dst, v)
}

// felt252DictEntryUpdate sets the key of the access that ends at dict_ptr,
// memory[dict_ptr - 3], to value.
func felt252DictEntryUpdate(st *vm.State, h *class.Felt252DictEntryUpdate) error {
	t, ptr, err := trackerAt(st, &h.DictPtr)
	if err != nil {
		return err
	}
	v, err := evalValue(st, &h.Value)
	if err != nil {
		return err
	}
	at, err := addInt(ptr, -3)
	if err != nil {
		return err
	}
	key, err := readAt(st.Mem, at)
	if err != nil {
		return err
	}
	t.set(key, v)
	return nil
}

// getSegmentArenaIndex writes the arena index of the dict dict_end_ptr
// points into.
func getSegmentArenaIndex(st *vm.State, h *class.GetSegmentArenaIndex) error {
	d, err := dictsOf(st)
	if err != nil {
		return err
	}
	ptr, err := evalPtr(st, &h.DictEndPtr, "dict_end_ptr")
	if err != nil {
		return err
	}
	idx, ok := d.arenaIndex[ptr.Segment]
	if !ok {
		return fmt.Errorf("%w: segment %d of dict_end_ptr %s holds no dict of the segment arena", ErrDict, ptr.Segment, ptr)
	}
	return writeFelt(st, h.DictIndex, idx)
}

// felt252DictRead (deprecated) reads the key's value as an access starting
// at dict_ptr: the dict's end moves past it.
func felt252DictRead(st *vm.State, h *class.Felt252DictRead) error {
	t, _, err := trackerAt(st, &h.DictPtr)
	if err != nil {
		return err
	}
	t.current.Offset += 3
	key, err := evalValue(st, &h.Key)
	if err != nil {
		return err
	}
	return writeCell(st, h.ValueDst, t.get(key))
}

// felt252DictWrite (deprecated) writes the key's previous value to
// memory[dict_ptr + 1], moves the dict's end past the access and sets the
// key to value.
func felt252DictWrite(st *vm.State, h *class.Felt252DictWrite) error {
	t, ptr, err := trackerAt(st, &h.DictPtr)
	if err != nil {
		return err
	}
	key, err := evalValue(st, &h.Key)
	if err != nil {
		return err
	}
	dst, err := addInt(ptr, 1)
	if err != nil {
		return err
	}
	if err := st.Mem.Write(dst, t.get(key)); err != nil {
		return err
	}
	t.current.Offset += 3
	v, err := evalValue(st, &h.Value)
	if err != nil {
		return err
	}
	t.set(key, v)
	return nil
}
