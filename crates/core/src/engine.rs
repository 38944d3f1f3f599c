//! The compute engine: tables kept by id, calculators run on request.
//!
//! The browser app runs an [`Engine`] inside a Web Worker so a million-row
//! calculation never blocks the page: the page sends a small [`Request`]
//! (which table, its mapping, the settings) and gets back a [`Reply`] with
//! the result. Both travel in one compact binary form ([`to_wire`],
//! [`from_wire`]); the table itself is sent once, when it is imported.
//! Orders built for one request are kept, so changing the window, the period
//! or the breakdown recomputes without rebuilding them.

use crate::{
    flagship_aov, lifecycle, lifecycle_transitions, reflow, repurchase, retention_users,
    sell_through, traffic_from_pageviews, traffic_from_table, Activity, BuyerRow, Date, DateOrder,
    Dimension, InputKind, Ledger, Lifecycle, LifecycleOptions, LifecycleUser, Mapping,
    OrderOptions, Orders, PageViews, Period, ProductOptions, Products, ReadResult, Reflow,
    ReflowOptions, ReflowUser, Repurchase, RepurchaseOptions, RetentionFigure, RetentionUser,
    SellThrough, SellThroughOptions, Table, TrafficOptions, TrafficResult, TrafficTable,
};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use std::sync::Arc;

/// A table the engine holds (by the page's id for it) and its mapping.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableRef {
    /// The id the table was put under.
    pub id: u32,
    /// Which column plays which role.
    pub mapping: Mapping,
}

/// A calculation the page asks for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Request {
    /// Repurchase (spec section 2) of an orders table.
    Repurchase {
        /// The orders table.
        orders: TableRef,
        /// How order rows are read (statuses, refunds, date order).
        order_options: OrderOptions,
        /// The window, lookback, period and breakdown.
        options: RepurchaseOptions,
    },
    /// Sell-through (spec section 4) of a product list, with orders when
    /// the page joins them.
    SellThrough {
        /// The product list.
        products: TableRef,
        /// Which statuses mean online and in the warehouse.
        product_options: ProductOptions,
        /// The orders table and how its rows are read, when used.
        orders: Option<(TableRef, OrderOptions)>,
        /// The window.
        options: SellThroughOptions,
    },
    /// Traffic quality (spec section 5) of a traffic table, or of a
    /// page-view log when `log` gives the log's mapping.
    Traffic {
        /// The traffic table or log.
        traffic: TableRef,
        /// The page-view log mapping, when the file is a log.
        log: Option<Mapping>,
        /// How to read `05/03/2024` when a column does not settle it.
        date_order: Option<DateOrder>,
        /// Session gap, flagship aov and benchmark bands.
        options: TrafficOptions,
    },
    /// The best seller's aov (主推款客单价) from an orders table.
    FlagshipAov {
        /// The orders table.
        orders: TableRef,
        /// How order rows are read.
        order_options: OrderOptions,
    },
    /// The buyers behind the repurchase figures (the drill-down), asked
    /// for only when shown: at a million orders they are most of the
    /// answer's bytes.
    RepurchaseBuyers {
        /// The orders table.
        orders: TableRef,
        /// How order rows are read.
        order_options: OrderOptions,
        /// The window, lookback, period and breakdown.
        options: RepurchaseOptions,
    },
    /// Return visits and retention cohorts (spec section 3) of the
    /// activity.
    Reflow {
        /// Where the activity comes from.
        activity: ActivityFrom,
        /// Churn days, window and period.
        options: ReflowOptions,
    },
    /// Lifecycle stages (spec section 3) at a date, and how users moved
    /// between stages since an earlier date.
    Lifecycle {
        /// The orders and how their rows are read; `None` for no orders
        /// (nobody has bought).
        orders: Option<(TableRef, OrderOptions)>,
        /// The activity, when there is any besides the orders.
        activity: Option<ActivityFrom>,
        /// As-of date, churn and dormant days.
        options: LifecycleOptions,
        /// The earlier as-of date of the stage movement table (default:
        /// 30 days before the as-of date).
        compare: Option<Date>,
    },
    /// The users churned when the return-visit window opened (the recall
    /// list), asked for only when shown.
    ReflowUsers {
        /// Where the activity comes from.
        activity: ActivityFrom,
        /// Churn days, window and period.
        options: ReflowOptions,
    },
    /// Every user's lifecycle stage (the drill-down), asked for only when
    /// shown.
    LifecycleUsers {
        /// The orders and how their rows are read; `None` for no orders.
        orders: Option<(TableRef, OrderOptions)>,
        /// The activity, when there is any besides the orders.
        activity: Option<ActivityFrom>,
        /// As-of date, churn and dormant days.
        options: LifecycleOptions,
    },
    /// Every excluded row of one ledger of another request's answer
    /// (answers list only the first [`LISTED_EXCLUDED_ROWS`]): for the
    /// data-quality list when it is opened or downloaded.
    Excluded {
        /// The request whose answer holds the ledger.
        of: Box<Request>,
        /// Which of its ledgers, in [`Response::ledgers_mut`] order.
        which: usize,
    },
    /// The users behind a retention figure (the drill-down).
    RetentionUsers {
        /// Where the activity comes from.
        activity: ActivityFrom,
        /// The cohorts' period.
        period: Period,
        /// Which figure.
        figure: RetentionFigure,
    },
}

/// Where activity (visits, logins) comes from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ActivityFrom {
    /// An activity table, and how to read `05/03/2024` when a column does
    /// not settle it.
    Table(TableRef, Option<DateOrder>),
    /// The orders themselves: every paid order is activity (spec section 3
    /// allows an orders file alone).
    Orders(TableRef, OrderOptions),
}

