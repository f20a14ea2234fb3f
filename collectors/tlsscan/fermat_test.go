package tlsscan

import (
	"crypto/rand"
	"crypto/rsa"
	"math/big"
	"testing"
)

// fermatPlain is the textbook method without the residue sieve: the sieve
// must never change an answer, only skip square roots.
func fermatPlain(n *big.Int, rounds int) bool {
	if n.Sign() <= 0 || n.Bit(0) == 0 {
		return false
	}
	a := new(big.Int).Sqrt(n)
	if new(big.Int).Mul(a, a).Cmp(n) == 0 {
		return true
	}
	for range rounds {
		a.Add(a, big.NewInt(1))
		b2 := new(big.Int).Mul(a, a)
		b2.Sub(b2, n)
		b := new(big.Int).Sqrt(b2)
		if new(big.Int).Mul(b, b).Cmp(b2) == 0 {
			return new(big.Int).Sub(a, b).Cmp(big.NewInt(1)) > 0
		}
	}
	return false
}

func TestFermatSieveAgreesWithPlainMethod(t *testing.T) {
	for n := int64(1); n < 20000; n += 2 {
		for _, rounds := range []int{1, 7, 60} {
			x := big.NewInt(n)
			if got, want := FermatWeak(x, rounds), fermatPlain(x, rounds); got != want {
				t.Fatalf("FermatWeak(%d, %d) = %v, plain method says %v", n, rounds, got, want)
			}
		}
	}
}

func BenchmarkFermatWeakRSA2048(b *testing.B) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if FermatWeak(key.N, FermatRounds) {
			b.Fatal("random key reported weak")
		}
	}
}
