//! A file read as two parts at once (a `TextReader` on its start, a
//! `PartReader` on the rest) and joined must read exactly as `read_bytes`
//! reads it whole; where the halves cannot be joined, `finish_with` says
//! so and one reader reads on.

use opscalc_core::{
    read_bytes, Fed, Finished, Part, PartReader, PartSpec, ReadError, ReadOptions, ReadResult,
    TextReader,
};

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
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
    /// Increasing cut points inside `0..len`, some of them.
    fn cuts(&mut self, len: usize) -> Vec<usize> {
        let mut c: Vec<usize> = (0..self.below(5)).map(|_| self.below(len + 1)).collect();
        c.sort_unstable();
        c
    }
}

const PLAIN: &[&str] = &[
    "",
    "a",
    "123",
    "张三",
    "x y",
    " pad ",
    "5.25",
    "2024-03-01 10:00",
    "商品",
    "é",
];
const QUOTED: &[&str] = &[
    "\"a,b\"",
    "\"line\nbreak\"",
    "\"cr\r\nlf\"",
    "\"say \"\"hi\"\"\"",
    "\"lone\rcr\"",
    "ab\"c",
    "\"x\"tail",
    "\"\"",
    "\"买,家\n二\"",
];
const ENDS: &[&str] = &[
    "\n", "\n", "\n", "\r\n", "\r\n", "\r", "\n\n", "\r\n\r\n", "\n\r\n",
];

/// A random delimited text: a header, rows of the header's width or not,
/// mixed line ends and blank lines, quoted fields when `quotes`.
fn text(rng: &mut Rng, quotes: bool) -> Vec<u8> {
    let d = if rng.below(4) == 0 { "\t" } else { "," };
    let width = 1 + rng.below(4);
    let mut s = String::new();
    if rng.below(5) == 0 {
        s.push('\u{FEFF}');
    }
    let header: Vec<String> = (0..width).map(|i| format!("列{i}")).collect();
    s.push_str(&header.join(d));
    s.push_str(rng.pick(ENDS));
    for _ in 0..rng.below(60) {
        let n = match rng.below(6) {
            0 => 1 + rng.below(width + 2),
            _ => width,
        };
        let cells: Vec<&str> = (0..n)
            .map(|_| {
                if quotes && rng.below(5) == 0 {
                    rng.pick(QUOTED)
                } else {
                    rng.pick(PLAIN)
                }
            })
            .collect();
        s.push_str(&cells.join(d));
        s.push_str(rng.pick(ENDS));
    }
    if rng.below(4) == 0 {
        s.push_str("last");
        s.push_str(d);
        s.push_str("row");
    }
    s.into_bytes()
}

/// Feeds `bytes` to `r` cut at `cuts` (offsets inside it).
fn feed(r: &mut TextReader, bytes: &[u8], cuts: &[usize]) -> Result<(), ReadError> {
    let mut from = 0;
    for &to in cuts.iter().chain(std::iter::once(&bytes.len())) {
        // Valid UTF-8 with the whole start retained: never a rewind.
        assert_eq!(r.feed(&bytes[from..to], &mut |_| {})?, Fed::More);
        from = to;
    }
    Ok(())
}

fn finish(r: &mut TextReader) -> Result<ReadResult, ReadError> {
    match r.finish(&mut |_| {})? {
        Finished::Done(t) => Ok(*t),
        Finished::Rewind => panic!("rewind with everything retained"),
    }
}

/// Reads `part` with a PartReader, cut at `cuts`.
fn read_part(spec: &PartSpec, part: &[u8], cuts: &[usize]) -> Result<Part, String> {
    let mut p = PartReader::new("f.csv", spec, part.len());
    let mut from = 0;
    for &to in cuts.iter().chain(std::iter::once(&part.len())) {
        p.feed(&part[from..to]).map_err(|e| e.0)?;
        from = to;
    }
    assert_eq!(p.progress().bytes, part.len());
    p.finish().map_err(|e| e.0)
}

#[derive(Debug, PartialEq)]
enum How {
    /// No part spec: one reader all the way.
    NoSpec,
    /// The part reader failed: one reader read on.
    PartFailed,
    /// `finish_with` declined: one reader read on.
    NotJoined,
    Joined,
    /// The first half reported an error at the join.
    Error,
}

