// Package conformance runs cairn over the conformance corpus: real compiled
// programs from other projects with the trace, memory and AIR public input
// that reference VMs (cairo-lang, cairo-vm-go) produced for them. The corpus
// lives outside this repository (../shared/corpus, or $CAIRN_CORPUS); the
// tests skip with a message when it is absent.
package conformance
