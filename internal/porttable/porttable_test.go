package porttable

import (
	"fmt"
	"testing"
)

func TestTableWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range All() {
		key := fmt.Sprintf("%d/%s", e.Port, e.Protocol)
		if seen[key] {
			t.Errorf("%s listed twice", key)
		}
		seen[key] = true
		if e.Port < 1 || e.Port > 65535 || (e.Protocol != TCP && e.Protocol != UDP) || e.Service == "" {
			t.Errorf("%s: bad entry %+v", key, e)
		}
		if e.Protocol == UDP && (e.Role != "" || e.Print) {
			t.Errorf("%s: collector roles and print ports are TCP only", key)
		}
		if e.Protocol == TCP && e.Probe != "" {
			t.Errorf("%s: UDP probe on a TCP port", key)
		}
		if e.Protocol == UDP && e.Swept != (e.Probe != "") {
			t.Errorf("%s: a UDP port is swept exactly when a probe is defined for it", key)
		}
		if e.Protocol == TCP && e.Swept && e.Role == "" {
			t.Errorf("%s: swept by default but no collector role, so nothing reads it", key)
		}
		// The banner collector keeps ports connect-only by role (raw, lpd),
		// which works on the lab's shifted ports too; the two must agree.
		if e.Print != (e.Role == RoleRaw || e.Role == RoleLPD) {
			t.Errorf("%s: print %v with role %q; raw and lpd ports, and only they, are print ports", key, e.Print, e.Role)
		}
	}
}

// TestPrintPorts: the safety rules name the raw print ports 9100-9107 and
// LPD 515 as connect-only; IPP 631 is read-only, not connect-only.
func TestPrintPorts(t *testing.T) {
	for p := 1; p <= 65535; p++ {
		want := p == 515 || (p >= 9100 && p <= 9107)
		if IsPrintPort(p) != want {
			t.Errorf("IsPrintPort(%d) = %v, want %v", p, !want, want)
		}
	}
}

func TestDerivedViews(t *testing.T) {
	tcp := DefaultTCP()
	for i, p := range tcp {
		if i > 0 && tcp[i-1] >= p {
			t.Fatalf("DefaultTCP not ascending: %v", tcp)
		}
		if e, ok := Lookup(TCP, p); !ok || !e.Swept {
			t.Errorf("DefaultTCP lists %d, which the table does not sweep", p)
		}
	}
	roles := TCPRoles()
	for _, e := range All() {
		if e.Protocol == TCP && roles[e.Port] != e.Role {
			t.Errorf("TCPRoles[%d] = %q, table %q", e.Port, roles[e.Port], e.Role)
		}
		if Service(e.Protocol, e.Port) != e.Service {
			t.Errorf("Service(%s, %d) = %q, table %q", e.Protocol, e.Port, Service(e.Protocol, e.Port), e.Service)
		}
	}
	if Service(TCP, 1) != "" {
		t.Error("a port outside the table has a service name")
	}
	tcp[0] = -1
	if DefaultTCP()[0] == -1 {
		t.Error("DefaultTCP returns the table's own slice")
	}
}
