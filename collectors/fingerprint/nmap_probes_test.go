package fingerprint

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"testing"
	"unicode"

	"gopkg.in/yaml.v3"

	"github.com/mfpscan/mfpscan/collectors/httpui"
	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/testfile"
)

// nmapFile is testdata/fingerprints/nmap/service_probes.yaml, written by
// scripts/nmap-printer-extract.py.
type nmapFile struct {
	Origin   map[string]string `yaml:"origin"`
	Examples []struct {
		Line    int    `yaml:"line"`
		Service string `yaml:"service"`
		Flags   string `yaml:"flags"`
		Pattern string `yaml:"pattern"`
		Product string `yaml:"product"`
		Info    string `yaml:"info"`
		Device  string `yaml:"device"`
	} `yaml:"examples"`
}

// nmapVendors maps words of nmap's p/ and i/ fields to the vendor mfpscan
// reports, first hit wins (longer names before the brands inside them).
var nmapVendors = []struct{ word, vendor string }{
	{"fuji xerox", "Fuji Xerox"}, {"fujifilm", "Fuji Xerox"}, {"xerox", "Xerox"},
	{"konica", "Konica Minolta"}, {"minolta", "Konica Minolta"}, {"canon", "Canon"},
	{"hewlett", "HP"}, {"jetdirect", "HP"}, {"laserjet", "HP"}, {"hp ", "HP"}, {"hp-", "HP"},
	{"ricoh", "Ricoh"}, {"savin", "Ricoh"}, {"lanier", "Ricoh"}, {"gestetner", "Ricoh"},
	{"kyocera", "Kyocera"}, {"sharp", "Sharp"}, {"brother", "Brother"}, {"lexmark", "Lexmark"},
	{"epson", "Epson"}, {"oki", "OKI"}, {"toshiba", "Toshiba"}, {"samsung", "Samsung"}, {"dell", "Dell"},
}

func nmapVendor(product, info string) string {
	s := " " + strings.ToLower(product+" "+info) + " "
	for _, v := range nmapVendors {
		if strings.Contains(s, " "+v.word) {
			return v.vendor
		}
	}
	return ""
}

// exampleFor builds the shortest response a pattern matches: literals as
// written, the first printable member of a class, each repeat its minimum
// (one for "+"), the first branch of an alternation. nil when Go's regexp
// cannot parse nmap's PCRE pattern or the result does not match.
func exampleFor(pattern, flags string) []byte {
	prefix := ""
	if strings.Contains(flags, "i") {
		prefix += "(?i)"
	}
	if strings.Contains(flags, "s") {
		prefix += "(?s)"
	}
	re, err := syntax.Parse(prefix+pattern, syntax.Perl)
	if err != nil {
		return nil
	}
	var b strings.Builder
	writeExample(&b, re)
	compiled, err := regexp.Compile(prefix + pattern)
	if err != nil || !compiled.MatchString(b.String()) {
		return nil
	}
	return []byte(b.String())
}

func writeExample(b *strings.Builder, re *syntax.Regexp) {
	switch re.Op {
	case syntax.OpLiteral:
		b.WriteString(string(re.Rune))
	case syntax.OpCharClass:
		b.WriteRune(classRune(re.Rune))
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b.WriteByte('x')
	case syntax.OpCapture:
		writeExample(b, re.Sub[0])
	case syntax.OpPlus:
		writeExample(b, re.Sub[0])
	case syntax.OpRepeat:
		for i := 0; i < re.Min; i++ {
			writeExample(b, re.Sub[0])
		}
	case syntax.OpConcat:
		for _, s := range re.Sub {
			writeExample(b, s)
		}
	case syntax.OpAlternate:
		writeExample(b, re.Sub[0])
	}
}

// classRune picks a letter or digit of a class when it has one, so a
// captured version or model reads like one.
func classRune(ranges []rune) rune {
	for i := 0; i+1 < len(ranges); i += 2 {
		for r := ranges[i]; r <= ranges[i+1] && r < 128; r++ {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				return r
			}
		}
	}
	if len(ranges) == 0 {
		return 'x'
	}
	return ranges[0]
}

