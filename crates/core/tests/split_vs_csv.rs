//! The reader's own splitter against the `csv` crate it replaced: on any
//! text made of delimiters, quotes, line ends, spaces, NUL bytes and CJK,
//! both must give the same records, the same fields and the same record
//! starts. What the splitter notes on the way (NUL bytes per record, `\n`
//! bytes passed) is checked against a plain count.

use opscalc_core::Splitter;
use proptest::prelude::*;

/// Records as the `csv` crate reads them (the reader's former settings),
/// each with the byte where its first character is.
fn with_csv(text: &str, d: u8) -> Vec<(usize, Vec<String>)> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(d)
        .from_reader(text.as_bytes());
    let mut rec = csv::ByteRecord::new();
    let mut out = Vec::new();
    while rdr
        .read_byte_record(&mut rec)
        .expect("flexible csv never fails")
    {
        // The crate may record a start before the line ends that precede
        // the record; its first character is after them.
        let mut start = rec.position().expect("a position").byte() as usize;
        while matches!(text.as_bytes().get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let fields = rec
            .iter()
            .map(|f| String::from_utf8(f.to_vec()).expect("ASCII splits keep UTF-8"))
            .collect();
        out.push((start, fields));
    }
    out
}

fn with_splitter(text: &str, d: u8) -> Vec<(usize, Vec<String>)> {
    let mut s = Splitter::new(text.as_bytes(), d);
    let mut fields = Vec::new();
    let mut out = Vec::new();
    while let Some(start) = s.next_record(&mut fields) {
        let fields = fields
            .iter()
            .map(|f| String::from_utf8(f.to_vec()).expect("ASCII splits keep UTF-8"))
            .collect();
        out.push((start, fields));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn same_records_as_the_csv_crate(
        text in "[a买,;\t\" \r\n\x00]{0,40}",
        d in prop::sample::select(vec![b',', b';', b'\t', b'\0']),
    ) {
        prop_assert_eq!(with_splitter(&text, d), with_csv(&text, d));
        notes_match_a_plain_count(&text, d)?;
    }

    /// Fields longer than the splitter's 8-byte words, so matches fall at
    /// every place in a word, after multi-byte characters too.
    #[test]
    fn same_records_with_long_fields(
        text in "([a-z买\x00]{0,19}[,;\t\" \r\n]?){0,24}",
        d in prop::sample::select(vec![b',', b';', b'\t', b'\0']),
    ) {
        prop_assert_eq!(with_splitter(&text, d), with_csv(&text, d));
        notes_match_a_plain_count(&text, d)?;
    }
}

/// `nul_in_record` says whether the record's fields hold a NUL, and
/// `newlines` counts the `\n`s in the text consumed.
fn notes_match_a_plain_count(text: &str, d: u8) -> Result<(), TestCaseError> {
    let mut s = Splitter::new(text.as_bytes(), d);
    let mut fields = Vec::new();
    while s.next_record(&mut fields).is_some() {
        let nul = fields.iter().any(|f| f.contains(&0));
        prop_assert_eq!(s.nul_in_record(), nul, "{:?}", fields);
        let newlines = text.as_bytes()[..s.position()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        prop_assert_eq!(s.newlines(), newlines);
    }
    let newlines = text.bytes().filter(|&b| b == b'\n').count();
    prop_assert_eq!(s.newlines(), newlines, "all the text consumed");
    Ok(())
}

#[test]
fn quoting_corners() {
    // Each case was worked out from RFC 4180 as csv-core applies it.
    let cases: &[(&str, &[&[&str]])] = &[
        ("", &[]),
        ("\r\n\n\r", &[]),
        ("a,", &[&["a", ""]]),
        (",", &[&["", ""]]),
        ("\"\"", &[&[""]]),
        ("\"a\"\"b\",c", &[&["a\"b", "c"]]),
        ("\"ab\"cd\"e,f", &[&["abcd\"e", "f"]]),
        ("a\"b,c", &[&["a\"b", "c"]]),
        (" \"a\",b", &[&[" \"a\"", "b"]]),
        ("\"unbalanced,\nstill one", &[&["unbalanced,\nstill one"]]),
        ("\"x\r\ny\"\r\n2", &[&["x\r\ny"], &["2"]]),
        ("a\rb\r\nc\n\nd", &[&["a"], &["b"], &["c"], &["d"]]),
        ("\"a\"\"\"", &[&["a\""]]),
    ];
    for (text, want) in cases {
        let mut s = Splitter::new(text.as_bytes(), b',');
        let mut f = Vec::new();
        while s.next_record(&mut f).is_some() {}
        assert_eq!(s.open_quote(), text.starts_with("\"unbalanced"), "{text:?}");
        let got: Vec<Vec<String>> = with_splitter(text, b',').into_iter().map(|r| r.1).collect();
        assert_eq!(got, *want, "{text:?}");
        assert_eq!(
            with_csv(text, b','),
            with_splitter(text, b','),
            "{text:?} against the csv crate"
        );
    }
}

#[test]
fn a_nul_delimiter_splits_and_is_not_text() {
    let text = "aaaaaaaaaa\x00bbbbbbbbbb\n1111111111\x002222222222\n";
    let mut s = Splitter::new(text.as_bytes(), 0);
    let mut f = Vec::new();
    while s.next_record(&mut f).is_some() {
        assert_eq!(f.len(), 2);
        assert!(!s.nul_in_record());
    }
    let r = opscalc_core::read_text("f", text, Some(0)).unwrap();
    assert_eq!(r.table.headers(), ["aaaaaaaaaa", "bbbbbbbbbb"]);
    assert_eq!(r.table.cell(0, 1), "2222222222");
}

#[test]
fn a_non_ascii_delimiter_splits_nothing() {
    let got = with_splitter("买,家\n1", 0xE4);
    assert_eq!(
        got,
        [(0, vec!["买,家".to_string()]), (8, vec!["1".to_string()])]
    );
}
