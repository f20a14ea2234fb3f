package reports

import (
	"bytes"
	"encoding/json"
)

// jsonIndent encodes v with two-space indent and a trailing newline.
func jsonIndent(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// marshalIndent encodes v as encoding/json's indenting encoder would at a
// place in a document whose lines start with prefix.
func marshalIndent(v any, prefix string) ([]byte, error) {
	return json.MarshalIndent(v, prefix, "  ")
}
