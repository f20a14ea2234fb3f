package creds

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/facts"
)

// planned is the comparable view of an attempt.
type planned struct {
	Account string
	Port    int
	TLS     bool
	Form    formKind
	Skip    bool
}

// sends is an attempt that goes out.
func sends(account string, port int, tls bool, form formKind) planned {
	return planned{Account: account, Port: port, TLS: tls, Form: form}
}

// planOf is the whole expected plan: one entry per account in the order
// checks are recorded, the attempts given and every other account skipped.
func planOf(sent ...planned) []planned {
	var out []planned
	for _, account := range []string{AccountSystemManagerDefault, AccountSystemManagerBlank,
		AccountAdministratorDefault, AccountMeapSMSDefault, AccountFTPAnonymous} {
		p := planned{Account: account, Form: formNone, Skip: true}
		for _, s := range sent {
			if s.Account == account {
				p = s
			}
		}
		out = append(out, p)
	}
	return out
}

type planCase struct {
	name     string
	services []facts.HTTPService
	ftp      []int
	want     []planned
}

func planCases() []planCase {
	redirect := iradvService(80, false, facts.LoginModeUnknown)
	redirect.RedirectsToHTTPS = facts.Bool(true)
	hardened := iradvService(443, true, facts.LoginModeUserPassword, "otp_field", "user_password_form")
	hp := facts.HTTPService{Port: 80, Status: facts.StatusOK, StatusCode: 200, Markers: nil}
	down := mfService(80, false)
	down.Status = facts.StatusTimeout
	sms := iradvService(8000, false, facts.LoginModeNone)
	sms.Pages = []facts.PageProbe{{Path: "/sms/", StatusCode: 200}, {Path: "/rps/nativetop.cgi", StatusCode: 200}}
	smsMissing := iradvService(8000, false, facts.LoginModeNone)
	smsMissing.Pages = []facts.PageProbe{{Path: "/sms/", StatusCode: 404}}

	return []planCase{
		{"mf with ftp", []facts.HTTPService{mfService(80, false)}, []int{21}, planOf(
			sends(AccountSystemManagerDefault, 80, false, formMFSysMgr),
			sends(AccountSystemManagerBlank, 80, false, formMFBlank),
			sends(AccountFTPAnonymous, 21, false, formNone))},
		{"ir-adv factory: portal on every port, tls preferred, then lowest port",
			[]facts.HTTPService{iradvService(8000, false, facts.LoginModeNone), iradvService(8443, true, facts.LoginModeNone), iradvService(443, true, facts.LoginModeNone)},
			[]int{21, 2121}, planOf(
				sends(AccountSystemManagerDefault, 443, true, formIRADVSysMgr),
				sends(AccountFTPAnonymous, 21, false, formNone))},
		{"login form port wins over tls", []facts.HTTPService{iradvService(443, true, facts.LoginModeNone), iradvService(8000, false, facts.LoginModeDepartmentID, "deptid_form")}, nil, planOf(
			sends(AccountSystemManagerDefault, 8000, false, formIRADVSysMgr))},
		{"hardened dx: redirect port ignored, user + password form", []facts.HTTPService{redirect, hardened}, nil, planOf(
			sends(AccountAdministratorDefault, 443, true, formIRADVAdmin))},
		{"mf evidence beats ir-adv", []facts.HTTPService{iradvService(443, true, facts.LoginModeNone), mfService(80, false)}, nil, planOf(
			sends(AccountSystemManagerDefault, 80, false, formMFSysMgr),
			sends(AccountSystemManagerBlank, 80, false, formMFBlank))},
		{"meap sms page found", []facts.HTTPService{sms}, nil, planOf(
			sends(AccountSystemManagerDefault, 8000, false, formIRADVSysMgr),
			sends(AccountMeapSMSDefault, 8000, false, formMeapSMS))},
		{"meap sms probe 404 is no evidence", []facts.HTTPService{smsMissing}, nil, planOf(
			sends(AccountSystemManagerDefault, 8000, false, formIRADVSysMgr))},
		{"non-canon printer and a down port: nothing", []facts.HTTPService{hp, down}, nil, planOf()},
	}
}

func TestPlan(t *testing.T) {
	for _, tt := range planCases() {
		t.Run(tt.name, func(t *testing.T) {
			tg := &collectors.Target{Addr: netip.MustParseAddr("127.0.0.1"), Roles: collectors.Roles{TCP: map[int]string{}}}
			for _, p := range tt.ftp {
				tg.Roles.TCP[p] = collectors.RoleFTP
				tg.Ports = append(tg.Ports, facts.Port{Port: p, Protocol: "tcp", State: "open"})
			}
			var got []planned
			for _, a := range plan(&facts.Device{HTTP: tt.services}, tg) {
				sends := a.skip == "" && a.port != 0
				if a.account == "" || sends == (a.skip != "") {
					t.Errorf("attempt %+v: needs an account and either a port or a skip reason", a)
				}
				got = append(got, planned{a.account, a.port, a.tls, a.form, a.skip != ""})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("plan mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoginRequestBodies(t *testing.T) {
	tests := []struct {
		form      formKind
		userField bool
		wantPath  string
		wantBody  string
	}{
		{formIRADVSysMgr, false, "/login", "deptid=7654321&password=7654321&uri=%2F"},
		{formIRADVAdmin, false, "/login", "deptid=Administrator&password=7654321&uri=%2F&user_type_generic=true"},
		{formIRADVAdmin, true, "/login", "deptid=Administrator&password=7654321&uri=%2F&user_type_generic=true&username=Administrator"},
		{formMFSysMgr, false, "/checkLogin.cgi", "i0012=1&i0014=7654321&i0016=7654321&iToken="},
		{formMFBlank, false, "/checkLogin.cgi", "i0012=1&i0016=&iToken="},
		{formMeapSMS, false, "/sms/", "password=MeapSmsLogin"},
	}
	for _, tt := range tests {
		path, body := loginRequest(tt.form, "/sms/", tt.userField)
		if path != tt.wantPath || body != tt.wantBody {
			t.Errorf("form %d: got %s %q, want %s %q", tt.form, path, body, tt.wantPath, tt.wantBody)
		}
	}
}
