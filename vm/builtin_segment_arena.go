package vm

// segmentArenaSize is ARENA_BUILTIN_SIZE: the cells of one arena entry
// (infos pointer, n_segments, n_finalized).
const segmentArenaSize = 3

// SegmentArenaBuiltin is Cairo 1's segment arena (cairo-lang
// SegmentArenaBuiltinRunner, cairo-vm SegmentArenaBuiltinRunner). It adds
// two segments: an infos segment, then the arena, whose first three cells
// are an empty arena [infos, 0, 0]; the builtin's base (and initial stack)
// is arena + 3. It has no rules and no trace cells.
type SegmentArenaBuiltin struct {
	builtinBase
	infos Relocatable
}

func newSegmentArenaBuiltin(included bool) *SegmentArenaBuiltin {
	return &SegmentArenaBuiltin{builtinBase: builtinBase{name: BuiltinSegmentArena, included: included,
		cells: segmentArenaSize, inputCells: segmentArenaSize, ratioDen: 1, perComp: 1, dynamic: true,
		usedOffset: segmentArenaSize, noAllocation: true}}
}

// InitSegments adds the infos segment and the arena segment, and writes
// the empty arena.
func (b *SegmentArenaBuiltin) InitSegments(m *Memory) {
	b.infos = m.AddSegment()
	arena := m.AddSegment()
	for i, v := range []Value{PtrValue(b.infos), IntValue(0), IntValue(0)} {
		// A fresh segment: the writes cannot fail.
		_ = m.Write(arena.Add(i), v)
	}
	b.base = arena.Add(segmentArenaSize)
}

// Infos is the base of the infos segment.
func (b *SegmentArenaBuiltin) Infos() Relocatable { return b.infos }
