package changes

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The package imports the standard library, the domain types and the
// denial rule only, so that the lookup function can compare two stored
// versions without linking the analysis (the PDF library, the segmenter,
// the classifier).
func TestImportsDomainOnly(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	const module = "github.com/policylens/policylens/"
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		file, err := parser.ParseFile(token.NewFileSet(), f, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range file.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			switch {
			case strings.HasPrefix(path, module+"shared/domain/"):
			case path == module+"shared/analysis/denial":
				// The rule that reads a denial: the standard library and
				// the domain types only (TestDenialIsLight).
			case !strings.Contains(strings.Split(path, "/")[0], "."):
				// The standard library.
			default:
				t.Errorf("%s imports %s: only the standard library and shared/domain are allowed", f, path)
			}
		}
	}
}

// The denial rule, which the package reads, imports the standard library
// and the domain types only.
func TestDenialIsLight(t *testing.T) {
	files, err := filepath.Glob("../denial/*.go")
	if err != nil || len(files) == 0 {
		t.Fatal("no files of package denial", err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range file.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if strings.Contains(strings.Split(path, "/")[0], ".") && !strings.HasPrefix(path, "github.com/policylens/policylens/shared/domain/") {
				t.Errorf("%s imports %s: only the standard library and shared/domain are allowed", f, path)
			}
		}
	}
}
