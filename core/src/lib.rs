//! # labshare
//!
//! The rules engine of a regional scientific-instrument sharing network
//! (科学仪器设备协作共用网): member units (网员单位) register instruments, the
//! network office (协作网管理办公室) reviews and publishes them, units report
//! yearly usage, and the office splits an operating subsidy (运行补贴) among
//! units in proportion to their audited external service income. Small and
//! micro enterprises and startup teams get innovation vouchers (创新券) that
//! pay part of their fees for member units' services ([`voucher`]).
//!
//! The crate is pure: it reads no clock, files or network and keeps no global
//! state. The caller passes the current instant (`now`) and the data; the
//! same inputs give the same outputs, byte for byte. Rules that differ by
//! province, such as value bands, are data passed in, not constants.
//!
//! ## A first look
//!
//! Every change goes through [`Network`], names the [`Actor`] who makes it,
//! and returns an [`Event`] for the host to store. Replaying stored events
//! rebuilds an equal network.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use labshare::registry::{Unit, UnitKind};
//! use labshare::subsidy::{allocate_proportional, Claim};
//! use labshare::{Actor, Money, Network, UnitId};
//!
//! let mut network = Network::new();
//! let office = Actor::office("office-1");
//! let now = Utc.with_ymd_and_hms(2018, 10, 8, 2, 0, 0).unwrap();
//! let unit = Unit {
//!     id: UnitId::new("XJ01")?,
//!     name: "示例分析测试研究院".into(),
//!     kind: UnitKind::TestingCentre,
//!     region: "乌鲁木齐市".into(),
//! };
//! let event = network.register_unit(&office, now, unit)?;
//! assert_eq!(Network::replay([&event])?, network);
//!
//! // Split 70万元 over two units' audited income; the shares sum exactly.
//! let claims = [
//!     Claim { unit: UnitId::new("XJ01")?, audited: Money::parse("1000万")? },
//!     Claim { unit: UnitId::new("XJ02")?, audited: Money::parse("1963.343万")? },
//! ];
//! let allocation = allocate_proportional(Money::parse("70万")?, &claims)?;
//! assert_eq!(allocation.total(), Money::parse("700,000.00元")?);
//! assert_eq!(allocation.ratio_percent(4).to_string(), "2.3622");
//! # Ok::<(), labshare::Error>(())
//! ```
//!
//! ## Conventions
//!
//! - Money is [`Money`]: CNY in 元, exact to the fen, never negative, rounded
//!   half-up (四舍五入) where rounding is asked for, with checked arithmetic.
//! - Instants are UTC ([`chrono::DateTime<Utc>`]); intervals are half-open.
//! - Every error is an [`Error`] with a stable [`Error::code`] and a message
//!   in Chinese and English naming the field, the value and the fix.
//! - User-facing text comes in both languages as [`Text`]; computed amounts
//!   carry a step-by-step [`lang::Explanation`].
//!
//! ## Modules by concept
//!
//! | module | concept |
//! |---|---|
//! | [`money`] | CNY amounts (金额), half-up rounding |
//! | [`access`] | actors and role checks (权限) |
//! | [`registry`] | member units and instruments, review and publication (登记与审核) |
//! | [`usage`] | yearly usage reports (使用情况) |
//! | [`statistics`] | value bands and consistency checks of published figures |
//! | [`calendar`] | the official working-day calendar with make-up days (调休) and zones |
//! | [`booking`] | booking policies, bookings, waitlists and service records (网上预约) |
//! | [`subsidy`] | subsidy rule sets (细则), audit, allocation and analysis (运行补贴) |
//! | [`fund`] | the yearly special fund and its ledger (专项资金) |
//! | [`credit_code`], [`sme`], [`enterprise`] | enterprises: credit codes, SME size classes (中小企业划型), related parties |
//! | [`voucher`] | innovation vouchers (创新券) |
//! | [`journal`], [`snapshot`], [`network`] | events, the hash-chained JSON Lines journal, snapshots and replay |
//! | [`exchange`] | spreadsheet import (CSV, XLSX) and the national platform export |
//! | [`schema`] | JSON Schemas of records, events and reports |

pub mod access;
pub mod booking;
pub mod calendar;
pub mod credit_code;
pub mod enterprise;
pub mod error;
pub mod exchange;
pub mod fund;
mod flat_map;
mod id_map;
pub mod ids;
pub mod journal;
pub mod lang;
pub mod money;
pub mod network;
pub mod registry;
pub mod sme;
mod replay;
mod tagged;
pub mod statistics;
pub mod schema;
pub mod snapshot;
pub mod subsidy;
pub mod usage;
pub mod voucher;

pub use access::{Actor, Role};
pub use error::{Category, Entity, Error, Result};
pub use ids::{ApplicationId, EnterpriseId, InstrumentId, PartyId, SchemeId, UnitId, VoucherNumber};
pub use journal::{Change, Event};
pub use lang::{Lang, Text};
pub use money::Money;
pub use network::Network;