/// Stage movement between two as-of dates: `counts[a][b]` users were in
/// stage `a` (in [`crate::Stage::ALL`] order) at `from` and in stage `b` at `to`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Transitions {
    /// The earlier as-of date.
    pub from: Date,
    /// The later as-of date.
    pub to: Date,
    /// Users by stage at `from` (rows) and at `to` (columns).
    pub counts: Vec<Vec<u64>>,
}

/// The result of a [`Request`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Response {
    /// The answer to [`Request::Repurchase`], without the per-buyer rows
    /// (`buyers` is empty; [`Request::RepurchaseBuyers`] has them).
    Repurchase(Repurchase),
    /// The answer to [`Request::RepurchaseBuyers`].
    RepurchaseBuyers(Vec<BuyerRow>),
    /// The answer to [`Request::SellThrough`], with the product statuses
    /// that are neither online nor warehouse (and how many SKUs have each).
    SellThrough(SellThrough, Vec<(String, usize)>),
    /// The answer to [`Request::Traffic`].
    Traffic(TrafficResult),
    /// The answer to [`Request::FlagshipAov`]: the product and its aov.
    FlagshipAov(Option<(String, f64)>),
    /// The answer to [`Request::Reflow`], with the activity's row ledger;
    /// without the churned users ([`Request::ReflowUsers`] has them).
    Reflow(Reflow, Ledger),
    /// The answer to [`Request::Lifecycle`], without the users
    /// ([`Request::LifecycleUsers`] has them).
    Lifecycle(Lifecycle, Transitions),
    /// The answer to [`Request::ReflowUsers`].
    ReflowUsers(Vec<ReflowUser>),
    /// The answer to [`Request::LifecycleUsers`].
    LifecycleUsers(Vec<LifecycleUser>),
    /// The answer to [`Request::RetentionUsers`].
    RetentionUsers(Vec<RetentionUser>),
    /// The answer to [`Request::Excluded`]: the whole ledger.
    Excluded(Ledger),
}

/// How many excluded rows an answer lists; the rest are counted per reason
/// ([`Ledger::cap`]) and sent whole only on [`Request::Excluded`]. A
/// million-row export can exclude a hundred thousand rows, and decoding
/// them all on the page was a long task for a list shown folded.
pub const LISTED_EXCLUDED_ROWS: usize = 1000;

impl Response {
    /// The answer's row ledgers: repurchase's; sell-through's products then
    /// orders; traffic's; reflow's activity; lifecycle's in its order.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::{Ledger, Response};
    /// let mut r = Response::Excluded(Ledger::new("o.csv", 3));
    /// assert_eq!(r.ledgers_mut().len(), 1);
    /// assert!(Response::FlagshipAov(None).ledgers_mut().is_empty());
    /// ```
    pub fn ledgers_mut(&mut self) -> Vec<&mut Ledger> {
        match self {
            Response::Repurchase(r) => vec![&mut r.ledger],
            Response::SellThrough(s, _) => {
                let mut all = vec![&mut s.ledger];
                all.extend(s.orders_ledger.as_mut());
                all
            }
            Response::Traffic(t) => vec![&mut t.ledger],
            Response::Reflow(_, l) | Response::Excluded(l) => vec![l],
            Response::Lifecycle(l, _) => l.ledgers.iter_mut().collect(),
            Response::RepurchaseBuyers(_)
            | Response::FlagshipAov(_)
            | Response::ReflowUsers(_)
            | Response::LifecycleUsers(_)
            | Response::RetentionUsers(_) => Vec::new(),
        }
    }
}

/// Why a request has no result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum EngineError {
    /// The engine does not hold this table (it restarted, or the table was
    /// replaced): the page puts it again and retries.
    MissingTable(u32),
    /// The calculation itself failed; the message is for the user.
    Failed(String),
}

/// What the engine sends back: the result and how long its steps took.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    /// The result, or why there is none.
    pub result: Result<Response, EngineError>,
    /// Milliseconds per step (`orders_build`, `repurchase_views`), for the
    /// benchmark; a step that was served from the cache is left out.
    pub timings: Vec<(String, f64)>,
}

/// Encodes a message for the engine or back.
///
/// # Example
/// ```
/// use opscalc_core::{from_wire, to_wire, Period};
/// let bytes = to_wire(&Period::Week);
/// assert_eq!(from_wire::<Period>(&bytes).unwrap(), Period::Week);
/// ```
pub fn to_wire<T: Serialize>(value: &T) -> Vec<u8> {
    // Every type sent has a fixed shape and no maps with non-string keys
    // that postcard cannot write, so this cannot fail.
    postcard::to_allocvec(value).unwrap_or_default()
}

/// Decodes a message written by [`to_wire`]; damaged bytes are an error.
///
/// # Example
/// ```
/// use opscalc_core::{from_wire, Period};
/// assert!(from_wire::<Period>(&[200, 1]).is_err());
/// ```
pub fn from_wire<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    postcard::from_bytes(bytes).map_err(|e| format!("damaged engine message: {e}"))
}

/// Orders built from a table, and what they were built from.
struct BuiltOrders {
    table: u32,
    mapping: Mapping,
    options: OrderOptions,
    orders: Arc<Orders>,
}

/// Tables and the calculators over them.
///
/// # Example
/// ```
/// use opscalc_core::*;
/// let r = read_text("o.csv", "订单号,买家ID,付款时间\n1,amy,2024-03-01\n2,amy,2024-03-09\n3,bob,2024-03-05\n", None).unwrap();
/// let mapping = Mapping::detect(InputKind::Orders, r.table.headers());
/// let mut engine = Engine::new(|| 0.0);
/// engine.put(7, InputKind::Orders, r);
/// let reply = engine.handle(Request::Repurchase {
///     orders: TableRef { id: 7, mapping },
///     order_options: OrderOptions::default(),
///     options: RepurchaseOptions::default(),
/// });
/// let Ok(Response::Repurchase(rep)) = reply.result else { panic!() };
/// assert_eq!(rep.report.value("repeat_buyers"), Some(1.0));
/// ```
pub struct Engine {
    tables: Vec<(u32, InputKind, Arc<ReadResult>)>,
    orders: Option<BuiltOrders>,
    activity: Option<(ActivityFrom, Arc<Activity>)>,
    clock: fn() -> f64,
}

