package starknet

// LoadCounter gives the external tests and the Example the hand-written
// test contract of counter_internal_test.go.
var LoadCounter = loadCounter

// CounterSteps are the steps of each of its entry points.
var CounterSteps = counterSteps