/// Reads `bytes` with the first reader on `..split` and a part reader on
/// `split..`, joined, or one reader reading on when they cannot be;
/// checks the result against `read_bytes` and says which way it went.
fn two_readers(bytes: &[u8], split: usize, opts: &ReadOptions, rng: &mut Rng) -> How {
    let want = read_bytes("f.csv", bytes, opts);
    let (head, tail) = bytes.split_at(split);
    let mut r = TextReader::new("f.csv", opts).expect_bytes(bytes.len());
    if let Err(e) = feed(&mut r, head, &rng.cuts(head.len())) {
        assert_eq!(Err(e), want, "split {split}: first half");
        return How::Error;
    }
    let mut how = How::NoSpec;
    if let Some(spec) = r.part_spec() {
        how = How::PartFailed;
        if let Ok(part) = read_part(&spec, tail, &rng.cuts(tail.len())) {
            // Through the transfer encoding, as between workers.
            let part = Part::from_bytes(&part.to_bytes()).expect("a part round-trips");
            match r.finish_with(part, &mut |_| {}) {
                Ok(Some(Finished::Done(got))) => {
                    assert_eq!(Ok(*got), want, "split {split}: joined");
                    return How::Joined;
                }
                Ok(Some(Finished::Rewind)) => panic!("a join never rewinds"),
                Ok(None) => how = How::NotJoined,
                Err(e) => {
                    assert_eq!(Err(e), want, "split {split}: error at the join");
                    return How::Error;
                }
            }
        }
    }
    let got = feed(&mut r, tail, &rng.cuts(tail.len())).and_then(|()| finish(&mut r));
    assert_eq!(got, want, "split {split}: one reader ({how:?})");
    how
}

/// Every split right after a `\n`, with the delimiter detected or given.
fn every_split(bytes: &[u8], rng: &mut Rng) -> Vec<How> {
    let given = ReadOptions {
        delimiter: Some(if bytes.contains(&b'\t') { b'\t' } else { b',' }),
        ..ReadOptions::default()
    };
    let mut hows = Vec::new();
    for opts in [ReadOptions::default(), given] {
        for split in 1..=bytes.len() {
            if bytes[split - 1] == b'\n' {
                hows.push(two_readers(bytes, split, &opts, rng));
            }
        }
    }
    hows
}

#[test]
fn every_split_of_random_texts_reads_as_one_reader() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let count = |hows: &[How], how: How| hows.iter().filter(|&h| *h == how).count();
    let (mut joined, mut declined, mut failed) = (0, 0, 0);
    for i in 0..400 {
        let quotes = i % 2 == 1;
        let bytes = text(&mut rng, quotes);
        let hows = every_split(&bytes, &mut rng);
        if !quotes {
            // Every boundary is plainly a record's end: once the spec is
            // known, each split joins.
            let s = String::from_utf8_lossy(&bytes);
            assert_eq!(count(&hows, How::NotJoined), 0, "{s:?}");
            assert_eq!(count(&hows, How::PartFailed), 0, "{s:?}");
        }
        joined += count(&hows, How::Joined);
        declined += count(&hows, How::NotJoined);
        failed += count(&hows, How::PartFailed);
    }
    eprintln!("joined {joined}, declined {declined}, failed {failed}");
    // The join happens, and so does each way out of it.
    assert!(joined > 5000, "joined {joined}");
    assert!(declined > 100, "declined {declined}");
    assert!(failed < joined, "failed {failed}");
}

/// 40 numbered rows (enough to choose the delimiter) before `rest`.
fn with_rows(rest: &str) -> Vec<u8> {
    let mut s = String::from("单号,备注\n");
    for i in 0..40 {
        s.push_str(&format!("{i},第{i}行\n"));
    }
    s.push_str(rest);
    s.into_bytes()
}

#[test]
fn a_split_inside_a_quoted_field_is_not_joined() {
    let bytes = with_rows("41,\"first\nsecond,\"\"x\"\"\r\nthird\"\n42,z\n\"43\",\"w\n\"\n");
    let at = |s: &str| {
        let text = std::str::from_utf8(&bytes).unwrap();
        text.find(s).unwrap() + s.len()
    };
    let mut rng = Rng(7);
    for opts in [
        ReadOptions::default(),
        ReadOptions {
            delimiter: Some(b','),
            ..ReadOptions::default()
        },
    ] {
        for split in [at("first\n"), at("\r\n"), at("\"w\n")] {
            assert_eq!(
                two_readers(&bytes, split, &opts, &mut rng),
                How::NotJoined,
                "split {split}"
            );
        }
        for split in [at("third\"\n"), at("42,z\n"), bytes.len()] {
            assert_eq!(two_readers(&bytes, split, &opts, &mut rng), How::Joined);
        }
    }
}

