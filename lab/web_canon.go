package lab

import (
	"fmt"
	"html"
	"net/http"
)

const canonFooter = `<div id="footer"><p class="copyright">Copyright CANON INC. 2025</p></div>`

// catwalkMux is the iR-ADV Remote UI as shipped: the portal opens without
// login for general users; the System Manager logs in on /login.
func (d *deviceRuntime) catwalkMux() http.Handler {
	mux := http.NewServeMux()
	model := html.EscapeString(d.webModel())
	portal := func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" && r.URL.Path != "/rps/" && r.URL.Path != "/portal/indicate" {
			d.canonNotFound(w)
			return
		}
		writePage(w, http.StatusOK, fmt.Sprintf(`<!DOCTYPE html>
<html><head><meta charset="UTF-8"><title>Remote UI : Portal : %[1]s</title>
<script type="text/javascript" src="/media/com.canon.meap.service.portal.js"></script>
</head><body>
<div id="header"><span id="deviceName">%[1]s</span> <span class="userName">Guest</span>
<a href="/login">Log In (System Manager)</a></div>
<div id="deviceInfo"><table>
<tr><th>Product Name:</th><td>%[1]s</td></tr>
<tr><th>Device Name:</th><td>%[2]s</td></tr>
<tr><th>Serial Number:</th><td>%[3]s</td></tr>
<tr><th>Status of Printer:</th><td>Ready to print.</td></tr>
</table></div>
<ul id="menu"><li><a href="/rps/nativetop.cgi?RUIPNxBundle=&amp;CorePGTAG=PGTAG_STATUS">Status Monitor/Cancel</a></li>
<li><a href="/rps/nativetop.cgi?RUIPNxBundle=&amp;CorePGTAG=PGTAG_CONF_ENV">Settings/Registration</a></li>
<li><a href="/rps/nativetop.cgi?RUIPNxBundle=&amp;CorePGTAG=PGTAG_ADR_USR">Address Book</a></li></ul>
%[4]s</body></html>
`, model, html.EscapeString(d.p.id.hostname), html.EscapeString(d.p.id.serial), canonFooter))
	}
	mux.HandleFunc("GET /", portal)
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		d.catwalkLoginPage(w, http.StatusOK, "")
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		if !parseForm(w, r) {
			return
		}
		if r.PostForm.Get("deptid") != DefaultSystemManagerID || r.PostForm.Get("password") != DefaultSystemManagerPIN {
			d.catwalkLoginPage(w, http.StatusOK, "The Department ID or PIN is incorrect.")
			return
		}
		tok := d.sessions.create("in")
		http.SetCookie(w, &http.Cookie{Name: "sessionid", Value: tok, Path: "/", HttpOnly: true})
		http.Redirect(w, r, "/rps/nativetop.cgi?RUIPNxBundle=&CorePGTAG=PGTAG_CONF_ENV", http.StatusFound)
	})
	mux.HandleFunc("GET /rps/nativetop.cgi", func(w http.ResponseWriter, r *http.Request) {
		if !d.atStage(w, r, "in") {
			return
		}
		writePage(w, http.StatusOK, fmt.Sprintf(`<!DOCTYPE html>
<html><head><meta charset="UTF-8"><title>Remote UI : Settings/Registration : %[1]s</title></head><body>
<script type="text/javascript">document.writeln('Log Out');</script>
<div id="header"><span class="userName">System Manager</span></div>
<p>Settings/Registration</p>%[2]s</body></html>
`, model, canonFooter))
	})
	return mux
}

// atStage reports whether the request's Canon session has reached stage
// ("otp", "in"); if not, it sends the client back to the login page.
func (d *deviceRuntime) atStage(w http.ResponseWriter, r *http.Request, stage string) bool {
	if d.sessions.stage(r, "sessionid") != stage {
		http.Redirect(w, r, "/login", http.StatusFound)
		return false
	}
	return true
}

