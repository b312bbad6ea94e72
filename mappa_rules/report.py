"""Render results through the Jinja templates in `reports/` (shipped with the package).

One layout per document (`assess.j2`, `caseload.j2`) decides what is shown to which audience;
each format (`html/`, `md/`, `text/`) supplies only its page frame and a few blocks (heading,
paragraph, table, list). HTML is autoescaped; Markdown escapes the characters that would become
markup; so case text is always shown as text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any, Iterable

import jinja2
from markupsafe import Markup

from mappa_rules.errors import MappaError
from mappa_rules.evaluator import show

MARKING = "OFFICIAL-SENSITIVE"
JUDGEMENT = "This tool supports, and does not replace, professional judgement."
FORMATS = ("text", "md", "html", "json")
AUDIENCES = ("practitioner", "auditor")
OUTCOME_LABELS = {
    "eligible": "MAPPA-eligible", "category": "Category", "category4_kind": "Category 4 kind",
    "allowed_levels": "Allowed levels", "recommended_level": "Recommended level",
    "risk_level": "Risk of serious harm", "cppc_referral_to_consider": "Consider CPPC referral",
    "referral_valid": "Referral can proceed", "complaint_route": "Complaint route", "appeal_to": "Appeal to",
    "escalation_level": "Escalation level", "escalate_same_working_day": "Escalate same working day",
    "escalate_to": "Escalate to", "deadline": "Deadline", "within_deadline": "Within deadline",
    "spoc_notice_compliant": "SPOC notice in time", "invalid_reason": "Rejected",
}


def templates_dir() -> Path:
    """The report templates installed with the package (or, in a source checkout, `reports/`)."""
    try:
        from importlib.resources import files

        return Path(str(files("mappa_rules.reports")))
    except ModuleNotFoundError:  # running from a checkout that was not installed
        return Path(__file__).resolve().parent.parent / "reports"


def _markdown_escape(value: Any) -> str:
    """Case text inside Markdown: no HTML, no table breaks, no emphasis or links."""
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\`*_\[\]|#])", r"\\\1", text)


def environment(fmt: str) -> jinja2.Environment:
    """A strict environment for one format: undefined names fail; HTML autoescapes everything."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        undefined=jinja2.StrictUndefined,
        autoescape=fmt == "html",
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["show"] = show
    env.filters["esc"] = _markdown_escape if fmt == "md" else (lambda value: value)
    env.filters["label"] = lambda key: OUTCOME_LABELS.get(key, str(key).replace("_", " "))
    env.globals.update(MARKING=MARKING, JUDGEMENT=JUDGEMENT, LABELS=OUTCOME_LABELS, fmt=fmt, Markup=Markup)
    return env


def render(result: dict[str, Any], fmt: str, audience: str = "practitioner",
           generated_at: dt.datetime | None = None) -> str:
    """One assessment as `json` (stable, sorted keys), `text`, `md` or `html`, for an audience."""
    if fmt == "json":
        return json.dumps(result, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    title = f"MAPPA assessment: case {result['case_id'] or '(no case reference)'}"
    return _render("assess.j2", fmt, r=result, audience=audience, title=title, generated_at=_stamp(generated_at))


def render_caseload(results: Iterable[dict[str, Any]], errors: Iterable[dict[str, Any]], fmt: str,
                    generated_at: dt.datetime | None = None) -> str:
    """A caseload summary of many results, with every input that could not be assessed."""
    results, errors = list(results), list(errors)
    if fmt == "json":
        return json.dumps(caseload_summary(results, errors), indent=2, sort_keys=True) + "\n"
    return _render("caseload.j2", fmt, s=caseload_summary(results, errors), title="MAPPA caseload summary",
                   audience="auditor", generated_at=_stamp(generated_at))


def render_traceability(trace: dict[str, Any], fmt: str, generated_at: dt.datetime | None = None) -> str:
    """The clause traceability report of a `mappa verify` run."""
    return _render("traceability.j2", fmt, t=trace, title="MAPPA clause traceability", audience="auditor",
                   generated_at=_stamp(generated_at))


def caseload_summary(results: list[dict[str, Any]], errors: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts by category, level and status; the open and undetermined cases with their reasons."""
    def count(key: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for r in results:
            if key in r["outcomes"]:
                value = show(r["outcomes"][key]) if r["outcomes"][key] is not None else "not eligible"
            elif any(a["outcome"] == key for a in r["ambiguities"]):
                value = "open (ambiguous)"
            elif key in r.get("undetermined", []):
                value = "undetermined"
            else:
                continue
            counts[value] = counts.get(value, 0) + 1
        return dict(sorted(counts.items()))

    statuses = {s: sum(r["status"] == s for r in results) for s in ("decided", "ambiguous", "undetermined")}
    return {
        "read": len(results) + len(errors), "assessed": len(results), "invalid": len(errors),
        "statuses": statuses, "by_category": count("category"), "by_level": count("recommended_level"),
        "ambiguous": [r for r in results if r["status"] == "ambiguous"],
        "undetermined": [r for r in results if r["status"] == "undetermined"],
        "errors": errors,
        "rulesets": sorted({(r["ruleset"]["version"], r["ruleset"]["sha256"]) for r in results}),
    }


def _stamp(moment: dt.datetime | None) -> str:
    moment = moment or dt.datetime.now(dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _render(template: str, fmt: str, **context: Any) -> str:
    if fmt not in FORMATS:
        raise MappaError(f"unknown report format '{fmt}' (formats: {', '.join(FORMATS)})")
    if context.get("audience", "practitioner") not in AUDIENCES:
        raise MappaError(f"unknown audience '{context['audience']}' (audiences: {', '.join(AUDIENCES)})")
    try:
        return environment(fmt).get_template(template).render(**context)
    except jinja2.TemplateError as exc:
        raise MappaError(f"report template {template} ({fmt}) failed: {exc}") from None
