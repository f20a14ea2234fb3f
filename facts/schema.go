package facts

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/mfpscan/mfpscan/internal/jsonany"
)

// SchemaJSON is the facts document JSON Schema (v1). It is published in the
// repository as facts/schema/facts.v1.json and shipped in the binary, so
// custom-rule authors can type-check their Rego against it.
//
//go:embed schema/facts.v1.json
var SchemaJSON []byte

// SchemaURL is the $id of SchemaJSON.
const SchemaURL = "https://mfpscan.invalid/schema/facts.v1.json"

// Validator checks facts documents against SchemaJSON. It is safe for
// concurrent use; build one with NewValidator and share it.
type Validator struct {
	schema *jsonschema.Schema
	fast   *fastSchema // nil: the schema uses what the quick check does not know
}

// NewValidator compiles the embedded schema.
func NewValidator() (*Validator, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(SchemaJSON))
	if err != nil {
		return nil, fmt.Errorf("parse facts schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(SchemaURL, doc); err != nil {
		return nil, fmt.Errorf("load facts schema: %w", err)
	}
	s, err := c.Compile(SchemaURL)
	if err != nil {
		return nil, fmt.Errorf("compile facts schema: %w", err)
	}
	// Without a quick check every document goes to the library, as
	// before: slower, never different.
	fast, _ := compileFastSchema(SchemaJSON)
	return &Validator{schema: s, fast: fast}, nil
}

// Validate checks one encoded facts document.
func (v *Validator) Validate(doc []byte) error {
	if v.fast != nil && v.fast.valid(doc) {
		return nil
	}
	return v.validateLibrary(doc)
}

// validateLibrary is Validate without the quick check: the library decides
// and words the errors.
func (v *Validator) validateLibrary(doc []byte) error {
	inst, ok := jsonany.Decode(doc)
	if !ok {
		// Not plain JSON: the library decides, and words the error.
		var err error
		if inst, err = jsonschema.UnmarshalJSON(bytes.NewReader(doc)); err != nil {
			return fmt.Errorf("parse facts document: %w", err)
		}
	}
	if err := v.schema.Validate(inst); err != nil {
		var ve *jsonschema.ValidationError
		if errors.As(err, &ve) {
			return fmt.Errorf("facts document does not match schema v%s: %s", SchemaVersion, oneLine(ve))
		}
		return fmt.Errorf("validate facts document: %w", err)
	}
	return nil
}

// ValidateDevice encodes d and validates it.
func (v *Validator) ValidateDevice(d *Device) error {
	b, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("encode facts document: %w", err)
	}
	return v.Validate(b)
}

// oneLine flattens the library's indented cause tree into a single line,
// which is what a one-line CLI error needs.
func oneLine(ve *jsonschema.ValidationError) string {
	lines := strings.Split(ve.Error(), "\n")
	parts := make([]string, 0, len(lines))
	for i, l := range lines {
		l = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "- "))
		if i == 0 || l == "" {
			continue // the first line only says the document does not validate
		}
		parts = append(parts, l)
	}
	if len(parts) == 0 {
		return lines[0]
	}
	return strings.Join(parts, "; ")
}

var defaultValidator = sync.OnceValues(NewValidator)

// Validate checks one encoded facts document against the embedded schema.
func Validate(doc []byte) error {
	v, err := defaultValidator()
	if err != nil {
		return err
	}
	return v.Validate(doc)
}