var (
	reNmapServer = regexp.MustCompile(`(?i)\r?\nServer: ?([^\r\n]*)`)
	// A product "printer ftpd" or "print server telnetd" names a printer
	// even where nmap gives no d/.
	reNmapPrinterWord = regexp.MustCompile(`(?i)\bprint(er|ers| server)\b|\bMFP\b`)
)

// nmapDoc puts a built response where the collector for its service would
// leave it; false for services no collector reads as identity evidence.
func nmapDoc(service string, resp []byte) (*facts.Device, bool) {
	s := string(resp)
	first, _, _ := strings.Cut(s, "\n")
	first = strings.TrimRight(first, "\r")
	d := &facts.Device{Collectors: map[string]facts.CollectorStatus{}}
	switch service {
	case "http", "http-proxy", "https":
		h := facts.HTTPService{Port: 80}
		if m := reNmapServer.FindStringSubmatch(s); m != nil {
			h.Server = strings.TrimSpace(m[1])
		}
		h.Title = httpui.ParseTitle(resp)
		d.HTTP = []facts.HTTPService{h}
	case "ftp":
		d.Banners = []facts.Banner{{Port: 21, Service: "ftp", Text: first}}
	case "smtp":
		d.Banners = []facts.Banner{{Port: 25, Service: "smtp", Text: first}}
	case "telnet":
		d.Banners = []facts.Banner{{Port: 23, Service: "telnet", Text: s}}
	default:
		return nil, false
	}
	return d, true
}

// nmapFloors hold the figures recorded in docs/BENCHMARKS.md ("Identity on
// nmap service probes"): vendor right, model right (nmap labels name no
// model, so 0), printer flag right.
var nmapFloors = map[string][3]int{
	"Brother": {1, 0, 1}, "Canon": {16, 0, 16}, "Dell": {8, 0, 9}, "Epson": {5, 0, 5}, "Fuji Xerox": {2, 0, 2},
	"HP": {25, 0, 25}, "Konica Minolta": {9, 0, 11}, "Kyocera": {8, 0, 8}, "Lexmark": {5, 0, 5}, "OKI": {7, 0, 7},
	"Ricoh": {8, 0, 8}, "Samsung": {3, 0, 3}, "Sharp": {8, 0, 8}, "Toshiba": {2, 0, 2}, "Xerox": {10, 0, 10},
}

// TestNmapServiceProbePrinters runs every printer match line of nmap's
// nmap-service-probes through fusion: a response built from the pattern is
// put where the banner or HTTP collector would leave it, and the fused
// vendor and printer flag are compared with nmap's p/ i/ d/ labels.
func TestNmapServiceProbePrinters(t *testing.T) {
	db, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	b := testfile.Testdata(t, "fingerprints", "nmap", "service_probes.yaml")
	var nf nmapFile
	if err := yaml.Unmarshal(b, &nf); err != nil {
		t.Fatal(err)
	}
	if nf.Origin["commit"] == "" || len(nf.Examples) == 0 {
		t.Fatal("no origin commit or no examples")
	}
	sc := newScorer()
	var unbuilt, unrouted int
	for _, ex := range nf.Examples {
		vendor := nmapVendor(ex.Product, ex.Info)
		resp := exampleFor(ex.Pattern, ex.Flags)
		if resp == nil {
			unbuilt++
			continue
		}
		doc, ok := nmapDoc(ex.Service, resp)
		if !ok {
			unrouted++
			continue
		}
		printer := ex.Device == "printer" || ex.Device == "print server" || reNmapPrinterWord.MatchString(ex.Product+" "+ex.Info)
		if !printer && ex.Device == "" {
			continue // nmap says neither printer nor anything else
		}
		Fuse(db, doc)
		where := fmt.Sprintf("nmap-service-probes:%d %s %q", ex.Line, ex.Service, ex.Product)
		sc.add(where, vendor, "", ex.Device, printer, doc.Identity)
	}
	t.Logf("%d lines: %d with no response Go's regexp can build, %d for services no collector reads as identity", len(nf.Examples), unbuilt, unrouted)
	sc.finish(t, nmapFloors)
}
