package extract

import (
	"context"
	"fmt"
	"sync"

	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/analysis/hyphen"
	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/domain/policy"
)

// Extract detects the format of data (from its bytes first and the file name
// second) and extracts its text. Errors caused by the input are *InputError;
// a cancelled or expired ctx is returned as ctx.Err(), wrapped.
func Extract(ctx context.Context, name string, data []byte, lim policy.Limits) (*policy.Document, error) {
	lim = lim.WithDefaults()
	if int64(len(data)) > lim.MaxBytes {
		return nil, fault.E(fault.TooLarge, "%d bytes is over the limit of %d bytes", len(data), lim.MaxBytes)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("extract %s: %w", name, err)
	}
	f, err := Detect(name, data)
	if err != nil {
		return nil, err
	}
	var doc *policy.Document
	maxBlocks := lim.MaxUnits()
	switch f {
	case policy.PDF:
		doc, err = extractPDF(ctx, data, lim)
	case policy.HTML:
		doc, err = extractHTML(data, maxBlocks)
	case policy.Markdown:
		doc, err = extractMarkdown(data, maxBlocks)
	default:
		doc, err = extractText(data, maxBlocks)
	}
	if err != nil {
		return nil, err
	}
	if len(doc.Blocks) == 0 {
		return nil, fault.E(fault.Empty, "the %s file contains no text", f)
	}
	if len(doc.Blocks) > maxBlocks {
		return nil, fault.E(fault.TooLarge, "the %s file has more than %d paragraphs, headings, list items and table rows (%d per clause of the %d-clause limit); split it into smaller files",
			f, maxBlocks, policy.UnitsPerClause, lim.MaxClauses)
	}
	hyphen.Repair(doc, lexicon(ctx))
	return doc, nil
}

type lexiconKey struct{}

// WithLexicon returns a context that makes Extract mend words broken at
// line ends with lex: a worker process passes the lexicon its caller sent
// (classify.Lexicon), so that it need not load the classifier's model.
func WithLexicon(ctx context.Context, lex hyphen.Lexicon) context.Context {
	return context.WithValue(ctx, lexiconKey{}, lex)
}

var (
	defaultLexOnce sync.Once
	defaultLex     hyphen.Lexicon
)

// lexicon is the language's vocabulary for mending words broken at line
// ends: the one ctx carries, else the words the embedded classifier was
// trained on (its model is loaded once per process). Nil if the model
// cannot be loaded, which leaves the document's own words.
func lexicon(ctx context.Context) hyphen.Lexicon {
	if lex, ok := ctx.Value(lexiconKey{}).(hyphen.Lexicon); ok && lex != nil {
		return lex
	}
	defaultLexOnce.Do(func() {
		if m, err := classify.Default(); err == nil {
			defaultLex = classify.NewLexicon(m)
		}
	})
	return defaultLex
}
