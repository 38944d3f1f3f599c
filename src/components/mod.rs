//! Reusable components, one per file.
pub mod charts;
pub mod data_table;
pub mod drill;
pub mod error_view;
pub mod import_panel;
pub mod metric_card;
pub mod mode_switch;
pub mod nav;
pub mod quality_panel;
pub mod report_bar;
pub mod share_link;
pub mod sql_panel;
pub mod storage_banner;
