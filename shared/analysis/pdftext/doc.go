// Package pdftext reads the positioned text of PDF pages: every glyph with
// its position, advance width, font size, font and Unicode text. It builds
// on the object access of github.com/ledongthuc/pdf (Reader, Value,
// Value.Reader for stream decoding and decryption) and replaces what that
// library gets wrong for text extraction. Page.Content in the library:
//
//   - appends a bogus glyph after every TJ array (it decodes "\n" through
//     the font, giving "c" in LibreOffice fonts and "Ω" in TeX ones);
//   - takes glyph widths from single bytes even for two-byte CID fonts, and
//     ignores word spacing (Tw), so positions drift;
//   - re-reads the font and its ToUnicode CMap at every Tf and resolves
//     /Widths for every glyph (slow), and ignores ToUnicode for simple
//     fonts with an /Encoding;
//   - does not draw form XObjects, ignores ActualText and Type 3 font
//     matrices, and panics on an unbalanced Q.
//
// Its Reader needs a "%PDF-1.0" to "%PDF-1.7" header at offset 0 and %%EOF
// in the last 100 bytes, cannot recover a damaged xref table, loops forever
// on cyclic page trees (Reader.Page) and on object-stream /Extends cycles,
// inflates a whole object stream for every object it resolves from it, and
// leaves AES padding on decrypted strings.
//
// So this package has its own content-stream interpreter (full text state:
// character and word spacing, horizontal scaling, rise, leading, TJ
// adjustments, per-glyph widths for simple, composite and Type 3 fonts;
// form XObjects; inline images; ActualText; pagination artifacts dropped;
// small filled shapes kept as possible bullets), its own font encodings and
// CMap parser, header and trailer tolerance, an xref rebuild from a scan of
// the objects (which also copies objects out of object streams), capped
// decompression, and a page-tree walk that survives cycles.
//
// The library still panics on malformed input, and can loop forever on some
// files; this package recovers its panics, but for a hard time limit
// callers must run it in a separate process (see shared/isolate).
package pdftext
