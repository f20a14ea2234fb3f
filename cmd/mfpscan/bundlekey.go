package main

import (
	"github.com/spf13/pflag"

	"github.com/mfpscan/mfpscan/pipeline"
	"github.com/mfpscan/mfpscan/policies"
)

// bundleKeyFlags are the signed-bundle flags, named as `opa run` names them.
type bundleKeyFlags struct {
	key, id, alg, scope string
}

func (b *bundleKeyFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&b.key, "verification-key", "", "PEM public key (or HMAC secret) file: every --policy must then be an OPA bundle signed with it (opa build --signing-key)")
	fs.StringVar(&b.id, "verification-key-id", "default", "key id the bundles were signed with")
	fs.StringVar(&b.alg, "signing-alg", "RS256", "signing algorithm of the bundles (RS256, ES256, HS256, ...)")
	fs.StringVar(&b.scope, "scope", "", "scope the bundle signatures must carry (empty: any)")
}

func (b *bundleKeyFlags) apply(cfg *pipeline.Config) error {
	if b.key == "" {
		return nil
	}
	if len(cfg.PolicyPaths) == 0 {
		return pipeline.Usagef("--verification-key needs at least one --policy bundle to verify")
	}
	cfg.BundleKey = &policies.BundleKey{File: b.key, ID: b.id, Algorithm: b.alg, Scope: b.scope}
	return nil
}
