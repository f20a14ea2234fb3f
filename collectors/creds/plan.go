package creds

import (
	"slices"
	"strings"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/facts"
)

// Account names recorded in facts.CredentialCheck.Account.
const (
	AccountSystemManagerDefault = "system_manager_default"
	AccountSystemManagerBlank   = "system_manager_blank"
	AccountAdministratorDefault = "administrator_default"
	AccountMeapSMSDefault       = "meap_sms_default"
	AccountFTPAnonymous         = "ftp_anonymous"
)

// accounts is the order checks are planned and recorded in.
var accounts = []string{
	AccountSystemManagerDefault,
	AccountSystemManagerBlank,
	AccountAdministratorDefault,
	AccountMeapSMSDefault,
	AccountFTPAnonymous,
}

// uiKind is the Remote UI family, which decides the login form.
type uiKind int

const (
	uiNone  uiKind = iota
	uiIRADV        // Catwalk / MEAP web stack, POST /login
	uiMF           // MF/LBP, POST /checkLogin.cgi
)

// attempt is one planned check: either something to send, or the reason it
// is skipped.
type attempt struct {
	account string
	port    int
	tls     bool
	// form is the login form to post; empty for FTP.
	form formKind
	// path is the page to post to (the MEAP SMS page found by the HTTP
	// collector); empty means the form's own path.
	path string
	skip string
}

// formKind names a login body; the bodies themselves live in login.go, next
// to the only code that sends them.
type formKind int

const (
	formNone        formKind = iota
	formIRADVSysMgr          // /login deptid + password (Gen1/2)
	formIRADVAdmin           // /login user_type_generic Administrator (Gen3/DX)
	formMFSysMgr             // /checkLogin.cgi System Manager ID + PIN
	formMFBlank              // /checkLogin.cgi System Manager, empty PIN
	formMeapSMS              // MEAP SMS password
)

// Marker names produced by collectors/httpui (CanonMarkers, ClassifyLogin).
var (
	mfMarkers    = []string{"checklogin_form", "path_checklogin", "path_portal_top", "server_canon_http"}
	iradvMarkers = []string{"server_catwalk", "body_meap_service", "path_rps", "deptid_form", "user_type_generic"}
	formMarkers  = []string{"checklogin_form", "deptid_form", "user_type_generic", "user_password_form"}
)

func hasAny(have, want []string) bool {
	return slices.ContainsFunc(have, func(m string) bool { return slices.Contains(want, m) })
}

func kindOf(s facts.HTTPService) uiKind {
	if s.Status != facts.StatusOK || !s.CanonRemoteUI {
		return uiNone
	}
	// A plain port that only redirects to HTTPS has no form of its own.
	if s.RedirectsToHTTPS != nil && *s.RedirectsToHTTPS {
		return uiNone
	}
	switch {
	case hasAny(s.Markers, mfMarkers):
		return uiMF
	case hasAny(s.Markers, iradvMarkers):
		return uiIRADV
	}
	return uiNone
}

// pickRemoteUI returns the device's Remote UI family and the service to log
// in on: a port where the login form itself was seen first, then TLS (so
// the attempt does not cross the network in clear), then the lowest port.
// MF/LBP evidence wins over iR-ADV evidence because it names the form.
func pickRemoteUI(services []facts.HTTPService) (uiKind, facts.HTTPService, bool) {
	var best facts.HTTPService
	bestKind, found := uiNone, false
	better := func(a, b facts.HTTPService) bool {
		fa, fb := hasAny(a.Markers, formMarkers), hasAny(b.Markers, formMarkers)
		if fa != fb {
			return fa
		}
		if a.TLS != b.TLS {
			return a.TLS
		}
		return a.Port < b.Port
	}
	for _, s := range services {
		k := kindOf(s)
		switch {
		case k == uiNone:
		case !found, k > bestKind, k == bestKind && better(s, best):
			best, bestKind, found = s, k, true
		}
	}
	return bestKind, best, found
}

// meapSMSPage finds evidence of a MEAP SMS page in the HTTP facts: a page
// probe under /sms that answered 200, or a marker naming it. The path is
// not verified by any reference, so without such evidence nothing is tried.
func meapSMSPage(services []facts.HTTPService) (facts.HTTPService, string, bool) {
	for _, s := range services {
		if s.Status != facts.StatusOK {
			continue
		}
		for _, p := range s.Pages {
			if p.StatusCode == 200 && strings.HasPrefix(strings.ToLower(p.Path), "/sms") {
				return s, p.Path, true
			}
		}
	}
	return facts.HTTPService{}, "", false
}

// Plan chooses, for each well-known account, the check to run on the device
// or the reason to skip it. It reads only the merged facts and the target's
// open ports; it sends nothing.
func plan(doc *facts.Device, t *collectors.Target) []attempt {
	out := make([]attempt, 0, len(accounts))
	kind, ui, ok := pickRemoteUI(doc.HTTP)
	userPassword := ok && ui.LoginMode == facts.LoginModeUserPassword
	for _, acc := range accounts {
		a := attempt{account: acc, port: ui.Port, tls: ui.TLS}
		switch acc {
		case AccountSystemManagerDefault:
			switch {
			case kind == uiMF:
				a.form = formMFSysMgr
			case kind == uiIRADV && userPassword:
				a = skipped(acc, "Remote UI asks for user name and password, not System Manager ID")
			case kind == uiIRADV:
				a.form = formIRADVSysMgr
			default:
				a = skipped(acc, "no Canon Remote UI login form recognised")
			}
		case AccountSystemManagerBlank:
			if kind == uiMF {
				a.form = formMFBlank
			} else {
				a = skipped(acc, "blank PIN applies to the MF/LBP System Manager form only")
			}
		case AccountAdministratorDefault:
			if kind == uiIRADV && userPassword {
				a.form = formIRADVAdmin
			} else {
				a = skipped(acc, "no iR-ADV user name and password login form")
			}
		case AccountMeapSMSDefault:
			if s, path, found := meapSMSPage(doc.HTTP); found {
				a = attempt{account: acc, port: s.Port, tls: s.TLS, form: formMeapSMS, path: path}
			} else {
				a = skipped(acc, "MEAP SMS page not found")
			}
		case AccountFTPAnonymous:
			if ports := t.OpenTCP(collectors.RoleFTP); len(ports) > 0 {
				a = attempt{account: acc, port: ports[0]}
			} else {
				a = skipped(acc, "no open FTP port")
			}
		}
		out = append(out, a)
	}
	return out
}

func skipped(account, reason string) attempt {
	return attempt{account: account, skip: reason}
}
