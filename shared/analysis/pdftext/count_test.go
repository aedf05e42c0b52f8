package pdftext

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/local/fixture"
)

// The page count is the number of pages the tree holds, whatever /Count
// says: a forged count neither refuses a one-page file nor shows up in a
// message.
func TestPageCountFromTheTree(t *testing.T) {
	good := buildPDF("BT /F1 12 Tf 72 700 Td (Hello) Tj ET", "")
	old := "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
	forged := "<< /Kids [3 0 R] /Count 2147483647 >>"
	forged += strings.Repeat(" ", len(old)-len(forged)) // keep the xref offsets
	data := bytes.Replace(good, []byte(old), []byte(forged), 1)
	if bytes.Equal(data, good) {
		t.Fatal("the page tree was not forged")
	}
	d, err := Open(data, Options{MaxPages: 10})
	if err != nil {
		t.Fatalf("a one-page PDF claiming 2147483647 pages: %v", err)
	}
	if d.NumPages() != 1 {
		t.Errorf("NumPages = %d, want 1", d.NumPages())
	}

	// Over the limit, the message gives the count of the walked tree.
	_, err = Open(fixture.Read(t, "testdata", "pdf", "many-pages.pdf"), Options{MaxPages: 10})
	if !errors.Is(err, fault.TooManyPages) || !strings.Contains(err.Error(), "the PDF has 200 pages; the limit is 10") {
		t.Errorf("many-pages.pdf with MaxPages 10: err = %v, want the 200 pages of its tree", err)
	}
}

// Readers accept a header anywhere in the first 1024 bytes, even one that
// runs past them.
func TestHeaderAtTheEndOfTheWindow(t *testing.T) {
	pdf := buildPDF("BT /F1 12 Tf 72 700 Td (Hello) Tj ET", "")
	for _, at := range []int{0, 1000, 1019, 1020, 1023} {
		data := append(bytes.Repeat([]byte{' '}, at), pdf...)
		if _, err := Open(data, Options{}); err != nil {
			t.Errorf("header at byte %d: %v", at, err)
		}
	}
	data := append(bytes.Repeat([]byte{' '}, 1024), pdf...)
	if _, err := Open(data, Options{}); !errors.Is(err, fault.Corrupt) {
		t.Errorf("header at byte 1024: err = %v, want fault.Corrupt", err)
	}
}
