//! # labshare
//!
//! The rules engine of a regional scientific-instrument sharing network
//! (科学仪器设备协作共用网).

pub mod access;
pub mod error;
pub mod exchange;
pub mod ids;
pub mod journal;
pub mod lang;
pub mod money;
pub mod network;
pub mod registry;
pub mod schema;
pub mod snapshot;
pub mod usage;

pub use access::{Actor, Role};
pub use error::{Category, Entity, Error, Result};
pub use ids::{EnterpriseId, InstrumentId, UnitId};
pub use journal::{Change, Event};
pub use lang::{Lang, Text};
pub use money::Money;
pub use network::Network;
pub mod statistics;
pub mod subsidy;
