package fingerprint

import (
	"strings"

	"github.com/mfpscan/mfpscan/collectors/ipp"
	"github.com/mfpscan/mfpscan/facts"
)

var rank = map[facts.Confidence]int{facts.ConfidenceHigh: 3, facts.ConfidenceMedium: 2, facts.ConfidenceLow: 1}

// Fuse matches the document's evidence against db, appends the derived
// hints to doc.Identity.Sources and fills the identity from all hints: per
// field the most confident hint wins, the first one on a tie. The device ID
// becomes serial > MAC > address, and the firmware version is copied to
// doc.Firmware.
func Fuse(db *DB, doc *facts.Device) {
	id := &doc.Identity
	for _, ev := range gather(doc) {
		id.Sources = appendNew(id.Sources, hintsFrom(db.Match(ev.source, ev.value), ev.where)...)
	}
	for _, h := range doc.IPP {
		// The entry is chosen by its label (ipp.FirmwareEntry): the "IPP"
		// version a printer lists is not its firmware.
		if v, _, ok := ipp.FirmwareEntry(h.FirmwareName, h.FirmwareVersion); ok {
			id.Sources = appendNew(id.Sources, facts.IdentityHint{Field: "firmware", Value: v, Source: "ipp:printer-firmware-string-version", Confidence: facts.ConfidenceMedium})
		}
	}
	id.Vendor = best(id.Sources, "vendor")
	// A model name tells the family (and for Canon's own lines, the vendor);
	// only trust that when the vendor is Canon or unknown.
	if id.Vendor == nil || id.Vendor.Value == "Canon" {
		for _, h := range id.Sources {
			if h.Field == "model" {
				derived := hintsFrom(db.Match(SourceModel, h.Value), h.Source)
				id.Sources = appendNew(id.Sources, capConfidence(derived, h.Confidence)...)
			}
		}
		id.Vendor = best(id.Sources, "vendor")
	}
	id.Family = best(id.Sources, "product_family")
	id.Model = best(id.Sources, "model")
	if id.Model != nil {
		id.Model.Value = NormaliseModel(id.Model.Value)
	}
	id.Serial = best(id.Sources, "serial")
	id.Firmware = best(id.Sources, "firmware")
	id.MAC = best(id.Sources, "mac")
	if id.MAC != nil {
		id.MAC.Value = strings.ToLower(id.MAC.Value)
	}
	id.IsPrinter, id.IsMFP = printerFlags(id.Sources)

	switch {
	case id.Serial != nil:
		id.DeviceID = "serial:" + id.Serial.Value
	case id.MAC != nil:
		id.DeviceID = "mac:" + id.MAC.Value
	default:
		id.DeviceID = "address:" + doc.Address
	}
	if id.Firmware != nil {
		if doc.Firmware == nil {
			doc.Firmware = &facts.Firmware{AdvisoryStatus: "unknown"}
		}
		doc.Firmware.Version = id.Firmware.Value
		doc.Firmware.Source = id.Firmware.Source
	}
}

// printerFlags: printer evidence makes a printer unless stronger evidence
// says it is not one (a projector's sysDescr beats its maker's enterprise
// number); a tie goes to the printer. MFP is true on any MFP evidence, false
// only on explicit printer-only evidence or a non-printer.
func printerFlags(hints []facts.IdentityHint) (printer, mfp *bool) {
	var yes, no, isMFP, notMFP int
	for _, h := range hints {
		r := rank[h.Confidence]
		switch {
		case h.Field == "printer" && h.Value == "true", h.Field == "mfp" && h.Value == "true":
			yes = max(yes, r)
			if h.Field == "mfp" {
				isMFP = max(isMFP, r)
			}
		case h.Field == "not_printer" && h.Value == "true":
			no = max(no, r)
		case h.Field == "mfp" && h.Value == "false":
			notMFP = max(notMFP, r)
		}
	}
	switch {
	case yes > 0 && yes >= no:
		printer = facts.Bool(true)
	case no > 0:
		printer = facts.Bool(false)
	}
	switch {
	case printer != nil && !*printer:
		mfp = facts.Bool(false)
	case isMFP > 0:
		mfp = facts.Bool(true)
	case notMFP > 0:
		mfp = facts.Bool(false)
	}
	return printer, mfp
}

func best(hints []facts.IdentityHint, field string) *facts.Attribute {
	var out *facts.Attribute
	for _, h := range hints {
		if h.Field != field || strings.TrimSpace(h.Value) == "" {
			continue
		}
		if out == nil || rank[h.Confidence] > rank[out.Confidence] {
			out = &facts.Attribute{Value: strings.TrimSpace(h.Value), Source: h.Source, Confidence: h.Confidence}
		}
	}
	return out
}

// capConfidence: a family derived from a model is no surer than the model.
func capConfidence(hints []facts.IdentityHint, c facts.Confidence) []facts.IdentityHint {
	for i := range hints {
		if rank[hints[i].Confidence] > rank[c] {
			hints[i].Confidence = c
		}
	}
	return hints
}

func appendNew(dst []facts.IdentityHint, hints ...facts.IdentityHint) []facts.IdentityHint {
	for _, h := range hints {
		dup := false
		for _, d := range dst {
			if d == h {
				dup = true
				break
			}
		}
		if !dup {
			dst = append(dst, h)
		}
	}
	return dst
}
