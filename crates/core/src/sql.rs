//! Every headline metric of spec sections 2 to 5 as one SQL query, for
//! DuckDB and Spark SQL, so data that outgrows the browser can be computed
//! where the data team already works, with the same definitions.
//!
//! Each function takes the settings the calculators take, plus the user's
//! file (its path, its header row and the role mapping) and returns SQL
//! that reads the file and outputs one row with the family's metric keys
//! as columns. Counts are `BIGINT`, rates and amounts `DOUBLE`, and a metric
//! that is not available is `NULL`, as in the JSON contract.
//!
//! How the SQL stays equal to the core:
//! - Dates become day numbers (days since 1970-01-01) and times seconds,
//!   computed with integer arithmetic from the text (Hinnant's civil-date
//!   formula, as in `time.rs`), so both engines agree with the core to the
//!   day, with no time-zone conversion anywhere.
//! - Numbers are cleaned of currency signs, separators and full-width
//!   digits, then checked against the same grammar as [`parse_number`](crate::parse_number).
//! - A row the core excludes (duplicate, missing id, unreadable time or
//!   number, cancelled status, ...) is filtered out by the same test.
//!
//! Known limits (see docs/SCALING.md): only UTF-8 CSV input; day-first or
//! month-first dates (`05/03/2024`) are not parsed (rows with them count as
//! unreadable); an order whose line items name different buyers takes the
//! smallest buyer id, not the first row's; "first row" rules (products)
//! rely on the engine reading the file in order.

use crate::{
    norm_status, Date, LifecycleOptions, Mapping, OrderOptions, ProductOptions, ReflowOptions,
    RepurchaseOptions, Role, SellThroughOptions, TrafficOptions, LISTING_CADENCE_DAYS,
    MIN_ONLINE_SKUS,
};

/// The SQL dialect to emit.
///
/// # Example
/// ```
/// use opscalc_core::Dialect;
/// assert_eq!(Dialect::parse("spark"), Some(Dialect::Spark));
/// assert_eq!(Dialect::DuckDb.key(), "duckdb");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Dialect {
    /// DuckDB: reads the CSV file itself with `read_csv`.
    #[default]
    DuckDb,
    /// Spark SQL: registers the CSV file as a temporary view first.
    Spark,
}

impl Dialect {
    /// Parses `duckdb` or `spark`.
    pub fn parse(s: &str) -> Option<Dialect> {
        match s.trim().to_ascii_lowercase().as_str() {
            "duckdb" => Some(Dialect::DuckDb),
            "spark" | "sparksql" | "spark-sql" => Some(Dialect::Spark),
            _ => None,
        }
    }

    /// The key used in the CLI and the URL.
    pub fn key(self) -> &'static str {
        match self {
            Dialect::DuckDb => "duckdb",
            Dialect::Spark => "spark",
        }
    }

    /// A quoted identifier: `"订单编号"` (DuckDB) or `` `订单编号` `` (Spark).
    ///
    /// # Example
    /// ```
    /// use opscalc_core::Dialect;
    /// assert_eq!(Dialect::DuckDb.ident("a\"b"), "\"a\"\"b\"");
    /// assert_eq!(Dialect::Spark.ident("付款时间"), "`付款时间`");
    /// ```
    pub fn ident(self, name: &str) -> String {
        match self {
            Dialect::DuckDb => format!("\"{}\"", name.replace('"', "\"\"")),
            Dialect::Spark => format!("`{}`", name.replace('`', "``")),
        }
    }

    /// A string literal. Spark SQL reads backslash escapes inside literals,
    /// DuckDB does not, so each gets its own escaping.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::Dialect;
    /// assert_eq!(Dialect::DuckDb.lit("it's \\d"), "'it''s \\d'");
    /// assert_eq!(Dialect::Spark.lit("it's \\d"), "'it\\'s \\\\d'");
    /// ```
    pub fn lit(self, s: &str) -> String {
        match self {
            Dialect::DuckDb => format!("'{}'", s.replace('\'', "''")),
            Dialect::Spark => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
        }
    }

    fn idiv(self, a: &str, b: &str) -> String {
        match self {
            Dialect::DuckDb => format!("({a} // {b})"),
            Dialect::Spark => format!("({a} div {b})"),
        }
    }

    fn full_match(self, s: &str, pattern: &str) -> String {
        match self {
            Dialect::DuckDb => format!("regexp_full_match({s}, {})", self.lit(pattern)),
            Dialect::Spark => format!("({s} RLIKE {})", self.lit(&format!("^(?:{pattern})$"))),
        }
    }

    fn contains_match(self, s: &str, pattern: &str) -> String {
        match self {
            Dialect::DuckDb => format!("regexp_matches({s}, {})", self.lit(pattern)),
            Dialect::Spark => format!("({s} RLIKE {})", self.lit(pattern)),
        }
    }

    /// Today as a day number (the sell-through fallback for as-of).
    fn today(self) -> &'static str {
        match self {
            Dialect::DuckDb => "CAST(current_date - DATE '1970-01-01' AS BIGINT)",
            Dialect::Spark => "CAST(datediff(current_date(), DATE '1970-01-01') AS BIGINT)",
        }
    }
}

/// One input file for generated SQL: where it is, its header row and which
/// column plays which role (the same [`Mapping`] the calculators use).
///
/// # Example
/// ```
/// use opscalc_core::{InputKind, Mapping, SqlFile};
/// let headers = vec!["订单号".to_string(), "买家ID".to_string(), "付款时间".to_string()];
/// let mapping = Mapping::detect(InputKind::Orders, &headers);
/// let f = SqlFile { path: "orders.csv", headers: &headers, mapping: &mapping };
/// assert_eq!(f.column(opscalc_core::Role::BuyerId), Some("买家ID"));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct SqlFile<'a> {
    /// The file's path as the engine will see it.
    pub path: &'a str,
    /// The header row.
    pub headers: &'a [String],
    /// Roles to columns.
    pub mapping: &'a Mapping,
}

impl SqlFile<'_> {
    /// The header of the column mapped to `role`.
    pub fn column(&self, role: Role) -> Option<&str> {
        self.mapping
            .get(role)
            .and_then(|c| self.headers.get(c))
            .map(String::as_str)
    }

    fn need(&self, role: Role) -> Result<&str, String> {
        self.column(role)
            .ok_or_else(|| format!("{}: {}", self.path, crate::notice::unmapped(role.key())))
    }
}

/// What return visits and lifecycle read as activity: an activity file, or
/// an orders file whose paid orders are the visits (as the CLI does).
#[derive(Clone, Copy, Debug)]
pub enum ActivitySql<'a> {
    /// An activity file (roles user_id, time, optional registered_at).
    Activity(SqlFile<'a>),
    /// An orders file: each paid order with a buyer is a visit.
    Orders(SqlFile<'a>, &'a OrderOptions),
}

/// Full-width ASCII (U+FF01..U+FF5E) and the ideographic space, and their
/// half-width forms, for `translate` (the core's `to_half_width`).
fn half_width_sets() -> (String, String) {
    let from: String = ('\u{FF01}'..='\u{FF5E}')
        .chain(std::iter::once('\u{3000}'))
        .collect();
    let to: String = ('!'..='~').chain(std::iter::once(' ')).collect();
    (from, to)
}

