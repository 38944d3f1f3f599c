//! Retention (留存), spec section 3: cohorts by period of first activity,
//! day-1/7/30 retention, and the users behind each of those figures.

use crate::activity::UserDays;
use crate::{Activity, CohortRow, Date, Metric, Period};

/// Retention cohorts: users by period of first activity, and how many of
/// them were active k periods later.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Retention {
    /// The cohorts' period.
    pub period: Period,
    /// One row per period with new users; `month` holds the period label.
    pub cohorts: Vec<CohortRow>,
}

/// Day-k retention figures reported.
pub const RETENTION_DAYS: [(i32, &str); 3] = [
    (1, "retention_day_1"),
    (7, "retention_day_7"),
    (30, "retention_day_30"),
];

/// Which retention figure a drill-down explains.
///
/// # Example
/// ```
/// use opscalc_core::RetentionFigure;
/// assert_eq!(RetentionFigure::from_key("retention_day_7"), Some(RetentionFigure::Day(7)));
/// assert_eq!(RetentionFigure::from_key("reflow_rate"), None);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RetentionFigure {
    /// Day-k retention: users first seen on day d, active on day d+k.
    Day(i32),
    /// A cohort table cell: the cohort with this label, active k periods
    /// after its first.
    Cohort {
        /// The cohort's label, as in [`CohortRow::month`].
        cohort: String,
        /// Periods after the cohort's first (0 = the first period itself).
        k: usize,
    },
}

impl RetentionFigure {
    /// The figure of a day-k metric key (`retention_day_1`, ...).
    pub fn from_key(key: &str) -> Option<RetentionFigure> {
        RETENTION_DAYS
            .iter()
            .find(|d| d.1 == key)
            .map(|d| RetentionFigure::Day(d.0))
    }
}

/// One user behind a retention figure: counted in its denominator, and in
/// its numerator when `returned`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RetentionUser {
    /// User id.
    pub user: String,
    /// First activity day.
    pub first_seen: Date,
    /// The day (`2024-03-08`) or period (`2024-04`) the user had to be
    /// active in to count as retained.
    pub target: String,
    /// Whether the user was active then.
    pub returned: bool,
}

/// The users behind a retention figure, those retained first, then by id.
/// The number of rows is the figure's denominator and the number with
/// `returned` its numerator. An unknown cohort gives no rows.
///
/// # Example
/// ```
/// use opscalc_core::*;
/// let t = Table::from_rows("v.csv", &["用户ID", "访问时间"], &[
///     &["amy", "2024-03-01"], &["amy", "2024-03-02"],
///     &["bob", "2024-03-01"], &["cat", "2024-03-02"], // cat's day 2 is beyond the data
/// ]);
/// let a = Activity::build(&t, &Mapping::detect(InputKind::Activity, t.headers()), None).unwrap();
/// let rows = retention_users(&a, Period::Month, &RetentionFigure::Day(1));
/// let got: Vec<(&str, &str, bool)> = rows.iter().map(|r| (r.user.as_str(), r.target.as_str(), r.returned)).collect();
/// assert_eq!(got, [("amy", "2024-03-02", true), ("bob", "2024-03-02", false)]);
/// ```
pub fn retention_users(
    activity: &Activity,
    period: Period,
    figure: &RetentionFigure,
) -> Vec<RetentionUser> {
    let days = UserDays::new(activity);
    let row = |u: usize, first_seen: Date, target: String, returned: bool| RetentionUser {
        user: activity.users.name(u as u32).to_string(),
        first_seen,
        target,
        returned,
    };
    let mut out: Vec<RetentionUser> = match figure {
        RetentionFigure::Day(k) => match last_day(&days) {
            Some(last) => day_k(&days, *k, last)
                .map(|(u, f, back)| row(u, f, (f + *k).to_string(), back))
                .collect(),
            None => Vec::new(),
        },
        RetentionFigure::Cohort { cohort, k } => {
            let Some(p) = Periods::of(&days, period) else {
                return Vec::new();
            };
            let Some(c) = (0..p.count).find(|&c| p.label(c) == *cohort) else {
                return Vec::new();
            };
            let target = p.label(c + k);
            (0..days.len())
                .filter_map(|u| {
                    let d = days.of(u);
                    let f = *d.first()?;
                    (p.index(f) == c).then(|| {
                        let back = d.iter().any(|&x| p.index(x) == c + k);
                        row(u, f, target.clone(), back)
                    })
                })
                .collect()
        }
    };
    out.sort_by(|a, b| {
        b.returned
            .cmp(&a.returned)
            .then_with(|| a.user.cmp(&b.user))
    });
    out
}

