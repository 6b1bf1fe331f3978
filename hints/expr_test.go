package hints

import (
	"sort"
	"testing"
)

func TestParseReferenceShapes(t *testing.T) {
	cases := []struct {
		src, typ string
		ap       bool
	}{
		{"[cast(fp + (-3), felt*)]", "felt", false},
		{"cast(ap + (-1), felt*)", "felt*", true},
		{"[cast([fp + (-4)] + 2, felt*)]", "felt", false},
		{"cast([fp + (-4)] + 2, felt)", "felt", false},
		{"[cast(ap + (-1), starkware.cairo.common.dict_access.DictAccess**)]", "starkware.cairo.common.dict_access.DictAccess*", true},
		{"cast(5, felt)", "felt", false},
		{"[cast(fp, felt*)]", "felt", false},
		{"[[cast(fp + 3, felt**)]]", "felt", false},
		{"[cast(ap - 1 + (-3), felt*)]", "felt", true},
		{"cast(2 * [ap + (-1)] + (-1) * [[ap + (-2)] + 1], felt)", "felt", true},
		{"cast((1, 2, 3), starkware.cairo.common.cairo_secp.bigint.BigInt3)", "starkware.cairo.common.cairo_secp.bigint.BigInt3", false},
		{"cast((\n    (1, 2, 3),\n    (4, 5, 6),\n    ), a.EcPoint)", "a.EcPoint", false},
		{"[cast(ap + (-1), (res: starkware.cairo.common.uint256.Uint256)*)]", "(res: starkware.cairo.common.uint256.Uint256)", true},
		{"[cast(fp, (felt, felt, felt)*)]", "(felt, felt, felt)", false},
		{"cast(-5, felt)", "felt", false},
		{"cast((-5) - [fp + (-3)], felt)", "felt", false},
		{"cast(([ap + (-2)] - (fp + (-3))) * (-1) + (-2), felt)", "felt", true},
		{"cast(0x10 ** 2 / 3, felt)", "felt", false},
		{"cast(&[fp + 1], felt*)", "felt*", false},
		{"cast(ap, codeoffset)", "codeoffset", true},
	}
	for _, c := range cases {
		e, err := parseExpr(c.src)
		if err != nil {
			t.Errorf("%q: %v", c.src, err)
			continue
		}
		ty, err := typeOf(e)
		if err != nil {
			t.Errorf("%q: type: %v", c.src, err)
			continue
		}
		if ty.String() != c.typ {
			t.Errorf("%q: type %s, want %s", c.src, ty, c.typ)
		}
		if hasAP(e) != c.ap {
			t.Errorf("%q: hasAP %v, want %v", c.src, hasAP(e), c.ap)
		}
	}
}

func TestParseReferenceErrors(t *testing.T) {
	for _, src := range []string{
		"", "[", "[fp", "cast(fp, )", "cast(fp felt)", "fp +", "1 2", "[cast(fp, felt*)] junk",
		"cast(fp, felt", "(1, 2", "x", "cast(fp, a..b)", "0x", "12ab", "fp $ 1", "cast(fp, (a: ))",
	} {
		if e, err := parseExpr(src); err == nil {
			if _, terr := typeOf(e); terr == nil {
				t.Errorf("%q parsed as %s", src, formatExpr(e))
			}
		}
	}
	// Types that do not fit the operators.
	for _, src := range []string{"cast(fp, felt*) + cast(fp, felt*)", "[cast(fp, a.T)]", "-cast(fp, felt*)", "cast(fp, felt*) * 2", "2 - cast(fp, felt*)", "&fp"} {
		e, err := parseExpr(src)
		if err != nil {
			continue
		}
		if _, err := typeOf(e); err == nil {
			t.Errorf("%q type-checked", src)
		}
	}
}

// corpusReferences returns every distinct reference value of the corpus's
// Cairo 0 programs.
func corpusReferences(t testing.TB) []string {
	seen := map[string]bool{}
	for _, p := range corpusPrograms(t, corpusDir(t)) {
		for _, r := range p.References {
			seen[r.Value] = true
		}
	}
	out := make([]string, 0, len(seen))
	for v := range seen {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

func TestParseCorpusReferences(t *testing.T) {
	refs := corpusReferences(t)
	for _, src := range refs {
		e, err := parseExpr(src)
		if err != nil {
			t.Errorf("%q: %v", src, err)
			continue
		}
		if _, err := typeOf(e); err != nil {
			t.Errorf("%q: type: %v", src, err)
		}
		// The formatted form parses back to the same form.
		f := formatExpr(e)
		e2, err := parseExpr(f)
		if err != nil || formatExpr(e2) != f {
			t.Errorf("%q: format %q does not round-trip (%v)", src, f, err)
		}
	}
	t.Logf("%d distinct corpus reference values parsed", len(refs))
}

func FuzzParseReference(f *testing.F) {
	for _, s := range []string{
		"[cast(fp + (-3), felt*)]", "cast(ap + (-1), felt*)", "[cast([fp + (-4)] + 2, felt*)]",
		"cast((1, 2, 3), a.BigInt3)", "[cast(ap + (-1), (res: a.Uint256)*)]", "cast(&[fp], felt*)",
		"cast(2 ** 3 / [ap], felt)", "[[cast(fp + 3, felt**)]]", "cast((x=1, y=(2,)), T)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := parseExpr(s)
		if err != nil {
			return
		}
		if _, err := typeOf(e); err != nil {
			return
		}
		_ = hasAP(e)
		formatted := formatExpr(e)
		if _, err := parseExpr(formatted); err != nil {
			t.Fatalf("%q formats as %q, which does not parse: %v", s, formatted, err)
		}
		_, _ = parseType(s)
	})
}
