//! Shared app state (the [`AppState`] context) and the plain logic behind
//! it: datasets, their mapping, and what is remembered in the browser.

use crate::engine::{TableBytes, PREVIEW_ROWS};
use crate::i18n::Lang;
use crate::import_worker::FileRef;
use leptos::prelude::*;
use opscalc_core::{
    read_text, DateOrder, InputKind, Mapping, ReadError, ReadResult, Role, TableRef,
};
use std::sync::Arc;

/// Built-in sample files, so every calculator shows results at once.
/// Native builds only: the web app fetches them (`crate::sample_files`).
#[cfg(not(target_arch = "wasm32"))]
pub const SAMPLE_ORDERS: &str = include_str!("../samples/orders.csv");
/// Sample visits of the same shop.
#[cfg(not(target_arch = "wasm32"))]
pub const SAMPLE_ACTIVITY: &str = include_str!("../samples/activity.csv");
/// Sample product list.
#[cfg(not(target_arch = "wasm32"))]
pub const SAMPLE_PRODUCTS: &str = include_str!("../samples/products.csv");
/// Sample daily traffic per channel.
#[cfg(not(target_arch = "wasm32"))]
pub const SAMPLE_TRAFFIC: &str = include_str!("../samples/traffic.csv");

/// Where a dataset came from.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// A built-in sample.
    Sample,
    /// A file the user chose (its name).
    File(String),
    /// Text the user pasted.
    Paste,
}

/// One imported table with its column mapping.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    /// What the table holds.
    pub kind: InputKind,
    /// The headers, the first rows ([`PREVIEW_ROWS`]) and what the reader
    /// detected: all the page itself reads of a table.
    pub preview: Arc<ReadResult>,
    /// The table's number of data rows.
    pub rows: usize,
    /// The whole table, encoded: the engine computes from it (and gets it
    /// again if its worker restarts), and saving stores it.
    pub bytes: Arc<TableBytes>,
    /// The engine's id for this table.
    pub table_id: u32,
    /// Which column plays which role.
    pub mapping: Mapping,
    /// Where it came from.
    pub source: Source,
    /// The user's choice for ambiguous dates.
    pub date_order: Option<DateOrder>,
    /// The browser's handle of an uploaded file, to read it again with
    /// another encoding or sheet without asking for it again.
    pub file: Option<FileRef>,
}

impl Dataset {
    /// Reads a sample (which is always valid).
    pub fn sample(kind: InputKind, name: &str, text: &str) -> Dataset {
        let read = read_text(name, text, None).expect("built-in samples are valid CSV");
        Dataset::from_read(kind, read, Source::Sample, None, |_| None)
    }

    /// A dataset from a table the import worker read.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::{read_text, InputKind, Role};
    /// use opscalc_web::state::{Dataset, Source};
    /// let r = read_text("o.csv", "order id,buyer,paid at\n1,a,2024-01-01\n", None).unwrap();
    /// let d = Dataset::from_read(InputKind::Orders, r, Source::File("o.csv".into()), None, |_| None);
    /// assert_eq!(d.mapping.get(Role::BuyerId), Some(1));
    /// ```
    pub fn from_read(
        kind: InputKind,
        read: ReadResult,
        source: Source,
        file: Option<FileRef>,
        remembered: impl Fn(&[String]) -> Option<Vec<(String, String)>>,
    ) -> Dataset {
        let bytes = TableBytes::from_read(&read);
        let rows = read.table.len();
        Dataset::new(
            kind,
            read.preview(PREVIEW_ROWS),
            rows,
            bytes,
            None,
            source,
            file,
            remembered,
        )
    }

    /// A dataset from an encoded table (an import worker's or a saved
    /// one), decoding only its preview; damaged bytes are an error.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::{read_text, InputKind};
    /// use opscalc_web::{engine::TableBytes, state::{Dataset, Source}};
    /// let r = read_text("o.csv", "order id,buyer,paid at\n1,a,2024-01-01\n", None).unwrap();
    /// let d = Dataset::from_bytes(InputKind::Orders, TableBytes::from_read(&r), Source::Paste, None, |_| None).unwrap();
    /// assert_eq!((d.rows, d.preview.table.cell(0, 1)), (1, "a"));
    /// ```
    pub fn from_bytes(
        kind: InputKind,
        bytes: TableBytes,
        source: Source,
        file: Option<FileRef>,
        remembered: impl Fn(&[String]) -> Option<Vec<(String, String)>>,
    ) -> Result<Dataset, String> {
        Dataset::from_held(kind, None, bytes, source, file, remembered)
    }

