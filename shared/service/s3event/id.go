package s3event

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
	"sync"
)

// idHashLen is the number of hex digits of the bucket+key hash in a policy id.
const idHashLen = 12

// maxSlugLen bounds the readable part of a policy id.
const maxSlugLen = 60

var idPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*-[0-9a-f]{12}$`) })

// PolicyID returns the id of the policy stored at bucket/key. The id is
// stable for a bucket and key and readable: the key folded to a slug (ASCII
// letters and digits in lower case, every other run of characters a single
// hyphen, at most the last 60 characters), a hyphen, and the first 12 hex
// digits of the SHA-256 of bucket, a NUL byte and key. For example
// "Privacy Policy 2024.pdf" in any bucket becomes
// "privacy-policy-2024-pdf-<12 hex digits>". Two keys with the same slug
// (such as "a b.pdf" and "a+b.pdf") still get different ids.
func PolicyID(bucket, key string) string {
	sum := sha256.Sum256([]byte(bucket + "\x00" + key))
	return slug(key) + "-" + hex.EncodeToString(sum[:])[:idHashLen]
}

// ValidPolicyID reports whether s has the form of a policy id.
func ValidPolicyID(s string) bool {
	return len(s) <= maxSlugLen+1+idHashLen && idPattern().MatchString(s)
}

func slug(key string) string {
	var b strings.Builder
	dash := false
	for _, r := range key {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r + 'a' - 'A')
		default:
			dash = true
		}
	}
	s := b.String()
	if len(s) > maxSlugLen {
		// Keep the end of the key, where the file name is, starting at a
		// word boundary when there is one.
		s = s[len(s)-maxSlugLen:]
		if i := strings.IndexByte(s, '-'); i >= 0 && i < len(s)-1 {
			s = s[i+1:]
		}
		s = strings.Trim(s, "-")
	}
	if s == "" {
		return "policy"
	}
	return s
}