impl Engine {
    /// An engine with no tables; `clock` gives milliseconds for timings.
    pub fn new(clock: fn() -> f64) -> Engine {
        Engine {
            tables: Vec::new(),
            orders: None,
            activity: None,
            clock,
        }
    }

    /// Holds a table under `id`. It replaces the table of the same kind:
    /// the app has one dataset per kind, and a replaced one is garbage.
    pub fn put(&mut self, id: u32, kind: InputKind, read: ReadResult) {
        // Traffic counts and page views are two forms of one dataset.
        let slot = |k: InputKind| match k {
            InputKind::PageViews => InputKind::TrafficTable,
            k => k,
        };
        self.tables
            .retain(|(i, k, _)| slot(*k) != slot(kind) && *i != id);
        if self
            .orders
            .as_ref()
            .is_some_and(|o| !self.tables.iter().any(|(i, _, _)| *i == o.table))
        {
            self.orders = None;
        }
        let held = |from: &ActivityFrom| match from {
            ActivityFrom::Table(t, _) | ActivityFrom::Orders(t, _) => t.id,
        };
        if let Some((from, _)) = &self.activity {
            if !self.tables.iter().any(|(i, _, _)| *i == held(from)) {
                self.activity = None;
            }
        }
        self.tables.push((id, kind, Arc::new(read)));
    }

    /// The ids of the tables held, for tests and diagnostics.
    pub fn table_ids(&self) -> Vec<u32> {
        self.tables.iter().map(|(i, _, _)| *i).collect()
    }

    /// The table held under `id`, if any (the worker encodes an import's
    /// table for the page from it, after the first calculation).
    ///
    /// # Example
    /// ```
    /// use opscalc_core::{read_text, Engine, InputKind};
    /// let mut e = Engine::new(|| 0.0);
    /// e.put(3, InputKind::Orders, read_text("o.csv", "id\n1\n", None).unwrap());
    /// assert_eq!(e.held(3).unwrap().table.len(), 1);
    /// assert!(e.held(4).is_none());
    /// ```
    pub fn held(&self, id: u32) -> Option<Arc<ReadResult>> {
        self.table(id).ok()
    }

    fn table(&self, id: u32) -> Result<Arc<ReadResult>, EngineError> {
        self.tables
            .iter()
            .find(|(i, _, _)| *i == id)
            .map(|(_, _, t)| t.clone())
            .ok_or(EngineError::MissingTable(id))
    }

    /// Runs a request. Its answer lists at most [`LISTED_EXCLUDED_ROWS`]
    /// excluded rows per ledger ([`Request::Excluded`] has them all).
    pub fn handle(&mut self, request: Request) -> Reply {
        let whole = matches!(request, Request::Excluded { .. });
        let mut reply = self.answer(request);
        if let (Ok(r), false) = (&mut reply.result, whole) {
            for l in r.ledgers_mut() {
                l.cap(LISTED_EXCLUDED_ROWS);
            }
        }
        reply
    }

    fn answer(&mut self, request: Request) -> Reply {
        let mut timings = Vec::new();
        let result = match request {
            Request::Repurchase {
                orders,
                order_options,
                options,
            } => self
                .orders_for(&orders, &order_options, options.by, &mut timings)
                .and_then(|o| {
                    let start = (self.clock)();
                    let r = crate::repurchase::repurchase_without_buyers(&o, &options)
                        .map_err(EngineError::Failed);
                    timings.push(("repurchase_views".into(), (self.clock)() - start));
                    r
                })
                .map(|mut r| {
                    r.buyers = Vec::new();
                    Response::Repurchase(r)
                }),
            Request::RepurchaseBuyers {
                orders,
                order_options,
                options,
            } => self
                .orders_for(&orders, &order_options, options.by, &mut timings)
                .and_then(|o| repurchase(&o, &options).map_err(EngineError::Failed))
                .map(|r| Response::RepurchaseBuyers(r.buyers)),
            Request::SellThrough {
                products,
                product_options,
                orders,
                options,
            } => self
                .sell_through(
                    &products,
                    &product_options,
                    orders.as_ref(),
                    &options,
                    &mut timings,
                )
                .map(|(r, unknown)| Response::SellThrough(r, unknown)),
            Request::Traffic {
                traffic,
                log,
                date_order,
                options,
            } => self
                .table(traffic.id)
                .and_then(|t| {
                    let start = (self.clock)();
                    let r = match log {
                        Some(m) => PageViews::build(&t.table, &m, date_order)
                            .map(|pv| traffic_from_pageviews(&pv, &options)),
                        None => TrafficTable::build_with(&t.table, &traffic.mapping, date_order)
                            .map(|tt| traffic_from_table(&tt, &options)),
                    };
                    timings.push(("traffic".into(), (self.clock)() - start));
                    r.map_err(|e| EngineError::Failed(e.to_string()))
                })
                .map(Response::Traffic),
            Request::FlagshipAov {
                orders,
                order_options,
            } => self
                .orders_for(
                    &orders,
                    &order_options,
                    Some(Dimension::Product),
                    &mut timings,
                )
                .map(|o| Response::FlagshipAov(flagship_aov(&o))),
            Request::Reflow { activity, options } => {
                self.activity(&activity, &mut timings).and_then(|a| {
                    let start = (self.clock)();
                    let r = reflow(&a, &options).map_err(EngineError::Failed);
                    timings.push(("reflow".into(), (self.clock)() - start));
                    r.map(|mut r| {
                        r.users = Vec::new();
                        Response::Reflow(r, a.ledger.clone())
                    })
                })
            }
            Request::ReflowUsers { activity, options } => self
                .activity(&activity, &mut timings)
                .and_then(|a| reflow(&a, &options).map_err(EngineError::Failed))
                .map(|r| Response::ReflowUsers(r.users)),
            Request::LifecycleUsers {
                orders,
                activity,
                options,
            } => self
                .lifecycle(
                    orders.as_ref(),
                    activity.as_ref(),
                    &options,
                    None,
                    &mut timings,
                )
                .map(|(l, _)| Response::LifecycleUsers(l.users)),
            Request::Lifecycle {
                orders,
                activity,
                options,
                compare,
            } => self
                .lifecycle(
                    orders.as_ref(),
                    activity.as_ref(),
                    &options,
                    compare,
                    &mut timings,
                )
                .map(|(mut l, t)| {
                    l.users = Vec::new();
                    Response::Lifecycle(l, t)
                }),
            Request::RetentionUsers {
                activity,
                period,
                figure,
            } => self.activity(&activity, &mut timings).map(|a| {
                let start = (self.clock)();
                let users = retention_users(&a, period, &figure);
                timings.push(("retention_users".into(), (self.clock)() - start));
                Response::RetentionUsers(users)
            }),
            Request::Excluded { of, which } => {
                let inner = self.answer(*of);
                timings = inner.timings;
                inner.result.and_then(|mut r| {
                    r.ledgers_mut()
                        .into_iter()
                        .nth(which)
                        .map(|l| Response::Excluded(std::mem::take(l)))
                        .ok_or_else(|| EngineError::Failed(crate::notice::WRONG_ANSWER.en.into()))
                })
            }
        };
        Reply { result, timings }
    }

