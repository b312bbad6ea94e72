"""pytest-bdd runs the features with the package's own step vocabulary (`mappa_rules.steps`).

One catch-all step per keyword hands the step's text to `run_step`, so a feature written with the
vocabulary needs no Python here, and a step nothing matches fails with its text.
"""

from __future__ import annotations

import pytest
from pytest_bdd import given, parsers, then, when

from mappa_rules.steps import World, run_step


@pytest.fixture()
def world(book) -> World:
    """A fresh world for each scenario."""
    return World(book=book)


@given(parsers.re(r"(?P<text>.+)"))
def any_given(world: World, text: str) -> None:
    run_step(world, text)


@when(parsers.re(r"(?P<text>.+)"))
def any_when(world: World, text: str) -> None:
    run_step(world, text)


@then(parsers.re(r"(?P<text>.+)"))
def any_then(world: World, text: str) -> None:
    run_step(world, text)