func (d *deviceRuntime) catwalkLoginPage(w http.ResponseWriter, status int, msg string) {
	writePage(w, status, fmt.Sprintf(`<!DOCTYPE html>
<html><head><meta charset="UTF-8"><title>Remote UI : Login : %[1]s</title></head><body>
<form name="loginForm" method="post" action="/login">
<input type="hidden" name="uri" value="/">
<input type="hidden" name="user_type_generic" value="">
<p class="error">%[2]s</p>
<label for="deptid">System Manager ID:</label><input type="text" id="deptid" name="deptid" maxlength="7">
<label for="password">System Manager PIN:</label><input type="password" id="password" name="password" maxlength="7">
<input type="submit" value="Log In">
</form>%[3]s</body></html>
`, html.EscapeString(d.webModel()), html.EscapeString(msg), canonFooter))
}

func (d *deviceRuntime) canonNotFound(w http.ResponseWriter) {
	writePage(w, http.StatusNotFound, "<html><head><title>404 Not Found</title></head><body>The requested URL was not found.</body></html>")
}

// hardenedMux is an iR-ADV DX with user authentication and a one-time
// password step: nothing is served before both steps succeed.
func (d *deviceRuntime) hardenedMux() http.Handler {
	mux := http.NewServeMux()
	model := html.EscapeString(d.webModel())
	cookie := func(w http.ResponseWriter, tok string) {
		http.SetCookie(w, &http.Cookie{Name: "sessionid", Value: tok, Path: "/", HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode})
	}
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" && r.URL.Path != "/login" {
			if !d.atStage(w, r, "in") {
				return
			}
			d.canonNotFound(w)
			return
		}
		d.hardenedLoginPage(w, "")
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		if !parseForm(w, r) {
			return
		}
		if r.PostForm.Get("username") != HardenedUser || r.PostForm.Get("password") != HardenedPassword {
			d.hardenedLoginPage(w, "The user name or password is incorrect.")
			return
		}
		cookie(w, d.sessions.create("otp"))
		http.Redirect(w, r, "/login/otp", http.StatusFound)
	})
	mux.HandleFunc("GET /login/otp", func(w http.ResponseWriter, r *http.Request) {
		if !d.atStage(w, r, "otp") {
			return
		}
		d.hardenedOTPPage(w, "")
	})
	mux.HandleFunc("POST /login/otp", func(w http.ResponseWriter, r *http.Request) {
		if !parseForm(w, r) {
			return
		}
		if !d.atStage(w, r, "otp") {
			return
		}
		if r.PostForm.Get("otp") != HardenedOTP {
			d.hardenedOTPPage(w, "The one-time password is incorrect.")
			return
		}
		d.sessions.drop(r, "sessionid")
		cookie(w, d.sessions.create("in"))
		http.Redirect(w, r, "/portal", http.StatusFound)
	})
	mux.HandleFunc("GET /portal", func(w http.ResponseWriter, r *http.Request) {
		if !d.atStage(w, r, "in") {
			return
		}
		writePage(w, http.StatusOK, fmt.Sprintf(`<!DOCTYPE html>
<html><head><meta charset="UTF-8"><title>Remote UI : Portal : %[1]s</title></head><body>
<div id="header"><span class="userName">%[2]s</span>
<script type="text/javascript">document.writeln('Log Out');</script></div>
<p>Firmware Version: %[3]s</p>%[4]s</body></html>
`, model, HardenedUser, html.EscapeString(d.p.id.firmware), canonFooter))
	})
	return mux
}

func (d *deviceRuntime) hardenedLoginPage(w http.ResponseWriter, msg string) {
	writePage(w, http.StatusOK, fmt.Sprintf(`<!DOCTYPE html>
<html><head><meta charset="UTF-8"><title>Remote UI : Login : %[1]s</title></head><body>
<form name="loginForm" method="post" action="/login">
<p class="error">%[2]s</p>
<label for="username">User Name:</label><input type="text" id="username" name="username" maxlength="32">
<label for="password">Password:</label><input type="password" id="password" name="password" maxlength="32">
<input type="submit" value="Log In">
</form>%[3]s</body></html>
`, html.EscapeString(d.webModel()), html.EscapeString(msg), canonFooter))
}

func (d *deviceRuntime) hardenedOTPPage(w http.ResponseWriter, msg string) {
	writePage(w, http.StatusOK, fmt.Sprintf(`<!DOCTYPE html>
<html><head><meta charset="UTF-8"><title>Remote UI : Login : %[1]s</title></head><body>
<form name="otpForm" method="post" action="/login/otp">
<p>Enter the verification code (one-time password) shown in your authenticator application.</p>
<p class="error">%[2]s</p>
<label for="otp">One-Time Password:</label><input type="text" id="otp" name="otp" maxlength="6" autocomplete="one-time-code" inputmode="numeric">
<input type="submit" value="Verify">
</form>%[3]s</body></html>
`, html.EscapeString(d.webModel()), html.EscapeString(msg), canonFooter))
}

