package sequencer

// SetNodeHook makes n call f at each named step of Submit and
// ProduceBlock ("submit-durable", "block-recorded", "block-committed",
// "journal-filtered"), so that a test can crash the process exactly
// there. Set it before the node is used.
func SetNodeHook(n *Node, f func(stage string)) { n.hook = f }
