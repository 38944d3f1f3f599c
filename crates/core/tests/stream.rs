//! `TextReader` must read any split of a file exactly as `read_bytes`
//! reads it whole: same table, row numbers, warnings and errors.

use opscalc_core::{read_bytes, Fed, Finished, ReadError, ReadOptions, ReadResult, TextReader};

/// Feeds `bytes` cut at `cuts` (increasing offsets), rewinding when asked.
fn streamed(
    bytes: &[u8],
    cuts: &[usize],
    opts: &ReadOptions,
    retain: usize,
) -> (Result<ReadResult, ReadError>, usize) {
    let mut r = TextReader::new("f.csv", opts).retain_at_most(retain);
    let mut rewinds = 0;
    'pass: loop {
        assert!(rewinds <= 2, "more than two rewinds");
        let mut from = 0;
        for &to in cuts.iter().chain(std::iter::once(&bytes.len())) {
            match r.feed(&bytes[from..to], &mut |_| {}) {
                Ok(Fed::More) => from = to,
                Ok(Fed::Rewind) => {
                    rewinds += 1;
                    continue 'pass;
                }
                Err(e) => return (Err(e), rewinds),
            }
        }
        match r.finish(&mut |_| {}) {
            Ok(Finished::Done(t)) => return (Ok(*t), rewinds),
            Ok(Finished::Rewind) => rewinds += 1,
            Err(e) => return (Err(e), rewinds),
        }
    }
}

fn check(label: &str, bytes: &[u8], cuts: &[usize], opts: &ReadOptions, retain: usize) {
    let want = read_bytes("f.csv", bytes, opts);
    let (got, _) = streamed(bytes, cuts, opts, retain);
    assert_eq!(got, want, "{label}: cuts {cuts:?}, retain {retain}");
}

/// Every single cut, every byte its own chunk, both with the bytes kept
/// (start again inside) and without (the caller rewinds).
fn check_all_splits(label: &str, bytes: &[u8], opts: &ReadOptions) {
    for retain in [0, 1 << 20] {
        for cut in 0..=bytes.len() {
            check(label, bytes, &[cut], opts, retain);
        }
        let each: Vec<usize> = (1..bytes.len()).collect();
        check(label, bytes, &each, opts, retain);
    }
}

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn cuts(&mut self, len: usize) -> Vec<usize> {
        let mut c: Vec<usize> = (0..self.below(6)).map(|_| self.below(len + 1)).collect();
        c.sort_unstable();
        c
    }
}

