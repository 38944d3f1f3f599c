//! User lifecycle stages (用户生命周期), spec section 3.

use crate::{Activity, Date, Interner, Ledger, Metric, Orders, Reason, Report, RowCounts};

/// A lifecycle stage.
///
/// # Example
/// ```
/// use opscalc_core::Stage;
/// assert_eq!(Stage::Dormant.key(), "dormant");
/// assert_eq!(Stage::Dormant.zh(), "休眠期");
/// assert_eq!(Stage::ALL.len(), 5);
/// ```
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Stage {
    /// 导入期: no purchase yet (only activity or registration).
    New,
    /// 成长期: exactly one purchase.
    Growing,
    /// 成熟期: two or more purchases, the last one recent.
    Mature,
    /// 休眠期: two or more purchases, the last `dormant_days` or more ago.
    Dormant,
    /// 流失期: no activity for `churn_days` or more.
    Churned,
}

impl Stage {
    /// Every stage, in display order (also the rows and columns of
    /// [`lifecycle_transitions`]).
    pub const ALL: [Stage; 5] = [
        Stage::New,
        Stage::Growing,
        Stage::Mature,
        Stage::Dormant,
        Stage::Churned,
    ];

    /// The stage's key: `new`, `growing`, `mature`, `dormant`, `churned`.
    pub fn key(self) -> &'static str {
        match self {
            Stage::New => "new",
            Stage::Growing => "growing",
            Stage::Mature => "mature",
            Stage::Dormant => "dormant",
            Stage::Churned => "churned",
        }
    }

    /// The Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            Stage::New => "导入期",
            Stage::Growing => "成长期",
            Stage::Mature => "成熟期",
            Stage::Dormant => "休眠期",
            Stage::Churned => "流失期",
        }
    }

    /// The English name.
    pub fn en(self) -> &'static str {
        match self {
            Stage::New => "New",
            Stage::Growing => "Growing",
            Stage::Mature => "Mature",
            Stage::Dormant => "Dormant",
            Stage::Churned => "Churned",
        }
    }

    /// The position in [`Stage::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The JSON key of the stage's user count, `stage_new`, ...
    pub fn count_key(self) -> &'static str {
        match self {
            Stage::New => "stage_new",
            Stage::Growing => "stage_growing",
            Stage::Mature => "stage_mature",
            Stage::Dormant => "stage_dormant",
            Stage::Churned => "stage_churned",
        }
    }

    /// The JSON key of the stage's share of users, `stage_new_share`, ...
    pub fn share_key(self) -> &'static str {
        match self {
            Stage::New => "stage_new_share",
            Stage::Growing => "stage_growing_share",
            Stage::Mature => "stage_mature_share",
            Stage::Dormant => "stage_dormant_share",
            Stage::Churned => "stage_churned_share",
        }
    }
}

/// Settings of the lifecycle calculator.
///
/// # Example
/// ```
/// use opscalc_core::LifecycleOptions;
/// let o = LifecycleOptions::default();
/// assert_eq!((o.churn_days, o.dormant_days), (30, 15));
/// ```
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LifecycleOptions {
    /// The date the stages are judged at (default: last date in the data).
    pub as_of: Option<Date>,
    /// Days without activity that make a user churned (default 30).
    pub churn_days: u32,
    /// Days since the last purchase that make a repeat buyer dormant (default 15).
    pub dormant_days: u32,
}

impl Default for LifecycleOptions {
    fn default() -> Self {
        LifecycleOptions {
            as_of: None,
            churn_days: 30,
            dormant_days: 15,
        }
    }
}

/// One user's stage and the facts behind it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LifecycleUser {
    /// User (buyer) id.
    pub user: String,
    /// The stage at `as_of`.
    pub stage: Stage,
    /// Paid orders on or before `as_of`.
    pub purchases: u32,
    /// Day of the last of those orders.
    pub last_purchase: Option<Date>,
    /// Day of the last activity, purchase or registration on or before `as_of`.
    pub last_activity: Date,
    /// Registration day, when known and on or before `as_of`.
    pub registered: Option<Date>,
}

/// Everything the lifecycle calculator shows.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Lifecycle {
    /// The date the stages are judged at.
    pub as_of: Date,
    /// Stage counts and shares, rows and warnings.
    pub report: Report,
    /// Users by stage (in [`Stage::ALL`] order), then id.
    pub users: Vec<LifecycleUser>,
    /// Row ledgers: the orders file, then the activity file when given.
    pub ledgers: Vec<Ledger>,
}

/// Buyers and activity users as one set of people (same id = same person).
struct People {
    names: Interner,
    buyer: Vec<u32>,
    user: Vec<u32>,
}

impl People {
    fn new(orders: &Orders, activity: Option<&Activity>) -> People {
        let mut names = Interner::default();
        let buyer = (0..orders.buyers.len() as u32)
            .map(|b| names.intern(orders.buyers.name(b)))
            .collect();
        let user = activity.map_or(Vec::new(), |a| {
            (0..a.users.len() as u32)
                .map(|u| names.intern(a.users.name(u)))
                .collect()
        });
        People { names, buyer, user }
    }

