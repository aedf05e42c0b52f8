package docscheck

import (
	"strings"
	"testing"
)

func TestBlocks(t *testing.T) {
	md := strings.Join([]string{
		"# Title",
		"```sh",
		"echo one",
		"```",
		"text",
		"<!-- docscheck: skip (deploys to AWS) -->",
		"",
		"```sh",
		"make deploy",
		"```",
		"````text",
		"```sh",
		"not a block",
		"````",
	}, "\n")
	got, err := Blocks(md)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("got %d blocks, want 3: %+v", len(got), got)
	}
	if b := got[0]; b.Line != 2 || b.Lang != "sh" || b.Text != "echo one\n" || b.Skip != "" || !b.Shell() {
		t.Errorf("first block: %+v", b)
	}
	if b := got[1]; b.Line != 8 || b.Skip != "deploys to AWS" || b.Text != "make deploy\n" {
		t.Errorf("skipped block: %+v", b)
	}
	if b := got[2]; b.Lang != "text" || b.Shell() || b.Text != "```sh\nnot a block\n" {
		t.Errorf("text block: %+v", b)
	}
}

// A skip must say why, and must sit right before the shell block it skips.
func TestBlocksRejectsStrayAnnotations(t *testing.T) {
	for name, md := range map[string]string{
		"no reason":          "<!-- docscheck: skip -->\n```sh\nx\n```\n",
		"unknown directive":  "<!-- docscheck: ignore (x) -->\n```sh\nx\n```\n",
		"text in between":    "<!-- docscheck: skip (x) -->\nsome text\n```sh\nx\n```\n",
		"before a non-shell": "<!-- docscheck: skip (x) -->\n```text\nx\n```\n",
		"at the end":         "```sh\nx\n```\n<!-- docscheck: skip (x) -->\n",
		"unclosed":           "```sh\nx\n",
	} {
		if _, err := Blocks(md); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
