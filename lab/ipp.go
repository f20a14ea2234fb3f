package lab

import (
	"bytes"
	"io"
	"net/http"
	"strconv"

	"github.com/OpenPrinting/goipp"
)

// maxIPPRequest caps what the lab reads of an IPP request; document data is
// never wanted, so a small cap also keeps print jobs out.
const maxIPPRequest = 64 << 10

// serveIPP answers Get-Printer-Attributes and refuses everything else,
// Print-Job in particular: the lab never accepts job data.
func (d *deviceRuntime) serveIPP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, "<html><head><title>IPP</title></head><body>IPP printer</body></html>")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxIPPRequest))
	if err != nil {
		http.Error(w, "Bad Request", http.StatusBadRequest)
		return
	}
	resp := d.ippResponse(body, r.TLS != nil)
	out, err := resp.EncodeBytes()
	if err != nil {
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", goipp.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	_, _ = w.Write(out)
}

// ippResponse is the pure part of serveIPP: request bytes in, response out.
func (d *deviceRuntime) ippResponse(body []byte, overTLS bool) *goipp.Message {
	var req goipp.Message
	// Decode only the header and attributes; whatever follows is document
	// data, which is ignored.
	if err := req.Decode(bytes.NewReader(body)); err != nil {
		return d.ippStatus(goipp.StatusErrorBadRequest, 0)
	}
	if goipp.Op(req.Code) != goipp.OpGetPrinterAttributes {
		return d.ippStatus(goipp.StatusErrorOperationNotSupported, req.RequestID)
	}
	resp := d.ippStatus(goipp.StatusOk, req.RequestID)
	id := d.p.id
	security := "none"
	scheme := "ipp"
	if overTLS {
		security, scheme = "tls", "ipps"
	}
	auth := "none"
	if d.p.web == webHardened {
		auth = "requesting-user-name"
	}
	uri := scheme + "://" + d.p.addr.String() + "/ipp/print"
	add := func(name string, tag goipp.Tag, v goipp.Value) {
		resp.Printer.Add(goipp.MakeAttribute(name, tag, v))
	}
	add("printer-uri-supported", goipp.TagURI, goipp.String(uri))
	add("uri-security-supported", goipp.TagKeyword, goipp.String(security))
	add("uri-authentication-supported", goipp.TagKeyword, goipp.String(auth))
	add("printer-name", goipp.TagName, goipp.String(id.hostname))
	add("printer-make-and-model", goipp.TagText, goipp.String(id.makeAndModel))
	add("printer-info", goipp.TagText, goipp.String(id.makeAndModel))
	add("printer-state", goipp.TagEnum, goipp.Integer(3)) // idle
	add("printer-is-accepting-jobs", goipp.TagBoolean, goipp.Boolean(true))
	add("printer-firmware-name", goipp.TagName, goipp.String("Controller"))
	add("printer-firmware-string-version", goipp.TagText, goipp.String(id.firmware))
	add("printer-device-id", goipp.TagText, goipp.String("MFG:"+id.vendor+";MDL:"+id.model+";CMD:PCL,PDF;"))
	add("ipp-versions-supported", goipp.TagKeyword, goipp.String("2.0"))
	add("operations-supported", goipp.TagEnum, goipp.Integer(goipp.OpGetPrinterAttributes))
	return resp
}

func (d *deviceRuntime) ippStatus(status goipp.Status, reqID uint32) *goipp.Message {
	m := goipp.NewResponse(goipp.DefaultVersion, status, reqID)
	m.Operation.Add(goipp.MakeAttribute("attributes-charset", goipp.TagCharset, goipp.String("utf-8")))
	m.Operation.Add(goipp.MakeAttribute("attributes-natural-language", goipp.TagLanguage, goipp.String("en-us")))
	return m
}