#[test]
fn row_numbers_warnings_and_overflow_rows_are_the_whole_files() {
    // Extra cells in both halves (one warning, counting both), an odd
    // quote in the second (the warning counts all quotes), blank lines.
    let bytes = with_rows("\n\n50,x,extra\r\n\r\n51,y\n53,z,more,cells\n52,\"open,\n");
    let want = read_bytes("f.csv", &bytes, &ReadOptions::default()).unwrap();
    assert_eq!(want.warnings.len(), 2, "{:?}", want.warnings);
    let mut rng = Rng(3);
    let split = 4 + bytes.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    assert_eq!(
        two_readers(&bytes, split, &ReadOptions::default(), &mut rng),
        How::Joined
    );
    let text = std::str::from_utf8(&bytes).unwrap();
    let split = text.find("50,").unwrap();
    assert_eq!(
        two_readers(&bytes, split, &ReadOptions::default(), &mut rng),
        How::Joined
    );
}

#[test]
fn a_bom_file_joins_and_encodings_that_are_not_utf8_do_not() {
    let mut rng = Rng(5);
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend(with_rows("41,\u{FEFF}x\n\u{FEFF}42,y\n"));
    let hows = every_split(&bom, &mut rng);
    assert!(hows.iter().filter(|&h| *h == How::Joined).count() > 40);
    assert!(!hows.contains(&How::NotJoined), "{hows:?}");

    let no_spec = |bytes: &[u8], opts: &ReadOptions| {
        let mut r = TextReader::new("f.csv", opts);
        r.feed(bytes, &mut |_| {}).unwrap();
        assert_eq!(r.part_spec(), None);
    };
    // GB18030 (买家 / 张三), UTF-16, a chosen encoding, a spreadsheet.
    let mut gbk = b"\xC2\xF2\xBC\xD2,b\n".to_vec();
    gbk.extend(b"\xD5\xC5\xC8\xFD,1\n".repeat(40));
    no_spec(&gbk, &ReadOptions::default());
    let mut le = vec![0xFF, 0xFE];
    for u in String::from_utf8(with_rows("")).unwrap().encode_utf16() {
        le.extend_from_slice(&u.to_le_bytes());
    }
    no_spec(&le, &ReadOptions::default());
    let chosen = ReadOptions {
        encoding: Some("utf-8".into()),
        ..ReadOptions::default()
    };
    no_spec(&with_rows(""), &chosen);
    no_spec(b"PK\x03\x04 and more of a zip", &ReadOptions::default());
    // Still choosing the delimiter: 3 lines of the 30 it samples.
    no_spec(b"a,b\n1,2\n3,4\n", &ReadOptions::default());
}

#[test]
fn a_second_half_that_is_not_utf8_is_read_by_one_reader() {
    let mut rng = Rng(11);
    // A GBK character late in the file: the whole file is GB18030.
    let mut gbk = with_rows("41,x\n");
    gbk.extend(b"42,\xD5\xC5\xC8\xFD\n");
    // A byte that is neither: UTF-8 with a warning on its line.
    let mut junk = with_rows("41,x\n");
    junk.extend(b"42,\xFF\xFF\xFF\n");
    // A file that ends inside a character.
    let mut cut = with_rows("41,x\n");
    cut.extend(b"42,\xE4\xB9");
    for bytes in [gbk, junk, cut] {
        let split = 1 + bytes.windows(4).position(|w| w == b"\n42,").unwrap();
        let how = two_readers(&bytes, split, &ReadOptions::default(), &mut rng);
        assert_eq!(how, How::PartFailed);
    }
}

