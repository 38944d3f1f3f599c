//! The spreadsheet reader's errors and the browser's own failures (the
//! import worker, the calculation engine) in Chinese, from their core
//! templates (`opscalc_core::notice::ERRORS`). `error_text::error_in`
//! finds the template and the place (`file: `); this says the message.
//! A reason the core got from a library or the browser (`{detail}`, in
//! English) is kept as it came, inside the translated sentence.

use crate::format::number_in;
use crate::i18n::Lang;

/// A recognised message's values by name, written for a Chinese reader:
/// shared by the failure texts here and the reader's errors
/// (`error_text`).
pub(crate) struct Values<'a> {
    pub values: &'a [(&'static str, String)],
    pub lang: Lang,
}

impl Values<'_> {
    /// The value called `name` as it came ("" when absent).
    pub fn v(&self, name: &str) -> &str {
        self.values
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    }

    /// A count, with the reader's digit grouping (as it came if it is not
    /// a whole number).
    pub fn n(&self, name: &str) -> String {
        match self.v(name).parse::<u64>() {
            Ok(x) => number_in(x as f64, self.lang),
            Err(_) => self.v(name).to_string(),
        }
    }

    /// Quoted the way the reader's script quotes.
    pub fn q(&self, s: &str) -> String {
        if self.lang == Lang::ZhTw {
            format!("「{s}」")
        } else {
            format!("“{s}”")
        }
    }

    /// The Simplified or the Traditional sentence.
    pub fn zh(&self, cn: String, tw: String) -> String {
        if self.lang == Lang::ZhTw {
            tw
        } else {
            cn
        }
    }
}

