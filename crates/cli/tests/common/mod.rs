//! What the CLI tests share: temp input files and running the real binary.
#![allow(dead_code)] // each test file uses its own subset

use std::path::PathBuf;
use std::process::Command;

/// Writes `text` to a file in a per-suite, per-process temp folder.
pub fn temp_file(suite: &str, name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("opscalc-{suite}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// Runs `opscalc` with `args`: (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_opscalc"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}