#[test]
fn a_part_reader_fails_on_what_one_reader_reads_differently() {
    let spec = PartSpec {
        delimiter: b',',
        headers: vec!["a".into(), "b".into()],
    };
    let fails = |chunks: &[&[u8]]| {
        let mut p = PartReader::new("f.csv", &spec, 0);
        for c in chunks {
            if p.feed(c).is_err() {
                // Failed for good.
                assert!(p.feed(b"1,2\n").is_err());
                return true;
            }
        }
        p.finish().is_err()
    };
    assert!(!fails(&[b"1,2\n", "买,家\n".as_bytes()]));
    // Not UTF-8, whole or cut between chunks.
    assert!(fails(&[b"1,\xC2\xF2\n"]));
    assert!(fails(&[b"1,2\n\xE4", b"\xB9"]));
    assert!(fails(&[b"1,2\n\xE4", b"\xB9", b"\n"]));
    assert!(fails(&[b"1,\xED\xA0\x80\n"]));
    // A character cut between chunks is fine.
    assert!(!fails(&[b"1,\xE4", b"\xB9", b"\xB0\n"]));
    assert!(!fails(&[b"1,\xF0\x9F", b"\x98\x80\n"]));
    // NUL bytes, anywhere in a record.
    assert!(fails(&[b"1,2\x00\n"]));
    assert!(fails(&[b"1,2\n3,\"\x00\"\n"]));
    assert!(fails(&[b"\x00"]));
    // Too many columns.
    let wide = ",".repeat(5000) + "\n";
    assert!(fails(&[wide.as_bytes()]));
}

#[test]
fn an_error_held_back_in_the_first_half_is_not_joined() {
    let mut rng = Rng(13);
    // A NUL byte in the first half: held back while the encoding may
    // still change, so no spec; one reader reports it.
    let bytes = with_rows("41,x\x00\n42,y\n43,z\n");
    let text = std::str::from_utf8(&bytes).unwrap();
    let split = text.find("43").unwrap();
    assert_eq!(
        two_readers(&bytes, split, &ReadOptions::default(), &mut rng),
        How::NoSpec
    );
    let want = read_bytes("f.csv", &bytes, &ReadOptions::default());
    assert_eq!(want.as_ref().unwrap_err().row, Some(42));
    // A spec taken before the error no longer holds at the join.
    let mut r = TextReader::new("f.csv", &ReadOptions::default());
    r.feed(&bytes[..split - 20], &mut |_| {}).unwrap();
    let spec = r.part_spec().unwrap();
    r.feed(&bytes[split - 20..split], &mut |_| {}).unwrap();
    assert_eq!(r.part_spec(), None);
    let part = read_part(&spec, &bytes[split..], &[]).unwrap();
    assert_eq!(r.finish_with(part, &mut |_| {}), Ok(None));
    // With the NUL in the first half's last record, not parsed yet: the
    // join parses it and reports it, as one reader would.
    let split = text.find("42").unwrap();
    let mut r = TextReader::new("f.csv", &ReadOptions::default());
    r.feed(&bytes[..split], &mut |_| {}).unwrap();
    let part = read_part(&r.part_spec().unwrap(), &bytes[split..], &[]).unwrap();
    assert_eq!(
        r.finish_with(part, &mut |_| {}).map(|_| ()),
        want.map(|_| ())
    );
}

#[test]
fn an_error_in_the_first_halfs_last_record_is_reported() {
    let mut rng = Rng(17);
    let wide = format!("41,{}\n", ",".repeat(5000));
    let bytes = with_rows(&format!("{wide}42,y\n"));
    let split = bytes.len() - 5;
    assert_eq!(
        two_readers(&bytes, split, &ReadOptions::default(), &mut rng),
        How::Error
    );
}

#[test]
fn a_part_of_another_file_is_not_joined() {
    let bytes = with_rows("41,x\n");
    let split = bytes.len() - 5;
    let mut r = TextReader::new("f.csv", &ReadOptions::default());
    r.feed(&bytes[..split], &mut |_| {}).unwrap();
    let spec = r.part_spec().unwrap();
    let other = [
        PartSpec {
            delimiter: b';',
            ..spec.clone()
        },
        PartSpec {
            headers: vec!["单号".into()],
            ..spec.clone()
        },
    ];
    for s in &other {
        let part = read_part(s, &bytes[split..], &[]).unwrap();
        assert_eq!(r.finish_with(part, &mut |_| {}), Ok(None));
    }
    let part = read_part(&spec, &bytes[split..], &[]).unwrap();
    // Not where the part starts: the bytes fed end inside a line.
    let mut short = TextReader::new("f.csv", &ReadOptions::default());
    short.feed(&bytes[..split - 1], &mut |_| {}).unwrap();
    assert_eq!(short.finish_with(part.clone(), &mut |_| {}), Ok(None));
    let want = read_bytes("f.csv", &bytes, &ReadOptions::default()).unwrap();
    let got = r.finish_with(part, &mut |_| {}).unwrap();
    assert_eq!(got, Some(Finished::Done(Box::new(want))));
}

