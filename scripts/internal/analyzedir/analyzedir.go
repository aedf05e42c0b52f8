// Package analyzedir analyses a folder of Markdown policies for the
// measuring scripts (labelgaps, practicewords), as analyze does.
package analyzedir

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/policylens/policylens/shared/analysis/analyze"
	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/domain/policy"
)

// Each analyses every *.md file of dir, in name order, with label model m
// (and the embedded attribute model) and calls fn with the file's name and
// its analysis; a file that cannot be analysed is logged and left out.
func Each(ctx context.Context, m *classify.Model, dir string, fn func(name string, res *policy.Analysis)) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("no *.md files in %s", dir)
	}
	a := analyze.New(m, policy.Limits{})
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		res, err := a.Analyze(ctx, filepath.Base(f), data)
		if err != nil {
			log.Printf("%s: %v", filepath.Base(f), err)
			continue
		}
		fn(filepath.Base(f), res)
	}
	return nil
}
