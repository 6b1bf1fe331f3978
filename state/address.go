package state

import (
	"math/big"

	"github.com/cairn-vm/cairn/asm"
)

// addressBound is L2_ADDRESS_UPPER_BOUND = 2^251 - 256 (cairo-lang
// starknet/definitions/constants.py; ADDR_BOUND in starknet/common/storage.cairo).
var addressBound = func() asm.Felt {
	b := new(big.Int).Lsh(big.NewInt(1), 251)
	b.Sub(b, big.NewInt(256))
	return asm.FeltFromBig(b)
}()

// contractAddressPrefix is the short string 'STARKNET_CONTRACT_ADDRESS'.
var contractAddressPrefix = asm.FeltFromBytesBE([]byte("STARKNET_CONTRACT_ADDRESS"))

// AddressUpperBound returns L2_ADDRESS_UPPER_BOUND = 2^251 - 256, the bound
// below which contract addresses and storage addresses lie.
func AddressUpperBound() asm.Felt { return addressBound }

// NormalizeAddress returns x mod 2^251 - 256, the normalize_address of
// cairo-lang's storage.cairo. Since every felt is below twice the bound,
// that is x or x - (2^251 - 256).
func NormalizeAddress(x asm.Felt) asm.Felt {
	if x.Cmp(&addressBound) >= 0 {
		x.Sub(&x, &addressBound)
	}
	return x
}

// ContractAddress returns the address a contract of class classHash gets
// when deployer deploys it with salt and constructorCalldata (deployer is
// zero for a deploy_syscall with deploy_from_zero, and for DEPLOY_ACCOUNT).
// It is cairo-lang's calculate_contract_address_from_hash:
//
//	h = compute_hash_on_elements([
//	        'STARKNET_CONTRACT_ADDRESS', deployer, salt, classHash,
//	        compute_hash_on_elements(constructorCalldata)])
//	address = h mod (2^251 - 256)
//
// where compute_hash_on_elements(xs) is the Pedersen chain from 0 over xs
// followed by a Pedersen with len(xs) (asm.PedersenArray).
func ContractAddress(salt, classHash asm.Felt, constructorCalldata []asm.Felt, deployer asm.Felt) asm.Felt {
	calldataHash := asm.PedersenArray(constructorCalldata...)
	raw := asm.PedersenArray(contractAddressPrefix, deployer, salt, classHash, calldataHash)
	return NormalizeAddress(raw)
}

// ShortString returns the felt of a Cairo short-string literal: the ASCII
// bytes of s read as a big-endian integer ("" is 0). s must be ASCII and at
// most 31 characters long; otherwise the error is a *ShortStringError.
func ShortString(s string) (asm.Felt, error) {
	if len(s) > 31 {
		return asm.Felt{}, &ShortStringError{S: s, Reason: "longer than 31 characters"}
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return asm.Felt{}, &ShortStringError{S: s, Reason: "not ASCII"}
		}
	}
	return asm.FeltFromBytesBE([]byte(s)), nil
}
