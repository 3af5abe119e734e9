"""One model stand-in for the module's tests, reset before each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.ai.standin import StandIn


@pytest.fixture(scope="module")
def standin() -> Iterator[StandIn]:
    with StandIn() as server:
        yield server


@pytest.fixture
def server(standin: StandIn) -> StandIn:
    standin.reset()
    return standin
