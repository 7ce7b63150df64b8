"""Engine test fixtures: an inline price book, no database, no Django.

The repo runs pytest with --import-mode=importlib, which puts neither this folder nor
(without pytest-django) the project root on sys.path; the engine tests must also run
with `-p no:django`, so this file makes both reachable itself.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def load_engine_books():
    """The test price book module, loaded from its file (it is not a package module)."""
    if "engine_books" not in sys.modules:
        spec = importlib.util.spec_from_file_location("engine_books", HERE / "engine_books.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["engine_books"] = module
        spec.loader.exec_module(module)
    return sys.modules["engine_books"]


@pytest.fixture(scope="session")
def make_book():
    """make_book(**sections) -> the test PriceBook with whole sections replaced."""
    return load_engine_books().make_book


@pytest.fixture(scope="session")
def book(make_book):
    return make_book()


@pytest.fixture(scope="session")
def scenario_of(book):
    """scenario_of(data, book=None) -> a parsed Scenario (defaults filled)."""
    from decisions.engine import parse_scenario

    def parse(data: dict, price_book=None):
        return parse_scenario(data, price_book or book)

    return parse
