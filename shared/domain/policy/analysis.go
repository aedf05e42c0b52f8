package policy

// Clause is one paragraph-level unit of a policy: what the segmenter cuts
// from a document, and, once classified, its labels and scores.
type Clause struct {
	// Ordinal numbers the clauses of a document from 1 in reading order.
	Ordinal int `json:"ordinal"`
	// Heading is the path of section headings the clause sits under,
	// outermost first, e.g. ["4. Sharing", "Service providers"]; empty
	// before the first heading.
	Heading []string `json:"heading"`
	// Text is the clause's text with runs of white space collapsed to one
	// space.
	Text string `json:"text"`
	// Start and End are the clause's offsets in Document.Text(), counted in
	// Unicode code points, End exclusive.
	Start int `json:"start"`
	End   int `json:"end"`
	// Page is the PDF page the clause starts on, 0 for formats without pages.
	Page int `json:"page"`
	// Labels are the labels the clause carries, highest score first.
	Labels []LabelScore `json:"labels"`
	// Scores holds the score of every label, keyed by label name.
	Scores map[string]float64 `json:"scores"`
	// Attributes are the OPP-115 attribute values the clause states, highest
	// score first; empty when the clause is not labelled.
	Attributes []Attribute `json:"attributes"`
	// Mentions are the values beyond the OPP-115 vocabulary found in the
	// clause (retention periods, named third parties, ...), in text order.
	Mentions []Mention `json:"mentions"`
}

// LabelScore is one label a clause carries, with its score in [0,1].
type LabelScore struct {
	Label string  `json:"label"`
	Score float64 `json:"score"`
}

// Date is a date as the policy writes it and, where it parses, as an ISO
// 8601 calendar date (YYYY-MM-DD).
type Date struct {
	AsWritten string `json:"asWritten"`
	ISO       string `json:"iso,omitempty"`
}

// Facts are the key facts of one policy.
type Facts struct {
	Title string `json:"title,omitempty"`
	// Company is the name the policy's own company goes by ("Acme" of
	// (“Acme”, “we”, “us”), or of a title "Acme Privacy Policy"), "" when
	// the policy does not say.
	Company string `json:"company,omitempty"`
	// Updated is the last-updated or effective date, nil when none is found.
	Updated     *Date    `json:"updated,omitempty"`
	Emails      []string `json:"emails"`
	URLs        []string `json:"urls"`
	Regulations []string `json:"regulations"`
}

// Summary describes one analysed policy file.
type Summary struct {
	// Source is the file name the policy was read from.
	Source   string `json:"source"`
	Format   string `json:"format"`
	Encoding string `json:"encoding,omitempty"`
	Pages    int    `json:"pages,omitempty"`
	Bytes    int    `json:"bytes"`
	SHA256   string `json:"sha256"`
	// Language is the ISO 639-1 code of the language the policy is written
	// in ("en", "fr", ...), "" when its text is too short to tell.
	Language string `json:"language"`
	Facts
	Clauses int `json:"clauses"`
	// LabelCounts counts the clauses carrying each label, for all 12 labels.
	LabelCounts map[string]int `json:"labelCounts"`
	// Versions name the models and rules that analysed it.
	Versions
	// Notes say what a reader of the labels should know: that the policy
	// is not in a language the classifier reads, or that some of its
	// clauses are not, and were left unlabelled.
	Notes []string `json:"notes,omitempty"`
}

// Versions name what analysed a policy: the label model, the attribute
// model and the rules that read the document. The analyses, the store,
// the API and `policylens version` give them under these names.
type Versions struct {
	// ModelVersion is the label model's version.
	ModelVersion string `json:"modelVersion,omitempty"`
	// AttributeModelVersion is the version of the attribute model that
	// gave the clauses their attributes; empty when none did (a policy
	// not in English).
	AttributeModelVersion string `json:"attributeModelVersion,omitempty"`
	// AnalysisVersion is the version of the rules that read the document
	// (extraction, clauses, key facts, mentions, the rules around the
	// models): analyze.RulesVersion when it was analysed.
	AnalysisVersion string `json:"analysisVersion,omitempty"`
}

// Analysis is the analysis of one policy file.
type Analysis struct {
	Policy Summary `json:"policy"`
	// Privacy is the privacy summary built from the clauses' attributes
	// and mentions.
	Privacy PrivacySummary `json:"privacy"`
	Clauses []Clause       `json:"clauses"`
}
