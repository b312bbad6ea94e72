"""`python -m mappa_rules` runs the `mappa` command line."""

from mappa_rules.cli import run

run()
