package wasm

// A policy compiled by OPA imports its linear memory as env.memory, and
// wazero cannot export a memory from a host (Go) module. So "env" is a small
// real wasm module, assembled here: it defines and exports the memory and
// re-exports, under their env names, the functions the policy needs from the
// host, which it imports from the Go module hostModule.

// hostModule is the name of the Go module with the host functions.
const hostModule = "mfpscan_opa_host"

// hostFuncs are the functions of OPA's Wasm ABI the host provides; every
// parameter and result is an i32.
var hostFuncs = []struct {
	name   string
	params int
	result bool
}{
	{"opa_abort", 1, false},
	{"opa_println", 1, false},
	{"opa_builtin0", 2, true},
	{"opa_builtin1", 3, true},
	{"opa_builtin2", 4, true},
	{"opa_builtin3", 5, true},
	{"opa_builtin4", 6, true},
}

// envModule returns the binary of the "env" module for a policy whose
// memory import asks for minPages and, when hasMax, at most maxPages.
func envModule(minPages, maxPages uint32, hasMax bool) []byte {
	out := []byte{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00} // magic, version 1

	types := uleb(nil, uint32(len(hostFuncs)))
	for _, f := range hostFuncs {
		types = append(types, 0x60) // func type
		types = uleb(types, uint32(f.params))
		for range f.params {
			types = append(types, 0x7f) // i32
		}
		if f.result {
			types = append(types, 0x01, 0x7f)
		} else {
			types = append(types, 0x00)
		}
	}
	out = section(out, 1, types)

	imports := uleb(nil, uint32(len(hostFuncs)))
	for i, f := range hostFuncs {
		imports = name(imports, hostModule)
		imports = name(imports, f.name)
		imports = append(imports, 0x00) // function import
		imports = uleb(imports, uint32(i))
	}
	out = section(out, 2, imports)

	memory := []byte{0x01} // one memory
	if hasMax {
		memory = append(memory, 0x01)
		memory = uleb(memory, minPages)
		memory = uleb(memory, maxPages)
	} else {
		memory = append(memory, 0x00)
		memory = uleb(memory, minPages)
	}
	out = section(out, 5, memory)

	exports := uleb(nil, uint32(len(hostFuncs)+1))
	exports = name(exports, "memory")
	exports = append(exports, 0x02, 0x00) // memory 0
	for i, f := range hostFuncs {
		exports = name(exports, f.name)
		exports = append(exports, 0x00) // function i (the imports come first)
		exports = uleb(exports, uint32(i))
	}
	return section(out, 7, exports)
}

func uleb(b []byte, v uint32) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func name(b []byte, s string) []byte { return append(uleb(b, uint32(len(s))), s...) }

func section(out []byte, id byte, body []byte) []byte {
	out = append(out, id)
	out = uleb(out, uint32(len(body)))
	return append(out, body...)
}
