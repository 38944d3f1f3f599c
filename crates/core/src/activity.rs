//! Activity (visits, logins or paid orders) per user, the input of return
//! visits, retention and lifecycle (spec section 3).

use crate::columns::{header_of, missing_role, screen_rows, TimeColumn};
use crate::{
    Date, DateOrder, DateTime, Interner, Ledger, Mapping, Orders, ReadError, Reason, Role, Table,
};

/// Users' activity events, sorted by time, with the ledger of rows that were
/// not used.
///
/// # Example
/// ```
/// use opscalc_core::*;
/// let t = Table::from_rows("v.csv", &["用户ID", "访问时间", "注册时间"], &[
///     &["amy", "2024-03-01 10:00", "2024-02-20"],
///     &["bob", "", "2024-03-02"],               // registered, never visited
///     &["", "2024-03-03", ""],                  // no user
/// ]);
/// let m = Mapping::detect(InputKind::Activity, t.headers());
/// let a = Activity::build(&t, &m, None).unwrap();
/// assert_eq!(a.events.len(), 1);
/// assert_eq!(a.users.len(), 2);
/// assert_eq!(a.registered[1], Date::parse("2024-03-02"));
/// assert_eq!(a.ledger.counts()["missing_user"], 1);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Activity {
    /// User ids.
    pub users: Interner,
    /// (user, time) of each activity row, sorted by time, then user.
    pub events: Vec<(u32, DateTime)>,
    /// The file row number of each event, parallel to `events` (for orders,
    /// the order's first row).
    pub event_rows: Vec<u32>,
    /// Each user's earliest registration date, indexed by user id.
    pub registered: Vec<Option<Date>>,
    /// Rows with a registration time and no activity time: (user,
    /// registration date, row number). They are used, not excluded.
    pub registration_only: Vec<(u32, Date, u32)>,
    /// Rows not used, with reasons.
    pub ledger: Ledger,
    /// Things to tell the user.
    pub warnings: Vec<String>,
}

impl Activity {
    /// Builds activity from a table mapped as [`InputKind::Activity`](crate::InputKind)
    /// (roles `user_id`, `time`, optional `registered_at`).
    pub fn build(
        table: &Table,
        mapping: &Mapping,
        date_order: Option<DateOrder>,
    ) -> Result<Activity, ReadError> {
        let user_col = mapping
            .get(Role::UserId)
            .ok_or_else(|| missing_role(table, Role::UserId))?;
        let time_col = mapping
            .get(Role::Time)
            .ok_or_else(|| missing_role(table, Role::Time))?;
        let time = TimeColumn::new(table, time_col, date_order)?;
        let reg = match mapping.get(Role::RegisteredAt) {
            Some(c) => Some(TimeColumn::new(table, c, date_order)?),
            None => None,
        };
        let mut out = Activity {
            ledger: Ledger::new(table.name(), table.len()),
            ..Activity::default()
        };
        let usable = screen_rows(table, &mut out.ledger);
        let mut events: Vec<(DateTime, u32, u32)> = Vec::with_capacity(table.len());
        for (r, &ok) in usable.iter().enumerate() {
            if !ok {
                continue;
            }
            let num = table.row_number(r);
            let user = table.cell(r, user_col).trim();
            if user.is_empty() {
                out.ledger.exclude(
                    num,
                    Some(header_of(table, user_col)),
                    Reason::MissingUser,
                    "",
                );
                continue;
            }
            let Ok(t) = time.read(table, r) else {
                out.ledger.exclude(
                    num,
                    Some(header_of(table, time_col)),
                    Reason::BadTime,
                    table.cell(r, time_col),
                );
                continue;
            };
            let g = match &reg {
                Some(rc) => match rc.read(table, r) {
                    Ok(g) => g,
                    Err(()) => {
                        out.ledger.exclude(
                            num,
                            Some(header_of(table, rc.col)),
                            Reason::BadTime,
                            table.cell(r, rc.col),
                        );
                        continue;
                    }
                },
                None => None,
            };
            if t.is_none() && g.is_none() {
                out.ledger.exclude(
                    num,
                    Some(header_of(table, time_col)),
                    Reason::MissingTime,
                    "",
                );
                continue;
            }
            let u = out.intern(user);
            if let Some(g) = g {
                let slot = &mut out.registered[u as usize];
                *slot = Some(slot.map_or(g.date(), |s| s.min(g.date())));
            }
            match t {
                Some(t) => events.push((t, u, num)),
                // A sign-up without a visit still makes the user known.
                None => out.registration_only.push((u, g.unwrap().date(), num)),
            }
        }
        out.set_events(events);
        Ok(out)
    }

