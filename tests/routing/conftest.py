from __future__ import annotations

from pathlib import Path

import pytest

from routing.loader import load_table
from routing.model import RoutingTable
from routing.router import Router
from tests.routing.fakes import keyword_factory

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "routing"
SHIPPED = Path(__file__).resolve().parents[2] / "config" / "routing.yaml"


@pytest.fixture
def table() -> RoutingTable:
    return load_table(FIXTURES / "valid.yaml", classifier_factory=keyword_factory)


@pytest.fixture
def router(table: RoutingTable) -> Router:
    return Router(table)
