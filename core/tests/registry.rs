//! Registry workflow, field limits and role checks.

mod common;

use common::*;
use labshare::registry::{CategoryCode, ReviewState};
use labshare::{Actor, Category, Error, Lang};

#[test]
fn submit_publish_revise_approve() {
    let mut network = network_with_published();
    let id = instrument_id("A-1");
    let published = network.registry().instrument(&id).unwrap().clone();
    assert_eq!(published.state, ReviewState::Published);
    assert_eq!(published.first_published_at, Some(at(3)));

    let revised = record("气相色谱仪（升级）", "36万");
    network.revise_instrument(&admin("A"), at(4), id.clone(), revised.clone()).unwrap();
    let pending = network.registry().instrument(&id).unwrap();
    assert_eq!(pending.state, ReviewState::RevisionPending);
    // The published version stays visible while the revision waits.
    assert_eq!(pending.published.as_ref().unwrap().name, "气相色谱仪");
    assert_eq!(pending.pending.as_ref().unwrap().name, "气相色谱仪（升级）");

    network.publish_instrument(&office(), at(5), id.clone()).unwrap();
    let approved = network.registry().instrument(&id).unwrap();
    assert_eq!(approved.state, ReviewState::Published);
    assert_eq!(approved.published.as_deref().unwrap(), &revised);
    assert_eq!(approved.pending, None);
    assert_eq!(approved.first_published_at, Some(at(3)));
    let steps: Vec<&str> = approved.history.iter().map(|h| h.step.as_str()).collect();
    assert_eq!(steps, ["submitted", "published", "revision_submitted", "published"]);
}

#[test]
fn returned_then_resubmitted() {
    let mut network = network_with_published();
    let id = instrument_id("A-2");
    network.submit_instrument(&admin("A"), at(4), id.clone(), unit_id("A"), record("液相色谱仪", "28万")).unwrap();
    network.return_instrument(&office(), at(5), id.clone(), "请补充主要技术指标").unwrap();
    let returned = network.registry().instrument(&id).unwrap();
    assert_eq!(returned.state, ReviewState::Returned { reason: "请补充主要技术指标".into() });
    assert!(!returned.is_published());

    network.revise_instrument(&admin("A"), at(6), id.clone(), record("液相色谱仪", "28万")).unwrap();
    assert_eq!(network.registry().instrument(&id).unwrap().state, ReviewState::Submitted);
    network.publish_instrument(&office(), at(7), id.clone()).unwrap();
    let history = &network.registry().instrument(&id).unwrap().history;
    assert_eq!(history[1].reason.as_deref(), Some("请补充主要技术指标"));
    assert_eq!(history.len(), 4);
}

#[test]
fn returned_revision_keeps_published_version() {
    let mut network = network_with_published();
    let id = instrument_id("A-1");
    network.revise_instrument(&admin("A"), at(4), id.clone(), record("改名", "35万")).unwrap();
    network.return_instrument(&office(), at(5), id.clone(), "名称不规范").unwrap();
    let instrument = network.registry().instrument(&id).unwrap();
    assert_eq!(instrument.state, ReviewState::RevisionReturned { reason: "名称不规范".into() });
    assert_eq!(instrument.published.as_ref().unwrap().name, "气相色谱仪");
}

#[test]
fn unit_admin_cannot_edit_another_units_instrument() {
    let mut network = network_with_published();
    let before = network.clone();
    let error = network
        .revise_instrument(&admin("B"), at(4), instrument_id("A-1"), record("篡改", "1万"))
        .unwrap_err();
    assert_eq!(error.code(), "permission_denied");
    assert_eq!(error.category(), Category::PermissionDenied);
    assert!(error.message(Lang::En).contains("unit A"), "{}", error.message(Lang::En));
    assert!(error.message(Lang::Zh).contains("无权"), "{}", error.message(Lang::Zh));
    assert_eq!(network, before, "a rejected change must change nothing");

    let error = network
        .submit_instrument(&admin("B"), at(4), instrument_id("A-9"), unit_id("A"), record("x", "1万"))
        .unwrap_err();
    assert_eq!(error.code(), "permission_denied");
}

#[test]
fn only_office_publishes_and_registers() {
    let mut network = network_with_published();
    network.revise_instrument(&admin("A"), at(4), instrument_id("A-1"), record("新名", "35万")).unwrap();
    let error = network.publish_instrument(&admin("A"), at(5), instrument_id("A-1")).unwrap_err();
    assert_eq!(error.code(), "permission_denied");
    let user = Actor::user("u1", Some(unit_id("A")));
    assert_eq!(network.register_unit(&user, at(5), unit("C")).unwrap_err().code(), "permission_denied");
}

#[test]
fn unknown_ids_and_states() {
    let mut network = network_with_published();
    let error = network
        .submit_instrument(&admin("Z"), at(4), instrument_id("Z-1"), unit_id("Z"), record("x", "1万"))
        .unwrap_err();
    assert_eq!(error, Error::NotFound { entity: labshare::Entity::Unit, id: "Z".into() });
    assert_eq!(network.publish_instrument(&office(), at(4), instrument_id("nope")).unwrap_err().code(), "not_found");
    // Nothing waits for review after publication.
    assert_eq!(network.publish_instrument(&office(), at(4), instrument_id("A-1")).unwrap_err().code(), "invalid_state");
    assert_eq!(network.register_unit(&office(), at(4), unit("A")).unwrap_err().code(), "already_exists");
    assert_eq!(
        network.return_instrument(&office(), at(4), instrument_id("A-1"), " ").unwrap_err().code(),
        "invalid_state"
    );
}

#[test]
fn national_field_limits() {
    let mut network = network_with_published();
    let mut long_name = record(&"仪".repeat(51), "30万");
    let error = network
        .submit_instrument(&admin("A"), at(4), instrument_id("A-3"), unit_id("A"), long_name.clone())
        .unwrap_err();
    assert_eq!(error, Error::TooLong { field: "name".into(), max_chars: 50, actual_chars: 51 });
    assert!(error.message(Lang::Zh).contains("51"));

    long_name.name = "仪".repeat(50);
    long_name.specifications = "a".repeat(501);
    long_name.functions = "b".repeat(301);
    long_name.country_of_origin = "usa".into();
    long_name.disciplines = vec!["1".into(); 5];
    let fields: Vec<String> = long_name.violations().iter().map(|e| e.field().unwrap().to_owned()).collect();
    assert_eq!(fields, ["specifications", "functions", "country_of_origin", "disciplines"]);

    let mut empty = record("  ", "30万");
    empty.name = "  ".into();
    assert_eq!(empty.validate().unwrap_err().code(), "missing");
}

#[test]
fn category_codes() {
    assert_eq!(CategoryCode::new("010101").unwrap().top_class(Lang::Zh), "分析仪器");
    assert_eq!(CategoryCode::new("150000").unwrap().top_class(Lang::En), "other instruments");
    for bad in ["", "01010", "0101011", "000101", "160101", "01a101", "０１０１０１"] {
        assert_eq!(CategoryCode::new(bad).unwrap_err().code(), "invalid_value", "{bad:?}");
    }
}

#[test]
fn id_rules() {
    assert_eq!(labshare::UnitId::new("").unwrap_err().code(), "missing");
    assert_eq!(labshare::UnitId::new("a b").unwrap_err().code(), "invalid_value");
    assert_eq!(labshare::UnitId::new("x".repeat(65)).unwrap_err().code(), "too_long");
    assert!(labshare::InstrumentId::new("新疆-01").is_ok());
}
