//! CPU time of reading one file whole (`read_bytes`) and in 8 MB chunks
//! (`TextReader`, as the worker feeds it), and a check that both give the
//! same `ReadResult`.
//!
//! `cargo run --release -p opscalc-core --example stream -- FILE [RUNS]`

use opscalc_core::{read_bytes, Fed, Finished, ReadOptions, ReadResult, TextReader};
use std::io::Read;

/// This process's CPU seconds so far (user + system, Linux only).
fn cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat (Linux)");
    let rest = &stat[stat.rfind(')').expect("a stat line") + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f[11].parse::<f64>().expect("utime") + f[12].parse::<f64>().expect("stime");
    ticks / 100.0
}

/// Reads the file from disk in 8 MB chunks straight into the reader.
fn streamed(path: &str) -> ReadResult {
    let mut reader = TextReader::new(path, &ReadOptions::default());
    let mut chunk = vec![0u8; 8 << 20];
    loop {
        let mut file = std::fs::File::open(path).expect("the file opens");
        let mut rewind = false;
        loop {
            let n = file.read(&mut chunk).expect("the file reads");
            if n == 0 {
                break;
            }
            if reader.feed(&chunk[..n], &mut |_| {}).expect("it parses") == Fed::Rewind {
                rewind = true;
                break;
            }
        }
        if rewind {
            continue;
        }
        if let Finished::Done(r) = reader.finish(&mut |_| {}).expect("it parses") {
            return *r;
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).expect("usage: stream FILE [RUNS]");
    let runs: usize = args.get(2).map_or(3, |r| r.parse().expect("RUNS"));
    for run in 1..=runs {
        let t0 = cpu();
        let bytes = std::fs::read(path).expect("the file reads");
        let whole = read_bytes(path, &bytes, &ReadOptions::default()).expect("it parses");
        drop(bytes);
        let t1 = cpu();
        let chunks = streamed(path);
        let t2 = cpu();
        assert!(whole == chunks, "the chunked read differs from read_bytes");
        println!(
            "run {run}: whole {:.2} s, chunked {:.2} s, {} rows, table {:.1} MB, same result",
            t1 - t0,
            t2 - t1,
            chunks.table.len(),
            chunks.table.heap_bytes() as f64 / 1e6
        );
    }
}