    /// Runs an encoded request and encodes the reply.
    pub fn handle_wire(&mut self, request: &[u8]) -> Vec<u8> {
        let reply = match from_wire::<Request>(request) {
            Ok(r) => self.handle(r),
            Err(e) => Reply {
                result: Err(EngineError::Failed(e)),
                timings: Vec::new(),
            },
        };
        to_wire(&reply)
    }

    fn sell_through(
        &mut self,
        products: &TableRef,
        product_options: &ProductOptions,
        orders: Option<&(TableRef, OrderOptions)>,
        options: &SellThroughOptions,
        timings: &mut Vec<(String, f64)>,
    ) -> Result<(SellThrough, Vec<(String, usize)>), EngineError> {
        let p = self.table(products.id)?;
        let orders = match orders {
            Some((t, o)) => Some(self.orders_for(t, o, Some(Dimension::Sku), timings)?),
            None => None,
        };
        let start = (self.clock)();
        let products = Products::build(&p.table, &products.mapping, product_options)
            .map_err(|e| EngineError::Failed(e.to_string()))?;
        let r = sell_through(&products, orders.as_deref(), options).map_err(EngineError::Failed);
        timings.push(("sell_through".into(), (self.clock)() - start));
        r.map(|r| (r, products.unknown_statuses))
    }

    fn lifecycle(
        &mut self,
        orders: Option<&(TableRef, OrderOptions)>,
        activity: Option<&ActivityFrom>,
        options: &LifecycleOptions,
        compare: Option<Date>,
        timings: &mut Vec<(String, f64)>,
    ) -> Result<(Lifecycle, Transitions), EngineError> {
        let orders = match orders {
            Some((t, o)) => self.orders(t, o, timings)?,
            None => Arc::new(Orders::default()),
        };
        // Activity that cannot be read leaves the stages to the orders
        // alone; the return-visit request reports why.
        let activity = match activity {
            Some(from) => match self.activity(from, timings) {
                Ok(a) => Some(a),
                Err(EngineError::Failed(_)) => None,
                Err(e) => return Err(e),
            },
            None => None,
        };
        let start = (self.clock)();
        let l = lifecycle(&orders, activity.as_deref(), options).map_err(EngineError::Failed)?;
        let to = l.as_of;
        let from = compare.unwrap_or(to - 30);
        let counts = lifecycle_transitions(&orders, activity.as_deref(), from, to, options);
        timings.push(("lifecycle".into(), (self.clock)() - start));
        Ok((l, Transitions { from, to, counts }))
    }

    /// The activity from a table or from orders, built once per source.
    fn activity(
        &mut self,
        from: &ActivityFrom,
        timings: &mut Vec<(String, f64)>,
    ) -> Result<Arc<Activity>, EngineError> {
        if let Some((f, a)) = &self.activity {
            if f == from {
                return Ok(a.clone());
            }
        }
        self.activity = None;
        let activity = match from {
            ActivityFrom::Table(t, date_order) => {
                let read = self.table(t.id)?;
                let start = (self.clock)();
                let a = Activity::build(&read.table, &t.mapping, *date_order)
                    .map_err(|e| EngineError::Failed(e.to_string()))?;
                timings.push(("activity_build".into(), (self.clock)() - start));
                a
            }
            ActivityFrom::Orders(t, o) => {
                let orders = self.orders(t, o, timings)?;
                Activity::from_orders(&orders)
            }
        };
        let activity = Arc::new(activity);
        self.activity = Some((from.clone(), activity.clone()));
        Ok(activity)
    }

