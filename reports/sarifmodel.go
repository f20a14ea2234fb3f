package reports

import "time"

// The SARIF 2.1.0 object model as mfpscan emits it. go-sarif v2.3.3 (used to
// read foreign logs in ApplyBaseline) lacks reportingDescriptor.relationships
// and serialises unset suppression and toolComponentReference fields as
// null, which the SARIF schema rejects; these types carry exactly the fields
// we write, each omitted when empty.

type sarifLog struct {
	Schema  string      `json:"$schema"`
	Version string      `json:"version"`
	Runs    []*sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool              sarifTool               `json:"tool"`
	Invocations       []*sarifInvocation      `json:"invocations,omitempty"`
	AutomationDetails *sarifAutomationDetails `json:"automationDetails,omitempty"`
	Taxonomies        []*sarifToolComponent   `json:"taxonomies,omitempty"`
	Artifacts         []*sarifArtifact        `json:"artifacts,omitempty"`
	Results           []*sarifResult          `json:"results"`
	Properties        map[string]any          `json:"properties,omitempty"`
}

type sarifTool struct {
	Driver sarifToolComponent `json:"driver"`
}

type sarifToolComponent struct {
	Name                string               `json:"name"`
	GUID                string               `json:"guid,omitempty"`
	Organization        string               `json:"organization,omitempty"`
	Version             string               `json:"version,omitempty"`
	SemanticVersion     string               `json:"semanticVersion,omitempty"`
	InformationURI      string               `json:"informationUri,omitempty"`
	ShortDescription    *sarifMessage        `json:"shortDescription,omitempty"`
	Rules               []*sarifDescriptor   `json:"rules,omitempty"`
	Taxa                []*sarifDescriptor   `json:"taxa,omitempty"`
	SupportedTaxonomies []*sarifComponentRef `json:"supportedTaxonomies,omitempty"`
	IsComprehensive     *bool                `json:"isComprehensive,omitempty"`
	Properties          map[string]any       `json:"properties,omitempty"`
}

type sarifComponentRef struct {
	Name  string `json:"name,omitempty"`
	Index *int   `json:"index,omitempty"`
}

type sarifDescriptor struct {
	ID                   string               `json:"id"`
	Name                 string               `json:"name,omitempty"`
	ShortDescription     *sarifMessage        `json:"shortDescription,omitempty"`
	FullDescription      *sarifMessage        `json:"fullDescription,omitempty"`
	Help                 *sarifMessage        `json:"help,omitempty"`
	HelpURI              string               `json:"helpUri,omitempty"`
	DefaultConfiguration *sarifConfiguration  `json:"defaultConfiguration,omitempty"`
	Relationships        []*sarifRelationship `json:"relationships,omitempty"`
	Properties           map[string]any       `json:"properties,omitempty"`
}

type sarifConfiguration struct {
	Level string `json:"level,omitempty"`
}

type sarifRelationship struct {
	Target sarifDescriptorRef `json:"target"`
	Kinds  []string           `json:"kinds,omitempty"`
}

type sarifDescriptorRef struct {
	ID            string             `json:"id,omitempty"`
	Index         *int               `json:"index,omitempty"`
	ToolComponent *sarifComponentRef `json:"toolComponent,omitempty"`
}

// sarifMessage serves both message and multiformatMessageString.
type sarifMessage struct {
	Text     string `json:"text,omitempty"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool                 `json:"executionSuccessful"`
	StartTimeUTC        *time.Time           `json:"startTimeUtc,omitempty"`
	EndTimeUTC          *time.Time           `json:"endTimeUtc,omitempty"`
	ExitCode            *int                 `json:"exitCode,omitempty"`
	Notifications       []*sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level   string       `json:"level,omitempty"`
	Message sarifMessage `json:"message"`
}

type sarifAutomationDetails struct {
	ID string `json:"id,omitempty"`
}

type sarifArtifact struct {
	Location *sarifArtifactLocation `json:"location,omitempty"`
	Length   int                    `json:"length"`
	MimeType string                 `json:"mimeType,omitempty"`
	Hashes   map[string]string      `json:"hashes,omitempty"`
}

type sarifArtifactLocation struct {
	URI   string `json:"uri,omitempty"`
	Index *int   `json:"index,omitempty"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId,omitempty"`
	RuleIndex           *int               `json:"ruleIndex,omitempty"`
	Kind                string             `json:"kind,omitempty"`
	Level               string             `json:"level,omitempty"`
	Message             sarifMessage       `json:"message"`
	Locations           []*sarifLocation   `json:"locations,omitempty"`
	RelatedLocations    []*sarifLocation   `json:"relatedLocations,omitempty"`
	PartialFingerprints map[string]string  `json:"partialFingerprints,omitempty"`
	Fingerprints        map[string]string  `json:"fingerprints,omitempty"`
	Suppressions        []*sarifSuppressed `json:"suppressions,omitempty"`
	BaselineState       string             `json:"baselineState,omitempty"`
	Properties          map[string]any     `json:"properties,omitempty"`
}

type sarifLocation struct {
	ID               *int                   `json:"id,omitempty"`
	PhysicalLocation *sarifPhysicalLocation `json:"physicalLocation,omitempty"`
	Message          *sarifMessage          `json:"message,omitempty"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation *sarifArtifactLocation `json:"artifactLocation,omitempty"`
	Region           *sarifRegion           `json:"region,omitempty"`
}

type sarifRegion struct {
	StartLine int `json:"startLine,omitempty"`
}

type sarifSuppressed struct {
	Kind          string `json:"kind"`
	Status        string `json:"status,omitempty"`
	Justification string `json:"justification,omitempty"`
}
