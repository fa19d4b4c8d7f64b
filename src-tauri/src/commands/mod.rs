//! The commands, one module per area. Each unpacks its arguments, makes one core call off the
//! window's thread, and maps the result or the error.

pub mod app;
pub mod disposition;
pub mod plan;
pub mod projects;
pub mod register;
pub mod session;
pub mod users;
pub mod vault;
