// Package attributes is the vocabulary of the attributes policylens
// predicts for clauses and of the mentions it finds in them, as plain data:
// every (category, attribute, value) of the OPP-115 annotation scheme that
// the attribute model can predict (the attribute "Other Type" and the
// values "Unspecified" and "Other" are left out, as the task defines), with
// URL-friendly slugs, and the mention kinds. Names are exactly as in the
// OPP-115 corpus. The store indexes by these slugs and the lookup API
// validates against them; neither links any analysis code for it.
package attributes

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"sync"
	"unicode"

	"github.com/policylens/policylens/shared/domain/labels"
	"github.com/policylens/policylens/shared/domain/policy"
)

// Value is one value of an attribute.
type Value struct {
	Name string `json:"name"`
	Slug string `json:"slug"`
}

// Attribute is one attribute of a category, with the values the model can
// predict for it.
type Attribute struct {
	// Category is the label name of the category ("Data Retention").
	Category     string  `json:"category"`
	CategorySlug string  `json:"categorySlug"`
	Name         string  `json:"name"`
	Slug         string  `json:"slug"`
	Values       []Value `json:"values"`
}

// vocabulary lists category, attribute and values in the order of the
// corpus README (values by frequency in the training split).
var vocabulary = []struct {
	category, attribute string
	values              []string
}{
	{"Data Retention", "Personal Information Type", []string{"Generic personal information", "Contact", "User online activities", "Financial", "Cookies and tracking elements", "IP address and device IDs", "Demographic", "Location", "User profile", "Computer information", "Health", "Personal identifier"}},
	{"Data Retention", "Retention Period", []string{"Limited", "Stated Period", "Indefinitely"}},
	{"Data Retention", "Retention Purpose", []string{"Perform service", "Legal requirement", "Service operation and security", "Analytics/Research", "Advertising", "Marketing"}},
	{"Data Security", "Security Measure", []string{"Generic", "Secure data transfer", "Data access limitation", "Secure data storage", "Secure user authentication", "Privacy/Security program", "Privacy review/audit", "Privacy training"}},
	{"Do Not Track", "Do Not Track policy", []string{"Not honored", "Mentioned, but unclear if honored", "Honored", "Not mentioned"}},
	{"First Party Collection/Use", "Action First-Party", []string{"Collect on website", "Receive from other service/third-party (unnamed)", "Collect in mobile app", "Receive from other service/third-party (named)", "Track user on other websites", "Collect from user on other websites", "Receive from other parts of company/affiliates", "Collect on mobile website"}},
	{"First Party Collection/Use", "Choice Scope", []string{"Collection", "Use", "Both"}},
	{"First Party Collection/Use", "Choice Type", []string{"Opt-in", "Browser/device privacy controls", "Dont use service/feature", "Opt-out link", "First-party privacy controls", "Opt-out via contacting company", "Third-party privacy controls"}},
	{"First Party Collection/Use", "Collection Mode", []string{"Explicit", "Implicit"}},
	{"First Party Collection/Use", "Does/Does Not", []string{"Does", "Does Not"}},
	{"First Party Collection/Use", "Identifiability", []string{"Identifiable", "Aggregated or anonymized"}},
	{"First Party Collection/Use", "Personal Information Type", []string{"Contact", "Cookies and tracking elements", "User online activities", "Generic personal information", "IP address and device IDs", "Computer information", "Location", "Demographic", "Financial", "User profile", "Social media data", "Personal identifier", "Health", "Survey data"}},
	{"First Party Collection/Use", "Purpose", []string{"Basic service/feature", "Analytics/Research", "Personalization/Customization", "Additional service/feature", "Advertising", "Marketing", "Service Operation and Security", "Legal requirement", "Merger/Acquisition"}},
	{"First Party Collection/Use", "User Type", []string{"User with account", "User without account"}},
	{"International and Specific Audiences", "Audience Type", []string{"Children", "Californians", "Citizens from other countries", "Europeans"}},
	{"Policy Change", "Change Type", []string{"Privacy relevant change", "Non-privacy relevant change", "In case of merger or acquisition"}},
	{"Policy Change", "Notification Type", []string{"General notice in privacy policy", "General notice on website", "Personal notice", "No notification"}},
	{"Policy Change", "User Choice", []string{"None", "Opt-in", "Opt-out", "User participation"}},
	{"Third Party Sharing/Collection", "Action Third Party", []string{"Receive/Shared with", "Track on first party website/app", "Collect on first party website/app", "See"}},
	{"Third Party Sharing/Collection", "Choice Scope", []string{"Collection", "Use", "Both"}},
	{"Third Party Sharing/Collection", "Choice Type", []string{"Opt-in", "Opt-out link", "Opt-out via contacting company", "Dont use service/feature", "Third-party privacy controls", "Browser/device privacy controls", "First-party privacy controls"}},
	{"Third Party Sharing/Collection", "Does/Does Not", []string{"Does", "Does Not"}},
	{"Third Party Sharing/Collection", "Identifiability", []string{"Identifiable", "Aggregated or anonymized"}},
	{"Third Party Sharing/Collection", "Personal Information Type", []string{"Generic personal information", "Cookies and tracking elements", "User online activities", "Contact", "Health", "IP address and device IDs", "Financial", "Computer information", "Location", "Demographic", "User Profile", "Personal identifier", "Survey data"}},
	{"Third Party Sharing/Collection", "Purpose", []string{"Advertising", "Legal requirement", "Service operation and security", "Basic service/feature", "Marketing", "Analytics/Research", "Additional service/feature", "Merger/Acquisition", "Personalization/Customization"}},
	{"Third Party Sharing/Collection", "Third Party Entity", []string{"Unnamed third party", "Named third party", "Other part of company/affiliate", "Public", "Other users"}},
	{"Third Party Sharing/Collection", "User Type", []string{"User with account", "User without account"}},
	{"User Access, Edit and Deletion", "Access Scope", []string{"User account data", "Profile data", "Transactional data", "Other data about user"}},
	{"User Access, Edit and Deletion", "Access Type", []string{"Edit information", "View", "Delete account (partial)", "Deactivate account", "Delete account (full)", "Export", "None"}},
	{"User Access, Edit and Deletion", "User Type", []string{"User with account", "User without account"}},
	{"User Choice/Control", "Choice Scope", []string{"First party use", "Third party sharing/collection", "First party collection", "Third party use"}},
	{"User Choice/Control", "Choice Type", []string{"Opt-out via contacting company", "Opt-out link", "Browser/device privacy controls", "First-party privacy controls", "Opt-in", "Dont use service/feature", "Third-party privacy controls"}},
	{"User Choice/Control", "Personal Information Type", []string{"Contact", "Cookies and tracking elements", "Generic personal information", "Location", "Health", "User online activities", "User profile", "Demographic", "Financial", "Computer information", "IP address and device IDs", "Personal identifier", "Social media data", "Survey data"}},
	{"User Choice/Control", "Purpose", []string{"Marketing", "Advertising", "Basic service/feature", "Additional service/feature", "Personalization/Customization", "Analytics/Research", "Legal requirement", "Merger/Acquisition", "Service Operation and Security"}},
	{"User Choice/Control", "User Type", []string{"User with account", "User without account"}},
}

