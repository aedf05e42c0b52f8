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

// The package imports the standard library and the domain types only, so
// that the lookup function can compare two stored versions without
// linking the analysis (the PDF library, the segmenter, the classifier).
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
			case !strings.Contains(strings.Split(path, "/")[0], "."):
				// The standard library.
			default:
				t.Errorf("%s imports %s: only the standard library and shared/domain are allowed", f, path)
			}
		}
	}
}
