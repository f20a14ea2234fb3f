package collectortest

import (
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/collectors"
)

func TestTarget(t *testing.T) {
	tg := Target(map[int]string{8443: collectors.RoleHTTPS, 80: collectors.RoleHTTP, 631: collectors.RoleIPP})
	if !tg.Addr.IsLoopback() {
		t.Errorf("target %s is not loopback", tg.Addr)
	}
	var got []int
	for _, p := range tg.Ports {
		if p.Protocol != "tcp" || p.State != "open" {
			t.Errorf("port %+v, want open tcp", p)
		}
		got = append(got, p.Port)
	}
	if len(got) != 3 || got[0] != 80 || got[1] != 631 || got[2] != 8443 {
		t.Errorf("ports %v, want 80 631 8443", got)
	}
	if tg.Roles.TCP[631] != collectors.RoleIPP {
		t.Errorf("roles %v lack ipp on 631", tg.Roles.TCP)
	}
}

func TestEnv(t *testing.T) {
	env := Env(t, 3*time.Second)
	if env.Timeout() != 3*time.Second || env.Dialer == nil {
		t.Errorf("env timeout %v dialer %v", env.Timeout(), env.Dialer)
	}
}