    /// Paid orders as activity: each order with a buyer is an event of that
    /// buyer at the order's time. Orders without a buyer (guests) are left
    /// out, their rows recorded as `missing_buyer`.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::*;
    /// let t = Table::from_rows("o.csv", &["订单号", "买家ID", "付款时间"], &[
    ///     &["1", "amy", "2024-03-01"], &["2", "", "2024-03-02"], &["3", "amy", "2024-03-05"],
    /// ]);
    /// let o = Orders::build(&t, &Mapping::detect(InputKind::Orders, t.headers()), &OrderOptions::default()).unwrap();
    /// let a = Activity::from_orders(&o);
    /// assert_eq!(a.events.len(), 2);
    /// assert_eq!(a.ledger.counts()["missing_buyer"], 1);
    /// ```
    pub fn from_orders(orders: &Orders) -> Activity {
        let mut out = Activity {
            ledger: orders.ledger.clone(),
            warnings: orders.warnings.clone(),
            ..Activity::default()
        };
        let mut events = Vec::with_capacity(orders.orders.len());
        for o in &orders.orders {
            let first_row = orders.row_number(orders.rows(o)[0]);
            match o.buyer() {
                Some(b) => {
                    let u = out.intern(orders.buyers.name(b));
                    events.push((o.time, u, first_row));
                }
                None => {
                    for &r in orders.rows(o) {
                        out.ledger.exclude(
                            orders.row_number(r),
                            Some("buyer_id"),
                            Reason::MissingBuyer,
                            orders.guest_id(o).unwrap_or_default(),
                        );
                    }
                }
            }
        }
        out.ledger.sort();
        out.set_events(events);
        out
    }

    fn intern(&mut self, user: &str) -> u32 {
        let u = self.users.intern(user);
        if u as usize == self.registered.len() {
            self.registered.push(None);
        }
        u
    }

    fn set_events(&mut self, mut events: Vec<(DateTime, u32, u32)>) {
        events.sort_unstable();
        self.event_rows = events.iter().map(|&(_, _, r)| r).collect();
        // Same size and alignment: collected in place, so millions of rows
        // do not hold two copies of the events at once.
        self.events = events.into_iter().map(|(t, u, _)| (u, t)).collect();
    }

    /// The first and last activity dates (registrations not included).
    ///
    /// # Example
    /// ```
    /// use opscalc_core::Activity;
    /// assert_eq!(Activity::default().date_range(), None);
    /// ```
    pub fn date_range(&self) -> Option<(Date, Date)> {
        Some((self.events.first()?.1.date(), self.events.last()?.1.date()))
    }
}

/// Each user's distinct activity days, sorted (compressed rows), for "last
/// day before" and "any day in" lookups in O(log n).
pub(crate) struct UserDays {
    starts: Vec<u32>,
    days: Vec<Date>,
}

impl UserDays {
    pub(crate) fn new(a: &Activity) -> UserDays {
        let n = a.users.len();
        // Counting sort by user; events are in time order, so each user's
        // days come out sorted, with equal days adjacent.
        let mut starts = vec![0u32; n + 1];
        for &(u, _) in &a.events {
            starts[u as usize + 1] += 1;
        }
        for i in 0..n {
            starts[i + 1] += starts[i];
        }
        let mut fill = starts.clone();
        let mut all = vec![Date(0); a.events.len()];
        for &(u, t) in &a.events {
            let f = &mut fill[u as usize];
            all[*f as usize] = t.date();
            *f += 1;
        }
        // Compact to distinct days per user.
        let mut days = Vec::with_capacity(all.len());
        let mut out_starts = Vec::with_capacity(n + 1);
        out_starts.push(0);
        for u in 0..n {
            let begin = days.len();
            for &d in &all[starts[u] as usize..starts[u + 1] as usize] {
                if days.len() == begin || days.last() != Some(&d) {
                    days.push(d);
                }
            }
            out_starts.push(days.len() as u32);
        }
        UserDays {
            starts: out_starts,
            days,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.starts.len() - 1
    }

    pub(crate) fn of(&self, u: usize) -> &[Date] {
        &self.days[self.starts[u] as usize..self.starts[u + 1] as usize]
    }
}