// All returns the vocabulary, in a fixed order. It is built on first use
// (not at program start) and shared: do not modify it.
func All() []Attribute { return all() }

var all = sync.OnceValue(func() []Attribute {
	out := make([]Attribute, 0, len(vocabulary))
	for _, v := range vocabulary {
		i, ok := labels.Index(v.category)
		if !ok {
			panic("attributes: unknown category " + v.category)
		}
		a := Attribute{Category: labels.All[i].Name, CategorySlug: labels.All[i].Slug, Name: v.attribute, Slug: Slug(v.attribute)}
		for _, name := range v.values {
			a.Values = append(a.Values, Value{Name: name, Slug: Slug(name)})
		}
		out = append(out, a)
	}
	return out
})

// Slug returns the URL-friendly form of a name: lower case, every run of
// other characters than letters and digits one hyphen ("Does/Does Not" is
// "does-does-not").
func Slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		} else {
			dash = true
		}
	}
	return b.String()
}

// same reports whether s names n by its exact name, its slug, or either in
// any letter case.
func same(s, name, slug string) bool {
	return s == name || s == slug || strings.EqualFold(s, name) || strings.EqualFold(s, slug)
}

// Find returns the attribute named by category (a label name or slug) and
// attribute (a name or slug), in any letter case.
func Find(category, attribute string) (Attribute, bool) {
	i, ok := labels.Index(category)
	if !ok {
		return Attribute{}, false
	}
	attribute = strings.TrimSpace(attribute)
	for _, a := range all() {
		if a.Category == labels.All[i].Name && same(attribute, a.Name, a.Slug) {
			return a, true
		}
	}
	return Attribute{}, false
}

// Value returns the value of a named by s (its name or slug, in any letter
// case).
func (a Attribute) Value(s string) (Value, bool) {
	s = strings.TrimSpace(s)
	for _, v := range a.Values {
		if same(s, v.Name, v.Slug) {
			return v, true
		}
	}
	return Value{}, false
}

// Of returns the attributes of a category (a label name or slug); none for
// a category without attributes.
func Of(category string) []Attribute {
	i, ok := labels.Index(category)
	if !ok {
		return nil
	}
	var out []Attribute
	for _, a := range all() {
		if a.Category == labels.All[i].Name {
			out = append(out, a)
		}
	}
	return out
}

