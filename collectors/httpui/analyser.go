package httpui

import (
	"context"
	"slices"
	"time"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/facts"
)

type remoteUIAnalyser struct{}

// NewRemoteUIAnalyser returns the analyser that fuses the HTTP services into
// doc.RemoteUI. It runs after the fingerprint analyser, whose IsPrinter lets
// a non-Canon printer's web server count as its UI.
func NewRemoteUIAnalyser() collectors.Analyser { return remoteUIAnalyser{} }

func (remoteUIAnalyser) Name() string { return "remote_ui" }

func (remoteUIAnalyser) Analyse(_ context.Context, _ *collectors.Env, _ *collectors.Target, doc *facts.Device) facts.CollectorStatus {
	start := time.Now()
	st, ok := doc.Collectors["http"]
	if !ok || (st.Status != facts.StatusOK && st.Status != facts.StatusClosed) {
		// Unknown is not absent: without HTTP facts RemoteUI stays nil.
		return facts.CollectorStatus{Status: facts.StatusSkipped, Reason: "http not collected", DurationMS: collectors.ElapsedMS(start)}
	}
	doc.RemoteUI = FuseRemoteUI(doc.HTTP, doc.Identity.IsPrinter != nil && *doc.Identity.IsPrinter)
	return facts.CollectorStatus{Status: facts.StatusOK, DurationMS: collectors.ElapsedMS(start)}
}

// loginOpenness orders login modes from the most open; the fused mode is the
// most open one seen, because any port that opens the UI opens it.
var loginOpenness = []string{
	facts.LoginModeNone,
	facts.LoginModeGeneralNoPassword,
	facts.LoginModeDepartmentID,
	facts.LoginModeSystemManager,
	facts.LoginModeUserPassword,
}

// FuseRemoteUI builds the Remote UI view of a device from its HTTP services.
// isPrinter lets any answering web server of a known printer count.
func FuseRemoteUI(services []facts.HTTPService, isPrinter bool) *facts.RemoteUI {
	ui := &facts.RemoteUI{Ports: []int{}}
	var (
		mode                  string
		plainServes, allRedir = false, true
		plainUnknown          = false
		allHSTS               = true
		otpSeen               *bool
		pagesKnown            = false
	)
	for _, s := range services {
		if unanswered(s.Status) {
			// The port was open but its page was not fetched: the UI may be
			// there, so no "every port" or "no port" verdict can be made.
			ui.UnexaminedPorts = append(ui.UnexaminedPorts, s.Port)
			continue
		}
		if s.Status != facts.StatusOK || !(s.CanonRemoteUI || isPrinter) {
			continue
		}
		ui.Present = true
		ui.Ports = append(ui.Ports, s.Port)
		if s.TLS {
			ui.TLSPorts = append(ui.TLSPorts, s.Port)
			allHSTS = allHSTS && s.HSTS != nil && *s.HSTS
		} else {
			ui.HTTPPorts = append(ui.HTTPPorts, s.Port)
			redir := s.RedirectsToHTTPS != nil && *s.RedirectsToHTTPS
			allRedir = allRedir && redir
			switch {
			case s.FinalScheme == "":
				// The redirect chain broke: where it ends is unknown.
				plainUnknown = true
			case s.FinalScheme == "http" && servesContent(s.FinalStatusCode):
				plainServes = true
			case s.FinalScheme == "http":
				// An error page over plain HTTP says nothing either way.
				plainUnknown = plainUnknown || !redir
			}
		}
		mode = moreOpen(mode, s.LoginMode)
		if s.OTPStep != nil {
			otpSeen = facts.Bool((otpSeen != nil && *otpSeen) || *s.OTPStep)
		}
		if pagesComplete(s.Pages) {
			pagesKnown = true
		}
		for _, p := range s.Pages {
			if p.Open && !slices.Contains(ui.OpenPages, p.Path) {
				ui.OpenPages = append(ui.OpenPages, p.Path)
			}
		}
	}
	if !ui.Present {
		return ui
	}
	unexamined := len(ui.UnexaminedPorts) > 0
	switch {
	case mode == "":
		mode = facts.LoginModeUnknown
	case unexamined && mode != loginOpenness[0]:
		// A port not examined may open the UI more than those seen.
		mode = facts.LoginModeUnknown
	}
	ui.LoginMode = mode
	ui.OTPStep = otpSeen
	switch {
	case plainServes:
		ui.CleartextReachable = facts.Bool(true)
	case !plainUnknown && !unexamined:
		ui.CleartextReachable = facts.Bool(false)
	}
	// Open pages are known when one port answered every well-known page
	// and no port went unexamined (an open page anywhere is known to be
	// open regardless).
	if pagesKnown && ui.OpenPages == nil && !unexamined {
		ui.OpenPages = []string{}
	}
	// One port that fails decides; "every port" needs every port seen.
	switch {
	case len(ui.HTTPPorts) > 0 && !allRedir:
		ui.RedirectsToHTTPS = facts.Bool(false)
	case len(ui.HTTPPorts) > 0 && !unexamined:
		ui.RedirectsToHTTPS = facts.Bool(true)
	}
	switch {
	case len(ui.TLSPorts) > 0 && !allHSTS:
		ui.HSTS = facts.Bool(false)
	case len(ui.TLSPorts) > 0 && !unexamined:
		ui.HSTS = facts.Bool(true)
	}
	return ui
}

// unanswered reports whether an HTTP port found open gave no page for a
// reason that proves nothing (a timeout or an error), unlike a port that
// refused or closed: the page may be there all the same.
func unanswered(st facts.Status) bool {
	switch st {
	case facts.StatusTimeout, facts.StatusError, facts.StatusFiltered:
		return true
	}
	return false
}

// servesContent: 2xx is content; 401 is a login challenge, whose
// credentials then cross the network in clear text too.
func servesContent(code int) bool {
	return (code >= 200 && code < 300) || code == 401
}

// pagesComplete reports whether every well-known page was requested and
// answered on a port.
func pagesComplete(pages []facts.PageProbe) bool {
	if len(pages) < len(wellKnownPages) {
		return false
	}
	for _, p := range pages {
		if p.Error != "" || p.StatusCode == 0 {
			return false
		}
	}
	return true
}

func moreOpen(a, b string) string {
	ia, ib := slices.Index(loginOpenness, a), slices.Index(loginOpenness, b)
	switch {
	case ib < 0:
		return a
	case ia < 0 || ib < ia:
		return b
	}
	return a
}
