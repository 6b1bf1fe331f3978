package vm

import (
	"errors"
	"fmt"
	"sort"
)

// ErrOutputPage is returned for an invalid output page (cairo-lang's
// OutputBuiltinRunner.add_page and finalize_segments checks).
var ErrOutputPage = errors.New("invalid output page")

// OutputPage is a page of the output builtin's public memory.
type OutputPage struct{ Start, Size int }

// OutputBuiltin is cairo-lang's OutputBuiltinRunner: a plain segment whose
// cells become public memory (page 0 unless a hint assigned a page).
type OutputBuiltin struct {
	builtinBase
	pages map[int]OutputPage
}

func newOutputBuiltin(included bool) *OutputBuiltin {
	return &OutputBuiltin{builtinBase: builtinBase{name: BuiltinOutput, included: included, cells: 1,
		inputCells: 1, ratioDen: 1, perComp: 1, noAllocation: true}}
}

// InitSegments adds the output segment.
func (b *OutputBuiltin) InitSegments(m *Memory) {
	b.base = m.AddSegment()
	b.pages = nil // made by the first AddPage: most runs have none
}

// AddPage marks size cells from start (in the output segment) as page id,
// as cairo-lang's add_page, for hints.
func (b *OutputBuiltin) AddPage(id int, start Relocatable, size int) error {
	if _, ok := b.pages[id]; ok {
		return fmt.Errorf("%w: Page %d was already assigned.", ErrOutputPage, id)
	}
	if start.Segment != b.base.Segment {
		return fmt.Errorf("%w: page_start must be in the output segment.", ErrOutputPage)
	}
	if b.pages == nil {
		b.pages = map[int]OutputPage{}
	}
	b.pages[id] = OutputPage{Start: start.Offset - b.base.Offset, Size: size}
	return nil
}

// Pages returns the pages hints added, by id.
func (b *OutputBuiltin) Pages() map[int]OutputPage {
	out := make(map[int]OutputPage, len(b.pages))
	for k, v := range b.pages {
		out[k] = v
	}
	return out
}

// PublicMemoryPages returns, for each of the first size cells of the
// output segment, the page it belongs to (0 by default), checking the
// pages as cairo-lang's finalize_segments does.
func (b *OutputBuiltin) PublicMemoryPages(size int) ([]int, error) {
	out := make([]int, size)
	owner := make([]int, size)
	for i := range owner {
		owner[i] = -1
	}
	ids := make([]int, 0, len(b.pages))
	for id := range b.pages {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	for _, id := range ids {
		p := b.pages[id]
		if p.Start+p.Size > size || p.Start < 0 {
			return nil, fmt.Errorf("%w: Page %d is out of bounds.", ErrOutputPage, id)
		}
		for i := p.Start; i < p.Start+p.Size; i++ {
			if owner[i] >= 0 && owner[i] != id {
				return nil, fmt.Errorf("%w: Offset %d was already assigned a page.", ErrOutputPage, i)
			}
			owner[i] = id
			out[i] = id
		}
	}
	return out, nil
}

// Finalize fixes the output segment to its used size in proof mode and
// checks the pages.
func (b *OutputBuiltin) Finalize(m *Memory, proofMode bool, steps int) error {
	if !proofMode {
		return nil
	}
	size := b.UsedCells(m)
	if _, err := b.PublicMemoryPages(size); err != nil {
		return err
	}
	m.Finalize(b.base.Segment, size)
	return nil
}
