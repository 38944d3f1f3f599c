//! Return visits (回流率) and retention (留存), spec section 3.

use crate::activity::UserDays;
use crate::retention::{cohorts, day_retention};
use crate::{Activity, Date, DateTime, Metric, Period, Report, Retention, RowCounts};

/// Settings of the return-visit calculator.
///
/// # Example
/// ```
/// use opscalc_core::ReflowOptions;
/// let o = ReflowOptions::default();
/// assert_eq!(o.churn_days, 30);
/// ```
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ReflowOptions {
    /// Days without activity after which a user has churned (default 30).
    pub churn_days: u32,
    /// Window start (default: first activity date).
    pub from: Option<Date>,
    /// Window end, inclusive (default: last activity date).
    pub to: Option<Date>,
    /// Period of the per-period table and the retention cohorts.
    pub period: Period,
}

impl Default for ReflowOptions {
    fn default() -> Self {
        ReflowOptions {
            churn_days: 30,
            from: None,
            to: None,
            period: Period::Month,
        }
    }
}

/// One row of the per-period table: the period as its own window.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ReflowRow {
    /// Period label, `2024-03` or `2024-03-04`.
    pub label: String,
    /// Start of the row's window (clipped to the overall window).
    pub from: Date,
    /// Inclusive end of the row's window (clipped to the overall window).
    pub to: Date,
    /// Users churned when the row's window opened.
    pub churned_users: u64,
    /// Of those, users active in the row's window.
    pub reflowed_users: u64,
}

/// One churned user, for drill-downs.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ReflowUser {
    /// User id.
    pub user: String,
    /// Last activity day before the window.
    pub last_before: Date,
    /// Whether the user came back in the window.
    pub reflowed: bool,
    /// First activity in the window.
    pub first_return: Option<DateTime>,
}

/// Everything the return-visit calculator shows.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Reflow {
    /// The window used.
    pub from: Date,
    /// Inclusive end of the window.
    pub to: Date,
    /// Headline metrics, rows and warnings.
    pub report: Report,
    /// Per-period table.
    pub periods: Vec<ReflowRow>,
    /// Retention cohorts (over all the data, not only the window).
    pub retention: Retention,
    /// Users churned when the window opened, those who came back first,
    /// then by id.
    pub users: Vec<ReflowUser>,
}

/// The return-visit metrics from counts a learner enters by hand.
///
/// # Example
/// ```
/// use opscalc_core::reflow_manual;
/// let r = reflow_manual(200, 30);
/// assert_eq!(r.value("reflow_rate"), Some(0.15));
/// assert_eq!(reflow_manual(0, 0).value("reflow_rate"), None);
/// assert_eq!(reflow_manual(3, 5).value("reflow_rate"), None); // more back than gone
/// ```
pub fn reflow_manual(churned_users: u64, reflowed_users: u64) -> Report {
    let mut rate = Metric::ratio("reflow_rate", reflowed_users as f64, churned_users as f64);
    if reflowed_users > churned_users {
        rate = rate.withhold(
            "reflow_rate: not available because reflowed_users exceeds churned_users (returning users are a part of the churned users)",
        );
    }
    Report {
        metrics: vec![
            Metric::count("churned_users", churned_users as f64),
            Metric::count("reflowed_users", reflowed_users as f64),
            rate,
        ],
        ..Report::default()
    }
}