#[test]
fn a_join_past_the_cell_limit_is_left_to_one_reader() {
    use opscalc_core::{MAX_CELLS, MAX_COLUMNS};
    // The widest table: each one-cell row is padded to 4,096 cells.
    let header: Vec<String> = (0..MAX_COLUMNS).map(|i| format!("c{i}")).collect();
    let fit = MAX_CELLS / MAX_COLUMNS;
    let mut bytes = header.join(",").into_bytes();
    bytes.push(b'\n');
    bytes.extend(b"1\n".repeat(fit - 1));
    let split = bytes.len();
    bytes.extend(b"2\n3\n");
    let opts = ReadOptions::default();
    let mut r = TextReader::new("f.csv", &opts).expect_bytes(bytes.len());
    r.feed(&bytes[..split], &mut |_| {}).unwrap();
    let spec = r.part_spec().unwrap();
    let part = read_part(&spec, &bytes[split..], &[]).unwrap();
    assert_eq!(r.finish_with(part, &mut |_| {}), Ok(None));
    r.feed(&bytes[split..], &mut |_| {}).unwrap();
    let e = finish(&mut r).unwrap_err();
    assert_eq!(e.row, Some(fit as u32 + 2));
    assert_eq!(Err(e), read_bytes("f.csv", &bytes, &opts));
}

#[test]
fn a_part_round_trips_and_damage_is_an_error() {
    let spec = PartSpec {
        delimiter: b',',
        headers: vec!["单号".into(), "买家".into()],
    };
    let mut p = PartReader::new("f.csv", &spec, 0);
    p.feed("\n1,张三,extra\r\n2,\"李\n四\"\n3\n".as_bytes())
        .unwrap();
    let part = p.finish().unwrap();
    assert_eq!(part.rows(), 3);
    let bytes = part.to_bytes();
    assert_eq!(bytes.len(), part.encoded_len());
    assert_eq!(Part::from_bytes(&bytes), Ok(part.clone()));
    let mut pieces = Vec::new();
    part.write_to(&mut |piece| pieces.extend_from_slice(piece));
    assert_eq!(pieces, bytes);
    for n in 0..bytes.len() {
        assert!(Part::from_bytes(&bytes[..n]).is_err(), "cut at {n}");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(Part::from_bytes(&longer).is_err());
    // Any byte changed: an error or some part, never a panic.
    let mut rng = Rng(19);
    for _ in 0..5000 {
        let mut bad = bytes.clone();
        for _ in 0..1 + rng.below(3) {
            let at = rng.below(bad.len());
            bad[at] = rng.next() as u8;
        }
        let _ = Part::from_bytes(&bad);
    }
    for _ in 0..2000 {
        let len = rng.below(200);
        let mut junk: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        if rng.below(2) == 0 && junk.len() >= 8 {
            junk[..8].copy_from_slice(b"OPSPART1");
        }
        let _ = Part::from_bytes(&junk);
    }
    assert!(Part::from_bytes(b"not a part").is_err());
    // A table buffer is not a part.
    let r = read_bytes("f.csv", b"a\n1\n", &ReadOptions::default()).unwrap();
    assert!(Part::from_bytes(&r.to_bytes()).is_err());
}

#[test]
fn a_split_that_is_not_after_a_line_feed_is_not_joined() {
    // The caller should split right after a `\n`; a split elsewhere is
    // refused, not joined wrongly: after the `\r` of a `\r\n` (one line
    // end, not two), or after a byte that starts a character (with a BOM
    // the decoder holds it back; here it is not even a character, so one
    // reader replaces it and warns).
    let mut crlf = with_rows("41,x\r");
    let split = crlf.len();
    crlf.extend(b"\n42,y\n");
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend(with_rows(""));
    bom.push(0xE4);
    let bom_split = bom.len();
    bom.extend(b"\n42,y\n");
    for (bytes, split) in [(crlf, split), (bom, bom_split)] {
        let want = read_bytes("f.csv", &bytes, &ReadOptions::default());
        let mut r = TextReader::new("f.csv", &ReadOptions::default());
        r.feed(&bytes[..split], &mut |_| {}).unwrap();
        let part = read_part(&r.part_spec().unwrap(), &bytes[split..], &[]).unwrap();
        assert_eq!(r.finish_with(part, &mut |_| {}), Ok(None));
        r.feed(&bytes[split..], &mut |_| {}).unwrap();
        assert_eq!(finish(&mut r), want);
    }
}
