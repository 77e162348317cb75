//! The SQLite store of a network's journal and snapshots, as the Python
//! class `labshare.Store`.
//!
//! The class wraps `labshare_store::Store` behind a `Mutex`, like `Network`.
//! A store method that reads a `Network` locks the store first and the
//! network second. No `Network` method locks a store, so the two locks are
//! never taken in the opposite order.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, PoisonError};

use labshare::journal::read_jsonl;
use labshare::{Category, Event};
use labshare_store::StoreError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::errors::{CoreError, coded_error};
use crate::exchange::{py_check, py_head};
use crate::network::{Network, State};

/// Maps a store error to the exception a Python caller gets: errors of the
/// rules engine as everywhere else, and the store's own errors with their
/// codes ``sqlite``, ``concurrent_write`` and ``unsupported_format``.
fn store_error(error: StoreError) -> PyErr {
    match error {
        StoreError::Labshare(error) => CoreError::from(error).into(),
        StoreError::Sqlite(error) => coded_error(
            Category::Integrity,
            "sqlite",
            format!("SQLite 无法打开、读取或写入存储文件：{error}"),
            format!("SQLite could not open, read or write the store file: {error}"),
        ),
        StoreError::ConcurrentWrite { expected, found } => coded_error(
            Category::Conflict,
            "concurrent_write",
            format!("另一个写入者已追加事件：应为第 {expected} 个事件，实际为第 {found} 个；请重新打开存储"),
            format!("another writer appended to the store: expected event {expected}, found {found}; reopen the store"),
        ),
        StoreError::UnsupportedFormat { found } => coded_error(
            Category::Integrity,
            "unsupported_format",
            format!("存储格式 {found} 不受支持，本库读取格式 {}；请升级 labshare", labshare_store::STORE_FORMAT),
            format!("store format {found} is not supported: this library reads format {}; upgrade labshare", labshare_store::STORE_FORMAT),
        ),
        other => coded_error(Category::Integrity, other.code(), other.to_string(), other.to_string()),
    }
}

/// A network's journal and snapshots in one SQLite file (SQLite is built in).
///
/// Each event is one hash-chained journal line, appended in a transaction,
/// so after a crash the file contains every committed append and no part
/// of an append that did not commit. Store errors raise ``IntegrityError`` (code
/// ``sqlite``) when SQLite cannot open, read or write the file,
/// ``ConflictError`` (``concurrent_write``) when another writer appended
/// since this store last read, and ``IntegrityError``
/// (``unsupported_format``) for a file of a newer version.
#[pyclass(frozen, module = "labshare", name = "Store")]
pub struct Store {
    store: Mutex<labshare_store::Store>,
}

impl Store {
    fn lock(&self) -> MutexGuard<'_, labshare_store::Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Wraps `network` as a Python `Network` whose events are all stored events.
    fn network(store: &labshare_store::Store, network: labshare::Network) -> Result<Network, StoreError> {
        let events: Vec<Event> = read_jsonl(&store.journal_jsonl()?)?;
        Ok(Network::wrap(State { network, events }))
    }
}

#[pymethods]
impl Store {
    /// Open the store at ``path`` (``str`` or ``os.PathLike``), creating the
    /// file and its tables if needed.
    #[new]
    fn open(py: Python<'_>, path: PathBuf) -> PyResult<Store> {
        let store = py.detach(|| labshare_store::Store::open(&path)).map_err(store_error)?;
        Ok(Store { store: Mutex::new(store) })
    }

    /// Open a store that lives in memory only, for tests and trials.
    #[staticmethod]
    fn in_memory() -> PyResult<Store> {
        let store = labshare_store::Store::open_in_memory().map_err(store_error)?;
        Ok(Store { store: Mutex::new(store) })
    }

    /// The position after the last stored event, as a ``ChainHead``.
    #[getter]
    fn head<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let head = py.detach(|| self.lock().head());
        py_head(py, &head)
    }

    /// Append the events of ``network`` that the store does not have yet, in
    /// one transaction, and return the new head. Raises ``InvalidInputError``
    /// (``invalid_value``, field ``history``) if the network has fewer
    /// events than the store or its event at the store's head differs from
    /// the stored one (the network forked from the store).
    fn append<'py>(&self, py: Python<'py>, network: &Bound<'py, Network>) -> PyResult<Bound<'py, PyAny>> {
        let network = network.get();
        let head = py.detach(|| {
            let mut store = self.lock();
            let history = network.lock().events.clone();
            store.append_history(&history)
        });
        py_head(py, &head.map_err(store_error)?)
    }

    /// Store a snapshot of ``network``, which must be at the store's head,
    /// and return that head. Raises ``InvalidInputError`` (``invalid_value``)
    /// otherwise.
    fn save_snapshot<'py>(&self, py: Python<'py>, network: &Bound<'py, Network>) -> PyResult<Bound<'py, PyAny>> {
        let network = network.get();
        let head = py.detach(|| {
            let mut store = self.lock();
            let state = network.lock();
            store.save_snapshot(&state.network)
        });
        py_head(py, &head.map_err(store_error)?)
    }

    /// Rebuild the network from the newest snapshot and the events after it,
    /// or from every event if there is no snapshot. The returned network's
    /// ``events()`` are all stored events. Raises ``IntegrityError``
    /// (``corrupt``) for a damaged snapshot or journal line.
    fn load(&self, py: Python<'_>) -> PyResult<Network> {
        let network = py.detach(|| {
            let store = self.lock();
            let restored = store.load()?;
            Store::network(&store, restored.network)
        });
        network.map_err(store_error)
    }

    /// Rebuild the network by replaying every stored event, ignoring
    /// snapshots; each event is checked again as when it was made.
    fn replay(&self, py: Python<'_>) -> PyResult<Network> {
        let network = py.detach(|| {
            let store = self.lock();
            let restored = store.replay()?;
            Store::network(&store, restored.network)
        });
        network.map_err(store_error)
    }

    /// Return the stored journal as the bytes of a JSON Lines journal file.
    fn journal<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let bytes = py.detach(|| self.lock().journal_jsonl()).map_err(store_error)?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// Check the stored journal line by line and return a ``JournalCheck``.
    fn verify<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let check = py.detach(|| self.lock().verify()).map_err(store_error)?;
        py_check(py, &check)
    }
}
