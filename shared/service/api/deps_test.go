package api_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/policylens/policylens/shared/local/fixture"
)

// analysisOnly are packages only the analysis needs: the PDF library and
// interpreter, page layout, the worker processes, segmentation, the
// classifier and the attribute model, the training corpus reader, and the
// smaller steps (mentions, the privacy summary, hyphens, languages).
var analysisOnly = []string{
	"github.com/ledongthuc/pdf",
	"github.com/policylens/policylens/shared/analysis/pdftext",
	"github.com/policylens/policylens/shared/analysis/pdflayout",
	"github.com/policylens/policylens/shared/analysis/isolate",
	"github.com/policylens/policylens/shared/analysis/segment",
	"github.com/policylens/policylens/shared/analysis/classify",
	"github.com/policylens/policylens/shared/analysis/corpus",
	"github.com/policylens/policylens/shared/analysis/attrs",
	"github.com/policylens/policylens/shared/analysis/mentions",
	"github.com/policylens/policylens/shared/analysis/summary",
	"github.com/policylens/policylens/shared/analysis/hyphen",
	"github.com/policylens/policylens/shared/analysis/language",
}

// trainingOnly are packages only training and evaluation need: the corpus
// reader, the classifier's and the attribute model's training.
var trainingOnly = []string{
	"github.com/policylens/policylens/shared/analysis/corpus",
	"github.com/policylens/policylens/shared/analysis/classify/train",
	"github.com/policylens/policylens/shared/analysis/attrs/train",
}

// The read-only lookup function and the CDK app share this package's
// routes and the domain's limits; neither links any analysis code.
func TestLookupAndInfraLinkNoAnalysis(t *testing.T) {
	for _, pkg := range []string{"./functions/lookup", "./infra"} {
		for _, dep := range goListDeps(t, pkg) {
			for _, bad := range analysisOnly {
				if dep == bad || strings.HasPrefix(dep, bad+"/") {
					t.Errorf("%s links %s", pkg, dep)
				}
			}
		}
	}
}

// The ingest function classifies clauses but links neither the training
// code nor the corpus reader.
func TestIngestLinksNoTraining(t *testing.T) {
	deps := goListDeps(t, "./functions/ingest")
	linksClassifier := false
	for _, dep := range deps {
		linksClassifier = linksClassifier || dep == "github.com/policylens/policylens/shared/analysis/classify"
		for _, bad := range trainingOnly {
			if dep == bad || strings.HasPrefix(dep, bad+"/") {
				t.Errorf("./functions/ingest links %s", dep)
			}
		}
	}
	if !linksClassifier {
		t.Error("./functions/ingest does not link the classifier: the dependency list is not what this test expects")
	}
}

func goListDeps(t *testing.T, pkg string) []string {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", pkg)
	cmd.Dir = fixture.Root()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	return strings.Fields(string(out))
}
