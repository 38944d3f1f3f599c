//! Column roles and their detection from headers (spec sections 1, 3, 4, 5).

use std::collections::BTreeMap;
use std::fmt;

/// The kinds of input file, each with its own set of roles.
///
/// # Example
/// ```
/// use opscalc_core::{InputKind, Role};
/// assert!(InputKind::Orders.roles().contains(&Role::BuyerId));
/// ```
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum InputKind {
    /// Orders or order lines.
    Orders,
    /// Visits, logins or other activity with a user and a time.
    Activity,
    /// The product (SKU) list.
    Products,
    /// A daily or per-channel table of traffic counts.
    TrafficTable,
    /// A page-view log, one row per page view.
    PageViews,
}

/// What a column means.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[allow(missing_docs)]
pub enum Role {
    OrderId,
    BuyerId,
    PaidAt,
    CreatedAt,
    Amount,
    Status,
    Sku,
    Product,
    Category,
    Channel,
    Quantity,
    UserId,
    Time,
    RegisteredAt,
    Sales30d,
    LastSoldAt,
    ListedAt,
    Date,
    Pv,
    Uv,
    Visits,
    BouncedVisits,
    BounceRate,
    Buyers,
    Orders,
    Revenue,
    Spend,
    Impressions,
    Clicks,
    Carts,
    VisitorId,
    Page,
    SessionId,
}

