//! Every warning the core writes, in English, in one place.
//!
//! A warning is a [`Notice`]: a stable key and an English template where
//! `{name}` marks a value (a file name, a count, a date, cell text). The
//! readers and calculators build their warnings only through the functions
//! here, so the CLI's and the JSON's wording comes from these templates and
//! nowhere else. The browser app recognises a warning with [`recognise`]
//! (the inverse of [`Notice::fill`]) and says it in Chinese from the key
//! and the values; [`NOTICES`] lists every template so a test can require
//! a translation for each.

use std::fmt::Display;

/// One kind of warning: a stable key and its English template.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Notice {
    /// A stable name for translations (`extra_cells`, ...).
    pub key: &'static str,
    /// The English sentence; `{name}` marks a value.
    pub en: &'static str,
}

/// A piece of a template: literal text or a named value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Piece {
    Text(&'static str),
    Value(&'static str),
}

fn pieces(template: &'static str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        if open > 0 {
            out.push(Piece::Text(&rest[..open]));
        }
        out.push(Piece::Value(&rest[open + 1..close]));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}

/// Matches `s` against pieces, collecting values; tries every place a
/// value could end, so a file name holding the template's own words still
/// matches.
fn match_pieces(ps: &[Piece], s: &str, out: &mut Vec<(&'static str, String)>) -> bool {
    match ps {
        [] => s.is_empty(),
        [Piece::Text(t), rest @ ..] => s
            .strip_prefix(t)
            .is_some_and(|after| match_pieces(rest, after, out)),
        [Piece::Value(name)] => {
            out.push((name, s.to_string()));
            true
        }
        [Piece::Value(name), Piece::Text(t), ..] => {
            for (at, _) in s.match_indices(t) {
                out.push((name, s[..at].to_string()));
                if match_pieces(&ps[1..], &s[at..], out) {
                    return true;
                }
                out.pop();
            }
            false
        }
        // Two values side by side cannot be told apart; templates avoid it
        // (a test checks).
        [Piece::Value(_), Piece::Value(_), ..] => false,
    }
}

impl Notice {
    /// The names of the template's values, in order.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::notice::NO_PAID_ORDERS;
    /// assert_eq!(NO_PAID_ORDERS.names(), vec!["file"]);
    /// ```
    pub fn names(&self) -> Vec<&'static str> {
        pieces(self.en)
            .into_iter()
            .filter_map(|p| match p {
                Piece::Value(n) => Some(n),
                Piece::Text(_) => None,
            })
            .collect()
    }

    /// The sentence with each `{name}` replaced by its value (a name
    /// without a value is left empty).
    ///
    /// # Example
    /// ```
    /// use opscalc_core::notice::NO_PAID_ORDERS;
    /// assert_eq!(NO_PAID_ORDERS.fill(&[("file", &"o.csv")]), "o.csv: no paid orders to count");
    /// ```
    pub fn fill(&self, values: &[(&str, &dyn Display)]) -> String {
        let mut out = String::new();
        for p in pieces(self.en) {
            match p {
                Piece::Text(t) => out.push_str(t),
                Piece::Value(n) => {
                    if let Some((_, v)) = values.iter().find(|(k, _)| *k == n) {
                        out.push_str(&v.to_string());
                    }
                }
            }
        }
        out
    }

    /// The values of a sentence made from this template, by name, or
    /// `None` when the sentence is not one of this template's.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::notice::NO_PAID_ORDERS;
    /// assert_eq!(
    ///     NO_PAID_ORDERS.parse("o.csv: no paid orders to count"),
    ///     Some(vec![("file", "o.csv".to_string())])
    /// );
    /// assert_eq!(NO_PAID_ORDERS.parse("something else"), None);
    /// ```
    pub fn parse(&self, sentence: &str) -> Option<Vec<(&'static str, String)>> {
        let mut out = Vec::new();
        match_pieces(&pieces(self.en), sentence, &mut out).then_some(out)
    }

    /// How much fixed text the template has: among templates that match a
    /// sentence the one with the most is the most specific.
    fn fixed_len(&self) -> usize {
        pieces(self.en)
            .iter()
            .map(|p| match p {
                Piece::Text(t) => t.len(),
                Piece::Value(_) => 0,
            })
            .sum()
    }
}

