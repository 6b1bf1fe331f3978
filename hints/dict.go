package hints

import (
	"errors"
	"fmt"

	"github.com/cairn-vm/cairn/vm"
)

// The dictionaries of dict.cairo and default_dict.cairo: cairo-lang keeps
// the Python side of every Cairo dict in a DictManager that the first
// dict_new stores in the hint scope as __dict_manager. Hints see only the
// innermost scope's variables (cairo-lang runs a hint with the innermost
// scope as its globals), so dict_squash passes the manager into the scope it
// enters, and a dict_new run in a fresh scope without it creates a manager
// of its own there.

var dictHints = []builtinHint{
	{"dict_new", codeDictNew, hintDictNew},
	{"default_dict_new", codeDefaultDictNew, hintDefaultDictNew},
	{"dict_read", codeDictRead, hintDictRead},
	{"dict_write", codeDictWrite, hintDictWrite},
	{"dict_update", codeDictUpdate, hintDictUpdate},
	{"dict_squash_copy_dict", codeDictSquashCopyDict, hintDictSquashCopyDict},
	{"dict_squash_update_ptr", codeDictSquashUpdatePtr, hintDictSquashUpdatePtr},
}

func init() { addFamily(dictHints) }

// dictManagerName is the scope variable holding the *DictManager.
const dictManagerName = "__dict_manager"

// DictData is a Python dict of memory values (keys and values are felts or
// relocatable values) that remembers insertion order, as Python's dict
// does; printing a dict and copying it follow that order. With a default
// value it is a collections.defaultdict: reading a missing key inserts the
// default.
type DictData struct {
	keys       []vm.Value
	vals       map[vm.Value]vm.Value
	hasDefault bool
	def        vm.Value
}

// NewDictData returns an empty dict.
func NewDictData() *DictData { return &DictData{vals: map[vm.Value]vm.Value{}} }

// newDefaultDictData returns an empty defaultdict(lambda: def).
func newDefaultDictData(def vm.Value) *DictData {
	d := NewDictData()
	d.hasDefault, d.def = true, dictKey(def)
	return d
}

// dictKey normalises a memory value so that equal Python values are equal
// Go map keys.
func dictKey(v vm.Value) vm.Value {
	if v.IsPtr() {
		return vm.PtrValue(v.Ptr())
	}
	return vm.FeltValue(v.Felt())
}

// Len is len(d).
func (d *DictData) Len() int { return len(d.keys) }

// Keys returns the keys in insertion order.
func (d *DictData) Keys() []vm.Value { return append([]vm.Value(nil), d.keys...) }

// Lookup is d[k] without the KeyError: a defaultdict inserts and returns
// its default for a missing key; a plain dict reports ok=false.
func (d *DictData) Lookup(k vm.Value) (v vm.Value, ok bool) {
	k = dictKey(k)
	if v, ok := d.vals[k]; ok {
		return v, true
	}
	if !d.hasDefault {
		return vm.Value{}, false
	}
	d.insert(k, d.def)
	return d.def, true
}

// Get is d[k]: a missing key of a plain dict is Python's KeyError.
func (d *DictData) Get(k vm.Value) (vm.Value, error) {
	v, ok := d.Lookup(k)
	if !ok {
		return vm.Value{}, fmt.Errorf("KeyError: %s", pyRepr(k))
	}
	return v, nil
}

// Set is d[k] = v.
func (d *DictData) Set(k, v vm.Value) { d.insert(dictKey(k), dictKey(v)) }

// insert is Set for a normalised key and value. One map assignment both
// stores the value and, through the map's length, tells a new key from an
// old one: a lookup first would hash the 40-byte key twice.
func (d *DictData) insert(k, v vm.Value) {
	n := len(d.vals)
	d.vals[k] = v
	if len(d.vals) > n {
		d.keys = append(d.keys, k)
	}
}

// Copy is dict(d): a plain dict with the same items in the same order (a
// defaultdict's default is not copied).
func (d *DictData) Copy() *DictData {
	out := &DictData{keys: append([]vm.Value(nil), d.keys...), vals: make(map[vm.Value]vm.Value, len(d.vals))}
	for k, v := range d.vals {
		out.vals[k] = v
	}
	return out
}

// pyRepr is Python's repr() of a memory value: an integer in [0, PRIME),
// or cairo-lang's dataclass repr of a RelocatableValue.
func pyRepr(v vm.Value) string {
	if v.IsPtr() {
		p := v.Ptr()
		return fmt.Sprintf("RelocatableValue(segment_index=%d, offset=%d)", p.Segment, p.Offset)
	}
	return pyStr(v)
}

// DictTracker is the Python side of one Cairo dict: its data and the
// first unused position of its segment, where the next DictAccess must be
// written.
type DictTracker struct {
	Data       *DictData
	CurrentPtr vm.Relocatable
}

