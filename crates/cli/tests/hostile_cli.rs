//! The hostile-input corpus through the built binary: a file that cannot be
//! read exits 2 with one line naming the file (and row and column where
//! there is one); a file that can be read gives its warning; nothing
//! panics or hangs.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn hostile(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/hostile")
        .join(name)
        .display()
        .to_string()
}

fn temp(name: &str, bytes: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("opscalc-hostile-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.display().to_string()
}

fn run(args: &[&str]) -> Output {
    let t = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_opscalc"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        t.elapsed() < Duration::from_secs(30),
        "{args:?} took {:?}",
        t.elapsed()
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    out
}

/// Runs a command that must fail: exit code 2 and exactly this line.
fn fails(args: &[&str], line: &str) {
    let out = run(args);
    assert_eq!(out.status.code(), Some(2), "{args:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("opscalc: {line}\n")
    );
    assert!(out.stdout.is_empty());
}

/// Runs a command that must succeed with --json; returns the object.
fn json(args: &[&str]) -> serde_json::Value {
    let mut a = args.to_vec();
    a.push("--json");
    let out = run(&a);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn warnings(j: &serde_json::Value) -> Vec<String> {
    j["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn unreadable_files_exit_2_with_one_line() {
    for name in ["empty.csv", "bom-only.csv"] {
        let p = hostile(name);
        for cmd in [
            "repurchase",
            "reflow",
            "lifecycle",
            "sell-through",
            "traffic",
        ] {
            fails(
                &[cmd, &p],
                &format!("{p}: the file is empty: no header row"),
            );
        }
    }
    let p = hostile("nul-bytes.csv");
    fails(
        &["repurchase", &p],
        &format!("{p}: row 3, column 买家会员名: the file contains NUL bytes, so it is not a text table (a binary file, or UTF-16 saved without a BOM?); choose the encoding or save it again as CSV"),
    );
    let wide = temp(
        "wide.csv",
        format!("{}\n", vec!["h"; 10_000].join(",")).as_bytes(),
    );
    fails(
        &["repurchase", &wide],
        &format!(
            "{wide}: row 1: 10000 columns; at most 4096 are supported (is this really a table?)"
        ),
    );
    let line = temp("line.csv", &vec![b'x'; 50 << 20]);
    fails(
        &["traffic", &line],
        &format!("{line}: row 1: header 1 is 52428800 bytes long; at most 1024 are supported (is this really a table?)"),
    );
}

#[test]
fn zip_bomb_exits_2_before_unpacking() {
    // One entry that really inflates to 1 MB, copied 1,100 times without
    // recompressing, beside a minimal workbook.
    let mut one = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    one.start_file("pad", deflated).unwrap();
    one.write_all(&vec![0u8; 1 << 20]).unwrap();
    let mut one =
        zip::ZipArchive::new(std::io::Cursor::new(one.finish().unwrap().into_inner())).unwrap();
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    z.start_file("xl/workbook.xml", deflated).unwrap();
    z.write_all(b"<workbook/>").unwrap();
    for i in 0..1100 {
        z.raw_copy_file_rename(one.by_index(0).unwrap(), format!("xl/media/{i}.bin"))
            .unwrap();
    }
    let p = temp("bomb.xlsx", &z.finish().unwrap().into_inner());
    fails(
        &["repurchase", &p],
        &format!(
            "{p}: the spreadsheet would unpack to 1100 MB, over the 1024 MB limit (a zip bomb?)"
        ),
    );
}

#[test]
fn readable_hostile_files_compute_with_their_warning() {
    let p = hostile("header-only.csv");
    let j = json(&["repurchase", &p]);
    assert_eq!(j["rows"]["read"], 0);
    assert_eq!(warnings(&j)[0], format!("{p}: no paid orders to count"));

    for (name, warning) in [
        ("invalid-utf8.csv", "the file is not valid UTF-8 or GBK; undecodable bytes (first at row 3) were replaced by \u{FFFD}"),
        ("mixed-encodings.csv", "the file is not valid UTF-8 or GBK; undecodable bytes (first at row 3) were replaced by \u{FFFD}"),
        ("unbalanced-quote.csv", "the file has an unbalanced quote; rows after it may be merged into one cell"),
        ("duplicate-headers.csv", "row 1 repeats column names; renamed \"实付金额 (2)\" (another \"实付金额\")"),
        ("formulas-errors.xlsx", "2 cells hold spreadsheet errors (first: row 3, column 实付金额: #DIV/0!); they are read as text, so they count as unreadable values"),
    ] {
        let p = hostile(name);
        let j = json(&["repurchase", &p]);
        assert_eq!(warnings(&j)[0], format!("{p}: {warning}"), "{name}");
    }
    // The XLSX's two error cells are unreadable amounts; the formulas'
    // saved values are used.
    let j = json(&["repurchase", &hostile("formulas-errors.xlsx")]);
    assert_eq!(j["rows"]["read"], 5);
    assert_eq!(j["rows"]["excluded"]["bad_number"], 2);
    assert_eq!(j["metrics"]["buyers"], 2);

    // 1900 and 9999: counted, and the cohort matrix is left out.
    let j = json(&["repurchase", &hostile("dates-1900-9999.csv")]);
    assert_eq!(j["metrics"]["orders"], 3);
    assert_eq!(j["metrics"]["repeat_buyers"], 1);
    assert_eq!(
        warnings(&j)[0],
        "the orders span more than 1200 months (a placeholder date such as 9999-12-31?); the cohort matrix is left out"
    );
}

#[test]
fn huge_and_negative_numbers_are_unreadable_cells_not_infinities() {
    // 1e308 twice would sum to infinity; a negative visitor count is not one.
    let p = temp(
        "traffic.csv",
        "日期,渠道,访客数,支付买家数,支付金额,花费\n\
         2024-03-01,搜索,1000,20,1e308,500\n\
         2024-03-02,搜索,-5,30,3000,500\n\
         2024-03-03,搜索,1000,30,3000,500\n"
            .as_bytes(),
    );
    let j = json(&["traffic", &p]);
    assert_eq!(j["rows"]["read"], 3);
    assert_eq!(j["rows"]["used"], 1);
    assert_eq!(j["rows"]["excluded"]["bad_number"], 2);
    assert_eq!(j["metrics"]["revenue"], 3000.0);
    assert_eq!(j["metrics"]["uv"], 1000.0);
    // Orders keep negative amounts (refund lines) and drop the huge ones.
    let j = json(&["repurchase", &hostile("amounts-negative-huge.csv")]);
    assert_eq!(j["rows"]["read"], 4);
}

#[test]
fn formula_injection_is_escaped_in_exports_and_markup_stays_text() {
    let products = temp(
        "products.csv",
        "商家编码,宝贝标题,类目,宝贝状态\n\
         \"=HYPERLINK(\"\"http://evil.example/\"\",\"\"x\"\")\",<script>alert(1)</script>,绿茶,出售中\n\
         @SUM(1+1),+cmd|' /C calc'!A0,绿茶,出售中\n\
         -12,茶,绿茶,出售中\n"
            .as_bytes(),
    );
    let out = temp("unsold.csv", b"");
    let j = json(&["sell-through", &products, "--unsold-csv", &out]);
    assert_eq!(j["metrics"]["online_skus"], 3);
    let csv = std::fs::read_to_string(&out).unwrap();
    assert!(
        csv.contains(
            "\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"x\"\")\",<script>alert(1)</script>"
        ),
        "{csv}"
    );
    assert!(
        csv.contains("\"'@SUM(1+1)\",\"'+cmd|' /C calc'!A0\""),
        "{csv}"
    );
    // A plain negative number is a number, not a formula.
    assert!(csv.contains("\r\n-12,"), "{csv}");
    // Markup in a cell is an ordinary buyer name: the <img> buyer bought
    // twice, the <script> buyer once.
    let j = json(&["repurchase", &hostile("html-script.csv")]);
    assert_eq!(j["metrics"]["buyers"], 2);
    assert_eq!(j["metrics"]["repeat_buyers"], 1);
}
