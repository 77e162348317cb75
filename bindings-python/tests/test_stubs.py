"""The type stubs in labshare/_native.pyi match the native module."""

import ast
import inspect
from pathlib import Path

import pytest

from labshare import _native

STUB_PATH = Path(_native.__file__).with_name("_native.pyi")
STUB = ast.parse(STUB_PATH.read_text(encoding="utf-8"))


def stub_functions(body):
    return {node.name: node for node in body if isinstance(node, ast.FunctionDef)}


def stub_classes():
    return {node.name: node for node in STUB.body if isinstance(node, ast.ClassDef)}


def is_property(node):
    return any(isinstance(decorator, ast.Name) and decorator.id == "property" for decorator in node.decorator_list)


def stub_parameters(node):
    arguments = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
    return [argument.arg for argument in arguments if argument.arg != "self"]


def native_parameters(function):
    return [name for name in inspect.signature(function).parameters if name != "self"]


def test_stub_lists_every_native_function_and_class():
    native = {name for name in dir(_native) if callable(getattr(_native, name)) and not name.startswith("_")}

    assert set(stub_functions(STUB.body)) | set(stub_classes()) == native


def test_stub_parameter_names_match():
    for name, node in stub_functions(STUB.body).items():
        assert stub_parameters(node) == native_parameters(getattr(_native, name)), name


@pytest.mark.parametrize("class_name", sorted(stub_classes()))
def test_stub_lists_every_public_member(class_name):
    native_class = getattr(_native, class_name)
    native = {name for name in vars(native_class) if not name.startswith("_")}
    stub = {name for name in stub_functions(stub_classes()[class_name].body) if not name.startswith("_")}

    assert stub == native


@pytest.mark.parametrize("class_name", sorted(stub_classes()))
def test_stub_member_kinds_and_parameters_match(class_name):
    native_class = getattr(_native, class_name)
    for name, node in stub_functions(stub_classes()[class_name].body).items():
        if name.startswith("__") and name != "__init__":
            assert hasattr(native_class, name), name
            continue
        if name == "__init__":
            assert stub_parameters(node) == native_parameters(native_class), name
            continue
        member = inspect.getattr_static(native_class, name)
        if is_property(node):
            assert inspect.isgetsetdescriptor(member) or isinstance(member, property), name
            continue
        assert not inspect.isgetsetdescriptor(member), f"{name} is a property in the native class"
        assert stub_parameters(node) == native_parameters(getattr(native_class, name)), name
