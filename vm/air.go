package vm

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"path/filepath"
	"strconv"

	"github.com/cairn-vm/cairn/asm"
)

// The AIR inputs are what a STARK prover (Stone, Stwo) reads beside the
// trace and memory files. Their shape is cairo-lang's: PublicInput in
// air_public_input.py and the builtins' air_private_input methods.

// ErrAIRInput wraps the errors of the AIR input writers: a run that was not
// in proof mode, recorded no trace, or left a public cell unwritten.
var ErrAIRInput = errors.New("cannot write the AIR input")

// SegmentAddresses are a segment's relocated first address and stop
// pointer, as in the public input's memory_segments.
type SegmentAddresses struct {
	Begin, Stop int
}

// PublicMemoryEntry is one public cell: relocated address, value, page.
type PublicMemoryEntry struct {
	Address int
	Value   asm.Felt
	Page    int
}

// AIRPublicInput is cairo-lang's PublicInput of a proof-mode run.
type AIRPublicInput struct {
	Layout       string
	RCMin, RCMax int
	NSteps       int
	// Segments are program, execution, then every builtin of the layout in
	// segment order, named as in the public input.
	Segments     []NamedSegment
	PublicMemory []PublicMemoryEntry
}

// NamedSegment is one entry of memory_segments.
type NamedSegment struct {
	Name string
	SegmentAddresses
}

// AIRPublicInput computes the public input of a finished proof-mode run
// (after EndRun, ReadReturnValues, FinalizeSegments and Relocate).
func (r *Runner) AIRPublicInput() (*AIRPublicInput, error) {
	st := r.State
	if !r.Config.ProofMode {
		return nil, fmt.Errorf("%w: the AIR public input needs a proof-mode run", ErrAIRInput)
	}
	if len(st.Trace) == 0 {
		return nil, fmt.Errorf("%w: the run did not record a trace", ErrAIRInput)
	}
	if r.Bases == nil {
		r.Relocate()
	}
	rcMin, rcMax, err := r.RangeCheckLimits()
	if err != nil {
		return nil, err
	}
	progBase := r.Bases[st.ProgramBase.Segment] + st.ProgramBase.Offset
	execBase := r.Bases[st.ExecBase.Segment] + st.ExecBase.Offset
	first, last := st.Trace[0], st.Trace[len(st.Trace)-1]
	pub := &AIRPublicInput{
		Layout: r.Config.Layout.Name,
		RCMin:  rcMin, RCMax: rcMax,
		NSteps: len(st.Trace),
		Segments: []NamedSegment{
			{"program", SegmentAddresses{progBase + first.PC, progBase + last.PC}},
			{"execution", SegmentAddresses{execBase + first.AP, execBase + last.AP}},
		},
	}
	for _, b := range r.builtins {
		begin := b.Base()
		stop := begin
		if b.Included() {
			p, ok := b.StopPtr()
			if !ok {
				return nil, fmt.Errorf("%w: the %s builtin stop pointer was not set", ErrAIRInput, b.Name())
			}
			stop = p
		}
		pub.Segments = append(pub.Segments, NamedSegment{b.Name(), SegmentAddresses{
			r.Bases[begin.Segment] + begin.Offset, r.Bases[stop.Segment] + stop.Offset}})
	}

	// Public memory, segment by segment as cairo-lang lists it: the whole
	// program, the execution cells of the initial stack and return values,
	// then the output builtin's cells with their pages.
	add := func(addr Relocatable, page int) error {
		v := st.Mem.Get(addr)
		if !v.Known() {
			return fmt.Errorf("%w: public memory cell %s is unknown", ErrAIRInput, addr)
		}
		f, err := RelocateValue(v, r.Bases)
		if err != nil {
			return err
		}
		pub.PublicMemory = append(pub.PublicMemory, PublicMemoryEntry{r.Bases[addr.Segment] + addr.Offset, f, page})
		return nil
	}
	for i := range r.Program.Data {
		if err := add(st.ProgramBase.Add(i), 0); err != nil {
			return nil, err
		}
	}
	for _, off := range r.ExecPublicMemory {
		if err := add(Relocatable{st.ExecBase.Segment, st.ExecBase.Offset + off}, 0); err != nil {
			return nil, err
		}
	}
	for _, b := range r.builtins {
		out, ok := b.(*OutputBuiltin)
		if !ok {
			continue
		}
		size := st.Mem.SegmentSize(out.Base().Segment)
		pages, err := out.PublicMemoryPages(size)
		if err != nil {
			return nil, err
		}
		for i, page := range pages {
			if err := add(out.Base().Add(i), page); err != nil {
				return nil, err
			}
		}
	}
	return pub, nil
}

