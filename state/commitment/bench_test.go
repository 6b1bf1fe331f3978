package commitment

import (
	"maps"
	"math/rand/v2"
	"testing"

	"github.com/cairn-vm/cairn/asm"
	"github.com/cairn-vm/cairn/state"
)

func randKey(r *rand.Rand) asm.Felt {
	var b [32]byte
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	b[0] &= 0x07 // below 2^251
	return asm.FeltFromBytesBE(b[:])
}

func randUpdates(r *rand.Rand, n int) []Update {
	ups := make([]Update, n)
	for i := range ups {
		ups[i] = Update{Key: randKey(r), Value: randValue(r)}
	}
	return ups
}

// BenchmarkTrieUpdate1000 is a batch of 1,000 storage writes at random keys:
// into an empty trie, and into one that already holds 10,000 leaves (half
// of the batch overwrites existing keys).
func BenchmarkTrieUpdate1000(b *testing.B) {
	asm.PedersenBatchPrecompute()
	r := rand.New(rand.NewPCG(1, 1))
	batch := randUpdates(r, 1000)
	b.Run("empty", func(b *testing.B) {
		store := NewMemoryStore()
		for b.Loop() {
			t := NewTrie(store, Pedersen)
			if _, err := t.Update(batch); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("10k", func(b *testing.B) {
		store := NewMemoryStore()
		base := NewTrie(store, Pedersen)
		existing := randUpdates(r, 10000)
		if _, err := base.Update(existing); err != nil {
			b.Fatal(err)
		}
		mixed := append([]Update(nil), batch...)
		for i := 0; i < len(mixed); i += 2 {
			mixed[i].Key = existing[i*7].Key
		}
		for b.Loop() {
			t, _ := OpenTrie(store, Pedersen, Height, base.Root())
			if _, err := t.Update(mixed); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkStateApplyBlock is the commitment of a block-like diff over a
// state of 2,000 contracts (a fee token with 5,000 storage cells, the rest
// with 5 each) and 50 classes: 300 fee-token writes (balances), 100 account
// nonces, 40 other contracts with 10 writes each, 5 deployments with 3
// writes each, 2 declared classes: 815 storage writes in 146 contracts.
func BenchmarkStateApplyBlock(b *testing.B) {
	asm.PedersenBatchPrecompute()
	r := rand.New(rand.NewPCG(2, 2))
	s := NewState(NewMemoryStore(), NewMemoryStore())
	token := randKey(r)
	addrs := make([]asm.Felt, 2000)
	var genesis state.Diff
	for i := range addrs {
		addrs[i] = randKey(r)
		n := 5
		if i == 0 {
			addrs[i], n = token, 5000
		}
		sd := state.ContractStorageDiff{Address: addrs[i]}
		for range n {
			sd.StorageEntries = append(sd.StorageEntries, state.StorageEntry{Key: randKey(r), Value: randValue(r)})
		}
		genesis.StorageDiffs = append(genesis.StorageDiffs, sd)
		genesis.DeployedContracts = append(genesis.DeployedContracts, state.DeployedContract{Address: addrs[i], ClassHash: randKey(r)})
	}
	for range 50 {
		genesis.DeclaredClasses = append(genesis.DeclaredClasses, state.DeclaredClass{ClassHash: randKey(r), CompiledClassHash: randValue(r)})
	}
	if _, err := s.Apply(&genesis); err != nil {
		b.Fatal(err)
	}
	tokenCells := genesis.StorageDiffs[0].StorageEntries

	var block state.Diff
	sd := state.ContractStorageDiff{Address: token}
	for i := range 300 {
		k := randKey(r)
		if i%2 == 0 {
			k = tokenCells[i*13].Key
		}
		sd.StorageEntries = append(sd.StorageEntries, state.StorageEntry{Key: k, Value: randValue(r)})
	}
	block.StorageDiffs = append(block.StorageDiffs, sd)
	for i := range 100 {
		block.Nonces = append(block.Nonces, state.NonceUpdate{ContractAddress: addrs[1+i], Nonce: asm.FeltFromUint64(uint64(i + 1))})
	}
	for i := range 40 {
		sd := state.ContractStorageDiff{Address: addrs[500+i]}
		for range 10 {
			sd.StorageEntries = append(sd.StorageEntries, state.StorageEntry{Key: randKey(r), Value: randValue(r)})
		}
		block.StorageDiffs = append(block.StorageDiffs, sd)
	}
	for range 5 {
		a := randKey(r)
		block.DeployedContracts = append(block.DeployedContracts, state.DeployedContract{Address: a, ClassHash: randKey(r)})
		sd := state.ContractStorageDiff{Address: a}
		for range 3 {
			sd.StorageEntries = append(sd.StorageEntries, state.StorageEntry{Key: randKey(r), Value: randValue(r)})
		}
		block.StorageDiffs = append(block.StorageDiffs, sd)
	}
	for range 2 {
		block.DeclaredClasses = append(block.DeclaredClasses, state.DeclaredClass{ClassHash: randKey(r), CompiledClassHash: randValue(r)})
	}

	for b.Loop() {
		b.StopTimer()
		c := *s // each iteration starts from the same state
		c.preimages = maps.Clone(s.preimages)
		b.StartTimer()
		if _, err := c.Apply(&block); err != nil {
			b.Fatal(err)
		}
	}
}

// transferGenesis returns a state like the sequencer benchmark's genesis:
// n accounts with a class and a public-key cell, a fee token holding a
// balance for each, and the block of n transfers over it: every account
// sends once (its nonce) and receives once (its balance), and the
// sequencer's balance takes the fees.
func transferGenesis(b *testing.B, n int) (*State, state.Diff) {
	r := rand.New(rand.NewPCG(5, 5))
	s := NewState(NewMemoryStore(), NewMemoryStore())
	token, sequencer, class := randKey(r), randKey(r), randKey(r)
	accounts := make([]asm.Felt, n)
	balances := make([]asm.Felt, n) // storage keys in the token
	var genesis state.Diff
	tokenCells := state.ContractStorageDiff{Address: token}
	for i := range accounts {
		accounts[i], balances[i] = randKey(r), randKey(r)
		genesis.DeployedContracts = append(genesis.DeployedContracts, state.DeployedContract{Address: accounts[i], ClassHash: class})
		genesis.StorageDiffs = append(genesis.StorageDiffs, state.ContractStorageDiff{Address: accounts[i],
			StorageEntries: []state.StorageEntry{{Key: randKey(r), Value: randValue(r)}}})
		tokenCells.StorageEntries = append(tokenCells.StorageEntries, state.StorageEntry{Key: balances[i], Value: randValue(r)})
	}
	seqBalance := randKey(r)
	tokenCells.StorageEntries = append(tokenCells.StorageEntries, state.StorageEntry{Key: seqBalance, Value: randValue(r)})
	genesis.StorageDiffs = append(genesis.StorageDiffs, tokenCells)
	genesis.DeployedContracts = append(genesis.DeployedContracts,
		state.DeployedContract{Address: token, ClassHash: randKey(r)}, state.DeployedContract{Address: sequencer, ClassHash: class})
	genesis.DeclaredClasses = append(genesis.DeclaredClasses, state.DeclaredClass{ClassHash: class, CompiledClassHash: randValue(r)})
	if _, err := s.Apply(&genesis); err != nil {
		b.Fatal(err)
	}

	var block state.Diff
	writes := state.ContractStorageDiff{Address: token}
	for i := range accounts {
		block.Nonces = append(block.Nonces, state.NonceUpdate{ContractAddress: accounts[i], Nonce: asm.FeltFromUint64(1)})
		writes.StorageEntries = append(writes.StorageEntries, state.StorageEntry{Key: balances[i], Value: randValue(r)})
	}
	writes.StorageEntries = append(writes.StorageEntries, state.StorageEntry{Key: seqBalance, Value: randValue(r)})
	block.StorageDiffs = append(block.StorageDiffs, writes)
	return s, block
}

// BenchmarkStateApplyTransfers2000 is the commitment of a block of 2,000
// transfers between 2,000 accounts (2,001 fee-token writes, 2,000 nonces),
// each iteration on a clone of the same state, as the sequencer does.
func BenchmarkStateApplyTransfers2000(b *testing.B) {
	asm.PedersenBatchPrecompute()
	s, block := transferGenesis(b, 2000)
	for b.Loop() {
		c := s.Clone()
		if _, err := c.Apply(&block); err != nil {
			b.Fatal(err)
		}
	}
}
