//! The JSON Schemas in `schemas/` must match the types. Run with
//! `LABSHARE_BLESS=1` to rewrite them after a deliberate change.

use std::path::PathBuf;

#[test]
fn schema_files_are_current() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schemas");
    let bless = std::env::var("LABSHARE_BLESS").is_ok_and(|value| value == "1");
    let files = labshare::schema::files();

    if bless {
        std::fs::create_dir_all(&dir).expect("schemas folder");
        for entry in std::fs::read_dir(&dir).expect("schemas folder") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|ext| ext == "json") {
                std::fs::remove_file(path).expect("old schema removed");
            }
        }
        for (name, text) in &files {
            std::fs::write(dir.join(name), text).expect("schema written");
        }
    }

    let mut stale = Vec::new();
    for (name, text) in &files {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(stored) if stored == *text => {}
            Ok(_) => stale.push(format!("{name} differs")),
            Err(_) => stale.push(format!("{name} is missing")),
        }
    }
    let known: Vec<&String> = files.iter().map(|(name, _)| name).collect();
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".json") && !known.contains(&&name) {
            stale.push(format!("{name} is no longer generated"));
        }
    }
    assert!(stale.is_empty(), "schemas/ is out of date: {}; run LABSHARE_BLESS=1 cargo test -p labshare --test schemas", stale.join(", "));
}

#[test]
fn event_schema_names_change_kinds() {
    let files = labshare::schema::files();
    let (_, event) = files.iter().find(|(name, _)| name == "event.json").expect("event schema");
    for tag in ["register_unit", "submit_instrument", "review_instrument", "file_report"] {
        assert!(event.contains(tag), "event schema lacks {tag}");
    }
}
