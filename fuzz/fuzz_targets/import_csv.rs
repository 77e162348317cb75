//! Feeds arbitrary bytes to the CSV importers. They may reject the file or
//! report bad rows but must not panic, and the good rows of an instrument
//! list must read back equal after the office export writes them.

#![no_main]

use labshare::exchange::import::{instruments_from_csv, services_from_csv};
use labshare::exchange::mapping::{Mapping, MoneyUnit};
use labshare::exchange::sheet::instruments_csv;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let wan = Mapping { money_unit: MoneyUnit::Wan, header_row: Some(1), ..Mapping::default() };
    for mapping in [Mapping::default(), wan] {
        if let Ok(report) = instruments_from_csv(bytes, &mapping) {
            let written = instruments_csv(&report.records);
            let again = instruments_from_csv(&written, &Mapping::default()).expect("the office export reads back");
            let records = |rows: &[labshare::exchange::import::InstrumentRow]| {
                rows.iter().map(|row| (row.instrument.clone(), row.unit.clone(), row.record.clone())).collect::<Vec<_>>()
            };
            assert_eq!(records(&again.records), records(&report.records), "round trip changed a record");
        }
        let _ = services_from_csv(bytes, &mapping);
    }
});
