"""The examples in kg's docstrings run as written."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import kg
import kg.query

# kg's modules, and those of kg.query (whose package re-exports names its docstrings do not hold).
MODULES = sorted(
    [name for _, name, _ in pkgutil.iter_modules(kg.__path__, "kg.") if name != "kg.__main__"]
    + [name for _, name, _ in pkgutil.iter_modules(kg.query.__path__, "kg.query.")]
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    failed, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failed == 0