// Kind is a mention kind.
type Kind struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Kinds are the mention kinds, in the order of policy.MentionKinds.
var Kinds = []Kind{
	{policy.MentionRetention, "A stated retention period: \"30 days\", \"7 years\", \"as long as your account is active\"."},
	{policy.MentionThirdParty, "A named third party: \"Google Analytics\", \"Stripe\"."},
	{policy.MentionRecipient, "A category of recipients: \"advertising partners\", \"service providers\"."},
	{policy.MentionAge, "An age threshold for children or users: \"under 13\", \"under 16\"."},
	{policy.MentionOptOut, "An opt-out mechanism: a link, an e-mail address or a setting."},
	{policy.MentionRegion, "A region with rules of its own: \"EEA/UK\", \"California\", \"Brazil\", \"Canada\"."},
	{policy.MentionSignal, "Whether opt-out preference signals such as the Global Privacy Control are honored: \"GPC honored\", \"GPC honored where required by law\", \"GPC not honored\"."},
	{policy.MentionRegulation, "A law or framework the clause names, as the key facts' regulations name it: \"GDPR\", \"CCPA\", \"Quebec Law 25\"."},
	{policy.MentionSecurity, "A security measure or certification the clause names: \"encryption in transit\", \"encryption at rest\", \"multi-factor authentication\", \"access controls\", \"ISO 27001\", \"SOC 2\"."},
	{policy.MentionRight, "A right the clause says users have over their data: \"access\", \"correction\", \"deletion\", \"portability\", \"restriction of processing\", \"objection to processing\", \"withdrawal of consent\", \"opt out of sale or sharing\", \"complaint to an authority\", \"appeal\", \"non-discrimination\", \"automated decisions\"."},
	{policy.MentionDataType, "A kind of personal data the clause names that the OPP-115 values leave general: \"biometric data\", \"precise geolocation\", \"health data\", \"genetic data\", \"government identifiers\", \"payment card data\", \"date of birth\", \"racial or ethnic origin\", \"voice recordings\", \"contacts\"."},
	{policy.MentionChangeNotice, "How the clause says readers learn of changes to the policy, or how long before a change takes effect: \"personal notice\", \"general notice on website\", \"general notice in privacy policy\", \"check for changes\", \"consent sought for changes\", \"30 days' notice\"."},
	{policy.MentionSale, "What the clause says of selling personal information: \"not sold\" (\"we do not sell your personal information\"), \"minors' data not sold\", \"sold\" (\"we may sell your information to data brokers\")."},
}

// KindOf returns the mention kind named s, in any letter case.
func KindOf(s string) (Kind, bool) {
	s = strings.TrimSpace(s)
	for _, k := range Kinds {
		if strings.EqualFold(s, k.Name) {
			return k, true
		}
	}
	return Kind{}, false
}

// maxKeyBytes bounds a mention key; longer values are cut and end with a
// hash of the whole, so that two long values never share a key.
const maxKeyBytes = 200

// MentionKey is the form in which a mention value of kind (a
// policy.Mention* name) is indexed and looked up: lower case, white space
// collapsed to single spaces, trimmed. "Google  Analytics" and "google
// analytics" have the same key. An opt-out link's key is its address
// without the scheme, a leading "www." or a trailing slash, and an e-mail
// address's without "mailto:", so that "https://www.example.org/choices/"
// and "example.org/choices" are one value. It is "" for a value of white
// space only.
func MentionKey(kind, value string) string {
	k := strings.Join(strings.Fields(strings.ToLower(value)), " ")
	if kind == policy.MentionOptOut {
		k = linkKey(k)
	}
	if len(k) <= maxKeyBytes {
		return k
	}
	sum := sha256.Sum256([]byte(k))
	cut := maxKeyBytes - 17
	for cut > 0 && k[cut]&0xC0 == 0x80 {
		cut--
	}
	return k[:cut] + "~" + hex.EncodeToString(sum[:8])
}

// linkKey is the key of an opt-out value in lower case: an e-mail address
// without "mailto:"; a link without its scheme, "www." and trailing
// slashes; a setting (words) as it is.
func linkKey(v string) string {
	if rest, ok := strings.CutPrefix(v, "mailto:"); ok {
		return rest
	}
	if strings.ContainsRune(v, ' ') {
		return v // a setting: "privacy settings"
	}
	for _, scheme := range []string{"https://", "http://"} {
		if rest, ok := strings.CutPrefix(v, scheme); ok {
			v = rest
			break
		}
	}
	return strings.TrimRight(strings.TrimPrefix(v, "www."), "/")
}