// DictManager maps the segment index of each Cairo dict to its tracker
// (cairo-lang's starkware.cairo.common.dict.DictManager).
type DictManager struct {
	Trackers map[int]*DictTracker
}

// NewDictManager returns a manager with no dicts.
func NewDictManager() *DictManager { return &DictManager{Trackers: map[int]*DictTracker{}} }

// NewDict creates a Cairo dict in a new segment holding a copy of initial
// and returns its base.
func (m *DictManager) NewDict(mem *vm.Memory, initial *DictData) (vm.Relocatable, error) {
	base := mem.AddSegment()
	data := NewDictData()
	if initial != nil {
		data = initial.Copy()
	}
	return base, m.track(base, data)
}

// NewDefaultDict creates a Cairo dict in a new segment whose missing keys
// read as def, and returns its base.
func (m *DictManager) NewDefaultDict(mem *vm.Memory, def vm.Value) (vm.Relocatable, error) {
	base := mem.AddSegment()
	return base, m.track(base, newDefaultDictData(def))
}

func (m *DictManager) track(base vm.Relocatable, data *DictData) error {
	if _, dup := m.Trackers[base.Segment]; dup {
		return errors.New("AssertionError: base.segment_index not in self.trackers")
	}
	m.Trackers[base.Segment] = &DictTracker{Data: data, CurrentPtr: base}
	return nil
}

// Tracker returns the tracker of the dict ptr points into, which must be
// the dict's current end (get_tracker).
func (m *DictManager) Tracker(ptr vm.Relocatable) (*DictTracker, error) {
	t := m.Trackers[ptr.Segment]
	if t == nil {
		return nil, fmt.Errorf("Dictionary pointer %s was not created using dict_new().", ptr)
	}
	if t.CurrentPtr != ptr {
		return nil, fmt.Errorf("Wrong dict pointer supplied. Got %s, expected %s.", ptr, t.CurrentPtr)
	}
	return t, nil
}

// dictManager returns __dict_manager of the hint's scope.
func (c *Context) dictManager() (*DictManager, error) {
	v, ok := c.ScopeGet(dictManagerName)
	if !ok {
		return nil, fmt.Errorf("name '%s' is not defined", dictManagerName)
	}
	m, ok := v.(*DictManager)
	if !ok || m == nil {
		return nil, fmt.Errorf("scope variable %s is %T, not a DictManager", dictManagerName, v)
	}
	return m, nil
}

// dictManagerOrNew is "if '__dict_manager' not in globals(): __dict_manager
// = DictManager()".
func (c *Context) dictManagerOrNew() (*DictManager, error) {
	if _, ok := c.ScopeGet(dictManagerName); !ok {
		c.ScopeSet(dictManagerName, NewDictManager())
	}
	return c.dictManager()
}

// dictTracker is __dict_manager.get_tracker(ids.<name>).
func (c *Context) dictTracker(name string) (*DictTracker, error) {
	m, err := c.dictManager()
	if err != nil {
		return nil, err
	}
	ptr, err := c.Addr(name)
	if err != nil {
		return nil, err
	}
	return m.Tracker(ptr)
}

// dictAccessSize is ids.DictAccess.SIZE as an offset.
func (c *Context) dictAccessSize() (int, error) {
	n, err := c.ConstInt("DictAccess.SIZE")
	if err != nil {
		return 0, err
	}
	if n <= 0 || n > 1<<20 {
		return 0, fmt.Errorf("ids.DictAccess.SIZE = %d is not a struct size", n)
	}
	return int(n), nil
}

// --- dict.cairo, default_dict.cairo ------------------------------------------

const codeDictNew = `if '__dict_manager' not in globals():
    from starkware.cairo.common.dict import DictManager
    __dict_manager = DictManager()

memory[ap] = __dict_manager.new_dict(segments, initial_dict)
del initial_dict`

func hintDictNew(c *Context) error {
	m, err := c.dictManagerOrNew()
	if err != nil {
		return err
	}
	v, ok := c.ScopeGet("initial_dict")
	if !ok {
		return errors.New("name 'initial_dict' is not defined")
	}
	initial, ok := v.(*DictData)
	if !ok || initial == nil {
		return fmt.Errorf("scope variable initial_dict is %T, not a dict", v)
	}
	base, err := m.NewDict(c.Mem(), initial)
	if err != nil {
		return err
	}
	if err := c.WriteAP(vm.PtrValue(base)); err != nil {
		return err
	}
	c.ScopeDelete("initial_dict")
	return nil
}

const codeDefaultDictNew = `if '__dict_manager' not in globals():
    from starkware.cairo.common.dict import DictManager
    __dict_manager = DictManager()

memory[ap] = __dict_manager.new_default_dict(segments, ids.default_value)`