/// A failure message in Chinese from its template key and values, without
/// the final stop; `None` for a key this does not know (or English).
///
/// # Example
/// ```
/// use opscalc_core::notice::{recognise_error, zip_bomb};
/// use opscalc_web::{failure_text::message_in, i18n::Lang};
/// let (n, values) = recognise_error(&zip_bomb(1100 << 20, 1 << 30)).unwrap();
/// assert_eq!(
///     message_in(n.key, &values, Lang::Zh).unwrap(),
///     "电子表格解压后会有 1,100 MB，超过 1,024 MB 的上限（是压缩炸弹吗？）"
/// );
/// ```
pub fn message_in(key: &str, values: &[(&'static str, String)], lang: Lang) -> Option<String> {
    if lang == Lang::En {
        return None;
    }
    let x = Values { values, lang };
    let v = |name: &str| x.v(name);
    let n = |name: &str| x.n(name);
    let q = |s: &str| x.q(s);
    let zh = |cn: String, tw: String| x.zh(cn, tw);
    let (file, detail) = (v("file"), v("detail"));
    Some(match key {
        "spreadsheet_unreadable" => zh(
            format!("无法读取电子表格：{detail}"),
            format!("無法讀取試算表：{detail}"),
        ),
        "not_a_zip" => zh(
            format!("不是有效的 XLSX（ZIP）文件：{detail}"),
            format!("不是有效的 XLSX（ZIP）檔案：{detail}"),
        ),
        "zip_bomb" => zh(
            format!(
                "电子表格解压后会有 {} MB，超过 {} MB 的上限（是压缩炸弹吗？）",
                n("mb"),
                n("max_mb")
            ),
            format!(
                "試算表解壓縮後會有 {} MB，超過 {} MB 的上限（是壓縮炸彈嗎？）",
                n("mb"),
                n("max_mb")
            ),
        ),
        "undeclared_size" => zh(
            "电子表格没有声明解压后的大小；请用 Excel 重新保存".into(),
            "試算表沒有宣告解壓縮後的大小；請用 Excel 重新儲存".into(),
        ),
        "backwards_range" => zh(
            format!(
                "工作表 {} 声明了一个反向的范围{}；请用 Excel 重新保存",
                v("part"),
                q(v("range"))
            ),
            format!(
                "工作表 {} 宣告了反向的範圍{}；請用 Excel 重新儲存",
                v("part"),
                q(v("range"))
            ),
        ),
        "sheet_unreadable" => zh(
            format!("无法读取工作表{}：{detail}", q(v("sheet"))),
            format!("無法讀取工作表{}：{detail}", q(v("sheet"))),
        ),
        "no_such_sheet" => zh(
            format!(
                "没有名为{}的工作表；文件中的工作表：{}",
                q(v("sheet")),
                v("sheets")
            ),
            format!(
                "沒有名為{}的工作表；檔案中的工作表：{}",
                q(v("sheet")),
                v("sheets")
            ),
        ),
        "no_sheets" => zh(
            "电子表格里没有工作表".into(),
            "試算表裡沒有工作表".into(),
        ),
        "sheet_too_many_cells" => zh(
            format!("工作表超过 {} 个单元格；请拆分文件", n("max")),
            format!("工作表超過 {} 個儲存格；請分割檔案", n("max")),
        ),
        "sheet_too_many_columns" => zh(
            format!("{} 列；最多支持 {} 列", n("columns"), n("max")),
            format!("{} 欄；最多支援 {} 欄", n("columns"), n("max")),
        ),
        "empty_sheet" => zh(
            format!("工作表{}是空的：没有表头行", q(v("sheet"))),
            format!("工作表{}是空的：沒有標題列", q(v("sheet"))),
        ),
        "no_file_given" => zh(
            "导入线程没有收到文件".into(),
            "匯入執行緒沒有收到檔案".into(),
        ),
        "file_too_big" => zh(
            format!(
                "{file}：文件有 {} MB；浏览器最多能读取 {} MB 的文件。更大的文件请用 opscalc 命令行处理",
                n("mb"),
                n("max_mb")
            ),
            format!(
                "{file}：檔案有 {} MB；瀏覽器最多能讀取 {} MB 的檔案。更大的檔案請用 opscalc 命令列處理",
                n("mb"),
                n("max_mb")
            ),
        ),
        "cannot_read_file" => zh(
            format!("{file}：浏览器无法读取这个文件（文件是否已被移动或删除？）"),
            format!("{file}：瀏覽器無法讀取這個檔案（檔案是否已被移動或刪除？）"),
        ),
        "engine_busy" => zh("计算引擎正忙".into(), "計算引擎忙碌中".into()),
        "import_worker_cannot_start" => zh(
            format!("{file}：导入线程无法在这个浏览器中启动"),
            format!("{file}：匯入執行緒無法在這個瀏覽器中啟動"),
        ),
        "import_stopped" => zh(
            format!("{file}：导入意外停止（{detail}）；之前的数据仍然保留"),
            format!("{file}：匯入意外停止（{detail}）；先前的資料仍然保留"),
        ),
        "import_crashed" => zh(
            format!("{file}：导入意外停止（导入线程崩溃了）；之前的数据仍然保留"),
            format!("{file}：匯入意外停止（匯入執行緒當掉了）；先前的資料仍然保留"),
        ),
        "data_not_loaded" => zh(
            "这项计算的数据已不在内存中；请重新导入".into(),
            "這項計算的資料已不在記憶體中；請重新匯入".into(),
        ),
        "wrong_answer" => zh(
            "计算引擎返回了另一项计算的结果".into(),
            "計算引擎傳回了另一項計算的結果".into(),
        ),
        "engine_cannot_start" => zh(
            "计算引擎无法在这个浏览器中启动".into(),
            "計算引擎無法在這個瀏覽器中啟動".into(),
        ),
        "calculation_stopped" => zh(
            format!("计算意外停止（{detail}）；数据仍然保留——修改任一设置即可重试"),
            format!("計算意外停止（{detail}）；資料仍然保留——修改任一設定即可重試"),
        ),
        "calculation_crashed" => zh(
            "计算意外停止（计算线程崩溃了）；数据仍然保留——修改任一设置即可重试".into(),
            "計算意外停止（計算執行緒當掉了）；資料仍然保留——修改任一設定即可重試".into(),
        ),
        "workspace_not_found" => zh(
            format!("找不到工作区{}", q(v("workspace"))),
            format!("找不到工作區{}", q(v("workspace"))),
        ),
        "workspace_unreadable" => zh(
            format!("工作区{}无法读取", q(v("workspace"))),
            format!("工作區{}無法讀取", q(v("workspace"))),
        ),
        "unmapped" => {
            let label = |key: &str| {
                opscalc_core::Role::from_key(key).map_or_else(
                    || key.to_string(),
                    |r| crate::components::import_panel::role_label(r, lang),
                )
            };
            let role = match v("role").split_once(" or ") {
                Some((a, b)) => zh(
                    format!("{}或{}", label(a), label(b)),
                    format!("{}或{}", label(a), label(b)),
                ),
                None => label(v("role")),
            };
            zh(
                format!("没有一列映射为{role}：请映射一列"),
                format!("沒有一欄對應為{role}：請對應一欄"),
            )
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use crate::error_text::error_in;
    use crate::i18n::Lang;
    use opscalc_core::notice::{self, ERRORS};
    use opscalc_core::{read_bytes, ReadError, ReadOptions, MAX_CELLS};

    /// `error` in zh-CN and zh-TW, and unchanged in English.
    fn said(error: &str, cn: &str, tw: &str) {
        assert_eq!(error_in(error, Lang::Zh), cn, "zh-CN of {error}");
        assert_eq!(error_in(error, Lang::ZhTw), tw, "zh-TW of {error}");
        assert_eq!(error_in(error, Lang::En), error);
    }

    /// `error` in both Chinese languages starts with `cn` / `tw` and keeps
    /// the library's own reason `detail` (English) inside.
    fn said_with_detail(error: &str, cn: &str, tw: &str, detail: &str) {
        for (lang, start) in [(Lang::Zh, cn), (Lang::ZhTw, tw)] {
            let t = error_in(error, lang);
            assert!(t.starts_with(start), "{lang:?}: {t} (from {error})");
            assert!(t.ends_with(&format!("{detail}。")), "{lang:?}: {t}");
        }
        assert_eq!(error_in(error, Lang::En), error);
    }

    fn read_err(name: &str, bytes: &[u8], sheet: Option<&str>) -> String {
        let opts = ReadOptions {
            sheet: sheet.map(str::to_string),
            ..Default::default()
        };
        match read_bytes(name, bytes, &opts) {
            Ok(_) => panic!("{name} was read"),
            Err(e) => e.to_string(),
        }
    }

    /// The CRC-32 zip files carry (the zip reader checks it when an entry
    /// is read to its end).
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    /// One zip entry: its name, stored bytes, the unpacked size it
    /// declares (its length when `None`) and its general-purpose flags.
    struct Entry<'a> {
        name: &'a str,
        data: &'a [u8],
        declared: Option<u32>,
        flags: u16,
    }

    fn stored<'a>(name: &'a str, data: &'a str) -> Entry<'a> {
        Entry {
            name,
            data: data.as_bytes(),
            declared: None,
            flags: 0,
        }
    }

    /// A zip archive written by hand (the web crate has no zip writer):
    /// local headers, the central directory and its end record.
    fn zip(entries: &[Entry]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for e in entries {
            let offset = out.len() as u32;
            // A declared size unlike the data's is a deflated entry.
            let method: u16 = if e.declared.is_some() { 8 } else { 0 };
            let size = e.data.len() as u32;
            let unpacked = e.declared.unwrap_or(size);
            let crc = if e.declared.is_some() {
                0
            } else {
                crc32(e.data)
            };
            let mut fields = Vec::new();
            fields.extend_from_slice(&e.flags.to_le_bytes());
            fields.extend_from_slice(&method.to_le_bytes());
            fields.extend_from_slice(&0u16.to_le_bytes()); // time
            fields.extend_from_slice(&0x21u16.to_le_bytes()); // 1980-01-01
            fields.extend_from_slice(&crc.to_le_bytes());
            fields.extend_from_slice(&size.to_le_bytes());
            fields.extend_from_slice(&unpacked.to_le_bytes());
            fields.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
            fields.extend_from_slice(&0u16.to_le_bytes()); // extra
            out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
            out.extend_from_slice(&20u16.to_le_bytes());
            out.extend_from_slice(&fields);
            out.extend_from_slice(e.name.as_bytes());
            out.extend_from_slice(e.data);
            central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
            central.extend_from_slice(&20u16.to_le_bytes());
            central.extend_from_slice(&20u16.to_le_bytes());
            central.extend_from_slice(&fields);
            // Comment length, disk, internal and external attributes.
            central.extend_from_slice(&[0; 6]);
            central.extend_from_slice(&0u32.to_le_bytes());
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(e.name.as_bytes());
        }
        let at = out.len() as u32;
        out.extend_from_slice(&central);
        out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        out.extend_from_slice(&[0; 4]);
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        out.extend_from_slice(&(central.len() as u32).to_le_bytes());
        out.extend_from_slice(&at.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }

    const NS: &str = r#"xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main""#;
    const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

    /// A minimal XLSX with the given `<sheets>` and first worksheet body.
    fn xlsx(sheets: &str, sheet: &str) -> Vec<u8> {
        let types = r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>"#;
        let rels = format!(
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
        );
        let workbook = format!(
            r#"<?xml version="1.0"?><workbook {NS} xmlns:r="{REL}"><sheets>{sheets}</sheets></workbook>"#
        );
        let workbook_rels = format!(
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
        );
        let sheet = format!(r#"<?xml version="1.0"?><worksheet {NS}>{sheet}</worksheet>"#);
        zip(&[
            stored("[Content_Types].xml", types),
            stored("_rels/.rels", &rels),
            stored("xl/workbook.xml", &workbook),
            stored("xl/_rels/workbook.xml.rels", &workbook_rels),
            stored("xl/worksheets/sheet1.xml", &sheet),
        ])
    }

    const ONE_SHEET: &str = r#"<sheet name="订单" sheetId="1" r:id="rId1"/>"#;

    #[test]
    fn a_zip_bomb_is_refused_in_chinese_with_its_numbers() {
        // Declares 3,840 MiB unpacked in two bytes: refused before
        // anything is unpacked, so the bytes need not inflate.
        let bomb = zip(&[
            stored("xl/workbook.xml", "<workbook/>"),
            Entry {
                name: "xl/media/pad.bin",
                data: &[3, 0],
                declared: Some(0xF000_0000),
                flags: 0,
            },
        ]);
        let e = read_err("bomb.xlsx", &bomb, None);
        assert_eq!(
            e,
            "bomb.xlsx: the spreadsheet would unpack to 3840 MB, over the 1024 MB limit (a zip bomb?)"
        );
        said(
            &e,
            "bomb.xlsx：电子表格解压后会有 3,840 MB，超过 1,024 MB 的上限（是压缩炸弹吗？）。",
            "bomb.xlsx：試算表解壓縮後會有 3,840 MB，超過 1,024 MB 的上限（是壓縮炸彈嗎？）。",
        );
    }

    #[test]
    fn zip_level_errors() {
        // Bit 3: the sizes follow the data, so nothing is declared up front.
        let streamed = zip(&[Entry {
            name: "xl/workbook.xml",
            data: b"<workbook/>",
            declared: None,
            flags: 0x08,
        }]);
        let e = read_err("s.xlsx", &streamed, None);
        assert_eq!(
            e,
            "s.xlsx: the spreadsheet does not declare its unpacked size; save it again from Excel"
        );
        said(
            &e,
            "s.xlsx：电子表格没有声明解压后的大小；请用 Excel 重新保存。",
            "s.xlsx：試算表沒有宣告解壓縮後的大小；請用 Excel 重新儲存。",
        );

        let e = read_err("z.xlsx", b"PK\x03\x04 not really a zip", None);
        let detail = e
            .strip_prefix("z.xlsx: not a valid XLSX (zip) file: ")
            .unwrap_or_else(|| panic!("{e}"));
        said_with_detail(
            &e,
            "z.xlsx：不是有效的 XLSX（ZIP）文件：",
            "z.xlsx：不是有效的 XLSX（ZIP）檔案：",
            detail,
        );

        // A zip that is no spreadsheet at all.
        let e = read_err("n.xlsx", &zip(&[stored("a.txt", "hello")]), None);
        let detail = e
            .strip_prefix("n.xlsx: cannot read the spreadsheet: ")
            .unwrap_or_else(|| panic!("{e}"));
        said_with_detail(
            &e,
            "n.xlsx：无法读取电子表格：",
            "n.xlsx：無法讀取試算表：",
            detail,
        );

        let back = xlsx(ONE_SHEET, r#"<dimension ref="B3:A1"/><sheetData/>"#);
        let e = read_err("back.xlsx", &back, None);
        assert_eq!(
            e,
            "back.xlsx: the sheet xl/worksheets/sheet1.xml declares a backwards range \"B3:A1\"; save it again from Excel"
        );
        said(
            &e,
            "back.xlsx：工作表 xl/worksheets/sheet1.xml 声明了一个反向的范围“B3:A1”；请用 Excel 重新保存。",
            "back.xlsx：工作表 xl/worksheets/sheet1.xml 宣告了反向的範圍「B3:A1」；請用 Excel 重新儲存。",
        );
    }

    #[test]
    fn sheet_errors() {
        let good = xlsx(
            ONE_SHEET,
            r#"<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>买家</t></is></c></row></sheetData>"#,
        );
        let e = read_err("o.xlsx", &good, Some("Sheet9"));
        assert_eq!(e, "o.xlsx: no sheet named \"Sheet9\"; sheets: 订单");
        said(
            &e,
            "o.xlsx：没有名为“Sheet9”的工作表；文件中的工作表：订单。",
            "o.xlsx：沒有名為「Sheet9」的工作表；檔案中的工作表：订单。",
        );

        let e = read_err("e.xlsx", &xlsx(ONE_SHEET, "<sheetData/>"), None);
        assert_eq!(e, "e.xlsx: sheet \"订单\" is empty: no header row");
        said(
            &e,
            "e.xlsx：工作表“订单”是空的：没有表头行。",
            "e.xlsx：工作表「订单」是空的：沒有標題列。",
        );

        // A1 and XFD1: 16,384 columns.
        let wide = xlsx(
            ONE_SHEET,
            r#"<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>buyer</t></is></c><c r="XFD1"><v>1</v></c></row></sheetData>"#,
        );
        let e = read_err("w.xlsx", &wide, None);
        assert_eq!(e, "w.xlsx: 16384 columns; at most 4096 are supported");
        said(
            &e,
            "w.xlsx：16,384 列；最多支持 4,096 列。",
            "w.xlsx：16,384 欄；最多支援 4,096 欄。",
        );

        // A shared-string cell in a file without shared strings.
        let broken = xlsx(
            ONE_SHEET,
            r#"<sheetData><row r="1"><c r="A1" t="s"><v>5</v></c></row></sheetData>"#,
        );
        let e = read_err("b.xlsx", &broken, None);
        let detail = e
            .strip_prefix("b.xlsx: cannot read sheet \"订单\": ")
            .unwrap_or_else(|| panic!("{e}"));
        said_with_detail(
            &e,
            "b.xlsx：无法读取工作表“订单”：",
            "b.xlsx：無法讀取工作表「订单」：",
            detail,
        );

        let e = read_err("none.xlsx", &xlsx("", "<sheetData/>"), None);
        assert_eq!(e, "none.xlsx: the spreadsheet has no sheets");
        said(
            &e,
            "none.xlsx：电子表格里没有工作表。",
            "none.xlsx：試算表裡沒有工作表。",
        );

        // 120 million cells are too many to build here: the reader's
        // error as it makes it (`SheetCells::push`).
        let e = ReadError::at(
            "big.xlsx",
            Some(9_000_001),
            None,
            &notice::sheet_too_many_cells(MAX_CELLS),
        )
        .to_string();
        assert_eq!(
            e,
            "big.xlsx: row 9000001: the sheet has over 120000000 cells; split the file"
        );
        said(
            &e,
            "big.xlsx：第 9000001 行：工作表超过 120,000,000 个单元格；请拆分文件。",
            "big.xlsx：第 9000001 列：工作表超過 120,000,000 個儲存格；請分割檔案。",
        );
    }

    #[test]
    fn import_worker_failures() {
        // The worker's and the page's messages, as their producing sites
        // make them (those sites run only in a browser).
        said(
            &notice::file_too_big("大.csv", 2.2e9, 1.5e9),
            "大.csv：文件有 2,200 MB；浏览器最多能读取 1,500 MB 的文件。更大的文件请用 opscalc 命令行处理。",
            "大.csv：檔案有 2,200 MB；瀏覽器最多能讀取 1,500 MB 的檔案。更大的檔案請用 opscalc 命令列處理。",
        );
        said(
            &notice::cannot_read_file("o.csv"),
            "o.csv：浏览器无法读取这个文件（文件是否已被移动或删除？）。",
            "o.csv：瀏覽器無法讀取這個檔案（檔案是否已被移動或刪除？）。",
        );
        said(
            notice::NO_FILE_GIVEN.en,
            "导入线程没有收到文件。",
            "匯入執行緒沒有收到檔案。",
        );
        said(
            &notice::import_worker_cannot_start("o.csv"),
            "o.csv：导入线程无法在这个浏览器中启动。",
            "o.csv：匯入執行緒無法在這個瀏覽器中啟動。",
        );
        said(
            &notice::import_stopped("a: b.csv", "RangeError: Out of memory"),
            "a: b.csv：导入意外停止（RangeError: Out of memory）；之前的数据仍然保留。",
            "a: b.csv：匯入意外停止（RangeError: Out of memory）；先前的資料仍然保留。",
        );
        said(
            &notice::import_stopped("o.csv", ""),
            "o.csv：导入意外停止（导入线程崩溃了）；之前的数据仍然保留。",
            "o.csv：匯入意外停止（匯入執行緒當掉了）；先前的資料仍然保留。",
        );
    }

    #[test]
    fn engine_failures() {
        // A table the engine no longer holds, through the page's engine.
        let got = std::rc::Rc::new(std::cell::RefCell::new(None));
        let g = got.clone();
        crate::engine::call(
            opscalc_core::Request::Repurchase {
                orders: opscalc_core::TableRef {
                    id: u32::MAX,
                    mapping: Default::default(),
                },
                order_options: Default::default(),
                options: Default::default(),
            },
            move |r| *g.borrow_mut() = Some(r),
        );
        let Some(Err(e)) = got.borrow_mut().take() else {
            panic!("a missing table was answered")
        };
        said(
            &e,
            "这项计算的数据已不在内存中；请重新导入。",
            "這項計算的資料已不在記憶體中；請重新匯入。",
        );
        said(notice::ENGINE_BUSY.en, "计算引擎正忙。", "計算引擎忙碌中。");
        said(
            notice::WRONG_ANSWER.en,
            "计算引擎返回了另一项计算的结果。",
            "計算引擎傳回了另一項計算的結果。",
        );
        said(
            notice::ENGINE_CANNOT_START.en,
            "计算引擎无法在这个浏览器中启动。",
            "計算引擎無法在這個瀏覽器中啟動。",
        );
        said(
            &notice::calculation_stopped("unreachable"),
            "计算意外停止（unreachable）；数据仍然保留——修改任一设置即可重试。",
            "計算意外停止（unreachable）；資料仍然保留——修改任一設定即可重試。",
        );
        said(
            &notice::calculation_stopped(""),
            "计算意外停止（计算线程崩溃了）；数据仍然保留——修改任一设置即可重试。",
            "計算意外停止（計算執行緒當掉了）；資料仍然保留——修改任一設定即可重試。",
        );
    }

    #[test]
    fn sql_needs_a_mapped_column() {
        let t = opscalc_core::Table::from_rows("o.csv", &["单号", "时间"], &[]);
        let mapping = opscalc_core::Mapping::default();
        let f = opscalc_core::SqlFile {
            path: "o.csv",
            headers: t.headers(),
            mapping: &mapping,
        };
        let e = opscalc_core::repurchase_sql(
            opscalc_core::Dialect::DuckDb,
            &f,
            &Default::default(),
            &Default::default(),
        )
        .unwrap_err();
        assert_eq!(e, "o.csv: no column is mapped as buyer_id: map one");
        said(
            &e,
            "o.csv：没有一列映射为买家ID (buyer_id)：请映射一列。",
            "o.csv：沒有一欄對應為買家 ID (buyer_id)：請對應一欄。",
        );
        said(
            &format!("o.csv: {}", notice::unmapped("paid_at or created_at")),
            "o.csv：没有一列映射为付款时间 (paid_at)或创建时间 (created_at)：请映射一列。",
            "o.csv：沒有一欄對應為付款時間 (paid_at)或建立時間 (created_at)：請對應一欄。",
        );
    }

    #[test]
    fn workspace_problems() {
        let gone = notice::WORKSPACE_NOT_FOUND.fill(&[("workspace", &"周一")]);
        said(&gone, "找不到工作区“周一”。", "找不到工作區「周一」。");
        assert_eq!(
            crate::persist::PersistError::Other(gone).message(Lang::ZhTw),
            "儲存到此瀏覽器失敗：找不到工作區「周一」。"
        );
        said(
            &notice::WORKSPACE_UNREADABLE.fill(&[("workspace", &"a: b")]),
            "工作区“a: b”无法读取。",
            "工作區「a: b」無法讀取。",
        );
    }

    #[test]
    fn every_new_template_has_both_chinese_texts() {
        // `error_text`'s test checks every template has a translation; this
        // checks the two Chinese texts differ where the words do.
        for n in ERRORS {
            let values: Vec<(&'static str, String)> =
                n.names().into_iter().map(|k| (k, "1".into())).collect();
            let (Some(cn), Some(tw)) = (
                super::message_in(n.key, &values, Lang::Zh),
                super::message_in(n.key, &values, Lang::ZhTw),
            ) else {
                continue;
            };
            assert_ne!(cn, tw, "{}", n.key);
        }
    }
}
