package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/service/s3event"
	"github.com/policylens/policylens/shared/service/store"
	"github.com/policylens/policylens/shared/service/topology"
)

// maxReasonLen bounds the FAILED reasons ingest writes, in bytes.
const maxReasonLen = 300

// object is an object being read: the version it is, its size and body.
type object struct {
	version policy.Version
	size    int64
	body    io.ReadCloser
	// received is when S3 received the object (its Last-Modified time).
	received time.Time
}

func (o *object) close() {
	if o.body != nil {
		o.body.Close()
	}
}

// current opens the object of version v, provided it is the key's current
// object: S3 is asked for the current object on condition that its entity
// tag is the event's (If-Match), and its version id must be the event's.
// An object that is gone is a fault.NotFound error, one that was replaced
// a fault.Conflict error. The version returned carries the entity tag and
// version id S3 reported where the event had none.
func (h *Handler) current(ctx context.Context, v policy.Version) (*object, error) {
	in := &s3.GetObjectInput{Bucket: aws.String(v.Bucket), Key: aws.String(v.Key)}
	if v.ETag != "" {
		in.IfMatch = aws.String(`"` + v.ETag + `"`)
	}
	out, err := h.S3.GetObject(ctx, in)
	if err != nil {
		return nil, objectError(v, err)
	}
	o := &object{version: v, size: aws.ToInt64(out.ContentLength), body: out.Body, received: aws.ToTime(out.LastModified)}
	gotVersion := aws.ToString(out.VersionId)
	if gotVersion == "null" {
		gotVersion = "" // an object stored before versioning was enabled
	}
	if v.VersionID != "" && gotVersion != v.VersionID {
		o.close()
		return nil, fault.E(fault.Conflict, "version %s of s3://%s/%s is no longer the current version", v.VersionID, v.Bucket, v.Key)
	}
	o.version.VersionID = gotVersion
	if v.ETag == "" {
		o.version.ETag = strings.Trim(aws.ToString(out.ETag), `"`)
	}
	return o, nil
}

// head looks up the key of version v: whether it holds an object, and if
// so which version (with v's order token).
func (h *Handler) head(ctx context.Context, v policy.Version) (policy.Version, bool, error) {
	out, err := h.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(v.Bucket), Key: aws.String(v.Key)})
	if err != nil {
		err = objectError(v, err)
		if fault.Is(fault.NotFound, err) {
			return policy.Version{}, false, nil
		}
		return policy.Version{}, false, err
	}
	ver := aws.ToString(out.VersionId)
	if ver == "null" {
		ver = ""
	}
	return s3event.NewVersion(v.Bucket, v.Key, ver, strings.Trim(aws.ToString(out.ETag), `"`), v.Seq), true, nil
}

// objectError classifies an error of reading version v from S3: a missing
// key or version is fault.NotFound; an ETag that no longer matches (a newer
// upload replaced the object) is fault.Conflict; S3 asking to slow down is
// fault.Throttled.
func objectError(v policy.Version, err error) error {
	k := fault.Other
	switch apiErrorCode(err) {
	case "NoSuchKey", "NoSuchVersion", "NotFound":
		k = fault.NotFound
	case "PreconditionFailed":
		k = fault.Conflict
	case "SlowDown", "ServiceUnavailable", "RequestTimeout":
		k = fault.Throttled
	}
	err = fmt.Errorf("get s3://%s/%s: %w", v.Bucket, v.Key, err)
	if k == fault.Other {
		return err
	}
	return fault.Wrap(k, err, "")
}

// read reads the object's body. The ways the file can be at fault here (an
// unsupported type, too large) are errors of an input kind.
func (h *Handler) read(v policy.Version, obj *object, rep *report) ([]byte, error) {
	if reason := unsupportedType(v.Key); reason != "" {
		return nil, fault.E(fault.Unsupported, "%s", reason)
	}
	limit := h.maxBytes()
	if rep.bytes > limit {
		return nil, fault.E(fault.TooLarge, "%s", tooLarge(rep.bytes, limit))
	}
	data, err := io.ReadAll(io.LimitReader(obj.body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read s3://%s/%s: %w", v.Bucket, v.Key, err)
	}
	if int64(len(data)) > limit {
		// The object is longer than its Content-Length said: its size is
		// not known, only that it is over the limit.
		rep.bytes = 0
		return nil, fault.E(fault.TooLarge, "the object is over the limit of %s (%s); split the policy into smaller files or raise the limit",
			sizeText(limit), topology.EnvMaxBytes)
	}
	rep.bytes = int64(len(data))
	return data, nil
}

// analyse analyses the object's bytes. The ways the file can be at fault
// (too many clauses, or anything the analysis rejects) are errors of an
// input kind; the analysis is returned with them when there is one, to
// record what is known.
func (h *Handler) analyse(ctx context.Context, v policy.Version, data []byte, rep *report) (*policy.Analysis, error) {
	res, err := h.Analyzer.Analyze(ctx, path.Base(v.Key), data)
	if err != nil {
		return nil, err
	}
	rep.pages = res.Policy.Pages
	if n := len(res.Clauses); n > store.MaxClauses {
		return res, fault.E(fault.TooLarge, "the policy has %d clauses, more than the %d policylens keeps for one policy; split it into smaller files",
			n, store.MaxClauses)
	}
	return res, nil
}

func (h *Handler) maxBytes() int64 {
	if h.MaxBytes <= 0 {
		return policy.DefaultMaxBytes
	}
	return h.MaxBytes
}

// unsupportedType returns a reason when key's extension names a format
// policylens does not read. Keys without an extension are left to content
// detection.
func unsupportedType(key string) string {
	ext := path.Ext(key)
	if ext == "" || slices.ContainsFunc(policy.Extensions, func(e string) bool { return strings.EqualFold(e, ext) }) {
		return ""
	}
	return fmt.Sprintf("unsupported file type %q: policylens reads PDF (.pdf), HTML (.html, .htm), Markdown (.md, .markdown) "+
		"and plain text (.txt, .text); convert the policy to one of these formats and upload it again", oneLine(ext, 40))
}

func tooLarge(n, max int64) string {
	return fmt.Sprintf("the object is %s, over the limit of %s (%s); split the policy into smaller files or raise the limit",
		sizeText(n), sizeText(max), topology.EnvMaxBytes)
}

// sizeText writes a byte count for people.
func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB (%d bytes)", float64(n)/(1<<20), n)
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB (%d bytes)", float64(n)/(1<<10), n)
	}
	return fmt.Sprintf("%d bytes", n)
}

// oneLine makes s one printable line of at most max bytes: control
// characters and runs of white space become one space, invalid UTF-8 the
// replacement character, and a longer text is cut at a character boundary
// with an ellipsis.
func oneLine(s string, max int) string {
	var b strings.Builder
	space := false
	for _, r := range s { // invalid UTF-8 comes as U+FFFD, which prints
		if unicode.IsSpace(r) || !unicode.IsPrint(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	out := b.String()
	if len(out) <= max {
		return out
	}
	const ellipsis = "…"
	n := max - len(ellipsis)
	for n > 0 && !utf8.RuneStart(out[n]) {
		n--
	}
	return out[:n] + ellipsis
}

func apiErrorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}
