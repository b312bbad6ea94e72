"""Run every feature in `features/` as compliance tests."""

from pytest_bdd import scenarios

from support import REPO

scenarios(str(REPO / "features"))