// WriteTo writes the public input as cairo-run's --air_public_input does:
// JSON indented by four spaces, values in hex, dynamic_params null.
func (p *AIRPublicInput) WriteTo(w io.Writer) (int64, error) {
	j := newJSONWriter(w)
	j.open('{')
	j.key("layout").str(p.Layout)
	j.key("rc_min").int(p.RCMin)
	j.key("rc_max").int(p.RCMax)
	j.key("n_steps").int(p.NSteps)
	j.key("memory_segments").open('{')
	for _, s := range p.Segments {
		j.key(s.Name).open('{')
		j.key("begin_addr").int(s.Begin)
		j.key("stop_ptr").int(s.Stop)
		j.close('}')
	}
	j.close('}')
	j.key("public_memory").open('[')
	for _, e := range p.PublicMemory {
		j.elem().open('{')
		j.key("address").int(e.Address)
		j.key("value").str(e.Value.Hex())
		j.key("page").int(e.Page)
		j.close('}')
	}
	j.close(']')
	j.key("dynamic_params").raw("null")
	j.close('}')
	j.raw("\n")
	return j.n, j.flush()
}

// WriteAIRPublicInput writes the AIR public input of a proof-mode run.
func (r *Runner) WriteAIRPublicInput(w io.Writer) error {
	p, err := r.AIRPublicInput()
	if err != nil {
		return err
	}
	_, err = p.WriteTo(w)
	return err
}

// WriteAIRPrivateInput writes the AIR private input of a proof-mode run:
// the absolute paths of the trace and memory files, then each builtin's
// instances (their input cells), as cairo-run's --air_private_input does.
func (r *Runner) WriteAIRPrivateInput(w io.Writer, traceFile, memoryFile string) error {
	if !r.Config.ProofMode {
		return fmt.Errorf("%w: the AIR private input needs a proof-mode run", ErrAIRInput)
	}
	if r.Bases == nil {
		r.Relocate()
	}
	tp, err := filepath.Abs(traceFile)
	if err != nil {
		return err
	}
	mp, err := filepath.Abs(memoryFile)
	if err != nil {
		return err
	}
	j := newJSONWriter(w)
	j.open('{')
	j.key("trace_path").str(tp)
	j.key("memory_path").str(mp)
	for _, b := range r.builtins {
		if err := r.privateInput(j, b); err != nil {
			return err
		}
	}
	j.close('}')
	j.raw("\n")
	return j.flush()
}

// privateInput writes one builtin's entry, if it has one.
func (r *Runner) privateInput(j *jsonWriter, b Builtin) error {
	m := r.State.Mem
	switch b := b.(type) {
	case *PedersenBuiltin:
		return instanceInputs(j, m, b, []string{"x", "y"})
	case *BitwiseBuiltin:
		return instanceInputs(j, m, b, []string{"x", "y"})
	case *ECOpBuiltin:
		return instanceInputs(j, m, b, []string{"p_x", "p_y", "q_x", "q_y", "m"})
	case *KeccakBuiltin:
		return instanceInputs(j, m, b, stateNames(b.InputCellsPerInstance()))
	case *PoseidonBuiltin:
		return instanceInputs(j, m, b, stateNames(b.InputCellsPerInstance()))
	case *RangeCheckBuiltin:
		j.key(b.Name()).open('[')
		var err error
		m.Each(b.Base().Segment, func(off int, v Value) bool {
			if !v.IsFelt() {
				err = fmt.Errorf("%w: %s cell %d is not a felt", ErrAIRInput, b.Name(), off)
				return false
			}
			j.elem().open('{')
			j.key("index").int(off)
			j.key("value").str(v.f.Hex())
			j.close('}')
			return true
		})
		j.close(']')
		return err
	case *ECDSABuiltin:
		return r.ecdsaPrivateInput(j, b)
	case *ModBuiltin:
		return r.modPrivateInput(j, b)
	}
	return nil
}