impl Role {
    /// The role's key, the same in the CLI (`--map key=header`), JSON and UI.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::Role;
    /// assert_eq!(Role::PaidAt.key(), "paid_at");
    /// assert_eq!(Role::from_key("paid_at"), Some(Role::PaidAt));
    /// ```
    pub fn key(self) -> &'static str {
        use Role::*;
        match self {
            OrderId => "order_id",
            BuyerId => "buyer_id",
            PaidAt => "paid_at",
            CreatedAt => "created_at",
            Amount => "amount",
            Status => "status",
            Sku => "sku",
            Product => "product",
            Category => "category",
            Channel => "channel",
            Quantity => "quantity",
            UserId => "user_id",
            Time => "time",
            RegisteredAt => "registered_at",
            Sales30d => "sales_30d",
            LastSoldAt => "last_sold_at",
            ListedAt => "listed_at",
            Date => "date",
            Pv => "pv",
            Uv => "uv",
            Visits => "visits",
            BouncedVisits => "bounced_visits",
            BounceRate => "bounce_rate",
            Buyers => "buyers",
            Orders => "orders",
            Revenue => "revenue",
            Spend => "spend",
            Impressions => "impressions",
            Clicks => "clicks",
            Carts => "carts",
            VisitorId => "visitor_id",
            Page => "page",
            SessionId => "session_id",
        }
    }

    /// The role with this key.
    pub fn from_key(key: &str) -> Option<Role> {
        ALL_ROLES.iter().copied().find(|r| r.key() == key)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

const ALL_ROLES: [Role; 33] = {
    use Role::*;
    [
        OrderId,
        BuyerId,
        PaidAt,
        CreatedAt,
        Amount,
        Status,
        Sku,
        Product,
        Category,
        Channel,
        Quantity,
        UserId,
        Time,
        RegisteredAt,
        Sales30d,
        LastSoldAt,
        ListedAt,
        Date,
        Pv,
        Uv,
        Visits,
        BouncedVisits,
        BounceRate,
        Buyers,
        Orders,
        Revenue,
        Spend,
        Impressions,
        Clicks,
        Carts,
        VisitorId,
        Page,
        SessionId,
    ]
};

type Synonyms = &'static [(Role, &'static [&'static str])];

const ORDER_ROLES: Synonyms = &[
    (
        Role::OrderId,
        &[
            "订单编号",
            "订单号",
            "主订单编号",
            "子订单编号",
            "order id",
            "name",
            "order_number",
            "order number",
        ],
    ),
    (
        Role::BuyerId,
        &[
            "买家会员名",
            "买家昵称",
            "买家id",
            "用户id",
            "会员id",
            "收货人手机",
            "customer id",
            "email",
            "buyer",
            "buyer_id",
        ],
    ),
    (
        Role::PaidAt,
        &[
            "订单付款时间",
            "付款时间",
            "支付时间",
            "paid at",
            "payment_date",
            "paid_at",
        ],
    ),
    (
        Role::CreatedAt,
        &[
            "订单创建时间",
            "下单时间",
            "创建时间",
            "created at",
            "order_date",
            "created_at",
        ],
    ),
    (
        Role::Amount,
        &[
            "买家实际支付金额",
            "实付金额",
            "支付金额",
            "订单金额",
            "total",
            "amount",
        ],
    ),
    (
        Role::Status,
        &["订单状态", "交易状态", "financial status", "status"],
    ),
    (
        Role::Sku,
        &[
            "商品编码",
            "商家编码",
            "sku",
            "宝贝id",
            "商品id",
            "lineitem sku",
        ],
    ),
    (
        Role::Product,
        &["宝贝标题", "商品名称", "lineitem name", "product"],
    ),
    (
        Role::Category,
        &["类目", "商品类目", "分类", "category", "product type"],
    ),
    (
        Role::Channel,
        &["渠道", "来源", "流量来源", "source", "channel"],
    ),
    (
        Role::Quantity,
        &[
            "购买数量",
            "数量",
            "宝贝总数量",
            "lineitem quantity",
            "qty",
            "quantity",
        ],
    ),
];

const ACTIVITY_ROLES: Synonyms = &[
    (
        Role::UserId,
        &[
            "用户id",
            "访客id",
            "会员id",
            "买家会员名",
            "user",
            "user_id",
            "visitor",
            "customer id",
            "email",
        ],
    ),
    (
        Role::Time,
        &[
            "访问时间",
            "登录时间",
            "时间",
            "日期",
            "time",
            "timestamp",
            "visited_at",
            "date",
        ],
    ),
    (
        Role::RegisteredAt,
        &["注册时间", "signup", "registered_at", "registered at"],
    ),
];

const PRODUCT_ROLES: Synonyms = &[
    (
        Role::Sku,
        &[
            "商家编码",
            "商品编码",
            "宝贝id",
            "商品id",
            "sku",
            "variant sku",
        ],
    ),
    (
        Role::Status,
        &["宝贝状态", "商品状态", "状态", "上下架状态", "status"],
    ),
    (
        Role::Product,
        &["宝贝标题", "商品名称", "标题", "title", "product", "name"],
    ),
    (
        Role::Category,
        &["类目", "商品类目", "分类", "category", "product type"],
    ),
    (
        Role::Sales30d,
        &["30天销量", "近30天销量", "月销量", "sales_30d"],
    ),
    (
        Role::LastSoldAt,
        &[
            "最后成交时间",
            "最近销售日期",
            "last_sold_at",
            "last sold at",
        ],
    ),
    (
        Role::ListedAt,
        &["上架时间", "发布时间", "published at", "listed_at"],
    ),
];

const TRAFFIC_TABLE_ROLES: Synonyms = &[
    (Role::Date, &["日期", "date", "day"]),
    (
        Role::Channel,
        &["渠道", "来源", "流量来源", "source", "channel"],
    ),
    (Role::Pv, &["浏览量", "pv", "pageviews", "page views"]),
    (Role::Uv, &["访客数", "uv", "visitors"]),
    (Role::Visits, &["访问次数", "访问数", "visits", "sessions"]),
    (
        Role::BouncedVisits,
        &["跳失访问数", "跳出访问数", "bounces", "bounced_visits"],
    ),
    (Role::BounceRate, &["跳失率", "跳出率", "bounce rate"]),
    (Role::Buyers, &["支付买家数", "买家数", "buyers"]),
    (Role::Orders, &["支付订单数", "orders"]),
    (
        Role::Revenue,
        &["支付金额", "成交金额", "销售额", "revenue", "sales"],
    ),
    (Role::Spend, &["花费", "消耗", "spend", "cost"]),
    (Role::Impressions, &["展现量", "曝光量", "impressions"]),
    (Role::Clicks, &["点击量", "clicks"]),
    (
        Role::Carts,
        &["加购人数", "加购件数", "add to cart", "carts"],
    ),
];

const PAGE_VIEW_ROLES: Synonyms = &[
    (
        Role::VisitorId,
        &["访客id", "visitor_id", "visitor id", "用户id", "user_id"],
    ),
    (Role::Time, &["访问时间", "time", "timestamp", "时间"]),
    (Role::Page, &["页面", "url", "page"]),
    (Role::SessionId, &["会话id", "session_id", "session id"]),
    (Role::Channel, &["来源", "渠道", "channel", "source"]),
];

impl InputKind {
    fn synonyms(self) -> Synonyms {
        match self {
            InputKind::Orders => ORDER_ROLES,
            InputKind::Activity => ACTIVITY_ROLES,
            InputKind::Products => PRODUCT_ROLES,
            InputKind::TrafficTable => TRAFFIC_TABLE_ROLES,
            InputKind::PageViews => PAGE_VIEW_ROLES,
        }
    }

    /// The roles this kind of input can map.
    pub fn roles(self) -> Vec<Role> {
        self.synonyms().iter().map(|(r, _)| *r).collect()
    }

    /// The headers that are detected as `role` for this kind.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::{InputKind, Role};
    /// assert!(InputKind::Orders.synonyms_of(Role::PaidAt).contains(&"付款时间"));
    /// ```
    pub fn synonyms_of(self, role: Role) -> &'static [&'static str] {
        self.synonyms()
            .iter()
            .find(|(r, _)| *r == role)
            .map(|(_, s)| *s)
            .unwrap_or(&[])
    }
}

/// Normalises a header for matching: half-width forms, lower case, and no
/// spaces, underscores or hyphens.
///
/// # Example
/// ```
/// use opscalc_core::normalize_header;
/// assert_eq!(normalize_header(" Paid_At "), "paidat");
/// assert_eq!(normalize_header("买家ＩＤ"), "买家id");
/// ```
pub fn normalize_header(h: &str) -> String {
    crate::to_half_width(h)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Which column plays which role.
///
/// # Example
/// ```
/// use opscalc_core::{InputKind, Mapping, Role};
/// let m = Mapping::detect(InputKind::Orders, &["订单编号".into(), "买家会员名".into(), "付款时间".into()]);
/// assert_eq!(m.get(Role::OrderId), Some(0));
/// assert_eq!(m.get(Role::PaidAt), Some(2));
/// assert_eq!(m.get(Role::Amount), None);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Mapping {
    cols: BTreeMap<Role, usize>,
}

impl Mapping {
    /// Detects roles from headers. Synonyms are tried in the spec's order,
    /// so `订单编号` wins over `子订单编号`; each column plays one role.
    pub fn detect(kind: InputKind, headers: &[String]) -> Mapping {
        let norm: Vec<String> = headers.iter().map(|h| normalize_header(h)).collect();
        let mut m = Mapping::default();
        let mut taken = vec![false; headers.len()];
        for (role, syns) in kind.synonyms() {
            'syn: for s in *syns {
                let s = normalize_header(s);
                for (i, h) in norm.iter().enumerate() {
                    if !taken[i] && *h == s {
                        m.cols.insert(*role, i);
                        taken[i] = true;
                        break 'syn;
                    }
                }
            }
        }
        m
    }

    /// The column of a role.
    pub fn get(&self, role: Role) -> Option<usize> {
        self.cols.get(&role).copied()
    }

    /// Sets (or with `None`, clears) the column of a role. A column plays one
    /// role, so another role holding it is cleared.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::{Mapping, Role};
    /// let mut m = Mapping::default();
    /// m.set(Role::BuyerId, Some(3));
    /// m.set(Role::OrderId, Some(3));
    /// assert_eq!((m.get(Role::BuyerId), m.get(Role::OrderId)), (None, Some(3)));
    /// ```
    pub fn set(&mut self, role: Role, col: Option<usize>) {
        match col {
            Some(c) => {
                self.cols.retain(|_, v| *v != c);
                self.cols.insert(role, c);
            }
            None => {
                self.cols.remove(&role);
            }
        }
    }

    /// Applies `role=header` overrides (as from `--map`), naming the header
    /// exactly or after normalisation.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::{InputKind, Mapping, Role};
    /// let headers = vec!["A".to_string(), "Who".to_string()];
    /// let mut m = Mapping::detect(InputKind::Orders, &headers);
    /// m.apply_overrides(&headers, &["buyer_id=who".into()]).unwrap();
    /// assert_eq!(m.get(Role::BuyerId), Some(1));
    /// ```
    pub fn apply_overrides(&mut self, headers: &[String], maps: &[String]) -> Result<(), String> {
        for spec in maps {
            let (key, header) = spec
                .split_once('=')
                .ok_or_else(|| format!("--map expects ROLE=HEADER, got \"{spec}\""))?;
            let role = Role::from_key(key.trim())
                .ok_or_else(|| format!("unknown role \"{key}\" in --map"))?;
            if header.trim().is_empty() {
                self.set(role, None);
                continue;
            }
            let want = normalize_header(header);
            let col = headers
                .iter()
                .position(|h| h == header)
                .or_else(|| headers.iter().position(|h| normalize_header(h) == want))
                .ok_or_else(|| {
                    format!(
                        "no column \"{header}\" for {key}; columns: {}",
                        headers.join(", ")
                    )
                })?;
            self.set(role, Some(col));
        }
        Ok(())
    }

    /// The mapped roles and columns, in role order.
    pub fn iter(&self) -> impl Iterator<Item = (Role, usize)> + '_ {
        self.cols.iter().map(|(r, c)| (*r, *c))
    }

    /// A key for remembering a user's mapping of files with the same headers.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::Mapping;
    /// assert_eq!(Mapping::signature(&["a".into(), "B".into()]), "a|b");
    /// ```
    pub fn signature(headers: &[String]) -> String {
        headers
            .iter()
            .map(|h| normalize_header(h))
            .collect::<Vec<_>>()
            .join("|")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn taobao_headers() {
        let m = Mapping::detect(
            InputKind::Orders,
            &h(&[
                "子订单编号",
                "订单编号",
                "买家会员名",
                "买家实际支付金额",
                "订单状态",
                "订单创建时间",
                "订单付款时间 ",
                "宝贝标题 ",
                "商家编码",
                "购买数量",
            ]),
        );
        assert_eq!(m.get(Role::OrderId), Some(1));
        assert_eq!(m.get(Role::BuyerId), Some(2));
        assert_eq!(m.get(Role::Amount), Some(3));
        assert_eq!(m.get(Role::Status), Some(4));
        assert_eq!(m.get(Role::CreatedAt), Some(5));
        assert_eq!(m.get(Role::PaidAt), Some(6));
        assert_eq!(m.get(Role::Product), Some(7));
        assert_eq!(m.get(Role::Sku), Some(8));
        assert_eq!(m.get(Role::Quantity), Some(9));
    }

    #[test]
    fn shopify_headers() {
        let m = Mapping::detect(
            InputKind::Orders,
            &h(&[
                "Name",
                "Email",
                "Financial Status",
                "Paid at",
                "Total",
                "Lineitem quantity",
                "Lineitem name",
                "Lineitem sku",
                "Created at",
            ]),
        );
        assert_eq!(m.get(Role::OrderId), Some(0));
        assert_eq!(m.get(Role::BuyerId), Some(1));
        assert_eq!(m.get(Role::Status), Some(2));
        assert_eq!(m.get(Role::PaidAt), Some(3));
        assert_eq!(m.get(Role::Amount), Some(4));
        assert_eq!(m.get(Role::Quantity), Some(5));
        assert_eq!(m.get(Role::Product), Some(6));
        assert_eq!(m.get(Role::Sku), Some(7));
        assert_eq!(m.get(Role::CreatedAt), Some(8));
    }

    #[test]
    fn full_width_and_case() {
        let m = Mapping::detect(InputKind::Activity, &h(&["ＵＳＥＲ＿ＩＤ", "Time Stamp"]));
        assert_eq!(m.get(Role::UserId), Some(0));
        assert_eq!(m.get(Role::Time), Some(1));
    }

    #[test]
    fn overrides_report_bad_input() {
        let headers = h(&["a"]);
        let mut m = Mapping::default();
        assert!(m
            .apply_overrides(&headers, &["nope=a".into()])
            .unwrap_err()
            .contains("unknown role"));
        assert!(m
            .apply_overrides(&headers, &["buyer_id=zzz".into()])
            .unwrap_err()
            .contains("no column \"zzz\""));
    }
}
