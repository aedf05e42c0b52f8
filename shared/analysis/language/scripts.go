package language

import "unicode"

// script is a writing system, as far as telling languages apart needs.
type script uint8

const (
	latin script = iota
	cyrillic
	greek
	arabic
	hebrew
	devanagari
	thai
	hangul
	kana
	han
	otherScript
	numScripts
)

// scriptLangs are the languages told by their script alone.
var scriptLangs = []struct {
	script     script
	code, name string
}{
	{greek, "el", "Greek"},
	{arabic, "ar", "Arabic"},
	{hebrew, "he", "Hebrew"},
	{devanagari, "hi", "Hindi"},
	{thai, "th", "Thai"},
	{hangul, "ko", "Korean"},
	{kana, "ja", "Japanese"},
	{han, "zh", "Chinese"},
}

// scriptLanguage maps a script to the language it stands for, "" for the
// scripts of several languages told apart by their words.
var scriptLanguage = func() (m [numScripts]string) {
	for _, s := range scriptLangs {
		m[s.script] = s.code
	}
	return m
}()

var scriptTables = []struct {
	script script
	table  *unicode.RangeTable
}{
	{latin, unicode.Latin},
	{cyrillic, unicode.Cyrillic},
	{greek, unicode.Greek},
	{arabic, unicode.Arabic},
	{hebrew, unicode.Hebrew},
	{devanagari, unicode.Devanagari},
	{thai, unicode.Thai},
	{hangul, unicode.Hangul},
	{kana, unicode.Hiragana},
	{kana, unicode.Katakana},
	{han, unicode.Han},
}

// scriptOf returns the script of the letter r.
func scriptOf(r rune) script {
	if r < 0x250 {
		return latin
	}
	for _, t := range scriptTables {
		if unicode.Is(t.table, r) {
			return t.script
		}
	}
	return otherScript
}