func stateNames(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "input_s" + strconv.Itoa(i)
	}
	return out
}

// instanceInputs writes the input cells of every instance that has one:
// {"index": i, name0: hex, ...}; an instance with some inputs missing is an
// error, as in cairo-lang.
func instanceInputs(j *jsonWriter, m *Memory, b Builtin, names []string) error {
	cells := b.CellsPerInstance()
	seg := b.Base().Segment
	n := (m.SegmentSize(seg) + cells - 1) / cells
	j.key(b.Name()).open('[')
	for idx := range n {
		var vals []Value
		present := 0
		for k := range names {
			v := m.Get(Relocatable{seg, b.Base().Offset + idx*cells + k})
			vals = append(vals, v)
			if v.Known() {
				present++
			}
		}
		if present == 0 {
			continue
		}
		j.elem().open('{')
		j.key("index").int(idx)
		for k, v := range vals {
			if !v.Known() {
				return fmt.Errorf("%w: missing input '%s' of %s instance %d", ErrAIRInput, names[k], b.Name(), idx)
			}
			if !v.IsFelt() {
				return fmt.Errorf("%w: input '%s' of %s instance %d is not a felt", ErrAIRInput, names[k], b.Name(), idx)
			}
			j.key(names[k]).str(v.f.Hex())
		}
		j.close('}')
	}
	j.close(']')
	return nil
}

// ecdsaPrivateInput writes each signed instance as {index, pubkey, msg,
// signature_input: {r, w = s^-1 mod the curve order}}.
func (r *Runner) ecdsaPrivateInput(j *jsonWriter, b *ECDSABuiltin) error {
	m := r.State.Mem
	j.key(b.Name()).open('[')
	for _, sig := range b.Signatures() {
		pk := m.Get(b.Base().Add(sig.Offset))
		msg := m.Get(b.Base().Add(sig.Offset + 1))
		if !pk.IsFelt() || !msg.IsFelt() {
			return fmt.Errorf("%w: ecdsa instance %d has no public key or message", ErrAIRInput, sig.Offset/2)
		}
		s := sig.S.BigInt()
		w := new(big.Int).ModInverse(s, asm.CurveOrder())
		if w == nil {
			return fmt.Errorf("%w: ecdsa instance %d: s is not invertible", ErrAIRInput, sig.Offset/2)
		}
		j.elem().open('{')
		j.key("index").int(sig.Offset / 2)
		j.key("pubkey").str(pk.f.Hex())
		j.key("msg").str(msg.f.Hex())
		j.key("signature_input").open('{')
		j.key("r").str(sig.R.Hex())
		j.key("w").str("0x" + w.Text(16))
		j.close('}')
		j.close('}')
	}
	j.close(']')
	return nil
}

// modInputNames are the input cells of an add_mod/mul_mod instance.
var modInputNames = []string{"p0", "p1", "p2", "p3", "values_ptr", "offsets_ptr", "n"}