    /// A dataset from a file the engine worker imported: the engine holds
    /// the table as `table_id` already, so only the preview is decoded and
    /// nothing is sent back.
    pub fn from_import(
        kind: InputKind,
        table_id: u32,
        bytes: TableBytes,
        source: Source,
        file: Option<FileRef>,
        remembered: impl Fn(&[String]) -> Option<Vec<(String, String)>>,
    ) -> Result<Dataset, String> {
        Dataset::from_held(kind, Some(table_id), bytes, source, file, remembered)
    }

    /// Decodes the preview of `bytes`; `held` is the engine's id when the
    /// engine has the table already.
    fn from_held(
        kind: InputKind,
        held: Option<u32>,
        bytes: TableBytes,
        source: Source,
        file: Option<FileRef>,
        remembered: impl Fn(&[String]) -> Option<Vec<(String, String)>>,
    ) -> Result<Dataset, String> {
        let (preview, rows) = bytes.preview(PREVIEW_ROWS)?;
        Ok(Dataset::new(
            kind, preview, rows, bytes, held, source, file, remembered,
        ))
    }

    // One private constructor behind the public ones; a struct of its
    // arguments would only restate Dataset.
    #[allow(clippy::too_many_arguments)]
    fn new(
        kind: InputKind,
        preview: ReadResult,
        rows: usize,
        bytes: TableBytes,
        held: Option<u32>,
        source: Source,
        file: Option<FileRef>,
        remembered: impl Fn(&[String]) -> Option<Vec<(String, String)>>,
    ) -> Dataset {
        let mapping = mapping_for(
            kind,
            &preview,
            remembered(preview.table.headers()).as_deref(),
        );
        let bytes = Arc::new(bytes);
        let table_id = match held {
            Some(id) => {
                crate::engine::adopt(id, kind, &bytes);
                id
            }
            None => {
                let id = crate::engine::next_table_id();
                crate::engine::put(id, kind, &bytes);
                id
            }
        };
        Dataset {
            kind,
            preview: Arc::new(preview),
            rows,
            bytes,
            table_id,
            mapping,
            source,
            date_order: None,
            file,
        }
    }

    /// Reads pasted text (Excel copies as TSV).
    ///
    /// # Example
    /// ```
    /// use opscalc_core::InputKind;
    /// use opscalc_web::state::Dataset;
    /// let d = Dataset::from_paste(InputKind::Orders, "订单号\t买家ID\tpaid at\nA\tamy\t2024-01-02\n", |_| None).unwrap();
    /// assert_eq!(d.rows, 1);
    /// ```
    pub fn from_paste(
        kind: InputKind,
        text: &str,
        remembered: impl Fn(&[String]) -> Option<Vec<(String, String)>>,
    ) -> Result<Dataset, ReadError> {
        let read = read_text("pasted text", text, None)?;
        Ok(Dataset::from_read(
            kind,
            read,
            Source::Paste,
            None,
            remembered,
        ))
    }

    /// This table and its mapping, as the engine names them.
    pub fn table_ref(&self) -> TableRef {
        TableRef {
            id: self.table_id,
            mapping: self.mapping.clone(),
        }
    }

    /// The file name (or a label) for messages.
    pub fn name(&self) -> &str {
        self.preview.table.name()
    }

    /// The mapping as (role key, header) pairs, for remembering it.
    pub fn mapping_pairs(&self) -> Vec<(String, String)> {
        self.mapping
            .iter()
            .map(|(r, c)| (r.key().to_string(), self.preview.table.headers()[c].clone()))
            .collect()
    }
}

/// Detects the mapping, then applies a remembered one for these headers.
pub(crate) fn mapping_for(
    kind: InputKind,
    read: &ReadResult,
    remembered: Option<&[(String, String)]>,
) -> Mapping {
    let headers = read.table.headers();
    let mut m = Mapping::detect(kind, headers);
    if let Some(pairs) = remembered {
        // Start from nothing so roles the user cleared stay cleared.
        let mut r = Mapping::default();
        for (role, header) in pairs {
            if let (Some(role), Some(col)) = (
                Role::from_key(role),
                headers.iter().position(|h| h == header),
            ) {
                r.set(role, Some(col));
            }
        }
        if r.iter().next().is_some() {
            m = r;
        }
    }
    m
}

