// Package analyzedir analyses a folder of Markdown policies for the
// measuring scripts (labelgaps, practicewords), as analyze does.
package analyzedir

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/policylens/policylens/shared/analysis/analyze"
	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/domain/policy"
)

// Dir parses the command line of a script whose one argument is the
// folder to analyse, with usage as its synopsis, and returns the folder;
// it exits with the usage on anything else. Flags are defined before.
func Dir(usage string) string {
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: "+usage)
		flag.PrintDefaults()
	}
	flag.Parse()
	log.SetFlags(0)
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	return flag.Arg(0)
}

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