func hintDefaultDictNew(c *Context) error {
	m, err := c.dictManagerOrNew()
	if err != nil {
		return err
	}
	def, err := c.Get("default_value")
	if err != nil {
		return err
	}
	base, err := m.NewDefaultDict(c.Mem(), def)
	if err != nil {
		return err
	}
	return c.WriteAP(vm.PtrValue(base))
}

const codeDictRead = `dict_tracker = __dict_manager.get_tracker(ids.dict_ptr)
dict_tracker.current_ptr += ids.DictAccess.SIZE
ids.value = dict_tracker.data[ids.key]`

// dictStep is the shared start of dict_read and dict_write: get the
// tracker of ids.dict_ptr and move its current_ptr past one DictAccess.
func (c *Context) dictStep() (*DictTracker, error) {
	t, err := c.dictTracker("dict_ptr")
	if err != nil {
		return nil, err
	}
	size, err := c.dictAccessSize()
	if err != nil {
		return nil, err
	}
	t.CurrentPtr = t.CurrentPtr.Add(size)
	return t, nil
}

func hintDictRead(c *Context) error {
	t, err := c.dictStep()
	if err != nil {
		return err
	}
	key, err := c.Get("key")
	if err != nil {
		return err
	}
	v, err := t.Data.Get(key)
	if err != nil {
		return err
	}
	return c.Set("value", v)
}

const codeDictWrite = `dict_tracker = __dict_manager.get_tracker(ids.dict_ptr)
dict_tracker.current_ptr += ids.DictAccess.SIZE
ids.dict_ptr.prev_value = dict_tracker.data[ids.key]
dict_tracker.data[ids.key] = ids.new_value`

func hintDictWrite(c *Context) error {
	t, err := c.dictStep()
	if err != nil {
		return err
	}
	key, err := c.Get("key")
	if err != nil {
		return err
	}
	prev, err := t.Data.Get(key)
	if err != nil {
		return err
	}
	if err := c.Set("dict_ptr.prev_value", prev); err != nil {
		return err
	}
	nv, err := c.Get("new_value")
	if err != nil {
		return err
	}
	t.Data.Set(key, nv)
	return nil
}

const codeDictUpdate = `# Verify dict pointer and prev value.
dict_tracker = __dict_manager.get_tracker(ids.dict_ptr)
current_value = dict_tracker.data[ids.key]
assert current_value == ids.prev_value, \
    f'Wrong previous value in dict. Got {ids.prev_value}, expected {current_value}.'

# Update value.
dict_tracker.data[ids.key] = ids.new_value
dict_tracker.current_ptr += ids.DictAccess.SIZE`

func hintDictUpdate(c *Context) error {
	t, err := c.dictTracker("dict_ptr")
	if err != nil {
		return err
	}
	key, err := c.Get("key")
	if err != nil {
		return err
	}
	cur, err := t.Data.Get(key)
	if err != nil {
		return err
	}
	prev, err := c.Get("prev_value")
	if err != nil {
		return err
	}
	if !cur.Equal(dictKey(prev)) {
		return fmt.Errorf("Wrong previous value in dict. Got %s, expected %s.", pyStr(prev), pyStr(cur))
	}
	nv, err := c.Get("new_value")
	if err != nil {
		return err
	}
	t.Data.Set(key, nv)
	size, err := c.dictAccessSize()
	if err != nil {
		return err
	}
	t.CurrentPtr = t.CurrentPtr.Add(size)
	return nil
}

const codeDictSquashCopyDict = `# Prepare arguments for dict_new. In particular, the same dictionary values should be copied
# to the new (squashed) dictionary.
vm_enter_scope({
    # Make __dict_manager accessible.
    '__dict_manager': __dict_manager,
    # Create a copy of the dict, in case it changes in the future.
    'initial_dict': dict(__dict_manager.get_dict(ids.dict_accesses_end)),
})`

func hintDictSquashCopyDict(c *Context) error {
	m, err := c.dictManager()
	if err != nil {
		return err
	}
	t, err := c.dictTracker("dict_accesses_end")
	if err != nil {
		return err
	}
	c.EnterScope(map[string]any{
		dictManagerName: m,
		"initial_dict":  t.Data.Copy(),
	})
	return nil
}

const codeDictSquashUpdatePtr = `# Update the DictTracker's current_ptr to point to the end of the squashed dict.
__dict_manager.get_tracker(ids.squashed_dict_start).current_ptr = \
    ids.squashed_dict_end.address_`

func hintDictSquashUpdatePtr(c *Context) error {
	t, err := c.dictTracker("squashed_dict_start")
	if err != nil {
		return err
	}
	end, err := c.Addr("squashed_dict_end")
	if err != nil {
		return err
	}
	t.CurrentPtr = end
	return nil
}
