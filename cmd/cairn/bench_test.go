package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/cairn-vm/cairn/internal/corpusdir"
)

// captureStdout runs f with os.Stdout going to a pipe and returns what f
// printed there.
func captureStdout(t *testing.T, f func() error) (string, error) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdout
	os.Stdout = w
	done := make(chan []byte)
	go func() { b, _ := io.ReadAll(r); done <- b }()
	ferr := f()
	w.Close()
	os.Stdout = old
	return string(<-done), ferr
}

// TestBenchSequencer runs the benchmark command on a small block, with a
// node: one summary line per executor in the documented form, every root
// the same, and the node's too (low contention: every transfer is
// independent however the node cuts its blocks, so fees, and the root, do
// not depend on the cut).
func TestBenchSequencer(t *testing.T) {
	dir := corpusdir.OrSkip(t)
	node := filepath.Join(t.TempDir(), "node")
	out, err := captureStdout(t, func() error {
		return benchSequencer([]string{"--txs", "24", "--contention", "low", "--corpus", dir, "--node", node, "--node-block", "10"})
	})
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	line := regexp.MustCompile(`(?m)^executor=(\w+) workers=\d+ tps=\d+ speedup=[\d.]+ exec_tps=\d+ commit_ms=[\d.]+ root=(0x[0-9a-f]+)$`)
	m := line.FindAllStringSubmatch(out, -1)
	if len(m) != 3 {
		t.Fatalf("%d summary lines, want 3:\n%s", len(m), out)
	}
	for _, x := range m {
		if x[2] != m[0][2] {
			t.Fatalf("executor %s root %s, serial %s", x[1], x[2], m[0][2])
		}
	}
	nm := regexp.MustCompile(`(?m)^node executor=accesslist blocks=(\d+) submit_tps=\d+ block_tps=\d+ root=(0x[0-9a-f]+)$`).FindStringSubmatch(out)
	if nm == nil || nm[1] != "3" || nm[2] != m[0][2] {
		t.Fatalf("node line %q (want 3 blocks and root %s):\n%s", nm, m[0][2], out)
	}
	// High contention in one node block: the same transactions in the same
	// block, so the same fees and root.
	out, err = captureStdout(t, func() error {
		return benchSequencer([]string{"--txs", "16", "--contention", "high", "--corpus", dir, "--executors", "serial",
			"--node", filepath.Join(t.TempDir(), "one")})
	})
	if err != nil {
		t.Fatalf("high contention, one node block: %v\n%s", err, out)
	}
	// The directory now holds a node: a second run must refuse it.
	if _, err := captureStdout(t, func() error {
		return benchSequencer([]string{"--txs", "4", "--corpus", dir, "--node", node})
	}); err == nil || !bytes.Contains([]byte(err.Error()), []byte("not empty")) {
		t.Fatalf("a second run into the node's directory: %v", err)
	}
}
