// Package strictyaml decodes the project's own YAML data files (advisories,
// vendor identity tables) so that a misspelt key is an error, not silently
// ignored.
package strictyaml

import (
	"bytes"

	"gopkg.in/yaml.v3"
)

// Decode decodes the first YAML document of b into v, refusing keys v has
// no field for.
func Decode(b []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	return dec.Decode(v)
}
