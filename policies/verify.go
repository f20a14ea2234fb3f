package policies

import (
	"fmt"
	"os"

	"github.com/open-policy-agent/opa/v1/bundle"
	"github.com/open-policy-agent/opa/v1/keys"
)

// BundleKey verifies signed policy bundles with OPA's own bundle
// verification, as `opa run --verification-key` does: bundles signed with
// `opa build --signing-key` carry a .signatures.json whose JWT lists a digest
// of every file. With a key set, every custom policy must be such a bundle;
// an unsigned bundle, a loose .rego file or a file changed after signing is
// refused before anything is evaluated.
type BundleKey struct {
	// File holds the PEM public key (RS*, PS*, ES* algorithms) or the HMAC
	// secret (HS*).
	File string
	// ID is the key id the bundle was signed with (opa build
	// --verification-key-id); "" is OPA's "default".
	ID string
	// Algorithm is the signing algorithm; "" is OPA's default RS256.
	Algorithm string
	// Scope, when set, must match the scope claim of the signature.
	Scope string
}

func (k *BundleKey) config() (*bundle.VerificationConfig, error) {
	key, err := os.ReadFile(k.File)
	if err != nil {
		return nil, fmt.Errorf("read verification key: %w", err)
	}
	id, alg := k.ID, k.Algorithm
	if id == "" {
		id = "default"
	}
	if alg == "" {
		alg = "RS256"
	}
	kc, err := keys.NewKeyConfig(string(key), alg, k.Scope)
	if err != nil {
		return nil, fmt.Errorf("read verification key: %w", err)
	}
	return bundle.NewVerificationConfig(map[string]*bundle.KeyConfig{id: kc}, id, k.Scope, nil), nil
}
