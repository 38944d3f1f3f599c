//! Time of reading one file with one `TextReader`, against the two halves
//! a browser reads at once: a `TextReader` on the start, a `PartReader` on
//! the rest (from the first line end past the middle), and the join. Run
//! one after the other here, so each half's time is its own; in the
//! browser the halves overlap. Checks that the joined result is the one
//! reader's.
//!
//! `cargo run --release -p opscalc-core --example two_readers -- FILE [RUNS]`

use opscalc_core::{Fed, Finished, Part, PartReader, ReadOptions, ReadResult, TextReader};
use std::time::Instant;

/// As the worker feeds it.
const CHUNK: usize = 8 << 20;

fn one_reader(path: &str, bytes: &[u8]) -> ReadResult {
    let mut r = TextReader::new(path, &ReadOptions::default()).expect_bytes(bytes.len());
    for c in bytes.chunks(CHUNK) {
        assert_eq!(r.feed(c, &mut |_| {}).expect("it parses"), Fed::More);
    }
    match r.finish(&mut |_| {}).expect("it parses") {
        Finished::Done(t) => *t,
        Finished::Rewind => panic!("a rewind: the file is not UTF-8"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).expect("usage: two_readers FILE [RUNS]");
    let runs: usize = args.get(2).map_or(3, |r| r.parse().expect("RUNS"));
    let bytes = std::fs::read(path).expect("the file reads");
    let mid = bytes.len() / 2;
    let split = mid
        + 1
        + bytes[mid..]
            .iter()
            .position(|&b| b == b'\n')
            .expect("a line end");
    for run in 1..=runs {
        let t = Instant::now();
        let whole = one_reader(path, &bytes);
        let serial = t.elapsed().as_secs_f64();

        let t = Instant::now();
        let mut first = TextReader::new(path, &ReadOptions::default()).expect_bytes(bytes.len());
        for c in bytes[..split].chunks(CHUNK) {
            first.feed(c, &mut |_| {}).expect("it parses");
        }
        let spec = first.part_spec().expect("a part spec");
        let head = t.elapsed().as_secs_f64();

        let t = Instant::now();
        let mut second = PartReader::new(path, &spec, bytes.len() - split);
        for c in bytes[split..].chunks(CHUNK) {
            second.feed(c).expect("the part reads");
        }
        let part = second.finish().expect("the part reads");
        let tail = t.elapsed().as_secs_f64();

        // Between workers the part goes through one buffer.
        let t = Instant::now();
        let buffer = part.to_bytes();
        drop(part);
        let encode = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let part = Part::from_bytes(&buffer).expect("it decodes");
        drop(buffer);
        let decode = t.elapsed().as_secs_f64();

        let t = Instant::now();
        let joined = match first.finish_with(part, &mut |_| {}).expect("it joins") {
            Some(Finished::Done(r)) => *r,
            _ => panic!("not joined"),
        };
        let join = t.elapsed().as_secs_f64();
        assert!(joined == whole, "the joined read differs from one reader's");
        println!(
            "run {run}: one reader {serial:.3} s; first half {head:.3} s, second half {tail:.3} s, \
             part encoded {encode:.3} s, decoded {decode:.3} s, join {join:.3} s; {} rows, same result",
            whole.table.len()
        );
    }
}