    /// Each person's facts at `as_of`; `None` for people with no data yet.
    fn snapshot(
        &self,
        orders: &Orders,
        activity: Option<&Activity>,
        as_of: Date,
        opts: &LifecycleOptions,
    ) -> Vec<Option<LifecycleUser>> {
        #[derive(Clone, Default)]
        struct Acc {
            purchases: u32,
            last_purchase: Option<Date>,
            last_activity: Option<Date>,
            registered: Option<Date>,
        }
        let mut acc = vec![Acc::default(); self.names.len()];
        let later = |cur: Option<Date>, d: Date| Some(cur.map_or(d, |c| c.max(d)));
        for o in &orders.orders {
            let d = o.time.date();
            if d > as_of {
                break;
            }
            if let Some(b) = o.buyer() {
                let a = &mut acc[self.buyer[b as usize] as usize];
                a.purchases += 1;
                a.last_purchase = later(a.last_purchase, d);
                a.last_activity = later(a.last_activity, d);
            }
        }
        if let Some(act) = activity {
            for &(u, t) in &act.events {
                let d = t.date();
                if d > as_of {
                    break;
                }
                let a = &mut acc[self.user[u as usize] as usize];
                a.last_activity = later(a.last_activity, d);
            }
            for (u, r) in act.registered.iter().enumerate() {
                // A sign-up is a row of the activity file, so it is activity.
                if let Some(r) = r.filter(|&r| r <= as_of) {
                    let a = &mut acc[self.user[u] as usize];
                    a.registered = Some(r);
                    a.last_activity = later(a.last_activity, r);
                }
            }
        }
        let churn = opts.churn_days.min(1_000_000) as i32;
        let dormant = opts.dormant_days.min(1_000_000) as i32;
        acc.into_iter()
            .enumerate()
            .map(|(p, a)| {
                let last_activity = a.last_activity?;
                let stage = if as_of.0 - last_activity.0 >= churn {
                    Stage::Churned
                } else if a.purchases >= 2
                    && as_of.0 - a.last_purchase.map_or(as_of.0, |d| d.0) >= dormant
                {
                    Stage::Dormant
                } else if a.purchases >= 2 {
                    Stage::Mature
                } else if a.purchases == 1 {
                    Stage::Growing
                } else {
                    Stage::New
                };
                Some(LifecycleUser {
                    user: self.names.name(p as u32).to_string(),
                    stage,
                    purchases: a.purchases,
                    last_purchase: a.last_purchase,
                    last_activity,
                    registered: a.registered,
                })
            })
            .collect()
    }
}

/// The last date in orders and activity (events and registrations).
fn last_date(orders: &Orders, activity: Option<&Activity>) -> Option<Date> {
    let o = orders.date_range().map(|r| r.1);
    let a = activity.and_then(|a| a.date_range()).map(|r| r.1);
    let g = activity.and_then(|a| a.registered.iter().flatten().max().copied());
    [o, a, g].into_iter().flatten().max()
}

fn check(orders: &Orders, opts: &LifecycleOptions) -> Result<(), String> {
    if !orders.has_buyer && !orders.orders.is_empty() {
        return Err(format!(
            "{}: {}",
            orders.ledger.file,
            crate::notice::missing_column("a buyer id", "buyer_id")
        ));
    }
    if opts.churn_days == 0 || opts.dormant_days == 0 {
        return Err(crate::notice::STAGE_DAYS_ZERO.en.into());
    }
    Ok(())
}

