package fault_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/policylens/policylens/shared/domain/fault"
)

func TestKindSurvivesWrapping(t *testing.T) {
	base := fault.E(fault.Encrypted, "the PDF is password-protected; upload an unprotected copy")
	wrapped := fmt.Errorf("analyze policy.pdf: %w", base)
	if got := fault.KindOf(wrapped); got != fault.Encrypted {
		t.Fatalf("KindOf = %v, want encrypted pdf", got)
	}
	if !errors.Is(wrapped, fault.Encrypted) || errors.Is(wrapped, fault.Corrupt) {
		t.Error("errors.Is does not tell the kind")
	}
	if !fault.Is(fault.Encrypted, wrapped) || fault.Is(fault.Timeout, wrapped) {
		t.Error("fault.Is does not tell the kind")
	}
	if got, want := base.Error(), "encrypted pdf: the PDF is password-protected; upload an unprotected copy"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got := fault.Detail(wrapped); got != "the PDF is password-protected; upload an unprotected copy" {
		t.Errorf("Detail = %q", got)
	}
}

func TestUnclassifiedErrors(t *testing.T) {
	for _, err := range []error{nil, errors.New("boom"), context.DeadlineExceeded} {
		if k := fault.KindOf(err); k != fault.Other {
			t.Errorf("KindOf(%v) = %v, want Other", err, k)
		}
	}
	// An *Error of kind Other lets a more specific kind below it show.
	inner := fault.E(fault.Throttled, "slow down")
	if k := fault.KindOf(fault.Wrap(fault.Other, inner, "")); k != fault.Throttled {
		t.Errorf("KindOf through an Other = %v, want throttled", k)
	}
	if got := fault.Wrap(fault.Internal, errors.New("disk full"), "").Error(); got != "internal error: disk full" {
		t.Errorf("Wrap without detail = %q", got)
	}
}

func TestInputKinds(t *testing.T) {
	input := map[fault.Kind]bool{fault.Empty: true, fault.Unsupported: true, fault.Encrypted: true,
		fault.NoText: true, fault.Corrupt: true, fault.TooLarge: true, fault.TooManyPages: true,
		fault.Timeout: true, fault.TooComplex: true}
	for k := fault.Other; k.Valid(); k++ {
		if k.Input() != input[k] {
			t.Errorf("%v.Input() = %v", k, k.Input())
		}
	}
	if fault.Kind(200).Valid() || fault.Kind(200).String() != "kind(200)" {
		t.Error("an unknown kind is not reported as such")
	}
}

// Whether a failure is the file's fault decides what ingest does with it.
func ExampleKindOf() {
	err := fmt.Errorf("analyze scan.pdf: %w",
		fault.E(fault.NoText, "the PDF contains no text, only images (a scanned document?)"))
	switch k := fault.KindOf(err); {
	case k.Input():
		fmt.Println("mark FAILED:", err)
	case k == fault.Throttled:
		fmt.Println("retry later")
	}
	// Output: mark FAILED: analyze scan.pdf: no extractable text: the PDF contains no text, only images (a scanned document?)
}
