//! Python bindings for the `labshare` rules engine, built by maturin into the
//! native module `labshare._native`.
//!
//! The Python package `labshare` (in `python/labshare/`) re-exports what this
//! module registers and defines the exception classes. Code is split by job:
//!
//! - [`convert`] turns Python values into core types and back, and nothing else.
//! - [`errors`] is the one mapping from [`labshare::Error`] to Python exceptions.
//! - One module per core concept wraps core functions: [`money`], [`network`]
//!   (the `Network` class), [`statistics`], [`subsidy`] and [`lang`]. A
//!   wrapper converts its arguments, calls core and converts the result: the
//!   rules stay in core.
//!
//! Value types (`Actor`, `Unit`, `InstrumentRecord`, `Allocation`, ...) are
//! frozen dataclasses in the Python package, next to the exception classes;
//! [`convert`] reads and builds them.
//!
//! # Stateful classes
//!
//! A class with mutable state, such as [`network::Network`], follows one
//! pattern:
//!
//! ```ignore
//! #[pyclass(frozen, module = "labshare")]
//! pub struct Network {
//!     state: std::sync::Mutex<State>,
//! }
//!
//! #[pymethods]
//! impl Network {
//!     fn book(&self, py: Python<'_>, request: &Bound<'_, PyAny>) -> PyResult<String> {
//!         let request = convert::booking_request("request", request)?;
//!         let event = py.detach(|| {
//!             let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
//!             state.network.book(request)
//!         });
//!         Ok(event.map_err(CoreError::from)?)
//!     }
//! }
//! ```
//!
//! `frozen` makes pyo3 hand out only `&self`, and the `Mutex` orders access,
//! so when two Python threads book the same slot at once, one wins and the
//! other gets the core's conflict error. A class without `frozen` and with
//! `&mut self` methods would instead raise `RuntimeError: Already borrowed` in
//! the second thread. `py.detach` releases the GIL while core works, so the
//! other thread waits on the mutex and not on the interpreter. Convert
//! arguments before `detach` and results after it, because Python objects must
//! not be touched while detached. A poisoned mutex is taken over with
//! `PoisonError::into_inner` rather than unwrapped: core checks every change
//! before it mutates anything, so the state behind it is whole, and a panic
//! must never reach Python.

use pyo3::prelude::*;

mod booking;
mod convert;
mod errors;
mod exchange;
mod fund;
mod lang;
mod money;
mod network;
mod sheets;
mod statistics;
mod store;
mod subsidy;
mod voucher;

/// Native part of the `labshare` package; import from `labshare` instead.
#[pymodule]
mod _native {
    #[pymodule_export]
    use crate::fund::allocate_rewards;
    #[pymodule_export]
    use crate::fund::allocate_subsidy;
    #[pymodule_export]
    use crate::fund::allocate_subsidy_amounts;
    #[pymodule_export]
    use crate::subsidy::allocate_subsidy_columns;
    #[pymodule_export]
    use crate::fund::audit_application;
    #[pymodule_export]
    use crate::fund::subsidy_concentration;
    #[pymodule_export]
    use crate::fund::subsidy_history;
    #[pymodule_export]
    use crate::fund::subsidy_what_if;
    #[pymodule_export]
    use crate::booking::Calendar;
    #[pymodule_export]
    use crate::booking::local_time;
    #[pymodule_export]
    use crate::booking::local_to_utc;
    #[pymodule_export]
    use crate::exchange::country_code;
    #[pymodule_export]
    use crate::exchange::excel_serial_to_date;
    #[pymodule_export]
    use crate::exchange::parse_amount_cell;
    #[pymodule_export]
    use crate::exchange::parse_date_cell;
    #[pymodule_export]
    use crate::exchange::parse_operating_status_cell;
    #[pymodule_export]
    use crate::exchange::parse_sharing_mode_cell;
    #[pymodule_export]
    use crate::exchange::parse_source_cell;
    #[pymodule_export]
    use crate::exchange::read_journal;
    #[pymodule_export]
    use crate::exchange::read_journal_file;
    #[pymodule_export]
    use crate::exchange::resume_snapshot;
    #[pymodule_export]
    use crate::exchange::resume_snapshot_file;
    #[pymodule_export]
    use crate::exchange::verify_journal;
    #[pymodule_export]
    use crate::exchange::verify_journal_file;
    #[pymodule_export]
    use crate::exchange::write_journal;
    #[pymodule_export]
    use crate::exchange::write_journal_file;
    #[pymodule_export]
    use crate::exchange::write_snapshot;
    #[pymodule_export]
    use crate::exchange::write_snapshot_file;
    #[pymodule_export]
    use crate::lang::render_explanation;
    #[pymodule_export]
    use crate::money::format_wan;
    #[pymodule_export]
    use crate::money::format_yuan;
    #[pymodule_export]
    use crate::money::parse_money;
    #[pymodule_export]
    use crate::money::parse_money_rounded;
    #[pymodule_export]
    use crate::money::round_money;
    #[pymodule_export]
    use crate::network::Network;
    #[pymodule_export]
    use crate::sheets::read_instrument_sheet;
    #[pymodule_export]
    use crate::sheets::read_instrument_sheet_file;
    #[pymodule_export]
    use crate::sheets::read_service_sheet;
    #[pymodule_export]
    use crate::sheets::read_service_sheet_file;
    #[pymodule_export]
    use crate::store::Store;
    #[pymodule_export]
    use crate::statistics::band_label;
    #[pymodule_export]
    use crate::statistics::band_table;
    #[pymodule_export]
    use crate::statistics::check_published;
    #[pymodule_export]
    use crate::statistics::check_stated_ratio;
    #[pymodule_export]
    use crate::statistics::compare_with_records;
    #[pymodule_export]
    use crate::subsidy::allocate_proportional;
    #[pymodule_export]
    use crate::subsidy::ratio_percent;
    #[pymodule_export]
    use crate::voucher::classify_size;
    #[pymodule_export]
    use crate::voucher::credit_code_check_character;
    #[pymodule_export]
    use crate::voucher::parse_credit_code;

    /// Version of the `labshare-python` crate that built this module.
    #[pymodule_export]
    #[allow(non_upper_case_globals)]
    const __version__: &str = env!("CARGO_PKG_VERSION");
}
