"""Outputs are deterministic: the same case and ruleset give the same answer and rationale."""

from __future__ import annotations

import os
import subprocess

from click.testing import CliRunner

from mappa_rules.cli import main

from support import EXAMPLES
from support import MAPPA


def test_same_case_same_json_in_one_process() -> None:
    for path in sorted(EXAMPLES.iterdir()):
        outputs = {CliRunner().invoke(main, ["assess", str(path), "--format", "json"]).output for _ in range(3)}
        assert len(outputs) == 1, path.name


def test_same_case_same_output_across_processes() -> None:
    path = EXAMPLES / "ambiguous-registered-and-violent.yaml"
    runs = {subprocess.run([MAPPA, "assess", str(path), "--format", fmt], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": seed, "PATH": os.environ["PATH"]}).stdout
            for fmt in ("json",) for seed in ("1", "2", "3")}
    assert len(runs) == 1