/// The app's shared state, provided as context at the root.
#[derive(Clone, Copy)]
pub struct AppState {
    /// UI language.
    pub lang: RwSignal<Lang>,
    /// Orders (repurchase, lifecycle, sell-through).
    pub orders: RwSignal<Dataset>,
    /// Activity (reflow, lifecycle).
    pub activity: RwSignal<Dataset>,
    /// Products (sell-through).
    pub products: RwSignal<Dataset>,
    /// Traffic counts or page views.
    pub traffic: RwSignal<Dataset>,
}

impl AppState {
    /// State with the built-in samples loaded.
    pub fn with_samples(lang: Lang) -> AppState {
        AppState {
            lang: RwSignal::new(lang),
            orders: RwSignal::new(sample(InputKind::Orders)),
            activity: RwSignal::new(sample(InputKind::Activity)),
            products: RwSignal::new(sample(InputKind::Products)),
            traffic: RwSignal::new(sample(InputKind::TrafficTable)),
        }
    }

    /// The dataset signal of a kind.
    pub fn dataset(&self, kind: InputKind) -> RwSignal<Dataset> {
        match kind {
            InputKind::Orders => self.orders,
            InputKind::Activity => self.activity,
            InputKind::Products => self.products,
            InputKind::TrafficTable | InputKind::PageViews => self.traffic,
        }
    }
}

/// The sample dataset of a kind, or an empty placeholder while the web
/// app is still fetching the sample files (`crate::sample_files`).
pub fn sample(kind: InputKind) -> Dataset {
    let (kind, _, name) = crate::sample_files::file_for(kind);
    match crate::sample_files::text(kind) {
        Some(text) => Dataset::sample(kind, name, &text),
        None => {
            let read = read_text(name, PLACEHOLDER_HEADER, None).expect("one header is valid CSV");
            Dataset::from_read(kind, read, Source::Sample, None, |_| None)
        }
    }
}

/// The one header of a placeholder dataset.
const PLACEHOLDER_HEADER: &str = "…\n";

/// Whether a dataset is the placeholder of a sample not fetched yet.
///
/// # Example
/// ```
/// use opscalc_core::InputKind;
/// use opscalc_web::state::{is_placeholder, sample};
/// // Native builds embed the samples: never a placeholder.
/// assert!(!is_placeholder(&sample(InputKind::Orders)));
/// ```
pub fn is_placeholder(d: &Dataset) -> bool {
    d.source == Source::Sample && d.rows == 0
}

/// The app state from context.
pub fn use_app() -> AppState {
    use_context::<AppState>().expect("AppState is provided at the root")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_map_every_role_the_calculators_need() {
        let o = sample(InputKind::Orders);
        for r in [
            Role::OrderId,
            Role::BuyerId,
            Role::PaidAt,
            Role::Amount,
            Role::Status,
            Role::Sku,
        ] {
            assert!(o.mapping.get(r).is_some(), "orders sample lacks {r}");
        }
        let a = sample(InputKind::Activity);
        assert!(a.mapping.get(Role::UserId).is_some() && a.mapping.get(Role::Time).is_some());
    }

    #[test]
    fn remembered_mapping_wins_over_detection() {
        let remembered = vec![
            ("buyer_id".to_string(), "收货人".to_string()),
            ("order_id".to_string(), "单号".to_string()),
        ];
        let d = Dataset::from_paste(
            InputKind::Orders,
            "单号\t收货人\t买家ID\n1\tx\ty\n",
            |_| Some(remembered.clone()),
        )
        .unwrap();
        assert_eq!(d.mapping.get(Role::BuyerId), Some(1));
        assert_eq!(d.mapping.get(Role::OrderId), Some(0));
    }
}

/// A computed value shared by pointer: memos compare it by identity, so a
/// million-order result is never compared field by field.
#[derive(Debug)]
pub struct Shared<T>(pub Arc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// Splits a text area into a list: one value per line, blanks dropped.
///
/// # Example
/// ```
/// use opscalc_web::state::lines;
/// assert_eq!(lines("交易关闭\n\n closed \n"), vec!["交易关闭".to_string(), "closed".to_string()]);
/// ```
pub fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}