/// Year-first dates, an optional time, an offset that is dropped. Groups:
/// 1 year; (2,3) (4,5) (6,7) (8,9) (10,11) month and day for `-`, `/`, `.`,
/// 年月日 and compact forms; 12 hour, 13 minute, 14 second.
const TIME_PATTERN: &str = r"^([0-9]{4})(?:-([0-9]{1,2})-([0-9]{1,2})|/([0-9]{1,2})/([0-9]{1,2})|\.([0-9]{1,2})\.([0-9]{1,2})|年([0-9]{1,2})月([0-9]{1,2})[日号]|([0-9]{2})([0-9]{2}))(?:(?:[Tt] *| +)(?:([0-9]{1,2})(?::|时)([0-9]{2})(?::([0-9]{2})(?:[.,][0-9]{1,9})?|分)?(?:[Zz]|[+-][0-9]{2}:?[0-9]{0,2})? *)?)?$";

/// The number grammar left once signs, separators and currency are removed.
const NUMBER_PATTERN: &str = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?";

/// Builds `SELECT *, ... FROM prev` stages that add typed columns to a
/// file's rows, so each long expression is written once.
struct Typed {
    d: Dialect,
    stages: Vec<Vec<String>>,
}

impl Typed {
    fn new(d: Dialect) -> Typed {
        Typed {
            d,
            stages: vec![Vec::new(); 4],
        }
    }

    fn clean(&self, col: &str) -> String {
        let (from, to) = half_width_sets();
        let c = self.d.ident(col);
        // translate is slow per row; most cells have no full-width form,
        // and the guard is a fast pattern test.
        format!(
            "coalesce(trim(CASE WHEN {} THEN translate({c}, {}, {}) ELSE {c} END), '')",
            self.d.contains_match(&c, "[\u{FF01}-\u{FF5E}\u{3000}]"),
            self.d.lit(&from),
            self.d.lit(&to)
        )
    }

