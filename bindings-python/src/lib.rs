//! Python bindings for the `labshare` rules engine, built by maturin into the
//! native module `labshare._native`.
//!
//! The Python package `labshare` (in `python/labshare/`) re-exports what this
//! module registers and defines the exception classes. Code is split by job:
//!
//! - [`convert`] turns Python values into core types and back, and nothing else.
//! - [`errors`] is the one mapping from [`labshare::Error`] to Python exceptions.
//! - One module per core concept ([`money`] so far) wraps core functions. A
//!   wrapper converts its arguments, calls core and converts the result: the
//!   rules stay in core.
//!
//! # Stateful classes
//!
//! A class with mutable state (the network, once core has it) follows one
//! pattern:
//!
//! ```ignore
//! #[pyclass(frozen, module = "labshare")]
//! pub struct Network {
//!     inner: std::sync::Mutex<labshare::Network>,
//! }
//!
//! #[pymethods]
//! impl Network {
//!     fn book(&self, py: Python<'_>, request: BookingArg) -> Result<BookingValue, CoreError> {
//!         let request = request.0;
//!         let booking = py.detach(|| self.inner.lock().expect("poisoned").book(request))?;
//!         Ok(BookingValue(booking))
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
//! not be touched while detached.

use pyo3::prelude::*;

mod convert;
mod errors;
mod money;

/// Native part of the `labshare` package; import from `labshare` instead.
#[pymodule]
mod _native {
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

    /// Version of the `labshare-python` crate that built this module.
    #[pymodule_export]
    #[allow(non_upper_case_globals)]
    const __version__: &str = env!("CARGO_PKG_VERSION");
}
