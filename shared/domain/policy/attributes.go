package policy

// Span is a stretch of a clause's text an analyst can highlight: offsets in
// Clause.Text counted in Unicode code points (as Clause.Start and End are in
// the document), End exclusive.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Attribute is one OPP-115 attribute value a clause states: the category it
// belongs to (one of the 12 labels), the attribute ("Personal Information
// Type", "Retention Period", ...) and its value ("Location", "Stated
// Period", ...), named exactly as in the OPP-115 corpus, with a score in
// [0,1] and at least one span of evidence.
type Attribute struct {
	Category  string  `json:"category"`
	Attribute string  `json:"attribute"`
	Value     string  `json:"value"`
	Score     float64 `json:"score"`
	Spans     []Span  `json:"spans"`
	// Denied is set when the evidence says the service does not do what
	// the value names, with no exception ("We do not share your location
	// with advertisers"): the clause is about the value, but states that it
	// does not happen. The summary and the cross-policy index leave such a
	// value out.
	Denied bool `json:"denied,omitempty"`
}

// Mention kinds: values users ask for that the OPP-115 vocabulary has no
// value for, found in a clause's words.
const (
	// MentionRetention is a stated retention period: "30 days", "7 years",
	// "as long as your account is active", "indefinitely".
	MentionRetention = "retention-period"
	// MentionThirdParty is a named third party: "Google Analytics", "Stripe".
	MentionThirdParty = "named-third-party"
	// MentionRecipient is a category of recipients: "advertising partners".
	MentionRecipient = "recipient-category"
	// MentionAge is an age threshold for children or users: "under 13".
	MentionAge = "age-threshold"
	// MentionOptOut is an opt-out mechanism: a link, an e-mail address or a
	// setting.
	MentionOptOut = "opt-out"
	// MentionRegion is a region with rules of its own: "EEA/UK",
	// "California", another US state, "Brazil", "Canada".
	MentionRegion = "region"
	// MentionSignal is what a clause says of opt-out preference signals
	// such as the Global Privacy Control: "GPC honored", "GPC honored
	// where required by law", "GPC not honored".
	MentionSignal = "preference-signal"
	// MentionRegulation is a law or framework the clause names, as the
	// key facts name it: "GDPR", "CCPA", "Quebec Law 25".
	MentionRegulation = "regulation"
	// MentionSecurity is a security measure or certification the clause
	// names: "encryption in transit", "multi-factor authentication",
	// "ISO 27001", "SOC 2".
	MentionSecurity = "security-measure"
	// MentionRight is a right the clause says users have over their data:
	// "access", "deletion", "portability", "objection to processing",
	// "opt out of sale or sharing".
	MentionRight = "user-right"
	// MentionDataType is a kind of personal data the clause names that
	// the OPP-115 values leave general: "biometric data", "precise
	// geolocation", "government identifiers", "racial or ethnic origin".
	MentionDataType = "data-type"
	// MentionChangeNotice is how the clause says readers learn of changes
	// to the policy, or how far ahead: "personal notice", "general notice
	// on website", "general notice in privacy policy", "check for
	// changes", "consent sought for changes", "30 days' notice".
	MentionChangeNotice = "change-notice"
	// MentionSale is what the clause says of selling personal information:
	// "not sold", "minors' data not sold", "sold".
	MentionSale = "sale"
)

// MentionKinds lists the mention kinds in the order summaries show them.
var MentionKinds = []string{MentionRetention, MentionThirdParty, MentionRecipient, MentionAge, MentionOptOut, MentionRegion, MentionSignal, MentionRegulation, MentionSecurity, MentionRight, MentionDataType, MentionChangeNotice, MentionSale}

// Mention is one value of a mention kind found in a clause, normalised
// (numbers as digits, "7 years"; regions and recipient categories in one
// spelling; links and e-mail addresses as written), with its evidence.
type Mention struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
	Span  Span   `json:"span"`
	// Denied is set for a named third party or recipient category whose
	// sentence says the service does not share with it, as for Attribute.
	Denied bool `json:"denied,omitempty"`
}

// PrivacySummary answers, for one policy, the questions readers ask first.
// Every item names the clauses (by ordinal) that state it, so that a reader
// can check it. A section with nothing found is empty, not absent.
type PrivacySummary struct {
	// DataCollected: the types of personal information the first party
	// collects or uses.
	DataCollected []SummaryItem `json:"dataCollected"`
	// Purposes for which information is collected, used or shared.
	Purposes []SummaryItem `json:"purposes"`
	// ThirdParties: who information goes to (OPP-115 third-party entities,
	// named third parties, recipient categories); Details lists the types of
	// information the same clauses say go to them.
	ThirdParties []SummaryItem `json:"thirdParties"`
	// Sale: what the policy says of selling personal information ("not
	// sold", "minors' data not sold", "sold"; MentionSale).
	Sale []SummaryItem `json:"sale"`
	// Retention: how long information is kept (OPP-115 retention periods and
	// the periods stated).
	Retention []SummaryItem `json:"retention"`
	// Choices: what users can choose and how (choice types, opt-out
	// mechanisms).
	Choices []SummaryItem `json:"choices"`
	// Access: access, edit, export and deletion rights.
	Access []SummaryItem `json:"access"`
	// Audiences: specific audiences (children, Europeans, Californians, ...)
	// with the age thresholds and regions stated.
	Audiences []SummaryItem `json:"audiences"`
	// Security measures stated.
	Security []SummaryItem `json:"security"`
	// DoNotTrack: what the policy says about Do Not Track signals and
	// opt-out preference signals (the Global Privacy Control).
	DoNotTrack []SummaryItem `json:"doNotTrack"`
	// Changes: how changes to the policy are announced.
	Changes []SummaryItem `json:"changes"`
	// Denials: what the policy says the service does not do, with no
	// exception: data it does not collect, purposes it does not pursue,
	// parties it does not share with ("We do not sell your personal
	// information", "we do not share it with data brokers"). Each item is
	// Denied, and names its category in Details.
	Denials []SummaryItem `json:"denials"`
}

// SummaryItem is one answer of a privacy summary.
type SummaryItem struct {
	// Value is what is stated: an attribute value ("Location"), a mention
	// ("30 days", "Google Analytics").
	Value string `json:"value"`
	// Source says where the value comes from: "attribute" (an OPP-115
	// attribute predicted by the model, with its Attribute name) or
	// "mention" (a value found in the clause's words, with its Kind).
	Source    string `json:"source"`
	Attribute string `json:"attribute,omitempty"`
	Kind      string `json:"kind,omitempty"`
	// Score is the highest score of the value among its clauses (1 for
	// mentions).
	Score float64 `json:"score"`
	// Clauses are the ordinals of the clauses that state it, in reading
	// order.
	Clauses []int `json:"clauses"`
	// Details qualify the value where the summary knows more: for a third
	// party, the types of information the same clauses share with it; for
	// a denial of an attribute value, its category.
	Details []string `json:"details,omitempty"`
	// Denied is set on the items of Denials: the clauses say the service
	// does not do it.
	Denied bool `json:"denied,omitempty"`
}
