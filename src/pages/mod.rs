//! One page per route.
pub mod common;
pub mod glossary;
pub mod home;
pub mod lifecycle;
pub mod not_found;
pub mod practice;
pub mod repurchase;
pub mod retention;
pub mod sell_through;
pub mod traffic;
pub mod workspaces;
