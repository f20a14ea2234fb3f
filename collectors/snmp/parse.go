package snmp

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gosnmp/gosnmp"
)

// MaxValueLen caps every string taken from an agent: a display string in the
// facts document, never a blob.
const MaxValueLen = 256

// Sanitize turns raw agent bytes into a printable string: invalid UTF-8 is
// dropped, control characters become spaces, runs of space collapse, and the
// result is capped at MaxValueLen bytes on a rune boundary.
func Sanitize(b []byte) string {
	if len(b) > 4*MaxValueLen {
		b = b[:4*MaxValueLen]
	}
	var sb strings.Builder
	space := false
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		b = b[n:]
		if r == utf8.RuneError && n <= 1 {
			continue
		}
		if unicode.IsControl(r) || unicode.IsSpace(r) || r == 0xFEFF {
			space = true
			continue
		}
		if space && sb.Len() > 0 {
			if sb.Len()+1 > MaxValueLen {
				break
			}
			sb.WriteByte(' ')
		}
		space = false
		if sb.Len()+utf8.RuneLen(r) > MaxValueLen {
			break
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// ValueString renders one varbind for the facts document. Missing values
// (noSuchObject, noSuchInstance, endOfMibView, NULL) give ok=false.
func ValueString(v gosnmp.SnmpPDU) (s string, ok bool) {
	switch v.Type {
	case gosnmp.NoSuchObject, gosnmp.NoSuchInstance, gosnmp.EndOfMibView, gosnmp.Null:
		return "", false
	case gosnmp.OctetString, gosnmp.BitString, gosnmp.Opaque:
		b, isBytes := v.Value.([]byte)
		if !isBytes {
			return "", false
		}
		return Sanitize(b), true
	case gosnmp.ObjectIdentifier, gosnmp.IPAddress:
		str, isStr := v.Value.(string)
		if !isStr {
			return "", false
		}
		return Sanitize([]byte(strings.TrimPrefix(str, "."))), true
	}
	switch n := v.Value.(type) {
	case int, uint, uint32, uint64, int64:
		return fmt.Sprint(n), true
	case *big.Int:
		return Sanitize([]byte(n.String())), true
	}
	return "", false
}

// MAC formats a 6-byte ifPhysAddress; anything else (empty on loopback,
// all zeros, odd lengths) gives ok=false.
func MAC(b []byte) (string, bool) {
	if len(b) != 6 {
		return "", false
	}
	zero := true
	for _, c := range b {
		if c != 0 {
			zero = false
		}
	}
	if zero {
		return "", false
	}
	parts := make([]string, 6)
	for i, c := range b {
		parts[i] = hex.EncodeToString([]byte{c})
	}
	return strings.Join(parts, ":"), true
}

// EngineID is a parsed SNMPv3 snmpEngineID (RFC 3411 §5).
type EngineID struct {
	Hex string
	// Enterprise is the IANA enterprise number, 0 when the ID does not use
	// the RFC 3411 layout.
	Enterprise int
	// Format is the RFC 3411 format octet (1 IPv4, 2 IPv6, 3 MAC, 4 text,
	// 5 octets, ≥128 enterprise-specific); 0 for the pre-RFC 3411 layout.
	Format int
}

// EnterpriseAgentPP is AGENT++, the SNMP stack Canon MFPs ship; nmap reads
// it as "Canon SNMP service".
const EnterpriseAgentPP = 4976

// ParseEngineID decodes an engine ID. The RFC 3411 layout sets the high bit
// of the first of four enterprise octets, followed by a format octet; the
// older RFC 1910 layout is the enterprise number plus 8 octets.
func ParseEngineID(id []byte) (EngineID, error) {
	if len(id) < 5 || len(id) > 32 {
		return EngineID{}, fmt.Errorf("parse engine id: length %d outside 5..32", len(id))
	}
	out := EngineID{Hex: hex.EncodeToString(id)}
	ent := binary.BigEndian.Uint32(id[:4])
	if ent&0x80000000 != 0 {
		out.Enterprise = int(ent &^ 0x80000000)
		out.Format = int(id[4])
		return out, nil
	}
	// RFC 1910 layout: exactly the enterprise plus 8 agent octets. Any
	// other length carries no enterprise we can trust.
	if len(id) == 12 {
		out.Enterprise = int(ent)
	}
	return out, nil
}

// AddrFromIndex decodes the address in an ipAddressTable index
// (addrType.len.octets...). ok is false for anything but a well-formed IPv4
// (type 1) or IPv6 (type 2) index.
func AddrFromIndex(suffix []int) (addr []byte, ok bool) {
	if len(suffix) < 2 {
		return nil, false
	}
	want := map[int]int{1: 4, 2: 16}[suffix[0]]
	if want == 0 || suffix[1] != want || len(suffix) != 2+want {
		return nil, false
	}
	addr = make([]byte, want)
	for i, v := range suffix[2:] {
		if v < 0 || v > 255 {
			return nil, false
		}
		addr[i] = byte(v)
	}
	return addr, true
}

// OIDSuffix returns the numeric arcs of oid after prefix, ok=false when oid
// is not under prefix or an arc is not a number. Leading dots are ignored.
func OIDSuffix(oid, prefix string) ([]int, bool) {
	oid = strings.TrimPrefix(oid, ".")
	prefix = strings.TrimPrefix(prefix, ".")
	rest, found := strings.CutPrefix(oid, prefix+".")
	if !found || rest == "" {
		return nil, false
	}
	parts := strings.Split(rest, ".")
	if len(parts) > 40 {
		return nil, false
	}
	out := make([]int, len(parts))
	for i, p := range parts {
		n := 0
		if p == "" || len(p) > 10 {
			return nil, false
		}
		for _, c := range p {
			if c < '0' || c > '9' {
				return nil, false
			}
			n = n*10 + int(c-'0')
		}
		out[i] = n
	}
	return out, true
}
