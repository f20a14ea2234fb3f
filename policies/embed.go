package policies

import "embed"

// BuiltinFS holds the embedded rule catalogue (rego/) and the default organisation data (data/defaults.yaml).
//
//go:embed rego data
var BuiltinFS embed.FS