// modPrivateInput writes add_mod/mul_mod instances: p0..p3 in hex, the
// pointers relocated and n as integers, and per batch element the a, b, c
// offsets and the words of the values they point at.
func (r *Runner) modPrivateInput(j *jsonWriter, b *ModBuiltin) error {
	m := r.State.Mem
	seg := b.Base().Segment
	cells := len(modInputNames)
	n := (m.SegmentSize(seg) + cells - 1) / cells
	j.key(b.Name()).open('{')
	j.key("instances").open('[')
	for idx := range n {
		var vals [7]Value
		present := 0
		for k := range vals {
			vals[k] = m.Get(Relocatable{seg, b.Base().Offset + idx*cells + k})
			if vals[k].Known() {
				present++
			}
		}
		if present == 0 {
			continue
		}
		for k, v := range vals {
			if !v.Known() {
				return fmt.Errorf("%w: missing input '%s' of %s instance %d", ErrAIRInput, modInputNames[k], b.Name(), idx)
			}
		}
		if !vals[4].IsPtr() || !vals[5].IsPtr() {
			return fmt.Errorf("%w: %s instance %d: values_ptr and offsets_ptr must be pointers", ErrAIRInput, b.Name(), idx)
		}
		j.elem().open('{')
		j.key("index").int(idx)
		for k := range 4 {
			f, err := RelocateValue(vals[k], r.Bases)
			if err != nil {
				return err
			}
			j.key(modInputNames[k]).str(f.Hex())
		}
		for k := 4; k < 7; k++ {
			f, err := RelocateValue(vals[k], r.Bases)
			if err != nil {
				return err
			}
			j.key(modInputNames[k]).raw(f.String())
		}
		valuesPtr, offsetsPtr := vals[4].Ptr(), vals[5].Ptr()
		j.key("batch").open('[')
		for e := range b.def.BatchSize {
			j.elem().open('{')
			for i, s := range []string{"a", "b", "c"} {
				ov := m.Get(offsetsPtr.Add(i + 3*e))
				var off int
				ok := ov.IsFelt()
				if ok {
					off, ok = SmallInt(&ov.f)
				}
				if !ok {
					return fmt.Errorf("%w: %s instance %d: offset %s is not a small integer", ErrAIRInput, b.Name(), idx, ov)
				}
				j.key(s + "_offset").int(off)
				for d := range b.def.NWords {
					wv := m.Get(valuesPtr.Add(off + d))
					if !wv.IsFelt() {
						return fmt.Errorf("%w: %s instance %d: value word %s%d is unknown", ErrAIRInput, b.Name(), idx, s, d)
					}
					j.key(s + strconv.Itoa(d)).str(wv.f.Hex())
				}
			}
			j.close('}')
		}
		j.close(']')
		j.close('}')
	}
	j.close(']')
	zero := b.zeroValue
	j.key("zero_value_address").int(r.Bases[zero.Segment] + zero.Offset)
	j.close('}')
	return nil
}

// jsonWriter writes JSON in Python's json.dumps(indent=4) layout, keeping
// key order (Go's encoding/json sorts map keys).
type jsonWriter struct {
	w     *bufio.Writer
	n     int64
	err   error
	depth int
	first []bool
}

func newJSONWriter(w io.Writer) *jsonWriter { return &jsonWriter{w: bufio.NewWriter(w)} }

func (j *jsonWriter) raw(s string) *jsonWriter {
	if j.err == nil {
		var n int
		n, j.err = j.w.WriteString(s)
		j.n += int64(n)
	}
	return j
}

func (j *jsonWriter) newline() {
	j.raw("\n")
	for range j.depth {
		j.raw("    ")
	}
}

// sep starts the next member or element of the open container.
func (j *jsonWriter) sep() {
	top := len(j.first) - 1
	if !j.first[top] {
		j.raw(",")
	}
	j.first[top] = false
	j.newline()
}

func (j *jsonWriter) open(c byte) *jsonWriter {
	j.raw(string(c))
	j.depth++
	j.first = append(j.first, true)
	return j
}

func (j *jsonWriter) close(c byte) *jsonWriter {
	empty := j.first[len(j.first)-1]
	j.first = j.first[:len(j.first)-1]
	j.depth--
	if !empty {
		j.newline()
	}
	return j.raw(string(c))
}

func (j *jsonWriter) key(k string) *jsonWriter {
	j.sep()
	j.str(k)
	return j.raw(": ")
}

func (j *jsonWriter) elem() *jsonWriter { j.sep(); return j }

func (j *jsonWriter) str(s string) *jsonWriter {
	b, _ := json.Marshal(s)
	return j.raw(string(b))
}

func (j *jsonWriter) int(n int) *jsonWriter { return j.raw(strconv.Itoa(n)) }

func (j *jsonWriter) flush() error {
	if j.err != nil {
		return j.err
	}
	return j.w.Flush()
}
