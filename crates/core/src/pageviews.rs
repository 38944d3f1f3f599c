//! Page-view logs (spec section 5): one row per page view, turned into
//! visits by session id or by the gap between a visitor's views.

use crate::columns::{header_of, missing_role, screen_rows, TimeColumn};
use crate::traffic::{finish, NO_CHANNEL};
use crate::{
    Date, DateOrder, DateTime, Interner, Ledger, Mapping, ReadError, Reason, Role, Table,
    TrafficCounts, TrafficOptions, TrafficResult,
};
use std::collections::BTreeMap;

/// One page view.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PageView {
    /// Row number in the file.
    pub row: u32,
    /// Visitor id in [`PageViews::visitors`].
    pub visitor: u32,
    /// When the page was viewed.
    pub time: DateTime,
    /// Session id in [`PageViews::sessions`], when that column is mapped.
    pub session: Option<u32>,
    /// Channel id in [`PageViews::channels`], when that column is mapped.
    pub channel: Option<u32>,
    /// Page id in [`PageViews::pages`], when that column is mapped.
    pub page: Option<u32>,
}

/// A page-view log, read and checked.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageViews {
    /// Usable page views, in file order.
    pub views: Vec<PageView>,
    /// Visitor ids.
    pub visitors: Interner,
    /// Session ids.
    pub sessions: Interner,
    /// Channel names.
    pub channels: Interner,
    /// Pages.
    pub pages: Interner,
    /// Rows not used, with reasons.
    pub ledger: Ledger,
    /// Things to tell the user.
    pub warnings: Vec<String>,
    /// Whether a session id column is mapped.
    pub has_session: bool,
    /// Whether a channel column is mapped.
    pub has_channel: bool,
}

impl PageViews {
    /// Reads a page-view log. Visitor id and time are required; page,
    /// session id and channel are optional. Rows without a visitor, with a
    /// blank or unreadable time, or (when session ids are mapped) without a
    /// session id are excluded with their reason.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::{InputKind, Mapping, PageViews, Table};
    /// let t = Table::from_rows("pv.csv", &["访客ID", "访问时间", "页面"], &[
    ///     &["v1", "2024-03-01 10:00:00", "/"],
    ///     &["", "2024-03-01 10:01:00", "/a"],    // no visitor
    ///     &["v2", "yesterday", "/"],              // unreadable time
    /// ]);
    /// let m = Mapping::detect(InputKind::PageViews, t.headers());
    /// let p = PageViews::build(&t, &m, None).unwrap();
    /// assert_eq!(p.views.len(), 1);
    /// assert_eq!(p.ledger.counts()["missing_user"], 1);
    /// assert_eq!(p.ledger.counts()["bad_time"], 1);
    /// ```
    pub fn build(
        table: &Table,
        mapping: &Mapping,
        date_order: Option<DateOrder>,
    ) -> Result<PageViews, ReadError> {
        let visitor_col = mapping
            .get(Role::VisitorId)
            .ok_or_else(|| missing_role(table, Role::VisitorId))?;
        let time = TimeColumn::new(
            table,
            mapping
                .get(Role::Time)
                .ok_or_else(|| missing_role(table, Role::Time))?,
            date_order,
        )?;
        let session_col = mapping.get(Role::SessionId);
        let channel_col = mapping.get(Role::Channel);
        let page_col = mapping.get(Role::Page);
        let mut out = PageViews {
            ledger: Ledger::new(table.name(), table.len()),
            has_session: session_col.is_some(),
            has_channel: channel_col.is_some(),
            ..PageViews::default()
        };
        let usable = screen_rows(table, &mut out.ledger);
        let mut date_only = 0usize;
        for (r, ok) in usable.into_iter().enumerate() {
            if !ok {
                continue;
            }
            let num = table.row_number(r);
            let visitor = table.cell(r, visitor_col).trim();
            if visitor.is_empty() {
                out.ledger.exclude(
                    num,
                    Some(header_of(table, visitor_col)),
                    Reason::MissingUser,
                    "",
                );
                continue;
            }
            let Some(t) = time.require(table, r, &mut out.ledger) else {
                continue;
            };
            let session = match session_col {
                Some(sc) => {
                    let s = table.cell(r, sc).trim();
                    if s.is_empty() {
                        out.ledger.exclude(
                            num,
                            Some(header_of(table, sc)),
                            Reason::MissingSession,
                            "",
                        );
                        continue;
                    }
                    Some(out.sessions.intern(s))
                }
                None => None,
            };
            if t.0.rem_euclid(86_400) == 0 {
                date_only += 1;
            }
            // Interned only once the row is known to be used, so the
            // interners hold exactly the values of used views.
            let channel = channel_col.map(|cc| {
                let s = table.cell(r, cc).trim();
                out.channels
                    .intern(if s.is_empty() { NO_CHANNEL } else { s })
            });
            let page = page_col.and_then(|pc| {
                let s = table.cell(r, pc).trim();
                (!s.is_empty()).then(|| out.pages.intern(s))
            });
            out.views.push(PageView {
                row: num,
                visitor: out.visitors.intern(visitor),
                time: t,
                session,
                channel,
                page,
            });
        }
        if session_col.is_none() && !out.views.is_empty() && date_only == out.views.len() {
            out.warnings
                .push(crate::notice::no_time_of_day(table.name()));
        }
        Ok(out)
    }
}

