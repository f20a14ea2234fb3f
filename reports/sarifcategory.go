package reports

// SARIFCategory is the automationDetails.id a run of site gets, which GitHub
// code scanning uses as the analysis category. Distinct sites can share one
// (siteName folds characters), which a merge of several sites must refuse.
func SARIFCategory(site string) string { return "mfpscan/" + siteName(site) + "/" }
