package docscheck_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/policylens/policylens/shared/local/fixture"
)

// codeMapFile is the document that holds the code map.
const codeMapFile = "docs/architecture.md"

// codeMap returns the paths the code map of docs/architecture.md names:
// backquoted paths in its table, where "a/b/c, `d`, `e`" names a/b/c,
// a/b/d and a/b/e.
func codeMap(t *testing.T) map[string]bool {
	readme := string(fixture.Read(t, "docs", "architecture.md"))
	start := strings.Index(readme, "| Path | What it is |")
	if start < 0 {
		t.Fatal(codeMapFile + " has no code map (a table headed | Path | What it is |)")
	}
	end := strings.Index(readme[start:], "\n\n")
	table := readme[start : start+end]
	named := map[string]bool{}
	code := regexp.MustCompile("`([^`]+)`")
	for _, row := range strings.Split(table, "\n") {
		cells := strings.Split(row, "|")
		if len(cells) < 3 {
			continue
		}
		dir := ""
		for _, m := range code.FindAllStringSubmatch(cells[1], -1) {
			p := strings.TrimSuffix(m[1], "/")
			if strings.Contains(p, "/") {
				dir = filepath.Dir(p)
			} else if dir != "" {
				p = filepath.Join(dir, p)
			}
			named[p] = true
		}
	}
	return named
}

// Every package under shared/ is in the code map, and every path the map
// names exists.
func TestCodeMapMatchesTree(t *testing.T) {
	named := codeMap(t)
	root := fixture.Root()
	packages := map[string]bool{}
	err := filepath.WalkDir(filepath.Join(root, "shared"), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") {
			rel, _ := filepath.Rel(root, filepath.Dir(path))
			packages[filepath.ToSlash(rel)] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for p := range packages {
		// A package inside a named package (extract/extracttest) is
		// described by its parent's row.
		if parent := filepath.Dir(p); !named[p] && !(named[parent] && packages[parent]) {
			t.Errorf("package %s is not in the code map of %s", p, codeMapFile)
		}
	}
	for p := range named {
		if _, err := os.Stat(filepath.Join(root, p)); err != nil {
			t.Errorf("the code map of %s names %s, which does not exist", codeMapFile, p)
		}
	}
}