/// Computes traffic quality from a page-view log.
///
/// - `pv` = views, `uv` = distinct visitors.
/// - Visits: with session ids, a visit is a distinct (visitor, session id);
///   without them, a visitor's views (in time order) start a new visit
///   where MORE than `session_gap_minutes` pass since the previous view. A
///   gap of exactly the setting does not split.
/// - `bounced_visits` = visits with exactly one view.
/// - A visit's channel is the channel of its first view (the smallest
///   channel name among views at that same first second), and all its
///   views count toward that channel; a channel's uv is its distinct
///   visitors. Days count each visit, with all its views, on the day it
///   starts, so each day's depth is that of its own visits.
///
/// # Example
/// ```
/// use opscalc_core::*;
/// let t = Table::from_rows("pv.csv", &["访客ID", "访问时间"], &[
///     &["v1", "2024-03-01 10:00:00"],
///     &["v1", "2024-03-01 10:30:00"],   // exactly 30 minutes later: same visit
///     &["v1", "2024-03-01 11:00:01"],   // 30 minutes 1 second later: a new visit
///     &["v2", "2024-03-01 12:00:00"],
/// ]);
/// let p = PageViews::build(&t, &Mapping::detect(InputKind::PageViews, t.headers()), None).unwrap();
/// let r = traffic_from_pageviews(&p, &TrafficOptions::default());
/// assert_eq!(r.report.value("visits"), Some(3.0));
/// assert_eq!(r.report.value("bounced_visits"), Some(2.0));
/// assert_eq!(r.report.value("visit_depth"), Some(4.0 / 3.0));
/// ```
pub fn traffic_from_pageviews(pv: &PageViews, opts: &TrafficOptions) -> TrafficResult {
    let gap = opts.session_gap_minutes as i64 * 60;
    // Channel ids follow file order; ranking them by name makes the first
    // view's channel independent of the order of rows.
    let mut by_name: Vec<u32> = (0..pv.channels.len() as u32).collect();
    by_name.sort_by(|&a, &b| pv.channels.name(a).cmp(pv.channels.name(b)));
    let mut rank = vec![0u32; by_name.len()];
    for (i, &c) in by_name.iter().enumerate() {
        rank[c as usize] = i as u32;
    }
    let chan_rank = |v: &PageView| v.channel.map_or(u32::MAX, |c| rank[c as usize]);
    let mut views: Vec<&PageView> = pv.views.iter().collect();
    views.sort_by(|a, b| {
        a.visitor
            .cmp(&b.visitor)
            .then_with(|| {
                if pv.has_session {
                    a.session.cmp(&b.session)
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .then_with(|| a.time.cmp(&b.time))
            .then_with(|| chan_rank(a).cmp(&chan_rank(b)))
            .then_with(|| a.row.cmp(&b.row))
    });

    struct Visit {
        visitor: u32,
        channel: Option<u32>,
        day: Date,
        views: u64,
    }
    let mut visits: Vec<Visit> = Vec::new();
    let mut prev: Option<&PageView> = None;
    for v in views {
        let new_visit = match prev {
            None => true,
            Some(p) if p.visitor != v.visitor => true,
            Some(p) if pv.has_session => p.session != v.session,
            Some(p) => v.time.0 - p.time.0 > gap,
        };
        if new_visit {
            visits.push(Visit {
                visitor: v.visitor,
                channel: v.channel,
                day: v.time.date(),
                views: 0,
            });
        }
        if let Some(last) = visits.last_mut() {
            last.views += 1;
        }
        prev = Some(v);
    }

    #[derive(Default)]
    struct Acc {
        pv: u64,
        visits: u64,
        bounced: u64,
        visitors: Vec<u32>,
    }
    impl Acc {
        fn add(&mut self, v: &Visit) {
            self.pv += v.views;
            self.visits += 1;
            self.bounced += (v.views == 1) as u64;
            self.visitors.push(v.visitor);
        }
        fn counts(mut self) -> TrafficCounts {
            self.visitors.sort_unstable();
            self.visitors.dedup();
            TrafficCounts {
                pv: Some(self.pv as f64),
                uv: Some(self.visitors.len() as f64),
                visits: Some(self.visits as f64),
                bounced_visits: Some(self.bounced as f64),
                ..TrafficCounts::default()
            }
        }
    }
    let mut total = Acc::default();
    let mut by_channel: BTreeMap<Option<u32>, Acc> = BTreeMap::new();
    let mut by_day: BTreeMap<Date, Acc> = BTreeMap::new();
    for v in &visits {
        total.add(v);
        if pv.has_channel {
            by_channel.entry(v.channel).or_default().add(v);
        }
        by_day.entry(v.day).or_default().add(v);
    }
    let totals = total.counts();
    let mut warnings = pv.warnings.clone();
    if pv.views.is_empty() {
        warnings.push(crate::notice::no_page_views(&pv.ledger.file));
    }
    let channels: Vec<(String, TrafficCounts)> = by_channel
        .into_iter()
        .map(|(c, acc)| {
            let name = c.map_or(NO_CHANNEL, |c| pv.channels.name(c)).to_string();
            (name, acc.counts())
        })
        .collect();
    let channel_uv: f64 = channels.iter().filter_map(|(_, c)| c.uv).sum();
    if channel_uv > totals.uv.unwrap_or(0.0) {
        warnings.push(crate::notice::multi_channel_visitors());
    }
    let days = by_day.into_iter().map(|(d, a)| (d, a.counts())).collect();
    finish(totals, channels, days, pv.ledger.clone(), warnings, opts)
}
