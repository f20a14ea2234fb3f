package wasm

import (
	"context"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
)

// abiModule assembles a module that exports the two ABI version globals
// with the given values (below 64, one byte each), or none when major < 0.
func abiModule(major, minor int) []byte {
	out := []byte{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}
	if major < 0 {
		return out
	}
	globals := []byte{0x02}
	for _, v := range []int{major, minor} {
		globals = append(globals, 0x7f, 0x00, 0x41, byte(v), 0x0b) // i32, immutable, i32.const v, end
	}
	out = section(out, 6, globals)
	exports := []byte{0x02}
	exports = append(name(exports, "opa_wasm_abi_version"), 0x03, 0x00)
	exports = append(name(exports, "opa_wasm_abi_minor_version"), 0x03, 0x01)
	return section(out, 7, exports)
}

func TestCheckABI(t *testing.T) {
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	defer rt.Close(ctx)
	for i, tc := range []struct {
		major, minor int
		ok           bool
	}{
		{1, 2, true}, {1, 3, true}, {1, 1, false}, {0, 9, false}, {2, 0, false}, {-1, 0, false},
	} {
		mod, err := rt.InstantiateWithConfig(ctx, abiModule(tc.major, tc.minor), wazero.NewModuleConfig().WithName(strings.Repeat("m", i+1)))
		if err != nil {
			t.Fatal(err)
		}
		err = checkABI(mod)
		if tc.ok != (err == nil) {
			t.Errorf("ABI %d.%d: checkABI = %v, want ok=%v", tc.major, tc.minor, err, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "ABI") {
			t.Errorf("ABI %d.%d: error %q does not name the ABI", tc.major, tc.minor, err)
		}
	}
}

// TestCompiledPolicyABIAccepted: what OPA's own compiler produces passes
// the check (NewVM runs it before anything else).
func TestCompiledPolicyABIAccepted(t *testing.T) {
	vm := newTestVM(t, "t/over")
	if vm.fnEval == nil {
		t.Fatal("no opa_eval")
	}
}
