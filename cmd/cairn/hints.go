package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/cairn-vm/cairn/hints"
)

// cmdHints lists the hints cairn implements, or, given cairo-lang hint
// whitelists (JSON files with allowed_reference_expressions_for_hint) or
// compiled programs, each hint they contain as implemented or missing.
func cmdHints(args []string) error {
	fs := flag.NewFlagSet("cairn hints", flag.ContinueOnError)
	missingOnly := fs.Bool("missing", false, "print only missing hints, with their full code")
	fs.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: cairn hints [--missing] [WHITELIST.json|PROGRAM.json|DIR ...]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitError(2)
	}
	reg := hints.Default()
	if fs.NArg() == 0 {
		for _, b := range hints.Builtins() {
			fmt.Printf("%-40s %s\n", b.Name, firstLine(b.Code))
		}
		fmt.Printf("%d hints implemented\n", len(hints.Builtins()))
		return nil
	}
	codes := map[string]bool{}
	for _, path := range fs.Args() {
		files, err := jsonFiles(path)
		if err != nil {
			return err
		}
		for _, f := range files {
			found, err := hintCodes(f)
			if err != nil {
				return err
			}
			for _, c := range found {
				codes[hints.NormalizeCode(c)] = true
			}
		}
	}
	sorted := make([]string, 0, len(codes))
	for c := range codes {
		sorted = append(sorted, c)
	}
	sort.Strings(sorted)
	missing := 0
	for _, c := range sorted {
		ok := reg.Known(c)
		if !ok {
			missing++
		}
		switch {
		case *missingOnly && !ok:
			fmt.Printf("missing:\n%s\n\n", c)
		case !*missingOnly:
			state := "implemented"
			if !ok {
				state = "missing"
			}
			fmt.Printf("%-12s %s\n", state, firstLine(c))
		}
	}
	fmt.Printf("%d hints: %d implemented, %d missing\n", len(sorted), len(sorted)-missing, missing)
	return nil
}

func firstLine(code string) string {
	line, _, _ := strings.Cut(code, "\n")
	return line
}

// jsonFiles is path itself, or the .json files under the directory path.
func jsonFiles(path string) ([]string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return []string{path}, nil
	}
	var out []string
	err = filepath.WalkDir(path, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") {
			out = append(out, p)
		}
		return err
	})
	return out, err
}

// hintCodes reads the hint codes of a whitelist or a compiled program.
func hintCodes(file string) ([]string, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Whitelist []struct {
			Lines []string `json:"hint_lines"`
		} `json:"allowed_reference_expressions_for_hint"`
		Hints map[string][]struct {
			Code string `json:"code"`
		} `json:"hints"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	var out []string
	for _, w := range doc.Whitelist {
		out = append(out, strings.Join(w.Lines, "\n"))
	}
	for _, hs := range doc.Hints {
		for _, h := range hs {
			out = append(out, h.Code)
		}
	}
	return out, nil
}
