"""Render results through the Jinja templates in `reports/` (shipped with the package)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jinja2

from mappa_rules.errors import MappaError
from mappa_rules.evaluator import show

MARKING = "OFFICIAL-SENSITIVE"
JUDGEMENT = "This tool supports, and does not replace, professional judgement."


_TEMPLATES = {"text": "text/assess.txt.j2"}


def templates_dir() -> Path:
    """The report templates installed with the package (or, in a source checkout, `reports/`)."""
    try:
        from importlib.resources import files

        return Path(str(files("mappa_rules.reports")))
    except ModuleNotFoundError:  # running from a checkout that was not installed
        return Path(__file__).resolve().parent.parent / "reports"


def environment() -> jinja2.Environment:
    """One strict environment: undefined names fail, HTML is autoescaped."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(["html", "html.j2"], default_for_string=False, default=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["show"] = show
    env.globals.update(MARKING=MARKING, JUDGEMENT=JUDGEMENT)
    return env


def render(result: dict[str, Any], fmt: str) -> str:
    """A result as `json` (stable, sorted keys) or `text` (for a practitioner)."""
    if fmt == "json":
        return json.dumps(result, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    try:
        return environment().get_template(_TEMPLATES[fmt]).render(r=result)
    except jinja2.TemplateError as exc:
        raise MappaError(f"report template for format '{fmt}' failed: {exc}") from None