    /// The orders of a table as `orders` gives them, with the
    /// labels of dimension `labels` interned (a breakdown's, sell-through's
    /// SKUs, the flagship product's); labelled once, in place, and kept.
    fn orders_for(
        &mut self,
        table: &TableRef,
        options: &OrderOptions,
        labels: Option<Dimension>,
        timings: &mut Vec<(String, f64)>,
    ) -> Result<Arc<Orders>, EngineError> {
        let orders = self.orders_labelled(table, options, labels, timings)?;
        let Some(dim) = labels.filter(|&d| !orders.is_labelled_by(d)) else {
            return Ok(orders);
        };
        drop(orders);
        let read = self.table(table.id)?;
        let Some(built) = self.orders.as_mut() else {
            return Err(EngineError::Failed("orders were not kept".into()));
        };
        let start = (self.clock)();
        // The cache holds the only other reference between requests, so
        // this labels in place; were the orders shared, a copy is labelled.
        Arc::make_mut(&mut built.orders).label_only(&read.table, dim);
        timings.push(("orders_labels".into(), (self.clock)() - start));
        Ok(built.orders.clone())
    }

    /// The orders of a table, built once per table, mapping and options.
    fn orders(
        &mut self,
        table: &TableRef,
        options: &OrderOptions,
        timings: &mut Vec<(String, f64)>,
    ) -> Result<Arc<Orders>, EngineError> {
        self.orders_labelled(table, options, None, timings)
    }

    /// `orders`; when they must be built, with the labels of
    /// `labels` interned in the same pass.
    fn orders_labelled(
        &mut self,
        table: &TableRef,
        options: &OrderOptions,
        labels: Option<Dimension>,
        timings: &mut Vec<(String, f64)>,
    ) -> Result<Arc<Orders>, EngineError> {
        if let Some(b) = &self.orders {
            if b.table == table.id && b.mapping == table.mapping && b.options == *options {
                return Ok(b.orders.clone());
            }
        }
        let read = self.table(table.id)?;
        // Drop the old orders first: two sets of a million orders at once
        // would double the worker's peak memory.
        self.orders = None;
        let start = (self.clock)();
        // Without labels: most requests never read them, and those that do
        // go through `orders_for`, which adds them once.
        let orders = Arc::new(build_orders(&read.table, &table.mapping, options, labels)?);
        timings.push(("orders_build".into(), (self.clock)() - start));
        self.orders = Some(BuiltOrders {
            table: table.id,
            mapping: table.mapping.clone(),
            options: options.clone(),
            orders: orders.clone(),
        });
        Ok(orders)
    }
}