/// Computes return visits over the window, the per-period table and
/// retention. Fails when the window is reversed or `churn_days` is 0.
///
/// A user has churned when the window opens if their last activity before
/// `from` is on or before `from - churn_days`; users first seen inside the
/// window are not churned. Registrations without activity are not visits.
///
/// # Example
/// ```
/// use opscalc_core::*;
/// let t = Table::from_rows("v.csv", &["用户ID", "访问时间"], &[
///     &["amy", "2024-01-02"], &["bob", "2024-01-02"], &["amy", "2024-03-10"],
/// ]);
/// let a = Activity::build(&t, &Mapping::detect(InputKind::Activity, t.headers()), None).unwrap();
/// let opts = ReflowOptions { from: Date::parse("2024-03-01"), ..Default::default() };
/// let r = reflow(&a, &opts).unwrap();
/// assert_eq!(r.report.value("churned_users"), Some(2.0)); // both last seen Jan 2
/// assert_eq!(r.report.value("reflow_rate"), Some(0.5));   // amy came back
/// ```
pub fn reflow(activity: &Activity, opts: &ReflowOptions) -> Result<Reflow, String> {
    if opts.churn_days == 0 {
        return Err(crate::notice::CHURN_DAYS_ZERO.en.into());
    }
    // Capped so date arithmetic cannot overflow; beyond 10^6 days nothing changes.
    let n = opts.churn_days.min(1_000_000) as i32;
    let (first, last) = activity.date_range().unwrap_or((Date(0), Date(0)));
    let from = opts.from.unwrap_or(first);
    let to = opts.to.unwrap_or(last);
    if from > to {
        return Err(crate::notice::window_backwards(from, to));
    }
    let mut warnings = activity.warnings.clone();
    if activity.events.is_empty() {
        warnings.push(crate::notice::no_activity(&activity.ledger.file));
    } else if first.0 > from.0 - n {
        warnings.push(crate::notice::short_history(first, n, from));
    }
    let days = UserDays::new(activity);

    // First activity in the window per user, from time-sorted events.
    let lo = activity.events.partition_point(|e| e.1 < from.start());
    let hi = activity.events.partition_point(|e| e.1 < (to + 1).start());
    let mut first_return: Vec<Option<DateTime>> = vec![None; days.len()];
    for &(u, t) in &activity.events[lo..hi.max(lo)] {
        first_return[u as usize].get_or_insert(t);
    }
    let mut users = Vec::new();
    for (u, first_ret) in first_return.iter().enumerate() {
        let d = days.of(u);
        let i = d.partition_point(|&x| x < from);
        if i == 0 || d[i - 1].0 > from.0 - n {
            continue;
        }
        users.push(ReflowUser {
            user: activity.users.name(u as u32).to_string(),
            last_before: d[i - 1],
            reflowed: first_ret.is_some(),
            first_return: *first_ret,
        });
    }
    users.sort_by(|a, b| {
        b.reflowed
            .cmp(&a.reflowed)
            .then_with(|| a.user.cmp(&b.user))
    });
    let churned = users.len() as u64;
    let reflowed = users.iter().filter(|u| u.reflowed).count() as u64;

    let mut starts = Vec::new();
    let mut labels = Vec::new();
    let mut start = opts.period.start(from);
    while start <= to {
        starts.push(start.max(from));
        labels.push(opts.period.label(start));
        start = opts.period.next(start);
        if starts.len() > 100_000 {
            break;
        }
    }
    let counts = window_counts(&days, &starts, to, n);
    let periods = starts
        .iter()
        .enumerate()
        .map(|(j, &s)| ReflowRow {
            label: labels[j].clone(),
            from: s,
            to: starts.get(j + 1).map_or(to, |&next| next - 1),
            churned_users: counts[j].0,
            reflowed_users: counts[j].1,
        })
        .collect();

    let (retention, too_long) = cohorts(&days, opts.period);
    warnings.extend(too_long);
    let mut report = reflow_manual(churned, reflowed);
    report.metrics.extend(day_retention(&days));
    report.rows = RowCounts::from_ledger(&activity.ledger);
    report.warnings = warnings;
    Ok(Reflow {
        from,
        to,
        report,
        periods,
        retention,
        users,
    })
}

/// (churned, reflowed) for contiguous windows starting at `starts` (sorted),
/// the last ending on `to`, in one pass over each user's days.
///
/// Between consecutive activity days a < b, a user is churned at every window
/// start s with a + n <= s <= b (a is then the last day before s), and has
/// reflowed in the window holding b when its start is such an s. After the
/// last day, every start from a + n on counts as churned.
fn window_counts(days: &UserDays, starts: &[Date], to: Date, n: i32) -> Vec<(u64, u64)> {
    let mut diff = vec![0i64; starts.len() + 1];
    let mut reflowed = vec![0u64; starts.len()];
    for u in 0..days.len() {
        let d = days.of(u);
        for (i, &a) in d.iter().enumerate() {
            let lo = Date(a.0 + n);
            let next = d.get(i + 1).copied();
            let j0 = starts.partition_point(|&s| s < lo);
            let j1 = match next {
                Some(b) => starts.partition_point(|&s| s <= b),
                None => starts.len(),
            };
            if j0 < j1 {
                diff[j0] += 1;
                diff[j1] -= 1;
            }
            if let Some(b) = next {
                // The window holding b is the last one starting on or before it.
                if b <= to && j1 > 0 && starts[j1 - 1] >= lo {
                    reflowed[j1 - 1] += 1;
                }
            }
        }
    }
    let mut run = 0i64;
    (0..starts.len())
        .map(|j| {
            run += diff[j];
            (run as u64, reflowed[j])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{InputKind, Mapping, Table};

    /// The one-pass window counts agree with the definition applied to each
    /// window on its own.
    #[test]
    fn window_counts_match_naive() {
        let rows: Vec<Vec<String>> = (0..400u32)
            .map(|i| {
                let u = format!("u{}", (i * 7919) % 23);
                let day = (i * 104_729) % 200;
                vec![
                    u,
                    (Date::parse("2024-01-01").unwrap() + day as i32).to_string(),
                ]
            })
            .collect();
        let t = Table::from_owned_rows("v.csv", &["user", "time"], &rows);
        let a =
            Activity::build(&t, &Mapping::detect(InputKind::Activity, t.headers()), None).unwrap();
        let days = UserDays::new(&a);
        for n in [1, 5, 30] {
            let starts: Vec<Date> = (0..20)
                .map(|j| Date::parse("2024-01-10").unwrap() + j * 9)
                .collect();
            let to = Date::parse("2024-07-01").unwrap();
            let got = window_counts(&days, &starts, to, n);
            for (j, &s) in starts.iter().enumerate() {
                let e = starts.get(j + 1).map_or(to, |&x| x - 1);
                let (mut c, mut r) = (0, 0);
                for u in 0..days.len() {
                    let d = days.of(u);
                    let i = d.partition_point(|&x| x < s);
                    if i > 0 && d[i - 1].0 <= s.0 - n {
                        c += 1;
                        if d.get(i).is_some_and(|&x| x <= e) {
                            r += 1;
                        }
                    }
                }
                assert_eq!(got[j], (c, r), "n={n} window {j}");
            }
        }
    }
}