/// The notice a warning was made from and its values, or `None` for a
/// sentence no template makes.
///
/// # Example
/// ```
/// use opscalc_core::notice::{recognise, EXTRA_CELLS};
/// let w = "a.csv: 2 rows have more cells than the header (first: row 3, 1 extra); the extra cells are ignored";
/// let (n, values) = recognise(w).unwrap();
/// assert_eq!(n, EXTRA_CELLS);
/// assert_eq!(values[1], ("rows", "2".to_string()));
/// assert!(recognise("free text").is_none());
/// ```
pub fn recognise(sentence: &str) -> Option<(Notice, Vec<(&'static str, String)>)> {
    NOTICES
        .iter()
        .filter_map(|n| n.parse(sentence).map(|v| (*n, v)))
        .max_by_key(|(n, _)| n.fixed_len())
}

macro_rules! notices {
    ($(#[doc = $list_doc:literal])* $list:ident; $($(#[doc = $doc:literal])* $name:ident = $key:literal : $en:literal;)*) => {
        $(
            $(#[doc = $doc])*
            pub const $name: Notice = Notice { key: $key, en: $en };
        )*
        $(#[doc = $list_doc])*
        pub const $list: &[Notice] = &[$($name),*];
    };
}

notices! {
    /// Every warning the core writes, for translations and their tests.
    NOTICES;
    /// Neither UTF-8 nor GBK: read as UTF-8 with replacement characters.
    NOT_UTF8_OR_GBK = "not_utf8_or_gbk":
        "{file}: the file is not valid UTF-8 or GBK; undecodable bytes (first at row {row}) were replaced by \u{FFFD}";
    /// Some bytes are not valid in the chosen or detected encoding.
    BAD_BYTES = "bad_bytes":
        "{file}: some bytes are not valid {encoding} and were replaced by \u{FFFD}; choose another encoding if the text looks wrong";
    /// Rows with more cells than the header.
    EXTRA_CELLS = "extra_cells":
        "{file}: {rows} rows have more cells than the header (first: row {row}, {extra} extra); the extra cells are ignored";
    /// An odd number of quote characters.
    UNBALANCED_QUOTE = "unbalanced_quote":
        "{file}: the file has an unbalanced quote; rows after it may be merged into one cell";
    /// Repeated column names, renamed (up to five listed).
    RENAMED_COLUMNS = "renamed_columns":
        "{file}: row {row} repeats column names; renamed {renamed}";
    /// Repeated column names, renamed, more than five.
    RENAMED_COLUMNS_MORE = "renamed_columns_more":
        "{file}: row {row} repeats column names; renamed {renamed} and {more} more";
    /// Spreadsheet error cells (#DIV/0! ...).
    SHEET_ERRORS = "sheet_errors":
        "{file}: {cells} cells hold spreadsheet errors (first: row {row}, column {column}: {error}); they are read as text, so they count as unreadable values";
    /// The first of several sheets was read.
    FIRST_SHEET = "first_sheet":
        "{file}: read the first sheet \"{sheet}\" of {sheets}; pick another if needed";
    /// Line items of one order name different buyers.
    CONFLICTING_BUYERS = "conflicting_buyers":
        "{file}: {orders} orders have line items with different buyers (the first is used), for example {examples}";
    /// Line items of one order have different times.
    CONFLICTING_TIMES = "conflicting_times":
        "{file}: {orders} orders have line items with different times (the earliest is used), for example {examples}";
    /// Page views with dates only: one visit per visitor and day.
    NO_TIME_OF_DAY = "no_time_of_day":
        "{file}: the times have no time of day, so visits cannot be split by a gap: each visitor's views on one day are one visit";
    /// A page-view log without views.
    NO_PAGE_VIEWS = "no_page_views": "{file}: no page views to count";
    /// Channel uv counts a visitor in each of their channels.
    MULTI_CHANNEL_VISITORS = "multi_channel_visitors":
        "some visitors came through more than one channel and count in each; channel shares are of the summed channel uv";
    /// Repeated SKUs in the products file.
    DUPLICATE_SKUS = "duplicate_skus":
        "{file}: {rows} rows repeat an earlier row's SKU; each SKU's first row is used";
    /// An activity file without events.
    NO_ACTIVITY = "no_activity": "{file}: no activity to count";
    /// The data starts too late to see who churned before the window.
    SHORT_HISTORY = "short_history":
        "the data starts on {first}, less than {days} days (churn_days) before the window opens on {from}: users who churned before the data starts look like new users, so churned_users may be too low";
    /// Activity spanning too many periods for a cohort table.
    ACTIVITY_SPAN = "activity_span":
        "the activity spans more than {periods} {period}s (a placeholder date such as 9999-12-31?); the retention cohort table is left out";
    /// An orders file without paid orders.
    NO_PAID_ORDERS = "no_paid_orders": "{file}: no paid orders to count";
    /// No order with a buyer in the window.
    NO_BUYERS_IN_WINDOW = "no_buyers_in_window":
        "no orders with a buyer between {from} and {to}";
    /// Same-day orders merged into one purchase.
    MERGE_SAME_DAY = "merge_same_day":
        "same-day orders of one buyer count as one purchase: \"orders\" are buyer-days";
    /// Orders spanning too many months for a cohort matrix.
    ORDER_SPAN = "order_span":
        "the orders span more than {months} months (a placeholder date such as 9999-12-31?); the cohort matrix is left out";
    /// Lifecycle without an activity file: nobody is new.
    NO_ACTIVITY_FILE = "no_activity_file":
        "no activity file: every user here has bought, so no user can be in stage new (导入期)";
    /// Lifecycle without an orders file (the app's own sample case).
    NO_ORDERS_FILE = "no_orders_file":
        "no orders file: nobody has bought, so every user is new (导入期) or churned (流失期); import orders for the other stages";
    /// Nobody has data by the as-of date.
    NO_USERS_AS_OF = "no_users_as_of": "no users with data on or before {as_of}";
    /// SKUs sold in the window but missing from the products file.
    SKUS_NOT_IN_PRODUCTS = "skus_not_in_products":
        "{file}: {skus} SKUs sold in the window are not in the products file ({rows} rows left out), for example {examples}";
    /// Status values that are neither online nor warehouse.
    UNKNOWN_STATUSES = "unknown_statuses":
        "{file}: status values that are neither online nor warehouse: {statuses}; classify them, until then their SKUs are left out";
    /// No sales data at all: every SKU counts as unsold.
    NO_SALES_DATA = "no_sales_data":
        "no sales data: give an orders file or map a 30-day sales or last-sold date column; every SKU counts as unsold";
    /// The 30-day sales column does not match the window.
    SALES_30D_WINDOW = "sales_30d_window":
        "the products file's 30-day sales cover 30 days, not the {days}-day window";
    /// Last-sold dates after the as-of date.
    SOLD_AFTER_AS_OF = "sold_after_as_of":
        "{skus} SKUs have a last-sold date after {as_of}, which does not show a sale in the window, for example {examples}";
    /// Bounced visits above visits.
    BOUNCED_EXCEED_VISITS = "bounced_exceed_visits":
        "the counts look inconsistent: bounced visits exceed visits; check the column mapping";
    /// Buyers above uv.
    BUYERS_EXCEED_UV = "buyers_exceed_uv":
        "the counts look inconsistent: buyers exceed uv; check the column mapping";
    /// Clicks above impressions.
    CLICKS_EXCEED_IMPRESSIONS = "clicks_exceed_impressions":
        "the counts look inconsistent: clicks exceed impressions; check the column mapping";
    /// Visits above pv.
    VISITS_EXCEED_PV = "visits_exceed_pv":
        "the counts look inconsistent: visits exceed pv; check the column mapping";
    /// A bounce rate column next to bounced visits.
    RATE_COLUMN_BOUNCED_GIVEN = "rate_column_bounced_given":
        "{file}: the bounce rate column \"{column}\" is not used: bounced visits are given";
    /// A bounce rate column without visits per row.
    RATE_COLUMN_NO_VISITS = "rate_column_no_visits":
        "{file}: the bounce rate column \"{column}\" is not used: without visits per row it would have to be averaged, and rates are never averaged";
    /// Bounced visits from the rate column.
    BOUNCED_FROM_RATE = "bounced_from_rate":
        "{file}: bounced visits are worked out row by row as bounce rate x visits";
    /// Blank cells in counted columns.
    BLANK_COUNTS = "blank_counts":
        "{file}: {cells} blank cells in counted columns (first: row {row}, column {column}) count as nothing; rates over those rows may be biased";
    /// Daily uv summed over days.
    UV_SUMMED_DAYS = "uv_summed_days":
        "uv summed across days counts a visitor once per day, so it is more than the distinct visitors of the period";
    /// A traffic table without rows.
    NO_COUNT_ROWS = "no_count_rows": "{file}: no rows of counts to use";
}

notices! {
    /// The errors a reader meets most (a missing column, an unsettled date
    /// order, a file that is not a table, backwards options), as a
    /// [`ReadError`](crate::ReadError)'s message or a calculator's error,
    /// the spreadsheet reader's errors (a third-party reason inside one is
    /// a value), and the browser app's import and engine failures.
    ERRORS;
    /// A required column is not mapped; `{what}` is English, `{role}` the role key.
    MISSING_COLUMN = "missing_column": "no column looks like {what} ({role}): map one";
    /// Dates that read either way and no order was chosen.
    DATE_ORDER_AMBIGUOUS = "date_order_ambiguous":
        "dates like \"{value}\" could be day-first or month-first; choose the date order";
    /// A column with both day-first and month-first dates.
    DATE_ORDER_MIXED = "date_order_mixed":
        "mixes day-first (\"{day_first}\") and month-first (\"{month_first}\") dates";
    /// No header row.
    EMPTY_FILE = "empty_file": "the file is empty: no header row";
    /// NUL bytes in a text file.
    NUL_BYTES = "nul_bytes":
        "the file contains NUL bytes, so it is not a text table (a binary file, or UTF-16 saved without a BOM?); choose the encoding or save it again as CSV";
    /// Too many columns.
    TOO_MANY_COLUMNS = "too_many_columns":
        "{columns} columns; at most {max} are supported (is this really a table?)";
    /// A header cell too long to be a header.
    HEADER_TOO_LONG = "header_too_long":
        "header {column} is {bytes} bytes long; at most {max} are supported (is this really a table?)";
    /// Too many cells.
    TOO_MANY_CELLS = "too_many_cells":
        "the table is over {max} cells ({rows} rows × {columns} columns so far); split the file";
    /// An encoding name the reader does not know.
    UNKNOWN_ENCODING = "unknown_encoding": "unknown encoding \"{encoding}\"";
    /// A window whose start is after its end.
    WINDOW_BACKWARDS = "window_backwards": "the window starts ({from}) after it ends ({to})";
    /// A churn threshold of 0 days.
    CHURN_DAYS_ZERO = "churn_days_zero": "churn_days must be at least 1";
    /// A churn or dormant threshold of 0 days.
    STAGE_DAYS_ZERO = "stage_days_zero": "churn_days and dormant_days must be at least 1";
    /// A sell-through window of 0 days.
    WINDOW_DAYS_ZERO = "window_days_zero": "the window must be at least 1 day";
    /// A spreadsheet the reader library cannot open; `{detail}` is its
    /// own (English) reason.
    SPREADSHEET_UNREADABLE = "spreadsheet_unreadable": "cannot read the spreadsheet: {detail}";
    /// A file starting like a zip that is not one.
    NOT_A_ZIP = "not_a_zip": "not a valid XLSX (zip) file: {detail}";
    /// A spreadsheet that would unpack past the limit.
    ZIP_BOMB = "zip_bomb":
        "the spreadsheet would unpack to {mb} MB, over the {max_mb} MB limit (a zip bomb?)";
    /// A spreadsheet without declared unpacked sizes.
    UNDECLARED_SIZE = "undeclared_size":
        "the spreadsheet does not declare its unpacked size; save it again from Excel";
    /// A worksheet whose declared range runs backwards.
    BACKWARDS_RANGE = "backwards_range":
        "the sheet {part} declares a backwards range \"{range}\"; save it again from Excel";
    /// A sheet the reader library cannot read; `{detail}` is its reason.
    SHEET_UNREADABLE = "sheet_unreadable": "cannot read sheet \"{sheet}\": {detail}";
    /// The chosen sheet is not in the file.
    NO_SUCH_SHEET = "no_such_sheet": "no sheet named \"{sheet}\"; sheets: {sheets}";
    /// A spreadsheet without sheets.
    NO_SHEETS = "no_sheets": "the spreadsheet has no sheets";
    /// A sheet with too many cells.
    SHEET_TOO_MANY_CELLS = "sheet_too_many_cells": "the sheet has over {max} cells; split the file";
    /// A sheet too wide.
    SHEET_TOO_MANY_COLUMNS = "sheet_too_many_columns":
        "{columns} columns; at most {max} are supported";
    /// A sheet without a header row.
    EMPTY_SHEET = "empty_sheet": "sheet \"{sheet}\" is empty: no header row";
    /// The import worker got a message without a file.
    NO_FILE_GIVEN = "no_file_given": "no file was given to the import worker";
    /// A file over the browser's size limit.
    FILE_TOO_BIG = "file_too_big":
        "{file}: the file is {mb} MB; the browser can read files up to {max_mb} MB. Use the opscalc command line for bigger files.";
    /// The browser could not read a chosen file.
    CANNOT_READ_FILE = "cannot_read_file":
        "{file}: the browser could not read the file (was it moved or deleted?)";
    /// A calculation asked of an engine that is still computing.
    ENGINE_BUSY = "engine_busy": "the engine is busy";
    /// The browser refused to start the import worker.
    IMPORT_WORKER_CANNOT_START = "import_worker_cannot_start":
        "{file}: the import worker could not start in this browser";
    /// The import worker died; `{detail}` is the browser's reason.
    IMPORT_STOPPED = "import_stopped":
        "{file}: the import stopped unexpectedly ({detail}); your previous data is kept";
    /// The import worker died without a reason.
    IMPORT_CRASHED = "import_crashed":
        "{file}: the import stopped unexpectedly (the worker crashed); your previous data is kept";
    /// The engine lost a table and the page could not give it again.
    DATA_NOT_LOADED = "data_not_loaded":
        "the data for this calculation is no longer loaded; import it again";
    /// A reply of another kind than the request's.
    WRONG_ANSWER = "wrong_answer": "the engine answered another question";
    /// The browser refused to start the engine worker.
    ENGINE_CANNOT_START = "engine_cannot_start":
        "the calculation engine could not start in this browser";
    /// The engine worker died; `{detail}` is the browser's reason.
    CALCULATION_STOPPED = "calculation_stopped":
        "the calculation stopped unexpectedly ({detail}); your data is kept — change a setting to try again";
    /// The engine worker died without a reason.
    CALCULATION_CRASHED = "calculation_crashed":
        "the calculation stopped unexpectedly (the worker crashed); your data is kept — change a setting to try again";
    /// The SQL for a page needs a role that is not mapped; `{role}` is
    /// the role key (or `paid_at or created_at`).
    UNMAPPED = "unmapped": "no column is mapped as {role}: map one";
    /// A saved workspace that is not in the browser's storage.
    WORKSPACE_NOT_FOUND = "workspace_not_found": "{workspace}: not found";
    /// A saved workspace whose stored form cannot be read.
    WORKSPACE_UNREADABLE = "workspace_unreadable": "{workspace}: unreadable workspace";
}

/// The message of a missing required column (`what` says it in English).
pub fn missing_column(what: &str, role: &str) -> String {
    MISSING_COLUMN.fill(&[("what", &what), ("role", &role)])
}

/// Dates like `value` could be read either way.
pub fn date_order_ambiguous(value: &str) -> String {
    DATE_ORDER_AMBIGUOUS.fill(&[("value", &value)])
}

/// A column mixing day-first and month-first dates.
pub fn date_order_mixed(day_first: &str, month_first: &str) -> String {
    DATE_ORDER_MIXED.fill(&[("day_first", &day_first), ("month_first", &month_first)])
}

/// Too many columns.
pub fn too_many_columns(columns: usize, max: usize) -> String {
    TOO_MANY_COLUMNS.fill(&[("columns", &columns), ("max", &max)])
}

/// A header cell `column` (1-based) of `bytes` bytes.
pub fn header_too_long(column: usize, bytes: usize, max: usize) -> String {
    HEADER_TOO_LONG.fill(&[("column", &column), ("bytes", &bytes), ("max", &max)])
}

/// Too many cells.
pub fn too_many_cells(max: usize, rows: usize, columns: usize) -> String {
    TOO_MANY_CELLS.fill(&[("max", &max), ("rows", &rows), ("columns", &columns)])
}

/// An unknown encoding label.
pub fn unknown_encoding(encoding: &str) -> String {
    UNKNOWN_ENCODING.fill(&[("encoding", &encoding)])
}

/// A window that starts after it ends.
pub fn window_backwards(from: impl Display, to: impl Display) -> String {
    WINDOW_BACKWARDS.fill(&[("from", &from), ("to", &to)])
}

/// A spreadsheet the reader library cannot open (`detail` is its reason).
pub fn spreadsheet_unreadable(detail: impl Display) -> String {
    SPREADSHEET_UNREADABLE.fill(&[("detail", &detail)])
}

/// Bytes that start like a zip and are not one.
pub fn not_a_zip(detail: impl Display) -> String {
    NOT_A_ZIP.fill(&[("detail", &detail)])
}

/// A spreadsheet that would unpack to `bytes`, over `max_bytes`; said in
/// whole MiB.
///
/// # Example
/// ```
/// use opscalc_core::notice::zip_bomb;
/// assert_eq!(
///     zip_bomb(1100 << 20, 1 << 30),
///     "the spreadsheet would unpack to 1100 MB, over the 1024 MB limit (a zip bomb?)"
/// );
/// ```
pub fn zip_bomb(bytes: u128, max_bytes: u128) -> String {
    ZIP_BOMB.fill(&[("mb", &(bytes >> 20)), ("max_mb", &(max_bytes >> 20))])
}

/// A worksheet `part` whose declared range `range` runs backwards.
pub fn backwards_range(part: &str, range: &str) -> String {
    BACKWARDS_RANGE.fill(&[("part", &part), ("range", &range)])
}

/// A sheet the reader library cannot read.
pub fn sheet_unreadable(sheet: &str, detail: impl Display) -> String {
    SHEET_UNREADABLE.fill(&[("sheet", &sheet), ("detail", &detail)])
}

/// No sheet named `sheet`; the file's sheets are listed.
pub fn no_such_sheet(sheet: &str, sheets: &[String]) -> String {
    NO_SUCH_SHEET.fill(&[("sheet", &sheet), ("sheets", &sheets.join(", "))])
}

/// A sheet over `max` cells.
pub fn sheet_too_many_cells(max: usize) -> String {
    SHEET_TOO_MANY_CELLS.fill(&[("max", &max)])
}

/// A sheet `columns` wide, over `max`.
pub fn sheet_too_many_columns(columns: u64, max: usize) -> String {
    SHEET_TOO_MANY_COLUMNS.fill(&[("columns", &columns), ("max", &max)])
}

/// A sheet without a header row.
pub fn empty_sheet(sheet: &str) -> String {
    EMPTY_SHEET.fill(&[("sheet", &sheet)])
}

/// A file of `bytes`, over the browser's `max_bytes`; said in whole MB.
///
/// # Example
/// ```
/// use opscalc_core::notice::file_too_big;
/// assert_eq!(
///     file_too_big("big.csv", 2.2e9, 1.5e9),
///     "big.csv: the file is 2200 MB; the browser can read files up to 1500 MB. Use the opscalc command line for bigger files."
/// );
/// ```
pub fn file_too_big(file: &str, bytes: f64, max_bytes: f64) -> String {
    FILE_TOO_BIG.fill(&[
        ("file", &file),
        ("mb", &format!("{:.0}", bytes / 1e6)),
        ("max_mb", &format!("{:.0}", max_bytes / 1e6)),
    ])
}

/// The browser could not read `file`.
pub fn cannot_read_file(file: &str) -> String {
    CANNOT_READ_FILE.fill(&[("file", &file)])
}

/// The import worker for `file` could not start.
pub fn import_worker_cannot_start(file: &str) -> String {
    IMPORT_WORKER_CANNOT_START.fill(&[("file", &file)])
}

/// The import of `file` stopped; `detail` is the browser's reason, empty
/// when it gave none.
///
/// # Example
/// ```
/// use opscalc_core::notice::{import_stopped, IMPORT_CRASHED};
/// assert_eq!(import_stopped("a.csv", ""), IMPORT_CRASHED.fill(&[("file", &"a.csv")]));
/// assert!(import_stopped("a.csv", "out of memory").contains("(out of memory)"));
/// ```
pub fn import_stopped(file: &str, detail: &str) -> String {
    if detail.is_empty() {
        IMPORT_CRASHED.fill(&[("file", &file)])
    } else {
        IMPORT_STOPPED.fill(&[("file", &file), ("detail", &detail)])
    }
}

/// The engine worker stopped; `detail` is the browser's reason, empty
/// when it gave none.
pub fn calculation_stopped(detail: &str) -> String {
    if detail.is_empty() {
        CALCULATION_CRASHED.en.to_string()
    } else {
        CALCULATION_STOPPED.fill(&[("detail", &detail)])
    }
}

/// The SQL needs `role` (a role key) mapped.
pub fn unmapped(role: &str) -> String {
    UNMAPPED.fill(&[("role", &role)])
}

/// The template an error message was made from and its values.
///
/// # Example
/// ```
/// use opscalc_core::notice::{recognise_error, EMPTY_FILE};
/// assert_eq!(recognise_error("the file is empty: no header row").unwrap().0, EMPTY_FILE);
/// ```
pub fn recognise_error(message: &str) -> Option<(Notice, Vec<(&'static str, String)>)> {
    ERRORS
        .iter()
        .filter_map(|n| n.parse(message).map(|v| (*n, v)))
        .max_by_key(|(n, _)| n.fixed_len())
}

/// The file is neither UTF-8 nor GBK.
pub fn not_utf8_or_gbk(file: &str, row: usize) -> String {
    NOT_UTF8_OR_GBK.fill(&[("file", &file), ("row", &row)])
}

/// Bytes not valid in `encoding`.
pub fn bad_bytes(file: &str, encoding: &str) -> String {
    BAD_BYTES.fill(&[("file", &file), ("encoding", &encoding)])
}

/// `rows` rows with extra cells, the first at `row` with `extra` more.
pub fn extra_cells(file: &str, rows: usize, row: u32, extra: usize) -> String {
    EXTRA_CELLS.fill(&[
        ("file", &file),
        ("rows", &rows),
        ("row", &row),
        ("extra", &extra),
    ])
}

/// An unbalanced quote.
pub fn unbalanced_quote(file: &str) -> String {
    UNBALANCED_QUOTE.fill(&[("file", &file)])
}

/// Repeated column names at header row `row`: each `(new name, original)`;
/// five are listed and the rest counted.
///
/// # Example
/// ```
/// use opscalc_core::notice::renamed_columns;
/// assert_eq!(
///     renamed_columns("a.csv", 1, &[("x (2)".into(), "x".into())]),
///     "a.csv: row 1 repeats column names; renamed \"x (2)\" (another \"x\")"
/// );
/// ```
pub fn renamed_columns(file: &str, row: u32, renamed: &[(String, String)]) -> String {
    let listed = renamed
        .iter()
        .take(5)
        .map(|(h, c)| format!("\"{h}\" (another \"{c}\")"))
        .collect::<Vec<_>>()
        .join(", ");
    if renamed.len() > 5 {
        RENAMED_COLUMNS_MORE.fill(&[
            ("file", &file),
            ("row", &row),
            ("renamed", &listed),
            ("more", &(renamed.len() - 5)),
        ])
    } else {
        RENAMED_COLUMNS.fill(&[("file", &file), ("row", &row), ("renamed", &listed)])
    }
}

/// `cells` spreadsheet error cells, the first at `row`, `column`.
pub fn sheet_errors(file: &str, cells: usize, row: u32, column: &str, error: &str) -> String {
    SHEET_ERRORS.fill(&[
        ("file", &file),
        ("cells", &cells),
        ("row", &row),
        ("column", &column),
        ("error", &error),
    ])
}

/// The first sheet `sheet` of `sheets` was read.
pub fn first_sheet(file: &str, sheet: &str, sheets: usize) -> String {
    FIRST_SHEET.fill(&[("file", &file), ("sheet", &sheet), ("sheets", &sheets)])
}

/// Orders whose line items disagree; `buyers` says on the buyer (else on
/// the time); `examples` are order ids.
pub fn conflicting_items(file: &str, buyers: bool, orders: usize, examples: &str) -> String {
    let n = if buyers {
        CONFLICTING_BUYERS
    } else {
        CONFLICTING_TIMES
    };
    n.fill(&[
        ("file", &file),
        ("orders", &orders),
        ("examples", &examples),
    ])
}

/// Page views with dates only.
pub fn no_time_of_day(file: &str) -> String {
    NO_TIME_OF_DAY.fill(&[("file", &file)])
}

/// No page views.
pub fn no_page_views(file: &str) -> String {
    NO_PAGE_VIEWS.fill(&[("file", &file)])
}

/// Visitors in more than one channel.
pub fn multi_channel_visitors() -> String {
    MULTI_CHANNEL_VISITORS.en.to_string()
}

/// `rows` rows repeat an earlier SKU.
pub fn duplicate_skus(file: &str, rows: usize) -> String {
    DUPLICATE_SKUS.fill(&[("file", &file), ("rows", &rows)])
}

/// No activity events.
pub fn no_activity(file: &str) -> String {
    NO_ACTIVITY.fill(&[("file", &file)])
}

/// The data starts on `first`, under `days` days before `from`.
pub fn short_history(first: impl Display, days: i32, from: impl Display) -> String {
    SHORT_HISTORY.fill(&[("first", &first), ("days", &days), ("from", &from)])
}

/// Activity spans more than `periods` periods (`period` is day, week or month).
pub fn activity_span(periods: usize, period: &str) -> String {
    ACTIVITY_SPAN.fill(&[("periods", &periods), ("period", &period)])
}

/// No paid orders.
pub fn no_paid_orders(file: &str) -> String {
    NO_PAID_ORDERS.fill(&[("file", &file)])
}

/// No orders with a buyer between `from` and `to`.
pub fn no_buyers_in_window(from: impl Display, to: impl Display) -> String {
    NO_BUYERS_IN_WINDOW.fill(&[("from", &from), ("to", &to)])
}

/// Same-day orders merged.
pub fn merge_same_day() -> String {
    MERGE_SAME_DAY.en.to_string()
}

/// Orders span more than `months` months.
pub fn order_span(months: usize) -> String {
    ORDER_SPAN.fill(&[("months", &months)])
}

/// No activity file in the lifecycle.
pub fn no_activity_file() -> String {
    NO_ACTIVITY_FILE.en.to_string()
}

/// No orders file in the lifecycle.
pub fn no_orders_file() -> String {
    NO_ORDERS_FILE.en.to_string()
}

/// Nobody has data by `as_of`.
pub fn no_users_as_of(as_of: impl Display) -> String {
    NO_USERS_AS_OF.fill(&[("as_of", &as_of)])
}

/// `skus` sold SKUs missing from the products file, `rows` order rows.
pub fn skus_not_in_products(file: &str, skus: usize, rows: usize, examples: &str) -> String {
    SKUS_NOT_IN_PRODUCTS.fill(&[
        ("file", &file),
        ("skus", &skus),
        ("rows", &rows),
        ("examples", &examples),
    ])
}

/// Unknown status values, each with its number of rows.
///
/// # Example
/// ```
/// use opscalc_core::notice::unknown_statuses;
/// assert_eq!(
///     unknown_statuses("p.csv", &[("下架".into(), 2)]),
///     "p.csv: status values that are neither online nor warehouse: \"下架\" (2 rows); classify them, until then their SKUs are left out"
/// );
/// ```
pub fn unknown_statuses(file: &str, statuses: &[(String, usize)]) -> String {
    let list = statuses
        .iter()
        .map(|(v, n)| format!("\"{v}\" ({n} rows)"))
        .collect::<Vec<_>>()
        .join(", ");
    UNKNOWN_STATUSES.fill(&[("file", &file), ("statuses", &list)])
}

/// No sales data.
pub fn no_sales_data() -> String {
    NO_SALES_DATA.en.to_string()
}

/// 30-day sales against a `days`-day window.
pub fn sales_30d_window(days: u32) -> String {
    SALES_30D_WINDOW.fill(&[("days", &days)])
}

/// `skus` SKUs last sold after `as_of`.
pub fn sold_after_as_of(skus: usize, as_of: impl Display, examples: &str) -> String {
    SOLD_AFTER_AS_OF.fill(&[("skus", &skus), ("as_of", &as_of), ("examples", &examples)])
}

/// Bounce rate column `column` ignored; `bounced_given` says why.
pub fn rate_column_unused(file: &str, column: &str, bounced_given: bool) -> String {
    let n = if bounced_given {
        RATE_COLUMN_BOUNCED_GIVEN
    } else {
        RATE_COLUMN_NO_VISITS
    };
    n.fill(&[("file", &file), ("column", &column)])
}

/// Bounced visits from the rate column.
pub fn bounced_from_rate(file: &str) -> String {
    BOUNCED_FROM_RATE.fill(&[("file", &file)])
}

/// `cells` blank counted cells, the first at `row`, `column`.
pub fn blank_counts(file: &str, cells: usize, row: u32, column: &str) -> String {
    BLANK_COUNTS.fill(&[
        ("file", &file),
        ("cells", &cells),
        ("row", &row),
        ("column", &column),
    ])
}

/// Daily uv summed.
pub fn uv_summed_days() -> String {
    UV_SUMMED_DAYS.en.to_string()
}

/// No rows of counts.
pub fn no_count_rows(file: &str) -> String {
    NO_COUNT_ROWS.fill(&[("file", &file)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_values_never_touch() {
        let mut keys: Vec<&str> = NOTICES.iter().chain(ERRORS).map(|n| n.key).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), NOTICES.len() + ERRORS.len());
        for n in NOTICES.iter().chain(ERRORS) {
            let ps = pieces(n.en);
            assert!(
                ps.windows(2)
                    .all(|w| !matches!(w, [Piece::Value(_), Piece::Value(_)])),
                "{}",
                n.key
            );
        }
    }

    #[test]
    fn every_template_reads_back_as_itself() {
        // Filled with values that hold the templates' own punctuation (a
        // value with a space before a space-separated value is ambiguous,
        // so none has one here).
        for n in NOTICES.iter().chain(ERRORS) {
            let values: Vec<(&str, String)> = n
                .names()
                .into_iter()
                .map(|k| (k, format!("a:b,\"{k}\"(1)")))
                .collect();
            let dyn_values: Vec<(&str, &dyn Display)> = values
                .iter()
                .map(|(k, v)| (*k, v as &dyn Display))
                .collect();
            let s = n.fill(&dyn_values);
            let (found, got) = recognise(&s)
                .or_else(|| recognise_error(&s))
                .unwrap_or_else(|| panic!("{s}"));
            assert_eq!(found, *n, "{s}");
            assert_eq!(got, values, "{s}");
        }
    }

    #[test]
    fn the_more_specific_template_wins() {
        let s = renamed_columns(
            "d.csv",
            1,
            &(1..=7)
                .map(|i| (format!("a ({i})"), "a".to_string()))
                .collect::<Vec<_>>(),
        );
        assert!(s.ends_with(" and 2 more"), "{s}");
        let (n, v) = recognise(&s).unwrap();
        assert_eq!(n, RENAMED_COLUMNS_MORE);
        assert_eq!(v[3], ("more", "2".to_string()));
    }
}