fn build_orders(
    table: &Table,
    mapping: &Mapping,
    options: &OrderOptions,
    labels: Option<Dimension>,
) -> Result<Orders, EngineError> {
    let dims: &[Dimension] = match &labels {
        Some(d) => std::slice::from_ref(d),
        None => &[],
    };
    Orders::build_with_labels(table, mapping, options, dims)
        .map_err(|e| EngineError::Failed(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{read_text, Period, Role};

    const CSV: &str = "订单号,买家ID,付款时间,实付金额\n\
        1,amy,2024-03-01,10\n2,amy,2024-03-09,20\n3,bob,2024-03-05,30\n\
        4,cat,2024-04-02,40\n5,cat,2024-04-20,50\n6,cat,2024-04-21,60\n";

    fn engine_with(id: u32) -> (Engine, Mapping) {
        let r = read_text("o.csv", CSV, None).unwrap();
        let m = Mapping::detect(InputKind::Orders, r.table.headers());
        let mut e = Engine::new(|| 0.0);
        e.put(id, InputKind::Orders, r);
        (e, m)
    }

    fn request(id: u32, mapping: Mapping, period: Period) -> Request {
        Request::Repurchase {
            orders: TableRef { id, mapping },
            order_options: OrderOptions::default(),
            options: RepurchaseOptions {
                period,
                ..RepurchaseOptions::default()
            },
        }
    }

    #[test]
    fn answers_list_the_first_excluded_rows_and_excluded_has_them_all() {
        // 1,200 unpaid orders (rows 2..=1201), then 300 rows without a
        // buyer (rows 1202..=1501), then two paid orders of amy's.
        let mut csv = String::from("订单号,买家ID,付款时间,实付金额\n");
        for i in 0..1200 {
            csv.push_str(&format!("u{i},bob,,10\n"));
        }
        for i in 0..300 {
            csv.push_str(&format!("g{i},,2024-03-02,10\n"));
        }
        csv.push_str("p1,amy,2024-03-01,10\np2,amy,2024-03-09,20\n");
        let r = read_text("o.csv", &csv, None).unwrap();
        let mapping = Mapping::detect(InputKind::Orders, r.table.headers());
        let mut e = Engine::new(|| 0.0);
        e.put(3, InputKind::Orders, r);
        let req = request(3, mapping, Period::Month);

        let reply: Reply = from_wire(&e.handle_wire(&to_wire(&req))).unwrap();
        let Ok(Response::Repurchase(rep)) = reply.result else {
            panic!("{reply:?}")
        };
        let l = &rep.ledger;
        assert_eq!(l.issues.len(), LISTED_EXCLUDED_ROWS);
        assert_eq!(l.issues.last().map(|i| i.row), Some(1001));
        assert_eq!(
            l.unlisted,
            vec![
                (crate::Reason::Unpaid, 200),
                (crate::Reason::MissingBuyer, 300)
            ]
        );
        assert_eq!((l.read, l.excluded(), l.used()), (1502, 1500, 2));
        assert_eq!(l.counts()["unpaid"], 1200);
        assert_eq!(l.counts()["missing_buyer"], 300);
        assert_eq!(rep.report.value("buyers"), Some(1.0));

        let all = Request::Excluded {
            of: Box::new(req.clone()),
            which: 0,
        };
        let reply: Reply = from_wire(&e.handle_wire(&to_wire(&all))).unwrap();
        let Ok(Response::Excluded(full)) = reply.result else {
            panic!("{reply:?}")
        };
        assert!(full.is_complete());
        assert_eq!(full.issues.len(), 1500);
        let rows: Vec<u32> = full.issues.iter().map(|i| i.row).collect();
        assert_eq!(rows, (2..=1501).collect::<Vec<u32>>());
        assert_eq!(full.issues[1300].reason, crate::Reason::MissingBuyer);
        assert_eq!(full.counts(), l.counts());
        // A ledger the answer does not have.
        let none = Request::Excluded {
            of: Box::new(req),
            which: 1,
        };
        assert!(matches!(
            e.handle(none).result,
            Err(EngineError::Failed(m)) if m.contains("another question")
        ));
    }

    #[test]
    fn repurchase_through_the_wire_matches_the_direct_call() {
        let (mut e, m) = engine_with(1);
        let bytes = e.handle_wire(&to_wire(&request(1, m, Period::Month)));
        let reply: Reply = from_wire(&bytes).unwrap();
        let Ok(Response::Repurchase(r)) = reply.result else {
            panic!("{reply:?}")
        };
        // 3 buyers (amy, bob, cat); amy and cat bought again; 6 orders, 5
        // of them by repeat buyers.
        assert_eq!(r.report.value("buyers"), Some(3.0));
        assert_eq!(r.report.value("repeat_buyers"), Some(2.0));
        assert_eq!(r.report.value("orders"), Some(6.0));
        assert_eq!(r.report.value("user_repurchase_rate"), Some(2.0 / 3.0));
        assert_eq!(r.periods.len(), 2);
        // The decoded result equals a direct computation.
        let t = read_text("o.csv", CSV, None).unwrap();
        let mm = Mapping::detect(InputKind::Orders, t.table.headers());
        let o = Orders::build(&t.table, &mm, &OrderOptions::default()).unwrap();
        let direct = repurchase(&o, &RepurchaseOptions::default()).unwrap();
        // Everything but the per-buyer rows, which come on request.
        assert!(r.buyers.is_empty());
        assert_eq!(
            r,
            Repurchase {
                buyers: Vec::new(),
                ..direct.clone()
            }
        );
        let Response::RepurchaseBuyers(buyers) = wire(
            &mut e,
            Request::RepurchaseBuyers {
                orders: TableRef { id: 1, mapping: mm },
                order_options: OrderOptions::default(),
                options: RepurchaseOptions::default(),
            },
        ) else {
            panic!("not buyers")
        };
        let names: Vec<(&str, u64)> = buyers
            .iter()
            .map(|b| (b.buyer.as_str(), b.orders))
            .collect();
        assert_eq!(names.len(), 3);
        assert!(names.contains(&("cat", 3)) && names.contains(&("bob", 1)));
        assert_eq!(buyers, direct.buyers);
        let names: Vec<&str> = reply.timings.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["orders_build", "repurchase_views"]);
    }

    #[test]
    fn labels_are_added_once_and_only_when_a_request_reads_them() {
        // Order 9 is unpaid: its channel 店铺 is still numbered first.
        let csv = "订单号,买家ID,付款时间,实付金额,渠道\n\
            9,dan,,5,店铺\n1,amy,2024-03-01,10,搜索\n2,amy,2024-03-09,20,直播\n\
            3,bob,2024-03-05,30,搜索\n4,bob,2024-03-06,40,搜索\n";
        let r = read_text("o.csv", csv, None).unwrap();
        let m = Mapping::detect(InputKind::Orders, r.table.headers());
        let direct = Orders::build(&r.table, &m, &OrderOptions::default()).unwrap();
        let mut e = Engine::new(|| 0.0);
        e.put(1, InputKind::Orders, r);
        let ask = |by| Request::Repurchase {
            orders: TableRef {
                id: 1,
                mapping: m.clone(),
            },
            order_options: OrderOptions::default(),
            options: RepurchaseOptions {
                by,
                ..RepurchaseOptions::default()
            },
        };
        let steps = |reply: &Reply| -> Vec<String> {
            reply.timings.iter().map(|(n, _)| n.clone()).collect()
        };
        let plain = e.handle(ask(None));
        assert_eq!(steps(&plain), ["orders_build", "repurchase_views"]);
        assert!(!e.orders.as_ref().unwrap().orders.is_labelled());
        // A breakdown labels the kept orders in place (no second build),
        // in its own dimension only.
        let by = e.handle(ask(Some(Dimension::Channel)));
        assert_eq!(steps(&by), ["orders_labels", "repurchase_views"]);
        let kept = e.orders.as_ref().unwrap().orders.clone();
        assert!(kept.is_labelled_by(Dimension::Channel) && !kept.is_labelled_by(Dimension::Sku));
        assert_eq!(kept.channels, direct.channels);
        assert!(kept.skus.is_empty());
        // Asked first with a breakdown, the build interns it in its pass,
        // to the same orders.
        let mut fresh = Engine::new(|| 0.0);
        fresh.put(1, InputKind::Orders, read_text("o.csv", csv, None).unwrap());
        let first = fresh.handle(ask(Some(Dimension::Channel)));
        assert_eq!(steps(&first), ["orders_build", "repurchase_views"]);
        assert_eq!(fresh.orders.as_ref().unwrap().orders, kept);
        let Ok(Response::Repurchase(rep)) = by.result else {
            panic!("{by:?}")
        };
        // 搜索: amy once, bob twice; 直播: amy once. 店铺's order is unpaid.
        let rows: Vec<(&str, u64, u64, u64)> = rep
            .breakdown
            .iter()
            .map(|r| {
                (
                    r.label.as_str(),
                    r.counts.buyers,
                    r.counts.repeat_buyers,
                    r.counts.orders,
                )
            })
            .collect();
        assert_eq!(rows, [("搜索", 2, 1, 3), ("直播", 1, 0, 1)]);
        let opts = RepurchaseOptions {
            by: Some(Dimension::Channel),
            ..RepurchaseOptions::default()
        };
        let want = repurchase(&direct, &opts).unwrap();
        assert_eq!(rep.breakdown, want.breakdown);
        // Labelled once: the next breakdown goes straight to the views.
        let again = e.handle(ask(Some(Dimension::Channel)));
        assert_eq!(steps(&again), ["repurchase_views"]);
    }

    fn wire(e: &mut Engine, r: Request) -> Response {
        let reply: Reply = from_wire(&e.handle_wire(&to_wire(&r))).unwrap();
        reply.result.unwrap()
    }

    #[test]
    fn sell_through_and_traffic_survive_the_wire_unchanged() {
        let products = read_text(
            "p.csv",
            "SKU,状态,类目\nA,在售,tea\nB,在售,tea\nC,仓库中,cup\nD,在售,cup\n",
            None,
        )
        .unwrap();
        let pm = Mapping::detect(InputKind::Products, products.table.headers());
        let orders = read_text(
            "o.csv",
            "订单号,买家ID,付款时间,SKU\n1,amy,2024-03-01,A\n2,bob,2024-03-02,C\n",
            None,
        )
        .unwrap();
        let om = Mapping::detect(InputKind::Orders, orders.table.headers());
        let traffic = read_text(
            "t.csv",
            "日期,访客数,浏览量,访问次数,跳失访问数,加购人数,支付买家数,支付金额\n2024-03-01,100,250,120,90,20,4,400\n2024-03-02,50,150,60,20,10,1,90\n",
            None,
        )
        .unwrap();
        let tm = Mapping::detect(InputKind::TrafficTable, traffic.table.headers());
        let mut e = Engine::new(|| 0.0);
        let direct_products =
            Products::build(&products.table, &pm, &ProductOptions::default()).unwrap();
        let direct_orders = Orders::build(&orders.table, &om, &OrderOptions::default()).unwrap();
        let options = SellThroughOptions::default();
        let direct = sell_through(&direct_products, Some(&direct_orders), &options).unwrap();
        let direct_traffic = traffic_from_table(
            &TrafficTable::build_with(&traffic.table, &tm, None).unwrap(),
            &TrafficOptions::default(),
        );
        e.put(1, InputKind::Products, products);
        e.put(2, InputKind::Orders, orders);
        e.put(3, InputKind::TrafficTable, traffic);

        let Response::SellThrough(st, unknown) = wire(
            &mut e,
            Request::SellThrough {
                products: TableRef { id: 1, mapping: pm },
                product_options: ProductOptions::default(),
                orders: Some((TableRef { id: 2, mapping: om }, OrderOptions::default())),
                options,
            },
        ) else {
            panic!("not sell-through")
        };
        // Online: A, B, D; A sold (C sold too but is not online): 1 of 3,
        // and the rate itself is withheld under 10 online SKUs.
        assert_eq!(st.report.value("online_skus"), Some(3.0));
        assert_eq!(st.report.value("selling_online_skus"), Some(1.0));
        assert_eq!(st.report.value("sell_through_rate"), None);
        assert_eq!(st, direct);
        assert!(unknown.is_empty());

        let Response::Traffic(t) = wire(
            &mut e,
            Request::Traffic {
                traffic: TableRef { id: 3, mapping: tm },
                log: None,
                date_order: None,
                options: TrafficOptions::default(),
            },
        ) else {
            panic!("not traffic")
        };
        // 5 buyers of 150 visitors; 110 bounced of 180 visits.
        assert_eq!(t.report.value("conversion_rate"), Some(5.0 / 150.0));
        assert_eq!(t.report.value("bounce_rate"), Some(110.0 / 180.0));
        // The parts with static keys come back too.
        assert!(!t.benchmarks.is_empty() && t.funnel.is_some());
        assert_eq!(t, direct_traffic);
    }

    #[test]
    fn orders_are_built_once_per_table_mapping_and_options() {
        let (mut e, m) = engine_with(1);
        e.handle(request(1, m.clone(), Period::Month));
        // Another period: the orders come from the cache.
        let again = e.handle(request(1, m.clone(), Period::Week));
        assert_eq!(again.timings.len(), 1);
        assert!(again.result.is_ok());
        // Another mapping (no amount column): built again.
        let mut m2 = m.clone();
        m2.set(Role::Amount, None);
        let other = e.handle(request(1, m2, Period::Week));
        assert_eq!(other.timings[0].0, "orders_build");
        // Another date order: built again too.
        let r = e.handle(Request::Repurchase {
            orders: TableRef { id: 1, mapping: m },
            order_options: OrderOptions {
                date_order: Some(DateOrder::DayFirst),
                ..OrderOptions::default()
            },
            options: RepurchaseOptions::default(),
        });
        assert_eq!(r.timings[0].0, "orders_build");
    }

    #[test]
    fn a_replaced_or_unknown_table_is_missing() {
        let (mut e, m) = engine_with(1);
        let r = read_text("o2.csv", CSV, None).unwrap();
        e.put(2, InputKind::Orders, r);
        assert_eq!(e.table_ids(), [2]);
        let reply = e.handle(request(1, m, Period::Month));
        assert_eq!(reply.result, Err(EngineError::MissingTable(1)));
    }

    #[test]
    fn a_failed_calculation_and_damaged_bytes_are_errors_not_panics() {
        let (mut e, m) = engine_with(1);
        let mut no_buyer = m;
        no_buyer.set(Role::BuyerId, None);
        match e.handle(request(1, no_buyer, Period::Month)).result {
            Err(EngineError::Failed(msg)) => assert!(msg.contains("buyer"), "{msg}"),
            other => panic!("{other:?}"),
        }
        let reply: Reply = from_wire(&e.handle_wire(&[0xff, 0xff, 0xff])).unwrap();
        assert!(matches!(reply.result, Err(EngineError::Failed(_))));
    }

    #[test]
    fn return_visits_lifecycle_and_retention_survive_the_wire_unchanged() {
        let visits = "用户ID,访问时间\namy,2024-01-02\nbob,2024-01-03\ncat,2024-01-05\n\
            amy,2024-03-01\nbob,2024-03-09\namy,2024-03-10\n,2024-03-11\n";
        let act = read_text("v.csv", visits, None).unwrap();
        let am = Mapping::detect(InputKind::Activity, act.table.headers());
        let (mut e, om) = engine_with(1);
        e.put(2, InputKind::Activity, act.clone());
        let from = ActivityFrom::Table(
            TableRef {
                id: 2,
                mapping: am.clone(),
            },
            None,
        );
        let options = ReflowOptions {
            from: Date::parse("2024-03-01"),
            ..ReflowOptions::default()
        };
        let Response::Reflow(r, ledger) = wire(
            &mut e,
            Request::Reflow {
                activity: from.clone(),
                options: options.clone(),
            },
        ) else {
            panic!("not reflow")
        };
        // Churned on Mar 1 (30 days without a visit): amy, bob, cat; amy
        // and bob came back in March.
        assert_eq!(r.report.value("churned_users"), Some(3.0));
        assert_eq!(r.report.value("reflowed_users"), Some(2.0));
        // The row without a user is in the activity's ledger.
        assert_eq!(ledger.counts()["missing_user"], 1);
        let direct_act = Activity::build(&act.table, &am, None).unwrap();
        let direct_reflow = reflow(&direct_act, &options).unwrap();
        assert_eq!(
            r,
            Reflow {
                users: Vec::new(),
                ..direct_reflow.clone()
            }
        );
        let Response::ReflowUsers(churned) = wire(
            &mut e,
            Request::ReflowUsers {
                activity: from.clone(),
                options: options.clone(),
            },
        ) else {
            panic!("not reflow users")
        };
        let back: Vec<(&str, bool)> = churned
            .iter()
            .map(|u| (u.user.as_str(), u.reflowed))
            .collect();
        assert_eq!(back, [("amy", true), ("bob", true), ("cat", false)]);
        assert_eq!(churned, direct_reflow.users);

        let Response::RetentionUsers(users) = wire(
            &mut e,
            Request::RetentionUsers {
                activity: from.clone(),
                period: Period::Month,
                figure: RetentionFigure::Cohort {
                    cohort: "2024-01".into(),
                    k: 2,
                },
            },
        ) else {
            panic!("not retention users")
        };
        let back: Vec<(&str, bool)> = users
            .iter()
            .map(|u| (u.user.as_str(), u.returned))
            .collect();
        assert_eq!(back, [("amy", true), ("bob", true), ("cat", false)]);

        let lopts = LifecycleOptions::default();
        let request = |compare| Request::Lifecycle {
            orders: Some((
                TableRef {
                    id: 1,
                    mapping: om.clone(),
                },
                OrderOptions::default(),
            )),
            activity: Some(from.clone()),
            options: lopts.clone(),
            compare,
        };
        let Response::Lifecycle(l, t) = wire(&mut e, request(None)) else {
            panic!("not lifecycle")
        };
        let orders = read_text("o.csv", CSV, None).unwrap();
        let o = Orders::build(&orders.table, &om, &OrderOptions::default()).unwrap();
        let direct_life = lifecycle(&o, Some(&direct_act), &lopts).unwrap();
        assert_eq!(
            l,
            Lifecycle {
                users: Vec::new(),
                ..direct_life.clone()
            }
        );
        let Response::LifecycleUsers(users) = wire(
            &mut e,
            Request::LifecycleUsers {
                orders: Some((
                    TableRef {
                        id: 1,
                        mapping: om.clone(),
                    },
                    OrderOptions::default(),
                )),
                activity: Some(from.clone()),
                options: lopts.clone(),
            },
        ) else {
            panic!("not lifecycle users")
        };
        assert_eq!(users, direct_life.users);
        // amy, bob and cat, each with orders and visits.
        assert_eq!(users.len(), 3);
        // As of the last date (Apr 21), compared with 30 days before.
        assert_eq!(t.to, Date::parse("2024-04-21").unwrap());
        assert_eq!(t.from, t.to - 30);
        assert_eq!(
            t.counts,
            lifecycle_transitions(&o, Some(&direct_act), t.from, t.to, &lopts)
        );
        let Response::Lifecycle(_, t2) = wire(&mut e, request(Date::parse("2024-03-05"))) else {
            panic!("not lifecycle")
        };
        assert_eq!(t2.from, Date::parse("2024-03-05").unwrap());

        // Orders alone as activity: the same as building it by hand.
        let Response::Reflow(r2, _) = wire(
            &mut e,
            Request::Reflow {
                activity: ActivityFrom::Orders(
                    TableRef {
                        id: 1,
                        mapping: om.clone(),
                    },
                    OrderOptions::default(),
                ),
                options: ReflowOptions::default(),
            },
        ) else {
            panic!("not reflow")
        };
        assert_eq!(
            r2,
            reflow(&Activity::from_orders(&o), &ReflowOptions::default()).unwrap()
        );
        // No orders: nobody has bought, everyone is new or churned.
        let Response::Lifecycle(none, _) = wire(
            &mut e,
            Request::Lifecycle {
                orders: None,
                activity: Some(from),
                options: lopts,
                compare: None,
            },
        ) else {
            panic!("not lifecycle")
        };
        assert_eq!(none.report.value("stage_mature"), Some(0.0));
    }
}