fn fixtures() -> Vec<(String, Vec<u8>)> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests");
    let mut out = Vec::new();
    for dir in ["fixtures", "hostile"] {
        let mut paths: Vec<_> = std::fs::read_dir(format!("{root}/{dir}"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        for p in paths {
            out.push((p.display().to_string(), std::fs::read(&p).unwrap()));
        }
    }
    assert!(out.len() >= 19, "fixtures missing: {}", out.len());
    out
}

#[test]
fn every_fixture_at_every_split() {
    for (name, bytes) in fixtures() {
        check_all_splits(&name, &bytes, &ReadOptions::default());
    }
}

#[test]
fn fixtures_with_chosen_encodings_and_delimiters() {
    let choices = [
        ReadOptions {
            encoding: Some("gbk".into()),
            ..ReadOptions::default()
        },
        ReadOptions {
            encoding: Some("utf-16le".into()),
            ..ReadOptions::default()
        },
        ReadOptions {
            encoding: Some("no-such-encoding".into()),
            ..ReadOptions::default()
        },
        ReadOptions {
            delimiter: Some(b';'),
            ..ReadOptions::default()
        },
    ];
    let mut rng = Rng(0x5EED);
    for (name, bytes) in fixtures() {
        for opts in &choices {
            for _ in 0..40 {
                let cuts = rng.cuts(bytes.len());
                check(&name, &bytes, &cuts, opts, 0);
            }
        }
    }
}

/// Tricky inputs written out: each is read at every split.
#[test]
fn tricky_inputs_at_every_split() {
    let gbk_late = {
        // Valid UTF-8 (with Chinese) for a while, then one GBK word: the
        // whole file is GB18030, so the UTF-8 start must be read again.
        let mut b = "id,买家\n".as_bytes().to_vec();
        for i in 0..12 {
            b.extend_from_slice(format!("{i},买{i}\n").as_bytes());
        }
        b.extend_from_slice(b"99,\xC2\xF2\n");
        b
    };
    let mut utf16le = Vec::new();
    for u in "a,b\n1,买\n2,\"x\ny\"\n".encode_utf16() {
        utf16le.extend_from_slice(&u.to_le_bytes());
    }
    let mut utf16be_bom = vec![0xFE, 0xFF];
    for u in "a\tb\r\n1\t买\r\n".encode_utf16() {
        utf16be_bom.extend_from_slice(&u.to_be_bytes());
    }
    let inputs: Vec<(&str, Vec<u8>)> = vec![
        ("crlf", b"a,b\r\n1,2\r\n\r\n3,4\r\n".to_vec()),
        ("lone cr", b"a,b\r1,2\r\r3,4\r".to_vec()),
        (
            "quoted newlines",
            b"a,b\n1,\"x\r\ny\"\n2,\"p\rq\"\n3,z".to_vec(),
        ),
        (
            "doubled quotes",
            b"a,b\n\"\"\"\",\"x\"\"y\"\n\"a\"b,c\n".to_vec(),
        ),
        ("open quote", b"a,b\n1,\"never closed\n2,3\n".to_vec()),
        ("bom twice", "\u{FEFF}\u{FEFF}id\n1\n".as_bytes().to_vec()),
        (
            "utf8 cut chars",
            "列一,列二\n买买,卖卖\n😀,€\n".as_bytes().to_vec(),
        ),
        ("ends inside a char", b"a,b\n1,\xE4\xB9".to_vec()),
        ("bad byte at end", b"a,b\n1,2\n3,\xFF".to_vec()),
        (
            "neither utf8 nor gbk",
            b"a,b\n1,\xFF\xFF\n2,\x80\n".to_vec(),
        ),
        ("gbk late", gbk_late),
        ("utf16le no bom", utf16le),
        ("utf16be bom", utf16be_bom),
        ("nul", b"a,b\n1,2\n3,x\x00y\n".to_vec()),
        ("nul then gbk", b"a,b\n1,x\x00\n2,\xC2\xF2\n".to_vec()),
        (
            "too many columns",
            format!("a\n{}\n", ",".repeat(4200)).into_bytes(),
        ),
        (
            "header too long",
            format!("{},b\n1,2\n", "h".repeat(1100)).into_bytes(),
        ),
        ("blank lines first", b"\n\r\n , \na,b\n\n1,2\n".to_vec()),
        ("overflow", b"a,b\n1,2,3,,\n4,5\n".to_vec()),
        ("header only", b"a;b;c\n".to_vec()),
        ("only line ends", b"\r\n\r\n".to_vec()),
        ("tiny", b"a".to_vec()),
        ("zip magic", b"PK\x03\x04not really a zip".to_vec()),
        ("pipes", b"a|b|c\n1|2|3\n".to_vec()),
        ("gbk in the header", b"\xC2\xF2,b\n1,2\n".to_vec()),
        (
            "gbk blank before the header",
            b" \xA1\xA1 \na,b\n1,2\n".to_vec(),
        ),
        ("header cut inside a char", b"a,\xE4\xB9".to_vec()),
    ];
    // The table checks a cell's bytes only when they are new to its
    // column: the first byte that is not UTF-8 must be found wherever it
    // is, and its line counted as `read_bytes` counts it. After 31 rows,
    // so the delimiter is chosen (and its sample checked) before a cut
    // brings the bad byte.
    let after_rows = |tail: &[u8]| {
        let mut b = b"a,b\n".to_vec();
        for i in 0..31 {
            b.extend_from_slice(format!("{i},x\n").as_bytes());
        }
        b.extend_from_slice(tail);
        b
    };
    let late: Vec<(&str, Vec<u8>)> = vec![
        ("gbk in an extra cell", after_rows(b"1,2,\xC2\xF2\n3,4\n")),
        (
            "gbk in a long value",
            after_rows(b"1,a long value of a cell\n2,a long value of a cell\xC2\xF2\n"),
        ),
        ("gbk after repeats", after_rows(b"3,x\xC2\xF2\n4,x\n")),
        (
            "neither, in quotes after a line end",
            after_rows(b"1,\"x\ny\xFF\xFF\"\n2,z\n"),
        ),
        (
            "neither, in a long value",
            after_rows(b"3,a long value of a cell\xFF\n"),
        ),
        ("neither, cut at the end", after_rows(b"3,\xE4\xB9")),
        ("nul then gbk extra", after_rows(b"1,x\x00\n2,3,\xC2\xF2\n")),
    ];
    for (label, bytes) in late.iter().chain(&inputs) {
        check_all_splits(label, bytes, &ReadOptions::default());
    }
}

/// The delimiter needs 30 complete non-blank lines: here commas and
/// semicolons tie on the first 29 lines (a tie goes to the comma) and
/// semicolons win on the 30th; later lines are not in the sample.
#[test]
fn delimiter_waits_for_thirty_lines() {
    let mut text = String::from("a;b,c\n");
    for _ in 0..28 {
        text.push_str("1;2,3\n");
    }
    text.push_str("4;5\n");
    for _ in 0..5 {
        text.push_str("7,8\n");
    }
    let bytes = text.as_bytes();
    let whole = read_bytes("f.csv", bytes, &ReadOptions::default()).unwrap();
    let mut rng = Rng(7);
    for _ in 0..300 {
        let cuts = rng.cuts(bytes.len());
        check("thirty lines", bytes, &cuts, &ReadOptions::default(), 0);
    }
    check_all_splits("thirty lines", bytes, &ReadOptions::default());
    // Not a vacuous check: the sample's answer depends on its last lines.
    let first_lines = read_bytes("f.csv", &bytes[..29 * 6], &ReadOptions::default()).unwrap();
    assert_eq!(whole.delimiter, Some(b';'));
    assert_eq!(first_lines.delimiter, Some(b','));
}

/// Random text from pieces that matter to the reader, at random splits.
#[test]
fn random_inputs_at_random_splits() {
    let pieces: [&[u8]; 20] = [
        b"a",
        b"12",
        b",",
        b";",
        b"\t",
        b"\"",
        b"\"\"",
        b"\r",
        b"\n",
        b"\r\n",
        b" ",
        "买".as_bytes(),
        "😀".as_bytes(),
        b"\xC2\xF2",
        b"\xFF",
        b"\x81\x30",
        b"\x00",
        "\u{FEFF}".as_bytes(),
        b"\xEF\xBB",
        b"PK",
    ];
    let mut rng = Rng(0xC0FFEE);
    for case in 0..3000 {
        let mut bytes = Vec::new();
        for _ in 0..rng.below(60) {
            bytes.extend_from_slice(pieces[rng.below(pieces.len())]);
        }
        let retain = [0, 4, 1 << 20][case % 3];
        for _ in 0..4 {
            let cuts = rng.cuts(bytes.len());
            check(
                &format!("case {case}: {bytes:?}"),
                &bytes,
                &cuts,
                &ReadOptions::default(),
                retain,
            );
        }
    }
}

/// A file bigger than what the reader keeps: GBK after 100 KB of UTF-8
/// makes it rewind once; a bad GB18030 byte later makes it rewind again.
#[test]
fn late_surprises_rewind_at_most_twice() {
    // ASCII rows: they read the same as GB18030, which UTF-8 Chinese
    // would not (it is not valid GB18030, so the file would stay UTF-8).
    let mut bytes = b"order,buyer\n".to_vec();
    for i in 0..5000 {
        bytes.extend_from_slice(format!("{i},buyer{i}\n").as_bytes());
    }
    let utf8 = bytes.len();
    bytes.extend_from_slice(b"x,\xC2\xF2\n");
    let cuts: Vec<usize> = (1..bytes.len() / 4096).map(|k| k * 4096).collect();
    let opts = ReadOptions::default();
    let (got, rewinds) = streamed(&bytes, &cuts, &opts, 8192);
    let got = got.unwrap();
    assert_eq!(rewinds, 1);
    assert_eq!(got.encoding, "GB18030");
    assert_eq!(Ok(got), read_bytes("f.csv", &bytes, &opts));
    // The same file read with room to keep it: no rewind at all.
    let (_, rewinds) = streamed(&bytes, &cuts, &opts, 1 << 20);
    assert_eq!(rewinds, 0);

    bytes.extend_from_slice(b"y,\xFF\n");
    let (got, rewinds) = streamed(&bytes, &cuts, &opts, 8192);
    let got = got.unwrap();
    assert_eq!(rewinds, 2);
    assert_eq!(got.encoding, "UTF-8");
    assert_eq!(got.warnings.len(), 1, "{:?}", got.warnings);
    // The first bad byte is on the line after the UTF-8 rows.
    assert!(
        got.warnings[0].contains(&format!("row {}", 5002)),
        "{:?}",
        got.warnings
    );
    assert_eq!(Ok(got), read_bytes("f.csv", &bytes, &opts));
    assert!(utf8 > 8192);
}

/// An open quote near the start makes the rest of a big file one field:
/// small chunks must not re-parse it each time (that was quadratic).
#[test]
fn one_long_record_is_linear() {
    let mut bytes = b"a,b\n1,\"".to_vec();
    bytes.extend(std::iter::repeat_n(b'x', 8 << 20));
    let started = std::time::Instant::now();
    let cuts: Vec<usize> = (1..bytes.len() / 1024).map(|k| k * 1024).collect();
    let (got, _) = streamed(&bytes, &cuts, &ReadOptions::default(), 0);
    let t = got.unwrap().table;
    assert_eq!(t.cell(0, 1).len(), 8 << 20);
    // 8,192 chunks re-parsing up to 8 MB each would take minutes.
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
}

/// A column of distinct values is kept as plain text, whose every cell is
/// checked; one of repeated values is kept as codes, and only its new
/// values are. A byte that is not UTF-8 late in either is found, at
/// chunk cuts around it, and its line counted.
#[test]
fn late_bad_bytes_in_plain_and_coded_columns() {
    for (col, bad) in [
        (0, &b"\xC2\xF2"[..]),
        (1, b"\xC2\xF2"),
        (0, b"\xFF"),
        (1, b"\xFF"),
    ] {
        let mut b = b"id,status\n".to_vec();
        for i in 0..5000 {
            b.extend_from_slice(format!("order-{i:05},{}\n", ["paid", "closed"][i % 2]).as_bytes());
        }
        let at = b.len();
        let mut row = [b"order-x".to_vec(), b"paid".to_vec()];
        row[col].extend_from_slice(bad);
        b.extend_from_slice(&[&row[0][..], b",", &row[1], b"\n"].concat());
        b.extend_from_slice(b"order-last,paid\n");
        let want = read_bytes("f.csv", &b, &ReadOptions::default()).unwrap();
        assert!(want.table.codes(0).is_none() && want.table.codes(1).is_some());
        // Not vacuous: GB18030 reads the bad word, or the file is neither
        // and the warning names its line.
        match bad {
            b"\xFF" => assert_eq!(want.warnings.len(), 1, "{:?}", want.warnings),
            _ => assert_eq!(want.encoding, "GB18030"),
        }
        if bad == b"\xFF" {
            assert!(want.warnings[0].contains("row 5002"), "{:?}", want.warnings);
        }
        for cut in [0, 1, at - 1, at, at + 3, at + 8, b.len() - 1] {
            check("late bad byte", &b, &[cut], &ReadOptions::default(), 0);
            check(
                "late bad byte",
                &b,
                &[cut],
                &ReadOptions::default(),
                1 << 20,
            );
        }
        let mut rng = Rng(col as u64 + 3);
        for _ in 0..20 {
            let cuts = rng.cuts(b.len());
            check("late bad byte", &b, &cuts, &ReadOptions::default(), 0);
        }
    }
}
