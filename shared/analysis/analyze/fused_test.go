package analyze

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"testing"
)

// fusedOp matches arm64's fused multiply-add instructions in the
// compiler's assembly listing, with the source line they come from.
var fusedOp = regexp.MustCompile(`\(([^()]*\.go:\d+)\)\s+F(N)?M(ADD|SUB)[SD]\b`)

// TestPDFLayoutIsNotFused keeps the PDF text and layout code's own
// arithmetic rounded as amd64 rounds it on the Lambdas' arm64 too. Go may
// fuse a product and a sum into one instruction there (an explicit
// float64 conversion of the product prevents it), and a layout decided on
// other roundings could place a glyph on another line or column than the
// tests, which run on amd64, saw: the same PDF would give other clauses in
// the cloud than the rules' digest promises.
func TestPDFLayoutIsNotFused(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles two packages for arm64")
	}
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	for _, pkg := range []string{"../pdftext", "../pdflayout"} {
		cmd := exec.Command(gobin, "build", "-gcflags=-S", "-o", "/dev/null", pkg)
		cmd.Env = append(cmd.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go build %s for arm64: %v\n%s", pkg, err, out)
		}
		var lines []string
		for _, m := range fusedOp.FindAllSubmatch(out, -1) {
			if l := filepath.Base(string(m[1])); !slices.Contains(lines, l) {
				lines = append(lines, l)
			}
		}
		if len(lines) > 0 {
			t.Errorf("%s: arm64 fuses multiply and add at %v: convert the products there to float64 explicitly", pkg, lines)
		}
	}
}
