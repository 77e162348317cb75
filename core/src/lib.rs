//! # labshare
//!
//! The rules engine of a regional scientific-instrument sharing network
//! (科学仪器设备协作共用网).

pub mod error;
pub mod lang;
pub mod money;

pub use error::{Category, Entity, Error, Result};
pub use lang::{Lang, Text};
pub use money::Money;
