//! Data exchange with spreadsheets and the national platform (数据交换).
//!
//! Everything here works on bytes in memory: the host reads and writes the
//! files.
//!
//! - [`import`] reads instrument lists and service records from CSV and
//!   XLSX with Chinese headers, reports every bad cell, and turns the good
//!   rows into journal events only when asked.
//! - [`national`] renders instrument and service records in the national
//!   platform's field set (科研设施与仪器国家网络管理平台) and checks its limits.
//! - [`sheet`] writes the office's own lossless instrument list, which
//!   [`import`] reads back into equal records.
//! - [`service`] defines the service record (服务记录), [`service_book`] the
//!   network's book of them, and [`service_import`] the dry run and import
//!   of service-record lists into that book.

mod cell_refs;
pub mod cells;
pub mod import;
pub mod mapping;
pub mod national;
pub mod service;
pub mod service_book;
pub mod service_import;
pub mod sheet;
mod table;

pub use table::SourceFormat;
