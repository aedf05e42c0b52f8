package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/policylens/policylens/shared/analysis/analyze"
	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/analysis/corpus"
	"github.com/policylens/policylens/shared/domain/policy"
)

// segmenter segments policies as analyze does, each file once: training
// places the modern clauses and finds the second labelling pass's in the
// same policies.
type segmenter struct {
	a    *analyze.Analyzer
	done map[string][]corpus.Clause // by path; nil for a missing file
}

// each segments the policies of sources (file names in dir without ".md")
// and calls fn with each one's clauses, in the order of sources. A policy
// dir lacks is skipped.
func (s *segmenter) each(ctx context.Context, dir string, sources []string, fn func(source string, clauses []corpus.Clause)) error {
	if s.a == nil {
		m, err := classify.Default()
		if err != nil {
			return err
		}
		s.a, s.done = analyze.New(m, policy.Limits{}), map[string][]corpus.Clause{}
	}
	for _, src := range sources {
		name := src + ".md"
		path := filepath.Join(dir, name)
		clauses, ok := s.done[path]
		if !ok {
			data, err := os.ReadFile(path)
			switch {
			case errors.Is(err, fs.ErrNotExist):
			case err != nil:
				return err
			default:
				res, err := s.a.Analyze(ctx, name, data)
				if err != nil {
					return fmt.Errorf("%s: %w", name, err)
				}
				clauses = make([]corpus.Clause, len(res.Clauses))
				for i, c := range res.Clauses {
					clauses[i] = corpus.Clause{Heading: c.Heading, Text: c.Text}
				}
			}
			s.done[path] = clauses
		}
		if clauses != nil {
			fn(src, clauses)
		}
	}
	return nil
}

// placeExamples gives the examples of a corpus file their places in their
// documents, where the reference corpus beside the file says them: OPP-115
// segments (a CSV in opp115/) by the policy and segment index of the
// attribute files in ../opp115-attributes/, modern clauses (JSON Lines) by
// segmenting their companies' policies in ../modern-policies/. It returns
// how many it placed; none when those folders are missing.
func placeExamples(ctx context.Context, seg *segmenter, path string, examples []corpus.Example) (int, error) {
	root := filepath.Dir(filepath.Dir(path))
	if filepath.Ext(path) != ".jsonl" {
		var files []string
		for _, f := range []string{"train.jsonl", "validation.jsonl"} {
			p := filepath.Join(root, attrsDir, f)
			if _, err := os.Stat(p); err == nil {
				files = append(files, p)
			}
		}
		if len(files) == 0 {
			return 0, nil
		}
		places, err := corpus.ReadPlaces(files...)
		if err != nil {
			return 0, err
		}
		return corpus.SetPlaces(examples, places), nil
	}
	var sources []string
	for _, ex := range examples {
		if ex.Source != "" && !slices.Contains(sources, ex.Source) {
			sources = append(sources, ex.Source)
		}
	}
	n := 0
	err := seg.each(ctx, filepath.Join(root, policiesDir), sources, func(src string, clauses []corpus.Clause) {
		n += corpus.Locate(examples, src, clauses)
	})
	return n, err
}

// loadPlaced reads a corpus file (corpus.Load) and, with places, gives its
// examples their places (placeExamples), saying on log how many; without,
// it clears the places the file gives.
func loadPlaced(ctx context.Context, seg *segmenter, path string, places bool, log io.Writer) ([]corpus.Example, error) {
	ex, err := corpus.Load(path)
	if err != nil || !places {
		for i := range ex {
			ex[i].Index, ex[i].Count = 0, 0
		}
		return ex, err
	}
	n, err := placeExamples(ctx, seg, path, ex)
	if err != nil {
		return nil, fmt.Errorf("%s: places: %w", path, err)
	}
	fmt.Fprintf(log, "%s: %d of %d examples placed in their documents\n", filepath.Base(filepath.Dir(path))+"/"+filepath.Base(path), n, len(ex))
	return ex, nil
}
