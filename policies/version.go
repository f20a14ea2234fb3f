package policies

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"strings"
	"sync"
)

// CatalogueVersion identifies the embedded rule catalogue: "sha256:" and the
// first 12 hex digits of a digest over the path and content of every
// embedded rule, library and default-data file (rule unit tests excluded).
// It changes whenever a rule's logic, metadata or default parameters
// change, and needs no one to remember to bump it.
func CatalogueVersion() string { return catalogueVersion() }

var catalogueVersion = sync.OnceValue(func() string {
	h := sha256.New()
	// WalkDir visits in lexical order, so the digest is stable.
	err := fs.WalkDir(BuiltinFS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, "_test.rego") {
			return err
		}
		b, err := fs.ReadFile(BuiltinFS, p)
		if err != nil {
			return err
		}
		// Path and length first, so no two file sets hash alike by
		// concatenation.
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		// The embedded tree is part of the binary; this cannot fail at run time.
		return "unknown"
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))[:12]
})
