"""Exception classes of the Python binding and how core errors map to them."""

import pickle

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
    assert str(error) == "instrument \"X\" not found"