// canonMFMux is the i-SENSYS / imageCLASS Remote UI: a login page with
// System Manager mode (ID + PIN) and general user mode, posting to
// /checkLogin.cgi; the session rides in the sessid cookie.
func (d *deviceRuntime) canonMFMux() http.Handler {
	mux := http.NewServeMux()
	model := html.EscapeString(d.webModel())
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" && r.URL.Path != "/login.html" {
			d.canonNotFound(w)
			return
		}
		d.mfLoginPage(w, "")
	})
	mux.HandleFunc("POST /checkLogin.cgi", func(w http.ResponseWriter, r *http.Request) {
		if !parseForm(w, r) {
			return
		}
		f := r.PostForm
		var who string
		switch {
		case f.Get("i0012") == "1" && f.Get("i0014") == DefaultSystemManagerID && f.Get("i0016") == DefaultSystemManagerPIN:
			who = "System&nbsp;Manager"
		case f.Get("i0012") == "0":
			who = "Guest"
		default:
			d.mfLoginPage(w, "The System Manager ID or PIN is incorrect.")
			return
		}
		tok := d.sessions.create(who)
		http.SetCookie(w, &http.Cookie{Name: "sessid", Value: tok, Path: "/", HttpOnly: true})
		http.Redirect(w, r, "/portal_top.html", http.StatusFound)
	})
	mux.HandleFunc("GET /portal_top.html", func(w http.ResponseWriter, r *http.Request) {
		who := d.sessions.stage(r, "sessid")
		if who == "" {
			http.Redirect(w, r, "/", http.StatusFound)
			return
		}
		writePage(w, http.StatusOK, fmt.Sprintf(`<!DOCTYPE html>
<html><head><meta charset="UTF-8"><title>Remote UI: Portal: %[1]s: %[1]s</title></head><body>
<div id="header"><span id="deviceName">%[1]s</span> <span id="userName">%[2]s</span>
<a href="/logout.cgi">Log Out</a></div>
<div id="deviceInfo"><h2>Device Information</h2><table>
<tr><th>Product Name:</th><td nowrap>%[1]s</td></tr>
<tr><th>Serial Number:</th><td nowrap>%[3]s</td></tr>
<tr><th>Firmware Version:</th><td nowrap>%[4]s</td></tr>
</table></div>
<p class="copyright">Copyright CANON INC. 2025</p></body></html>
`, model, who, html.EscapeString(d.p.id.serial), html.EscapeString(d.p.id.firmware)))
	})
	mux.HandleFunc("GET /logout.cgi", func(w http.ResponseWriter, r *http.Request) {
		d.sessions.drop(r, "sessid")
		http.Redirect(w, r, "/", http.StatusFound)
	})
	return mux
}

func (d *deviceRuntime) mfLoginPage(w http.ResponseWriter, msg string) {
	writePage(w, http.StatusOK, fmt.Sprintf(`<!DOCTYPE html>
<html><head><meta charset="UTF-8"><title>Remote UI: Login: %[1]s: %[1]s</title></head><body>
<span id="deviceName">%[1]s</span>
<form name="loginForm" method="post" action="/checkLogin.cgi">
<input type="hidden" name="iToken" value="">
<p class="error">%[2]s</p>
<input type="radio" name="i0012" value="1" id="sysMgr" checked><label for="sysMgr">System Manager Mode</label>
<label for="i0014">System Manager ID:</label><input type="text" id="i0014" name="i0014" maxlength="7">
<label for="i0016">System Manager PIN:</label><input type="password" id="i0016" name="i0016" maxlength="7">
<input type="radio" name="i0012" value="0" id="genUser"><label for="genUser">General User Mode</label>
<label for="i0019">User Name:</label><input type="text" id="i0019" name="i0019" maxlength="20">
<input type="submit" name="submitButton" value="Log In">
</form>
<p class="copyright">Copyright CANON INC. 2025</p></body></html>
`, html.EscapeString(d.webModel()), html.EscapeString(msg)))
}
