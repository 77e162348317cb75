//! Feeds arbitrary bytes to the XLSX importers. They may reject the
//! workbook or report bad rows but must not panic.

#![no_main]

use labshare::exchange::import::{instruments_from_xlsx, services_from_xlsx};
use labshare::exchange::mapping::Mapping;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let mapping = Mapping::default();
    let _ = instruments_from_xlsx(bytes, &mapping);
    let _ = services_from_xlsx(bytes, &mapping);
});
