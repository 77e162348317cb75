"""Exception classes of the Python binding and how core errors map to them."""

import copy
import pickle
from datetime import datetime, timezone
from decimal import Decimal

import pytest

import labshare
from labshare import errors


CATEGORY_CLASSES = {
    "invalid_input": errors.InvalidInputError,
    "not_found": errors.NotFoundError,
    "permission_denied": errors.PermissionDeniedError,
    "conflict": errors.ConflictError,
    "integrity": errors.IntegrityError,
}


@pytest.mark.parametrize("exception_class", CATEGORY_CLASSES.values())
def test_category_classes_derive_from_labshare_error(exception_class):
    assert issubclass(exception_class, errors.LabshareError)
    assert issubclass(exception_class, Exception)


def test_package_reexports_error_classes():
    for name in errors.__all__:
        assert getattr(labshare, name) is getattr(errors, name)


def test_core_error_becomes_invalid_input_error():
    with pytest.raises(labshare.InvalidInputError) as raised:
        labshare.parse_money("-1")
    error = raised.value

    assert error.code == "invalid_amount"
    assert error.category == "invalid_input"
    assert error.field == "amount"
    assert "负数" in error.message_zh
    assert "negative" in error.message_en
    assert str(error) == error.message_en
    assert error.rule is None


def test_raised_error_survives_pickle():
    with pytest.raises(labshare.LabshareError) as raised:
        labshare.parse_money("abc")

    copy = pickle.loads(pickle.dumps(raised.value))

    assert type(copy) is labshare.InvalidInputError
    assert copy.code == raised.value.code
    assert copy.field == raised.value.field
    assert copy.message_zh == raised.value.message_zh
    assert str(copy) == str(raised.value)


def test_error_without_field_has_none():
    error = errors.NotFoundError(
        "not_found", "not_found", None, "未找到仪器设备 \"X\"", "instrument \"X\" not found"
    )

    assert error.field is None
    assert error.rule is None
    assert str(error) == "instrument \"X\" not found"


# A per-unit minimum of 60 元 for two units needs 120 元, more than the 100 元
# budget, so the allocation breaks `subsidy.minimum_exceeds_budget`.
MINIMUM_ABOVE_BUDGET = {
    "id": "columns",
    "version": 3,
    "title": {"zh": "列式分配", "en": "Column allocation"},
    "years": {"from": 2017},
    "text": {"zh": "按比例。", "en": "Proportional."},
    "allocation": {"base": {"method": "proportional"}, "cap": "1000", "minimum": "60"},
}


def test_rule_violation_names_its_rule():
    with pytest.raises(labshare.LabshareError) as raised:
        labshare.allocate_subsidy_columns(MINIMUM_ABOVE_BUDGET, Decimal("100"), ["A", "B"], audited_fen=[100, 100])
    error = raised.value

    assert type(error) is labshare.ConflictError
    assert error.code == "rule_violation"
    assert error.rule == "subsidy.minimum_exceeds_budget"


def test_permission_denial_has_no_rule():
    unit = labshare.Unit("A", "示例单位A", "institute", "乌鲁木齐市")
    now = datetime(2017, 3, 1, 2, 0, tzinfo=timezone.utc)

    with pytest.raises(labshare.LabshareError) as raised:
        labshare.Network().register_unit(labshare.Actor.user("u"), now, unit)

    assert type(raised.value) is labshare.PermissionDeniedError
    assert raised.value.code == "permission_denied"
    assert raised.value.rule is None


def test_raised_rule_survives_pickle_and_copy():
    with pytest.raises(labshare.LabshareError) as raised:
        labshare.allocate_subsidy_columns(MINIMUM_ABOVE_BUDGET, Decimal("100"), ["A", "B"], audited_fen=[100, 100])

    for duplicate in (pickle.loads(pickle.dumps(raised.value)), copy.copy(raised.value), copy.deepcopy(raised.value)):
        assert type(duplicate) is labshare.ConflictError
        assert duplicate.rule == "subsidy.minimum_exceeds_budget"
        assert duplicate.message_en == raised.value.message_en
        assert str(duplicate) == str(raised.value)


def test_constructor_takes_rule_as_keyword():
    error = errors.ConflictError(
        "rule_violation",
        "conflict",
        None,
        "违反规则 booking.quota：超出配额",
        "rule booking.quota violated: over the quota",
        rule="booking.quota",
    )

    assert error.rule == "booking.quota"
    assert str(error) == "rule booking.quota violated: over the quota"
    assert repr(error) == (
        "ConflictError('rule_violation', 'conflict', None, "
        "'违反规则 booking.quota：超出配额', 'rule booking.quota violated: over the quota', 'booking.quota')"
    )
