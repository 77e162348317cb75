"""The type stubs in labshare/_native.pyi match the native module."""

import ast
import inspect
from pathlib import Path

from labshare import _native

STUB_PATH = Path(_native.__file__).with_name("_native.pyi")


def stub_functions():
    tree = ast.parse(STUB_PATH.read_text(encoding="utf-8"))
    return {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}


def test_stub_lists_every_native_function():
    native = {name for name in dir(_native) if callable(getattr(_native, name)) and not name.startswith("_")}

    assert set(stub_functions()) == native


def test_stub_parameter_names_match():
    for name, node in stub_functions().items():
        stub_parameters = [argument.arg for argument in node.args.args]
        native_parameters = list(inspect.signature(getattr(_native, name)).parameters)
        assert stub_parameters == native_parameters, name
