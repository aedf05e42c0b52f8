package mentions

// owners are the companies behind services of namedThirdParties that carry
// another name: in Google's own policy, Google Analytics and YouTube are
// no third parties, nor AWS in Amazon's.
var owners = map[string][]string{
	"Google Analytics": {"Google"}, "Google Ads": {"Google"}, "Google AdSense": {"Google"}, "AdSense": {"Google"},
	"Google Tag Manager": {"Google"}, "Google Maps": {"Google"}, "Google Cloud": {"Google"}, "Google Pay": {"Google"},
	"Firebase": {"Google"}, "DoubleClick": {"Google"}, "YouTube": {"Google"}, "reCAPTCHA": {"Google"}, "Crashlytics": {"Google"},
	"Facebook": {"Meta Platforms"}, "Facebook Pixel": {"Facebook", "Meta Platforms"}, "Meta Pixel": {"Facebook", "Meta Platforms"},
	"Meta Platforms": {"Facebook"}, "Instagram": {"Facebook", "Meta Platforms"}, "WhatsApp": {"Facebook", "Meta Platforms"},
	"Amazon Web Services": {"Amazon"}, "AWS": {"Amazon", "Amazon Web Services"},
	"Microsoft Azure": {"Microsoft"}, "Microsoft Clarity": {"Microsoft"}, "Bing": {"Microsoft"}, "LinkedIn": {"Microsoft"},
	"Braintree": {"PayPal"}, "Apple Pay": {"Apple"}, "Adobe Analytics": {"Adobe"}, "Xandr": {"Microsoft"},
}

// Owners returns the companies behind a named third party's service (the
// value of a named-third-party mention) when they go by another name: the
// policy of one of them names no third party there.
func Owners(name string) []string { return owners[name] }