    /// Adds `{p}_day` (day number), `{p}_t` (seconds) and `{p}_bad` (text
    /// that is not a time) for a time column; blank cells give NULL times.
    fn time(&mut self, col: &str, p: &str) {
        let d = self.d;
        // 日 may be followed directly by the time; a space keeps one pattern.
        let c = self.clean(col);
        self.stages[0].push(format!(
            "replace(replace({c}, '日', '日 '), '号', '号 ') AS {p}_s"
        ));
        let g = |i: usize| format!("nullif({p}_g.g{i}, '')");
        // Most exports write `2024-03-05 13:22:10` or `2024-03-05`: those
        // are cut apart by position, which is many times faster than the
        // general pattern's capture groups on a hundred million rows.
        let canonical = d.full_match(
            &format!("{p}_s"),
            "[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2}:[0-9]{2})?",
        );
        let cut = |i: usize| match i {
            1 => format!("substr({p}_s, 1, 4)"),
            2 => format!("substr({p}_s, 6, 2)"),
            3 => format!("substr({p}_s, 9, 2)"),
            12 => format!("substr({p}_s, 12, 2)"),
            13 => format!("substr({p}_s, 15, 2)"),
            14 => format!("substr({p}_s, 18, 2)"),
            _ => "''".to_string(),
        };
        let (fast, general) = match d {
            Dialect::DuckDb => (
                format!(
                    "{{{}}}",
                    (1..=14)
                        .map(|i| format!("'g{i}': {}", cut(i)))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                format!(
                    "regexp_extract({p}_s, {}, [{}])",
                    d.lit(TIME_PATTERN),
                    (1..=14)
                        .map(|i| format!("'g{i}'"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
            Dialect::Spark => (
                format!(
                    "named_struct({})",
                    (1..=14)
                        .map(|i| format!("'g{i}', {}", cut(i)))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                format!(
                    "named_struct({})",
                    (1..=14)
                        .map(|i| format!(
                            "'g{i}', regexp_extract({p}_s, {}, {i})",
                            d.lit(TIME_PATTERN)
                        ))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
        };
        self.stages[1].push(format!(
            "CASE WHEN {canonical} THEN {fast} ELSE {general} END AS {p}_g"
        ));
        let int = |e: String| format!("CAST({e} AS BIGINT)");
        let y = int(g(1));
        let m = int(format!(
            "coalesce({}, {}, {}, {}, {})",
            g(2),
            g(4),
            g(6),
            g(8),
            g(10)
        ));
        let dd = int(format!(
            "coalesce({}, {}, {}, {}, {})",
            g(3),
            g(5),
            g(7),
            g(9),
            g(11)
        ));
        let (h, mi, se) = (
            format!("coalesce({}, 0)", int(g(12))),
            format!("coalesce({}, 0)", int(g(13))),
            format!("coalesce({}, 0)", int(g(14))),
        );
        let leap = format!("(({y} % 4 = 0 AND {y} % 100 <> 0) OR {y} % 400 = 0)");
        let dim = format!(
            "CASE WHEN {m} IN (4, 6, 9, 11) THEN 30 WHEN {m} = 2 THEN CASE WHEN {leap} THEN 29 ELSE 28 END ELSE 31 END"
        );
        let valid = format!(
            "({y} BETWEEN 1 AND 9999 AND {m} BETWEEN 1 AND 12 AND {dd} BETWEEN 1 AND {dim} AND {h} <= 23 AND {mi} <= 59 AND {se} <= 60)"
        );
        // days_from_civil for years >= 1, where every division is of a
        // non-negative number, so integer division is floor division.
        let yy = format!("({y} - CASE WHEN {m} <= 2 THEN 1 ELSE 0 END)");
        let era = d.idiv(&yy, "400");
        let yoe = format!("({yy} - {era} * 400)");
        let mp = format!("(({m} + 9) % 12)");
        let doy = format!("({} + {dd} - 1)", d.idiv(&format!("(153 * {mp} + 2)"), "5"));
        let doe = format!(
            "({yoe} * 365 + {} - {} + {doy})",
            d.idiv(&yoe, "4"),
            d.idiv(&yoe, "100")
        );
        let days = format!("({era} * 146097 + {doe} - 719468)");
        self.stages[2].push(format!("CASE WHEN {valid} THEN {days} END AS {p}_day"));
        self.stages[2].push(format!(
            "CASE WHEN {valid} THEN {days} * 86400 + {h} * 3600 + {mi} * 60 + least({se}, 59) END AS {p}_t"
        ));
        self.stages[2].push(format!(
            "({p}_s <> '' AND NOT coalesce({valid}, false)) AS {p}_bad"
        ));
    }

    /// Adds `{p}_n` (the number, NULL when blank) and `{p}_bad` (text that
    /// is not a number) for a number column, as `parse_number` reads it.
    fn number(&mut self, col: &str, p: &str) {
        let c = self.clean(col);
        self.stages[0].push(format!("{c} AS {p}_s"));
        self.parse_number(p, &format!("{p}_s"), 1);
        self.stages[3].push(format!("({p}_s <> '' AND {p}_n IS NULL) AS {p}_bad"));
    }

    /// `{p}_n` from the cleaned text column `text`, in stages `at` and
    /// `at + 1`: accounting parentheses, a currency prefix, separators and
    /// currency signs removed, then the number grammar checked.
    fn parse_number(&mut self, p: &str, text: &str, at: usize) {
        let d = self.d;
        let inner = format!(
            "CASE WHEN {text} LIKE '(%)' THEN substr({text}, 2, length({text}) - 2) ELSE {text} END"
        );
        self.stages[at].push(format!(
            "translate(regexp_replace({inner}, '^(RMB)?(CNY)?(USD)?', ''), {}, '') AS {p}_c",
            d.lit(", ¥￥$元\u{a0}'")
        ));
        let ok = d.full_match(&format!("{p}_c"), NUMBER_PATTERN);
        self.stages[at + 1].push(format!(
            "CASE WHEN {text} <> '' AND {ok} THEN CASE WHEN {text} LIKE '(%)' THEN -1 ELSE 1 END * CAST({p}_c AS DOUBLE) END AS {p}_n"
        ));
    }

    /// A rate column as `parse_rate` reads it: `{p}_v` (the fraction) and
    /// `{p}_bad`. `57.3%` is 0.573; a bare number over 1 is a percentage.
    fn rate(&mut self, col: &str, p: &str) {
        let c = self.clean(col);
        self.stages[0].push(format!("{c} AS {p}_s"));
        self.stages[1].push(format!("(right({p}_s, 1) = '%') AS {p}_pct"));
        self.stages[1].push(format!(
            "trim(CASE WHEN right({p}_s, 1) = '%' THEN substr({p}_s, 1, length({p}_s) - 1) ELSE {p}_s END) AS {p}_b"
        ));
        self.parse_number(p, &format!("{p}_b"), 2);
        self.stages[3].push(format!(
            "CASE WHEN {p}_pct OR abs({p}_n) > 1 THEN {p}_n / 100 ELSE {p}_n END AS {p}_v"
        ));
        self.stages[3].push(format!("({p}_s <> '' AND {p}_n IS NULL) AS {p}_bad"));
    }

    /// A trimmed text column, NULL when blank.
    fn text(&mut self, col: &str, p: &str) {
        self.stages[0].push(format!("nullif(trim({}), '') AS {p}", self.d.ident(col)));
    }

    /// A status column, normalised as `norm_status` does ('' when blank).
    fn status(&mut self, col: &str, p: &str) {
        let c = self.clean(col);
        self.stages[0].push(format!("lower({c}) AS {p}"));
    }

    /// CTEs `{name}_0` .. `{name}_3`; `{name}_3` has every typed column.
    fn ctes(&self, name: &str, from: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut prev = from.to_string();
        for (i, items) in self.stages.iter().enumerate() {
            let cte = format!("{name}_{i}");
            let cols = if items.is_empty() {
                String::new()
            } else {
                format!(",\n    {}", items.join(",\n    "))
            };
            out.push(format!("{cte} AS (\n  SELECT *{cols}\n  FROM {prev}\n)"));
            prev = cte;
        }
        out
    }
}

/// Collects statements and CTEs of one query.
struct Query {
    d: Dialect,
    prelude: Vec<String>,
    ctes: Vec<String>,
    views: usize,
}

impl Query {
    fn new(d: Dialect) -> Query {
        Query {
            d,
            prelude: Vec::new(),
            ctes: Vec::new(),
            views: 0,
        }
    }

    /// The relation that reads a file with every cell as text.
    fn source(&mut self, path: &str) -> String {
        match self.d {
            Dialect::DuckDb => format!(
                "read_csv({}, header = true, all_varchar = true)",
                self.d.lit(path)
            ),
            Dialect::Spark => {
                self.views += 1;
                let view = format!("opscalc_input_{}", self.views);
                // escape '"' reads RFC 4180 quoting (Spark's default escape is a backslash).
                self.prelude.push(format!(
                    "CREATE OR REPLACE TEMPORARY VIEW {view}\nUSING csv\nOPTIONS (path {}, header 'true', inferSchema 'false', multiLine 'true', escape '\"', encoding 'UTF-8')",
                    self.d.lit(path)
                ));
                view
            }
        }
    }

    fn cte(&mut self, name: &str, body: &str) {
        self.ctes.push(format!("{name} AS (\n  {}\n)", body.trim()));
    }

    fn finish(self, comment: &str, select: &str) -> String {
        let mut out = String::new();
        for line in comment.lines() {
            out.push_str("-- ");
            out.push_str(line);
            out.push('\n');
        }
        for p in &self.prelude {
            out.push_str(p);
            out.push_str(";\n\n");
        }
        out.push_str("WITH\n");
        out.push_str(&self.ctes.join(",\n"));
        out.push('\n');
        out.push_str(select.trim());
        out.push_str(";\n");
        out
    }
}

fn in_list(d: Dialect, col: &str, values: &[String]) -> String {
    let mut v: Vec<String> = values.iter().map(|s| norm_status(s)).collect();
    v.sort();
    v.dedup();
    if v.is_empty() {
        return "false".into();
    }
    let lits: Vec<String> = v.iter().map(|s| d.lit(s)).collect();
    format!("{col} IN ({})", lits.join(", "))
}

fn day_lit(day: Option<Date>) -> String {
    match day {
        Some(d) => format!("CAST({} AS BIGINT)", d.0),
        None => "CAST(NULL AS BIGINT)".into(),
    }
}

fn ratio(num: &str, den: &str) -> String {
    format!("CASE WHEN ({den}) <> 0 THEN CAST({num} AS DOUBLE) / ({den}) END")
}

/// Adds `{name}_lines` (usable order lines: order id, buyer, time, day,
/// sku, quantity) and `{name}` (paid orders: id, buyer, time, day), with
/// the rules of `Orders::build`.
fn orders_ctes(q: &mut Query, f: &SqlFile, opts: &OrderOptions, name: &str) -> Result<(), String> {
    let d = q.d;
    let oid = f.need(Role::OrderId)?;
    // paid_at wins whenever mapped; created_at is then not read at all.
    let time = match (f.column(Role::PaidAt), f.column(Role::CreatedAt)) {
        (Some(p), _) => p,
        (None, Some(c)) => c,
        (None, None) => {
            return Err(format!(
                "{}: {}",
                f.path,
                crate::notice::unmapped("paid_at or created_at")
            ))
        }
    };
    let mut t = Typed::new(d);
    t.text(oid, "__oid");
    match f.column(Role::BuyerId) {
        Some(b) => t.text(b, "__buyer"),
        None => t.stages[0].push("CAST(NULL AS STRING) AS __buyer".into()),
    }
    t.time(time, "__time");
    let mut bad = vec!["__time_bad".to_string()];
    if let Some(a) = f.column(Role::Amount) {
        t.number(a, "__amount");
        bad.push("__amount_bad".into());
    }
    let qty = match f.column(Role::Quantity) {
        Some(c) => {
            t.number(c, "__qty");
            bad.push("__qty_bad".into());
            "coalesce(__qty_n, 1.0)"
        }
        None => "1.0",
    };
    match f.column(Role::Sku) {
        Some(s) => t.text(s, "__sku"),
        None => t.stages[0].push("CAST(NULL AS STRING) AS __sku".into()),
    }
    let mut keep = vec!["__oid IS NOT NULL".to_string()];
    keep.extend(bad.iter().map(|b| format!("NOT {b}")));
    if let Some(s) = f.column(Role::Status) {
        t.status(s, "__status");
        keep.push(format!(
            "NOT ({})",
            in_list(d, "__status", &opts.cancelled_statuses)
        ));
        if opts.exclude_refunded {
            keep.push(format!(
                "NOT ({})",
                in_list(d, "__status", &opts.refunded_statuses)
            ));
        }
    }
    let src = q.source(f.path);
    // Rows whose every cell equals an earlier row's are kept once.
    q.cte(
        &format!("{name}_src"),
        &format!("SELECT DISTINCT * FROM {src}"),
    );
    let stages = t.ctes(name, &format!("{name}_src"));
    q.ctes.extend(stages);
    q.cte(
        &format!("{name}_lines"),
        &format!(
            "SELECT __oid AS order_id, __buyer AS buyer, __time_t AS t, __time_day AS day, __sku AS sku, {qty} AS qty\n  FROM {name}_3\n  WHERE {}",
            keep.join("\n    AND ")
        ),
    );
    // An order's time is its earliest line time; no time on any line means unpaid.
    q.cte(
        name,
        &format!(
            "SELECT order_id, min(buyer) AS buyer, min(t) AS t, min(day) AS day\n  FROM {name}_lines\n  GROUP BY order_id\n  HAVING min(t) IS NOT NULL"
        ),
    );
    Ok(())
}

/// Adds `{name}` (events: uid, day) and `{name}_reg` (uid, earliest
/// registration day) with the rules of `Activity::build` or
/// `Activity::from_orders`.
fn activity_ctes(q: &mut Query, a: &ActivitySql, name: &str) -> Result<(), String> {
    let d = q.d;
    match a {
        ActivitySql::Orders(f, opts) => {
            f.need(Role::BuyerId)?;
            orders_ctes(q, f, opts, &format!("{name}_o"))?;
            q.cte(
                name,
                &format!("SELECT buyer AS uid, day FROM {name}_o WHERE buyer IS NOT NULL"),
            );
            q.cte(
                &format!("{name}_reg"),
                &format!("SELECT uid, CAST(NULL AS BIGINT) AS reg FROM {name} WHERE false"),
            );
        }
        ActivitySql::Activity(f) => {
            let user = f.need(Role::UserId)?;
            let time = f.need(Role::Time)?;
            let mut t = Typed::new(d);
            t.text(user, "__uid");
            t.time(time, "__time");
            let mut keep = vec!["__uid IS NOT NULL".to_string(), "NOT __time_bad".into()];
            let reg = match f.column(Role::RegisteredAt) {
                Some(r) => {
                    t.time(r, "__reg");
                    keep.push("NOT __reg_bad".into());
                    keep.push("(__time_day IS NOT NULL OR __reg_day IS NOT NULL)".into());
                    "__reg_day"
                }
                None => {
                    keep.push("__time_day IS NOT NULL".into());
                    "CAST(NULL AS BIGINT)"
                }
            };
            let src = q.source(f.path);
            q.cte(
                &format!("{name}_src"),
                &format!("SELECT DISTINCT * FROM {src}"),
            );
            let stages = t.ctes(name, &format!("{name}_src"));
            q.ctes.extend(stages);
            q.cte(
                &format!("{name}_rows"),
                &format!(
                    "SELECT __uid AS uid, __time_day AS day, {reg} AS reg\n  FROM {name}_3\n  WHERE {}",
                    keep.join("\n    AND ")
                ),
            );
            q.cte(
                name,
                &format!("SELECT uid, day FROM {name}_rows WHERE day IS NOT NULL"),
            );
            q.cte(
                &format!("{name}_reg"),
                &format!("SELECT uid, min(reg) AS reg FROM {name}_rows WHERE reg IS NOT NULL GROUP BY uid"),
            );
        }
    }
    Ok(())
}

const HEADER: &str =
    "Generated by OpsCalc (opscalc-core) from the metric contract, spec/metrics.md.";

/// Repurchase (spec section 2): `buyers`, `repeat_buyers`,
/// `user_repurchase_rate`, `orders`, `repeat_orders`,
/// `order_repurchase_rate`, `returning_buyers`, `buyback_rate`, over the
/// window of `opts` (default: the first to the last order date).
///
/// # Example
/// ```
/// use opscalc_core::*;
/// let headers: Vec<String> = ["订单号", "买家ID", "付款时间"].iter().map(|s| s.to_string()).collect();
/// let mapping = Mapping::detect(InputKind::Orders, &headers);
/// let f = SqlFile { path: "orders.csv", headers: &headers, mapping: &mapping };
/// let sql = repurchase_sql(Dialect::DuckDb, &f, &OrderOptions::default(), &RepurchaseOptions::default()).unwrap();
/// assert!(sql.contains("read_csv('orders.csv'"));
/// assert!(sql.contains("\"买家ID\""));
/// assert!(sql.contains("AS user_repurchase_rate"));
/// ```
pub fn repurchase_sql(
    d: Dialect,
    f: &SqlFile,
    order_opts: &OrderOptions,
    opts: &RepurchaseOptions,
) -> Result<String, String> {
    f.need(Role::BuyerId)?;
    let mut q = Query::new(d);
    orders_ctes(&mut q, f, order_opts, "orders")?;
    q.cte(
        "bounds",
        &format!(
            "SELECT coalesce({}, min(day)) AS d_from, coalesce({}, max(day)) AS d_to FROM orders",
            day_lit(opts.from),
            day_lit(opts.to)
        ),
    );
    q.cte(
        "bo",
        "SELECT buyer, day FROM orders WHERE buyer IS NOT NULL",
    );
    let distinct = if opts.merge_same_day { "DISTINCT " } else { "" };
    q.cte(
        "in_window",
        &format!(
            "SELECT buyer, count(*) AS n\n  FROM (SELECT {distinct}buyer, day FROM bo) p CROSS JOIN bounds b\n  WHERE p.day BETWEEN b.d_from AND b.d_to\n  GROUP BY buyer"
        ),
    );
    let lookback = match opts.lookback_days {
        Some(l) => format!(" AND bo.day >= b.d_from - {}", l.min(4_000_000)),
        None => String::new(),
    };
    q.cte(
        "returning_buyers_set",
        &format!("SELECT DISTINCT bo.buyer FROM bo CROSS JOIN bounds b WHERE bo.day < b.d_from{lookback}"),
    );
    q.cte(
        "history",
        "SELECT count(*) AS n FROM bo CROSS JOIN bounds b WHERE bo.day < b.d_from",
    );
    q.cte(
        "counts",
        "SELECT count(*) AS buyers,\n    coalesce(sum(CASE WHEN w.n >= 2 THEN 1 ELSE 0 END), 0) AS repeat_buyers,\n    coalesce(sum(w.n), 0) AS orders,\n    count(r.buyer) AS returning_buyers\n  FROM in_window w LEFT JOIN returning_buyers_set r ON w.buyer = r.buyer",
    );
    let select = format!(
        "SELECT
  CAST(c.buyers AS BIGINT) AS buyers,
  CAST(c.repeat_buyers AS BIGINT) AS repeat_buyers,
  {} AS user_repurchase_rate,
  CAST(c.orders AS BIGINT) AS orders,
  CAST(c.orders - c.buyers AS BIGINT) AS repeat_orders,
  {} AS order_repurchase_rate,
  CAST(c.returning_buyers AS BIGINT) AS returning_buyers,
  CASE WHEN h.n > 0 THEN {} END AS buyback_rate
FROM counts c CROSS JOIN history h",
        ratio("c.repeat_buyers", "c.buyers"),
        ratio("c.orders - c.buyers", "c.orders"),
        ratio("c.returning_buyers", "c.buyers"),
    );
    let comment = format!(
        "{HEADER}\nRepurchase (复购率), spec section 2, {} SQL.\nWindow: {} to {}{}{}{}.",
        d.key(),
        opts.from
            .map_or("first order date".into(), |x| x.to_string()),
        opts.to.map_or("last order date".into(), |x| x.to_string()),
        opts.lookback_days
            .map_or(String::new(), |l| format!(", lookback {l} days")),
        if opts.merge_same_day {
            ", same-day orders merged"
        } else {
            ""
        },
        if order_opts.exclude_refunded {
            ", refunded excluded"
        } else {
            ""
        },
    );
    Ok(q.finish(&comment, &select))
}

/// Return visits (spec section 3): `churned_users`, `reflowed_users`,
/// `reflow_rate`, `retention_day_1`, `retention_day_7`, `retention_day_30`.
///
/// # Example
/// ```
/// use opscalc_core::*;
/// let headers: Vec<String> = ["用户ID", "访问时间"].iter().map(|s| s.to_string()).collect();
/// let mapping = Mapping::detect(InputKind::Activity, &headers);
/// let f = SqlFile { path: "visits.csv", headers: &headers, mapping: &mapping };
/// let sql = reflow_sql(Dialect::Spark, &ActivitySql::Activity(f), &ReflowOptions::default()).unwrap();
/// assert!(sql.contains("CREATE OR REPLACE TEMPORARY VIEW"));
/// assert!(sql.contains("`用户ID`"));
/// assert!(sql.contains("AS reflow_rate"));
/// ```
pub fn reflow_sql(d: Dialect, a: &ActivitySql, opts: &ReflowOptions) -> Result<String, String> {
    if opts.churn_days == 0 {
        return Err("churn_days must be at least 1".into());
    }
    let n = opts.churn_days.min(1_000_000);
    let mut q = Query::new(d);
    activity_ctes(&mut q, a, "events")?;
    q.cte("user_days", "SELECT DISTINCT uid, day FROM events");
    q.cte(
        "bounds",
        &format!(
            "SELECT coalesce({}, min(day)) AS d_from, coalesce({}, max(day)) AS d_to FROM user_days",
            day_lit(opts.from),
            day_lit(opts.to)
        ),
    );
    // Churned when the window opens: last activity before `from` is on or
    // before from - churn_days.
    q.cte(
        "churned",
        &format!(
            "SELECT u.uid\n  FROM user_days u CROSS JOIN bounds b\n  WHERE u.day < b.d_from\n  GROUP BY u.uid, b.d_from\n  HAVING max(u.day) <= b.d_from - {n}"
        ),
    );
    q.cte(
        "came_back",
        "SELECT DISTINCT u.uid FROM user_days u CROSS JOIN bounds b WHERE u.day BETWEEN b.d_from AND b.d_to",
    );
    q.cte(
        "reflow",
        "SELECT count(*) AS churned_users, count(c.uid) AS reflowed_users\n  FROM churned ch LEFT JOIN came_back c ON ch.uid = c.uid",
    );
    // Day-k retention over all the data; users whose day f+k lies beyond
    // the data's last day are left out.
    q.cte(
        "firsts",
        "SELECT uid, min(day) AS f FROM user_days GROUP BY uid",
    );
    q.cte("data_end", "SELECT max(day) AS last FROM user_days");
    let mut joins = String::new();
    let mut cols = Vec::new();
    for k in [1, 7, 30] {
        joins.push_str(&format!(
            "\n  LEFT JOIN user_days d{k} ON d{k}.uid = f.uid AND d{k}.day = f.f + {k}"
        ));
        cols.push(format!(
            "coalesce(sum(CASE WHEN f.f + {k} <= l.last THEN 1 ELSE 0 END), 0) AS den{k},\n    coalesce(sum(CASE WHEN f.f + {k} <= l.last AND d{k}.uid IS NOT NULL THEN 1 ELSE 0 END), 0) AS num{k}"
        ));
    }
    q.cte(
        "retention",
        &format!(
            "SELECT {}\n  FROM firsts f CROSS JOIN data_end l{joins}",
            cols.join(",\n    ")
        ),
    );
    let select = format!(
        "SELECT
  CAST(r.churned_users AS BIGINT) AS churned_users,
  CAST(r.reflowed_users AS BIGINT) AS reflowed_users,
  {} AS reflow_rate,
  {} AS retention_day_1,
  {} AS retention_day_7,
  {} AS retention_day_30
FROM reflow r CROSS JOIN retention t",
        ratio("r.reflowed_users", "r.churned_users"),
        ratio("t.num1", "t.den1"),
        ratio("t.num7", "t.den7"),
        ratio("t.num30", "t.den30"),
    );
    let comment = format!(
        "{HEADER}\nReturn visits (回流率) and day-k retention, spec section 3, {} SQL.\nChurn after {n} days without activity; window {} to {}.",
        d.key(),
        opts.from.map_or("first activity date".into(), |x| x.to_string()),
        opts.to.map_or("last activity date".into(), |x| x.to_string()),
    );
    Ok(q.finish(&comment, &select))
}

/// Lifecycle stages at as-of (spec section 3): `stage_new` ..
/// `stage_churned` and each stage's share. Users are the orders' buyers
/// and the activity's users, joined by id.
///
/// # Example
/// ```
/// use opscalc_core::*;
/// let headers: Vec<String> = ["订单号", "买家ID", "付款时间"].iter().map(|s| s.to_string()).collect();
/// let mapping = Mapping::detect(InputKind::Orders, &headers);
/// let f = SqlFile { path: "orders.csv", headers: &headers, mapping: &mapping };
/// let sql = lifecycle_sql(Dialect::DuckDb, &f, &OrderOptions::default(), None, &LifecycleOptions::default()).unwrap();
/// assert!(sql.contains("AS stage_dormant_share"));
/// ```
pub fn lifecycle_sql(
    d: Dialect,
    orders: &SqlFile,
    order_opts: &OrderOptions,
    activity: Option<&ActivitySql>,
    opts: &LifecycleOptions,
) -> Result<String, String> {
    if opts.churn_days == 0 || opts.dormant_days == 0 {
        return Err("churn_days and dormant_days must be at least 1".into());
    }
    orders.need(Role::BuyerId)?;
    let mut q = Query::new(d);
    orders_ctes(&mut q, orders, order_opts, "orders")?;
    match activity {
        Some(a) => activity_ctes(&mut q, a, "events")?,
        None => {
            q.cte("events", "SELECT buyer AS uid, day FROM orders WHERE false");
            q.cte(
                "events_reg",
                "SELECT buyer AS uid, CAST(NULL AS BIGINT) AS reg FROM orders WHERE false",
            );
        }
    }
    q.cte(
        "as_of",
        &format!(
            "SELECT coalesce({}, (SELECT max(x) FROM (\n    SELECT max(day) AS x FROM orders\n    UNION ALL SELECT max(day) FROM events\n    UNION ALL SELECT max(reg) FROM events_reg) m), 0) AS d",
            day_lit(opts.as_of)
        ),
    );
    // Purchases, and activity of any kind, on or before as-of, per person.
    q.cte(
        "facts",
        "SELECT uid, sum(p) AS purchases, max(CASE WHEN p = 1 THEN day END) AS last_purchase, max(day) AS last_activity
  FROM (
    SELECT buyer AS uid, day, 1 AS p FROM orders WHERE buyer IS NOT NULL
    UNION ALL SELECT uid, day, 0 FROM events
    UNION ALL SELECT uid, reg, 0 FROM events_reg
  ) x CROSS JOIN as_of a
  WHERE x.day <= a.d
  GROUP BY uid",
    );
    let churn = opts.churn_days.min(1_000_000);
    let dormant = opts.dormant_days.min(1_000_000);
    q.cte(
        "stages",
        &format!(
            "SELECT CASE
      WHEN a.d - f.last_activity >= {churn} THEN 'churned'
      WHEN f.purchases >= 2 AND a.d - f.last_purchase >= {dormant} THEN 'dormant'
      WHEN f.purchases >= 2 THEN 'mature'
      WHEN f.purchases = 1 THEN 'growing'
      ELSE 'new' END AS stage
  FROM facts f CROSS JOIN as_of a"
        ),
    );
    let stages = ["new", "growing", "mature", "dormant", "churned"];
    let mut cols: Vec<String> = stages
        .iter()
        .map(|s| format!("  CAST(coalesce(sum(CASE WHEN stage = '{s}' THEN 1 ELSE 0 END), 0) AS BIGINT) AS stage_{s}"))
        .collect();
    cols.extend(stages.iter().map(|s| {
        format!(
            "  {} AS stage_{s}_share",
            ratio(
                &format!("sum(CASE WHEN stage = '{s}' THEN 1 ELSE 0 END)"),
                "count(*)"
            )
        )
    }));
    let select = format!("SELECT\n{}\nFROM stages", cols.join(",\n"));
    let comment = format!(
        "{HEADER}\nLifecycle stages (用户生命周期), spec section 3, {} SQL.\nAs of {}; churned after {churn} days, dormant {dormant} days after the last of 2+ purchases.",
        d.key(),
        opts.as_of.map_or("the last date in the data".into(), |x| x.to_string()),
    );
    Ok(q.finish(&comment, &select))
}

/// Sell-through (spec section 4): `online_skus`, `warehouse_skus`,
/// `all_skus`, `selling_online_skus`, `sell_through_rate`, `unsold_skus`,
/// `unsold_rate`, and `new_listing_days` when a listing date is mapped.
///
/// # Example
/// ```
/// use opscalc_core::*;
/// let headers: Vec<String> = ["商家编码", "宝贝状态", "30天销量"].iter().map(|s| s.to_string()).collect();
/// let mapping = Mapping::detect(InputKind::Products, &headers);
/// let f = SqlFile { path: "products.csv", headers: &headers, mapping: &mapping };
/// let sql = sell_through_sql(Dialect::DuckDb, &f, &ProductOptions::default(), None, &SellThroughOptions::default()).unwrap();
/// assert!(sql.contains("'出售中'"));
/// assert!(sql.contains("AS unsold_rate"));
/// ```
pub fn sell_through_sql(
    d: Dialect,
    products: &SqlFile,
    product_opts: &ProductOptions,
    orders: Option<(&SqlFile, &OrderOptions)>,
    opts: &SellThroughOptions,
) -> Result<String, String> {
    if opts.window_days == 0 {
        return Err("the window must be at least 1 day".into());
    }
    let sku = products.need(Role::Sku)?;
    let status = products.need(Role::Status)?;
    let mut q = Query::new(d);
    match orders {
        Some((f, o)) => {
            f.need(Role::Sku)?;
            orders_ctes(&mut q, f, o, "orders")?;
        }
        None => {
            q.cte(
                "orders_lines",
                "SELECT CAST(NULL AS STRING) AS order_id, CAST(NULL AS STRING) AS sku, CAST(NULL AS DOUBLE) AS qty WHERE false",
            );
            q.cte(
                "orders",
                "SELECT CAST(NULL AS STRING) AS order_id, CAST(NULL AS BIGINT) AS day WHERE false",
            );
        }
    }
    let mut t = Typed::new(d);
    t.text(sku, "__sku");
    t.status(status, "__status");
    let mut bad = Vec::new();
    let mut col = |t: &mut Typed, role: Role, p: &str, time: bool| match products.column(role) {
        Some(c) => {
            if time {
                t.time(c, p);
            } else {
                t.number(c, p);
            }
            bad.push(format!("NOT {p}_bad"));
            format!("{p}_{}", if time { "day" } else { "n" })
        }
        None => if time {
            "CAST(NULL AS BIGINT)"
        } else {
            "CAST(NULL AS DOUBLE)"
        }
        .to_string(),
    };
    let sales = col(&mut t, Role::Sales30d, "__sales", false);
    let last_sold = col(&mut t, Role::LastSoldAt, "__sold", true);
    let listed = col(&mut t, Role::ListedAt, "__listed", true);
    let src = q.source(products.path);
    let rn = match d {
        Dialect::DuckDb => "row_number() OVER ()",
        Dialect::Spark => "monotonically_increasing_id()",
    };
    // File order decides which row of a SKU counts (its first usable row).
    q.cte(
        "products_src",
        &format!("SELECT *, {rn} AS __rn FROM {src}"),
    );
    let stages = t.ctes("products", "products_src");
    q.ctes.extend(stages);
    let mut keep = vec!["__sku IS NOT NULL".to_string()];
    keep.extend(bad);
    q.cte(
        "products_rows",
        &format!(
            "SELECT __rn AS rn, __sku AS sku, __status AS status, {sales} AS sales, {last_sold} AS last_sold, {listed} AS listed\n  FROM products_3\n  WHERE {}",
            keep.join("\n    AND ")
        ),
    );
    // A value in both lists counts as online (that list is checked first);
    // a SKU whose first row has an unknown status waits to be classified.
    q.cte(
        "items",
        &format!(
            "SELECT sku, CASE WHEN {} THEN 'online' ELSE 'warehouse' END AS kind, sales, last_sold, listed
  FROM (SELECT *, row_number() OVER (PARTITION BY sku ORDER BY rn) AS k FROM products_rows) x
  WHERE k = 1 AND ({} OR {})",
            in_list(d, "status", &product_opts.online_statuses),
            in_list(d, "status", &product_opts.online_statuses),
            in_list(d, "status", &product_opts.warehouse_statuses),
        ),
    );
    q.cte(
        "sale_window",
        &format!(
            "SELECT a.d - {} AS d_from, a.d AS d_to\n  FROM (SELECT coalesce({}, (SELECT max(day) FROM orders), {}) AS d) a",
            opts.window_days.clamp(1, 4_000_000) - 1,
            day_lit(opts.as_of),
            d.today()
        ),
    );
    q.cte(
        "sold_qty",
        "SELECT l.sku, sum(l.qty) AS qty
  FROM orders_lines l JOIN orders o ON l.order_id = o.order_id CROSS JOIN sale_window w
  WHERE l.sku IS NOT NULL AND o.day BETWEEN w.d_from AND w.d_to
  GROUP BY l.sku",
    );
    q.cte(
        "judged",
        "SELECT i.kind, i.listed,
    (coalesce(s.qty, 0) > 0 OR coalesce(i.sales, 0) > 0 OR coalesce(i.last_sold BETWEEN w.d_from AND w.d_to, false)) AS sold
  FROM items i LEFT JOIN sold_qty s ON i.sku = s.sku CROSS JOIN sale_window w",
    );
    q.cte(
        "counts",
        "SELECT coalesce(sum(CASE WHEN kind = 'online' THEN 1 ELSE 0 END), 0) AS online_skus,
    coalesce(sum(CASE WHEN kind = 'warehouse' THEN 1 ELSE 0 END), 0) AS warehouse_skus,
    coalesce(sum(CASE WHEN kind = 'online' AND sold THEN 1 ELSE 0 END), 0) AS selling_online_skus,
    coalesce(sum(CASE WHEN NOT sold THEN 1 ELSE 0 END), 0) AS unsold_skus
  FROM judged",
    );
    let listing = if products.column(Role::ListedAt).is_some() {
        format!(
            ",\n  (SELECT CAST(count(DISTINCT j.listed) AS BIGINT) FROM judged j CROSS JOIN sale_window w WHERE j.listed BETWEEN w.d_to - {} AND w.d_to) AS new_listing_days",
            LISTING_CADENCE_DAYS - 1
        )
    } else {
        String::new()
    };
    let select = format!(
        "SELECT
  CAST(c.online_skus AS BIGINT) AS online_skus,
  CAST(c.warehouse_skus AS BIGINT) AS warehouse_skus,
  CAST(c.online_skus + c.warehouse_skus AS BIGINT) AS all_skus,
  CAST(c.selling_online_skus AS BIGINT) AS selling_online_skus,
  CASE WHEN c.online_skus >= {MIN_ONLINE_SKUS} THEN {} END AS sell_through_rate,
  CAST(c.unsold_skus AS BIGINT) AS unsold_skus,
  {} AS unsold_rate{listing}
FROM counts c",
        ratio("c.selling_online_skus", "c.online_skus"),
        ratio("c.unsold_skus", "c.online_skus + c.warehouse_skus"),
    );
    let comment = format!(
        "{HEADER}\nSell-through (动销率 / 滞销率), spec section 4, {} SQL.\nWindow: the {} days ending on {}.",
        d.key(),
        opts.window_days,
        opts.as_of.map_or("the last order date (else today)".into(), |x| x.to_string()),
    );
    Ok(q.finish(&comment, &select))
}

/// The traffic keys in the order of `TrafficCounts::metrics`, with the
/// expression of each given the summed counts `pv`, `uv`, ... (NULL when
/// absent) and `roi_revenue`.
fn traffic_select(flagship_aov: Option<f64>) -> String {
    let r = |n: &str, dd: &str| {
        format!("CASE WHEN {n} IS NOT NULL AND {dd} IS NOT NULL AND {dd} <> 0 THEN CAST({n} AS DOUBLE) / {dd} END")
    };
    let aov = r("revenue", "buyers");
    let store = match flagship_aov {
        Some(f) if f > 0.0 => format!("({aov}) / CAST({f:?} AS DOUBLE)"),
        _ => "CAST(NULL AS DOUBLE)".into(),
    };
    let cols = [
        "CAST(pv AS DOUBLE) AS pv".to_string(),
        "CAST(uv AS DOUBLE) AS uv".into(),
        "CAST(visits AS DOUBLE) AS visits".into(),
        "CAST(bounced_visits AS DOUBLE) AS bounced_visits".into(),
        format!("{} AS visit_depth", r("pv", "visits")),
        format!("{} AS pv_per_uv", r("pv", "uv")),
        format!("{} AS bounce_rate", r("bounced_visits", "visits")),
        "CAST(buyers AS DOUBLE) AS buyers".into(),
        format!("{} AS conversion_rate", r("buyers", "uv")),
        "CAST(revenue AS DOUBLE) AS revenue".into(),
        format!("{aov} AS aov"),
        "CAST(impressions AS DOUBLE) AS impressions".into(),
        "CAST(clicks AS DOUBLE) AS clicks".into(),
        "CAST(spend AS DOUBLE) AS spend".into(),
        format!("{} AS ctr", r("clicks", "impressions")),
        format!("{} AS cpc", r("spend", "clicks")),
        format!("{} AS roi", r("roi_revenue", "spend")),
        format!("{store} AS store_aov_ratio"),
    ];
    format!("SELECT\n  {}\nFROM totals", cols.join(",\n  "))
}

/// Traffic quality from a page-view log (spec section 5): pv, uv, visits
/// split where more than `session_gap_minutes` pass without a view (or by
/// session id when mapped), bounced visits and the rates from them. The
/// columns are every traffic key; those a log cannot give are NULL.
///
/// # Example
/// ```
/// use opscalc_core::*;
/// let headers: Vec<String> = ["访客ID", "访问时间"].iter().map(|s| s.to_string()).collect();
/// let mapping = Mapping::detect(InputKind::PageViews, &headers);
/// let f = SqlFile { path: "pv.csv", headers: &headers, mapping: &mapping };
/// let sql = pageviews_sql(Dialect::DuckDb, &f, &TrafficOptions::default()).unwrap();
/// assert!(sql.contains("<= 1800"));
/// assert!(sql.contains("AS bounce_rate"));
/// ```
pub fn pageviews_sql(d: Dialect, f: &SqlFile, opts: &TrafficOptions) -> Result<String, String> {
    let visitor = f.need(Role::VisitorId)?;
    let time = f.need(Role::Time)?;
    let mut t = Typed::new(d);
    t.text(visitor, "__vid");
    t.time(time, "__time");
    let mut keep = vec![
        "__vid IS NOT NULL".to_string(),
        "__time_t IS NOT NULL".into(),
    ];
    let session = f.column(Role::SessionId);
    if let Some(s) = session {
        t.text(s, "__sid");
        keep.push("__sid IS NOT NULL".into());
    }
    let mut q = Query::new(d);
    let src = q.source(f.path);
    q.cte("views_src", &format!("SELECT DISTINCT * FROM {src}"));
    let stages = t.ctes("views", "views_src");
    q.ctes.extend(stages);
    let sid = if session.is_some() {
        "__sid"
    } else {
        "CAST(NULL AS STRING)"
    };
    q.cte(
        "views",
        &format!(
            "SELECT __vid AS vid, __time_t AS t, {sid} AS sid\n  FROM views_3\n  WHERE {}",
            keep.join("\n    AND ")
        ),
    );
    if session.is_some() {
        q.cte(
            "visits",
            "SELECT vid, count(*) AS n FROM views GROUP BY vid, sid",
        );
    } else {
        let gap = opts.session_gap_minutes as i64 * 60;
        // A view starts a visit when it is the visitor's first or more than
        // the gap after the previous view; a gap of exactly the setting does
        // not split.
        q.cte(
            "starts",
            &format!(
                "SELECT vid, t, CASE WHEN t - lag(t) OVER (PARTITION BY vid ORDER BY t) <= {gap} THEN 0 ELSE 1 END AS s FROM views"
            ),
        );
        q.cte(
            "numbered",
            "SELECT vid, sum(s) OVER (PARTITION BY vid ORDER BY t, s DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS visit FROM starts",
        );
        q.cte(
            "visits",
            "SELECT vid, count(*) AS n FROM numbered GROUP BY vid, visit",
        );
    }
    q.cte(
        "totals",
        "SELECT
    (SELECT count(*) FROM views) AS pv,
    (SELECT count(DISTINCT vid) FROM views) AS uv,
    (SELECT count(*) FROM visits) AS visits,
    (SELECT count(*) FROM visits WHERE n = 1) AS bounced_visits,
    CAST(NULL AS DOUBLE) AS buyers, CAST(NULL AS DOUBLE) AS revenue,
    CAST(NULL AS DOUBLE) AS impressions, CAST(NULL AS DOUBLE) AS clicks,
    CAST(NULL AS DOUBLE) AS spend, CAST(NULL AS DOUBLE) AS roi_revenue",
    );
    let comment = format!(
        "{HEADER}\nTraffic quality from a page-view log, spec section 5, {} SQL.\n{}",
        d.key(),
        if session.is_some() {
            "Visits are the session ids.".to_string()
        } else {
            format!(
                "Visits split where more than {} minutes pass without a view.",
                opts.session_gap_minutes
            )
        }
    );
    Ok(q.finish(&comment, &traffic_select(opts.flagship_aov)))
}

/// Traffic quality from a table of daily or per-channel counts (spec
/// section 5): every count summed over the rows, every rate from the sums,
/// `roi` from the revenue of rows that have spend.
///
/// # Example
/// ```
/// use opscalc_core::*;
/// let headers: Vec<String> = ["日期", "访客数", "支付买家数"].iter().map(|s| s.to_string()).collect();
/// let mapping = Mapping::detect(InputKind::TrafficTable, &headers);
/// let f = SqlFile { path: "traffic.csv", headers: &headers, mapping: &mapping };
/// let sql = traffic_table_sql(Dialect::DuckDb, &f, &TrafficOptions::default()).unwrap();
/// assert!(sql.contains("AS conversion_rate"));
/// ```
pub fn traffic_table_sql(d: Dialect, f: &SqlFile, opts: &TrafficOptions) -> Result<String, String> {
    let roles = [
        (Role::Pv, "pv"),
        (Role::Uv, "uv"),
        (Role::Visits, "visits"),
        (Role::BouncedVisits, "bounced_visits"),
        (Role::Buyers, "buyers"),
        (Role::Revenue, "revenue"),
        (Role::Spend, "spend"),
        (Role::Impressions, "impressions"),
        (Role::Clicks, "clicks"),
        (Role::Orders, "orders"),
        (Role::Carts, "carts"),
    ];
    let rate_col = f.column(Role::BounceRate);
    if roles.iter().all(|(r, _)| f.column(*r).is_none()) && rate_col.is_none() {
        return Err(format!(
            "{}: no column looks like traffic counts (pv, uv, visits, buyers, revenue, spend, ...): map one",
            f.path
        ));
    }
    let mut t = Typed::new(d);
    let mut keep = Vec::new();
    let mut value = std::collections::BTreeMap::new();
    for (role, key) in roles {
        match f.column(role) {
            Some(c) => {
                t.number(c, &format!("__{key}"));
                keep.push(format!("NOT __{key}_bad"));
                value.insert(key, format!("__{key}_n"));
            }
            None => {
                value.insert(key, "CAST(NULL AS DOUBLE)".into());
            }
        }
    }
    // Rates are never averaged: a bounce rate is used only row by row,
    // times the row's visits, when bounced visits are not given.
    let has_visits = f.column(Role::Visits).is_some();
    let has_bounced = f.column(Role::BouncedVisits).is_some();
    if let (Some(rc), true, false) = (rate_col, has_visits, has_bounced) {
        t.rate(rc, "__rate");
        keep.push("NOT __rate_bad".into());
        value.insert("bounced_visits", "__rate_v * __visits_n".into());
    }
    let date = f.column(Role::Date);
    if let Some(dc) = date {
        t.time(dc, "__date");
        keep.push("__date_day IS NOT NULL".into());
    }
    // A totals row (合计, Total, ...) in the date, channel or first column
    // would count everything twice.
    let mut label_cols: Vec<&str> = Vec::new();
    for c in [
        date,
        f.column(Role::Channel),
        f.headers.first().map(String::as_str),
    ]
    .into_iter()
    .flatten()
    {
        if !label_cols.contains(&c) {
            label_cols.push(c);
        }
    }
    let labels: Vec<String> = crate::traffic::TOTAL_LABELS
        .iter()
        .map(|s| s.to_string())
        .collect();
    for (i, c) in label_cols.iter().enumerate() {
        t.status(c, &format!("__label{i}"));
        keep.push(format!(
            "NOT ({})",
            in_list(d, &format!("__label{i}"), &labels)
        ));
    }
    let mut q = Query::new(d);
    let src = q.source(f.path);
    q.cte("counts_src", &format!("SELECT DISTINCT * FROM {src}"));
    let stages = t.ctes("counts", "counts_src");
    q.ctes.extend(stages);
    let mut cols: Vec<String> = value.iter().map(|(k, v)| format!("{v} AS {k}")).collect();
    // The roi numerator: a row's revenue counts only if the row has spend.
    let rws = if f.column(Role::Revenue).is_some() && f.column(Role::Spend).is_some() {
        "CASE WHEN __spend_n > 0 THEN coalesce(__revenue_n, 0) END"
    } else {
        "CAST(NULL AS DOUBLE)"
    };
    cols.push(format!("{rws} AS rws"));
    let keep = if keep.is_empty() {
        "true".to_string()
    } else {
        keep.join("\n    AND ")
    };
    q.cte(
        "count_rows",
        &format!(
            "SELECT {}\n  FROM counts_3\n  WHERE {keep}",
            cols.join(",\n    ")
        ),
    );
    q.cte(
        "totals",
        "SELECT sum(pv) AS pv, sum(uv) AS uv, sum(visits) AS visits, sum(bounced_visits) AS bounced_visits,
    sum(buyers) AS buyers, sum(revenue) AS revenue, sum(impressions) AS impressions, sum(clicks) AS clicks,
    sum(spend) AS spend,
    coalesce(sum(rws), CASE WHEN sum(spend) IS NOT NULL THEN sum(revenue) END) AS roi_revenue
  FROM count_rows",
    );
    let comment = format!(
        "{HEADER}\nTraffic quality from a table of counts, spec section 5, {} SQL.\nRates come from summed counts, never from averaged rates.",
        d.key()
    );
    Ok(q.finish(&comment, &traffic_select(opts.flagship_aov)))
}