/// The last activity day of anyone.
fn last_day(days: &UserDays) -> Option<Date> {
    (0..days.len())
        .filter_map(|u| days.of(u).last().copied())
        .max()
}

/// (user, first day, active on first + k) of every user who can be judged:
/// users whose day first + k is after `last` are left out (spec: unfinished).
fn day_k(days: &UserDays, k: i32, last: Date) -> impl Iterator<Item = (usize, Date, bool)> + '_ {
    (0..days.len()).filter_map(move |u| {
        let d = days.of(u);
        let f = *d.first()?;
        (f + k <= last).then(|| (u, f, d.binary_search(&(f + k)).is_ok()))
    })
}

/// Day-1, day-7 and day-30 retention over all the data.
pub(crate) fn day_retention(days: &UserDays) -> Vec<Metric> {
    let last = last_day(days);
    RETENTION_DAYS
        .iter()
        .map(|&(k, key)| {
            let (mut num, mut den) = (0u64, 0u64);
            if let Some(last) = last {
                for (_, _, back) in day_k(days, k, last) {
                    den += 1;
                    num += back as u64;
                }
            }
            let m = Metric::ratio(key, num as f64, den as f64);
            if den == 0 {
                m.withhold(format!(
                    "{key}: not available because no user was first seen {k} or more days before the last date in the data"
                ))
            } else {
                m
            }
        })
        .collect()
}

/// The periods from the one holding the first activity day to the one
/// holding the last, as offsets 0..count.
struct Periods {
    period: Period,
    base: Date,
    count: usize,
}

impl Periods {
    /// `None` without activity or when the data spans more than
    /// [`MAX_COHORT_PERIODS`](crate::MAX_COHORT_PERIODS) periods.
    fn of(days: &UserDays, period: Period) -> Option<Periods> {
        let min = (0..days.len())
            .filter_map(|u| days.of(u).first().copied())
            .min()?;
        let mut p = Periods {
            period,
            base: period.start(min),
            count: 0,
        };
        p.count = p.index(last_day(days)?) + 1;
        (p.count <= crate::MAX_COHORT_PERIODS).then_some(p)
    }

    fn index(&self, d: Date) -> usize {
        match self.period {
            Period::Day => (d.0 - self.base.0) as usize,
            Period::Week => ((d.0 - self.base.0) / 7) as usize,
            Period::Month => self.base.months_until(d) as usize,
        }
    }

    fn label(&self, i: usize) -> String {
        let start = match self.period {
            Period::Day => self.base + i as i32,
            Period::Week => self.base + 7 * i as i32,
            Period::Month => (0..i).fold(self.base, |s, _| s.next_month_start()),
        };
        self.period.label(start)
    }
}

/// The cohort table, or a warning why it is left out.
pub(crate) fn cohorts(days: &UserDays, period: Period) -> (Retention, Option<String>) {
    let mut out = Retention {
        period,
        cohorts: Vec::new(),
    };
    let Some(p) = Periods::of(days, period) else {
        // A stray far-off date (9999-12-31 as "never") would make the matrix
        // quadratic in time; past the cap the table is left out.
        let any = (0..days.len()).any(|u| !days.of(u).is_empty());
        let warning =
            any.then(|| crate::notice::activity_span(crate::MAX_COHORT_PERIODS, period.key()));
        return (out, warning);
    };
    let n = p.count;
    // Rows are allocated only for cohorts that exist, so long day-period
    // data does not cost a full square matrix.
    let mut rows: Vec<Option<(u64, Vec<u64>)>> = vec![None; n];
    for u in 0..days.len() {
        let d = days.of(u);
        let Some(&f) = d.first() else { continue };
        let c = p.index(f);
        let row = rows[c].get_or_insert_with(|| (0, vec![0; n - c]));
        row.0 += 1;
        let mut prev = usize::MAX;
        for &x in d {
            let k = p.index(x) - c;
            if k != prev {
                row.1[k] += 1;
                prev = k;
            }
        }
    }
    let mut start = p.base;
    for row in rows {
        if let Some((size, active)) = row {
            out.cohorts.push(CohortRow {
                month: period.label(start),
                size,
                active,
            });
        }
        start = period.next(start);
    }
    (out, None)
}