/// Computes each user's lifecycle stage at `as_of` (spec section 3): the
/// first rule that matches wins, in the order churned, dormant, mature,
/// growing, new. Users are the buyers of `orders` and the users of
/// `activity`, joined by id. Rows after `as_of` are recorded as
/// `after_as_of`; guest orders as `missing_buyer`.
///
/// # Example
/// ```
/// use opscalc_core::*;
/// let t = Table::from_rows("o.csv", &["订单号", "买家ID", "付款时间"], &[
///     &["1", "amy", "2024-03-01"], &["2", "amy", "2024-03-20"],
///     &["3", "bob", "2024-03-25"], &["4", "cat", "2024-01-01"],
/// ]);
/// let o = Orders::build(&t, &Mapping::detect(InputKind::Orders, t.headers()), &OrderOptions::default()).unwrap();
/// let l = lifecycle(&o, None, &LifecycleOptions::default()).unwrap();
/// assert_eq!(l.as_of, Date::parse("2024-03-25").unwrap());
/// assert_eq!(l.report.value("stage_mature"), Some(1.0));  // amy: 2 orders, last 5 days ago
/// assert_eq!(l.report.value("stage_growing"), Some(1.0)); // bob: 1 order
/// assert_eq!(l.report.value("stage_churned"), Some(1.0)); // cat: 84 days ago
/// ```
pub fn lifecycle(
    orders: &Orders,
    activity: Option<&Activity>,
    opts: &LifecycleOptions,
) -> Result<Lifecycle, String> {
    check(orders, opts)?;
    let last = last_date(orders, activity);
    let as_of = opts.as_of.or(last).unwrap_or(Date(0));
    let mut warnings = orders.warnings.clone();

    let mut ledger = orders.ledger.clone();
    for o in &orders.orders {
        let reason = match o.buyer() {
            None => Reason::MissingBuyer,
            Some(_) if o.time.date() > as_of => Reason::AfterAsOf,
            Some(_) => continue,
        };
        let (col, text) = match reason {
            Reason::MissingBuyer => (
                Some("buyer_id"),
                orders.guest_id(o).unwrap_or_default().to_string(),
            ),
            _ => (None, o.time.to_string()),
        };
        for &r in orders.rows(o) {
            ledger.exclude(orders.row_number(r), col, reason, &text);
        }
    }
    ledger.sort();
    let mut rows = RowCounts::from_ledger(&ledger);
    let mut ledgers = vec![ledger];
    if let Some(a) = activity {
        warnings.extend(a.warnings.iter().cloned());
        let mut l = a.ledger.clone();
        for (i, &(_, t)) in a.events.iter().enumerate() {
            if t.date() > as_of {
                l.exclude(a.event_rows[i], None, Reason::AfterAsOf, &t.to_string());
            }
        }
        for &(_, d, row) in &a.registration_only {
            if d > as_of {
                l.exclude(row, None, Reason::AfterAsOf, &d.to_string());
            }
        }
        l.sort();
        rows.add(&RowCounts::from_ledger(&l));
        ledgers.push(l);
    } else {
        warnings.push(crate::notice::no_activity_file());
    }

    let people = People::new(orders, activity);
    let mut users: Vec<LifecycleUser> = people
        .snapshot(orders, activity, as_of, opts)
        .into_iter()
        .flatten()
        .collect();
    users.sort_by(|a, b| a.stage.cmp(&b.stage).then_with(|| a.user.cmp(&b.user)));
    if users.is_empty() {
        warnings.push(crate::notice::no_users_as_of(as_of));
    }
    let mut counts = [0u64; 5];
    for u in &users {
        counts[u.stage.index()] += 1;
    }
    let total = users.len() as f64;
    let mut metrics: Vec<Metric> = Stage::ALL
        .iter()
        .map(|s| Metric::count(s.count_key(), counts[s.index()] as f64))
        .collect();
    metrics.extend(
        Stage::ALL
            .iter()
            .map(|s| Metric::ratio(s.share_key(), counts[s.index()] as f64, total)),
    );
    Ok(Lifecycle {
        as_of,
        report: Report {
            metrics,
            rows,
            warnings,
        },
        users,
        ledgers,
    })
}

/// How users moved between stages from `as_of_a` to `as_of_b`: cell
/// `[i][j]` counts users in stage `Stage::ALL[i]` at `as_of_a` and
/// `Stage::ALL[j]` at `as_of_b`. Users with no data yet on one of the two
/// dates (for example first seen after `as_of_a`) are left out, so the
/// matrix sums to the users present at both dates. `opts.as_of` is ignored.
/// Input [`lifecycle`] would refuse (no buyer column, `churn_days` or
/// `dormant_days` 0) gives an all-zero matrix.
///
/// # Example
/// ```
/// use opscalc_core::*;
/// let t = Table::from_rows("o.csv", &["订单号", "买家ID", "付款时间"], &[
///     &["1", "amy", "2024-03-01"], &["2", "amy", "2024-03-10"], &["3", "bob", "2024-03-09"],
/// ]);
/// let o = Orders::build(&t, &Mapping::detect(InputKind::Orders, t.headers()), &OrderOptions::default()).unwrap();
/// let d = |s| Date::parse(s).unwrap();
/// let m = lifecycle_transitions(&o, None, d("2024-03-05"), d("2024-03-10"), &LifecycleOptions::default());
/// // amy: growing on Mar 5 (1 order), mature on Mar 10 (2 orders);
/// // bob: first order Mar 9, not present on Mar 5, left out.
/// assert_eq!(m[Stage::Growing.index()][Stage::Mature.index()], 1);
/// assert_eq!(m.iter().flatten().sum::<u64>(), 1);
/// ```
pub fn lifecycle_transitions(
    orders: &Orders,
    activity: Option<&Activity>,
    as_of_a: Date,
    as_of_b: Date,
    opts: &LifecycleOptions,
) -> Vec<Vec<u64>> {
    let mut m = vec![vec![0u64; 5]; 5];
    if check(orders, opts).is_err() {
        return m;
    }
    let people = People::new(orders, activity);
    let a = people.snapshot(orders, activity, as_of_a, opts);
    let b = people.snapshot(orders, activity, as_of_b, opts);
    for (x, y) in a.iter().zip(&b) {
        if let (Some(x), Some(y)) = (x, y) {
            m[x.stage.index()][y.stage.index()] += 1;
        }
    }
    m
}
