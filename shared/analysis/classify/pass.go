package classify

import "strings"

// Pass is what scoring a clause computed that a second model may read
// instead of computing it again (package attrs reads it): the clause's
// feature vector and, when the model scored the clause's sentences apart,
// each sentence's vector and place in the text. A Pass is working memory
// that one goroutine reuses across calls; it holds the last clause scored.
type Pass struct {
	// Rows and Vals are the clause's feature vector as the model scores
	// it: the rows touched, in no particular order, and their weighted,
	// normalised values.
	Rows []int32
	Vals []float32
	// Sents are the clause's sentences when the model scored more than
	// one apart; empty otherwise. Sentence i's vector is
	// SentRows/SentVals[Sents[i].From:Sents[i].To].
	Sents      []PassSentence
	SentRows   []int32
	SentVals   []float32
	text       string
	searchFrom int
}

// PassSentence is one sentence of a Pass: its byte range in the clause
// text and the range of its vector in the Pass.
type PassSentence struct {
	Start, End int // bytes of the clause text, End exclusive
	From, To   int // range of SentRows and SentVals
}

func (p *Pass) reset(text string) {
	p.Rows, p.Vals = p.Rows[:0], p.Vals[:0]
	p.Sents, p.SentRows, p.SentVals = p.Sents[:0], p.SentRows[:0], p.SentVals[:0]
	p.text, p.searchFrom = text, 0
}

// addSentence records the vector in s as that of sentence text, a trimmed
// piece of the clause text after the previous one.
func (p *Pass) addSentence(text string, s *scratch) {
	start := strings.Index(p.text[p.searchFrom:], text)
	if start < 0 {
		return // not a piece of the text (cannot happen for splitSentences)
	}
	start += p.searchFrom
	p.searchFrom = start + len(text)
	from := len(p.SentRows)
	p.SentRows = append(p.SentRows, s.touched...)
	p.SentVals = append(p.SentVals, s.vals[:len(s.touched)]...)
	p.Sents = append(p.Sents, PassSentence{Start: start, End: start + len(text), From: from, To: len(p.SentRows)})
}

// ScoresPass is ScoresInput that also leaves the clause's feature pass in
// p. The scores are those of ScoresInput.
func (m *Model) ScoresPass(in Input, p *Pass) Scores {
	p.reset(in.Text)
	return m.scoresInput(in, p)
}

// TextRows is the number of the model's rows read from a clause's text
// (its word and character n-grams); rows from TextRows on are read from
// the heading path (heading n-grams and modern copies).
func (m *Model) TextRows() int { return m.nWord + m.nChar }

// Rows is the number of the model's feature rows.
func (m *Model) Rows() int { return m.rows }

// WordRows is the number of the model's word n-gram rows, the first of its
// text rows.
func (m *Model) WordRows() int { return m.nWord }
