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
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from mappa_rules import MARKING
from mappa_rules.cache import private_dir
from mappa_rules.calendar import show_date
from mappa_rules.caseload import CaseloadCollector
from mappa_rules.errors import MappaError
from mappa_rules.plain import show
from mappa_rules.panel import STATUS_TAGS, answer_panel
from mappa_rules.ruleset import Rulebook
from mappa_rules.wording import (EFFECT_WORDS, OUTCOME_LABELS, answer_words, change_lines, clause_words, either, label_of,
                                 outcome_label)

if TYPE_CHECKING:
    import jinja2

JUDGEMENT = "This tool supports, and does not replace, professional judgement."
FORMATS = ("text", "md", "html", "json")
AUDIENCES = ("practitioner", "auditor")


def templates_dir() -> Path:
    """The report templates installed with the package (or, in a source checkout, `reports/`)."""
    try:
        from importlib.resources import files

        return Path(str(files("mappa_rules.reports")))
    except ModuleNotFoundError:  # running from a checkout that was not installed
        return Path(__file__).resolve().parent.parent / "reports"


def _markdown_escape(value: Any) -> str:
    """Case text inside Markdown: no HTML, no table breaks, no emphasis or links."""
    text = " ".join(str(value).splitlines()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\`*_\[\]|#])", r"\\\1", text)


def css_string(value: Any) -> str:
    """Text inside a CSS string: every character but letters, digits and spaces as a CSS escape, so case
    text can neither end the string nor the style sheet."""
    return "".join(c if c.isascii() and (c.isalnum() or c == " ") else f"\\{ord(c):x} " for c in str(value))


TEXT_WIDTH = 100


def wrapped(text: Any, first: str = "  ", rest: str | None = None) -> str:
    """Plain text wrapped at TEXT_WIDTH columns: `first` before the first line, `rest` before the others."""
    return textwrap.fill(str(text), TEXT_WIDTH, initial_indent=first, subsequent_indent=first if rest is None else rest,
                         break_long_words=True, break_on_hyphens=False)


def slug(text: Any) -> str:
    """A section's anchor: 'Clauses cited' -> 'clauses-cited'."""
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "section"


SECTION = re.compile(r'<h2 id="([a-z0-9-]+)">(.*?)</h2>')
LONG = 15_000  # characters of HTML: a longer document with 3 sections or more gets a contents list


def with_contents(html: str) -> str:
    """A long HTML report with a contents list of its sections, after the answer (or the title)."""
    sections = SECTION.findall(html)
    if len(sections) < 3 or len(html) < LONG:
        return html
    links = "".join(f'<li><a href="#{anchor}">{title}</a></li>' for anchor, title in sections)
    nav = f'<nav class="contents" aria-label="Contents"><h2 id="contents">Contents</h2><ol>{links}</ol></nav>\n'
    panel = html.find('<section class="panel"')
    end, closing = (html.find("</section>\n", panel), "</section>\n") if panel >= 0 else (html.index("</h1>\n"), "</h1>\n")
    at = end + len(closing)
    return html[:at] + nav + html[at:]


def environment(fmt: str) -> "jinja2.Environment":
    """A strict environment for one format: undefined names fail; HTML autoescapes everything."""
    import jinja2  # here, not at the top: a JSON result never needs it, and it is a fifth of the start

    compiled = private_dir("templates")  # compiled templates kept between runs: a fast start
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        # one cache per format: a template compiled for HTML escapes as it writes, one compiled for text
        # does not, and Jinja keys its cache by the template's name and source alone
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(compiled), f"__jinja2_{fmt}_%s.cache") if compiled else None,
        undefined=jinja2.StrictUndefined,
        autoescape=fmt == "html",
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["show"] = show
    env.filters["route_words"] = lambda route, auditor=False: " together with ".join(
        f"{rule['title']} ({rule['rule']})" if auditor else rule["title"] for rule in route)
    env.filters["esc"] = _markdown_escape if fmt == "md" else (lambda value: value)
    env.filters["css_string"] = css_string
    env.filters["wrapped"] = wrapped
    env.filters["slug"] = slug
    env.filters["answer_panel"] = answer_panel
    env.globals["concluded_words"] = concluded_words
    env.globals["STATUS_TAGS"] = STATUS_TAGS
    env.filters["label"] = outcome_label
    env.filters["answer_words"] = lambda entry, key: answer_words(key, entry)
    env.filters["question_line"] = lambda q: f"{q['question']} ({q['label']} [{q['fact']}]: {EFFECT_WORDS[q['effect']]})"
    env.globals.update(MARKING=MARKING, JUDGEMENT=JUDGEMENT, LABELS=OUTCOME_LABELS, EFFECT_WORDS=EFFECT_WORDS,
                       change_lines=change_lines, fmt=fmt)
    return env


@dataclass(frozen=True)
class Glossary:
    """What an assessment report needs from the rulebook: each clause's text and each fact's label, in plain words."""

    clauses: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    def label(self, name: str) -> str:
        """A fact, derived fact or outcome as a person reads it (its id in words if the rulebook has no label)."""
        return self.labels.get(name) or OUTCOME_LABELS.get(name) or str(name).replace("_", " ")


def concluded_words(key: str, value: Any, result: dict[str, Any], words: Glossary) -> str:
    """What a fired rule concludes, in words: a date taken from a fact is that date; an ambiguity is what it
    leaves open."""
    if key == "ambiguous" and isinstance(value, dict):
        return "; ".join(f"{outcome_label(k)} open between {either([show(c) if not isinstance(c, dict) else concluded_words(k, c, result, words) for c in v], 'and')}"
                         for k, v in value.items())
    if isinstance(value, dict) and "fact" in value:
        known = {**result.get("supplied", {}), **{d["name"]: d["date"] for d in result.get("deadlines", [])}}
        return show(known[value["fact"]]) if value["fact"] in known else f"the value of “{words.label(value['fact'])}”"
    if isinstance(value, dict) and "format" in value:
        return "worded from the case's facts"
    return show(value)


def glossary(book: Rulebook) -> Glossary:
    """The rulebook's clause texts (no code notation) and the labels of its facts, derived and computed facts."""
    names = [*book.facts, *book.derived, *book.computed]
    return Glossary({cid: clause_words(c.text, book) for cid, c in book.clauses.items() if c.text},
                    {name: label_of(name, book) or name for name in names})


def render(result: dict[str, Any], fmt: str, audience: str = "practitioner",
           generated_at: dt.datetime | None = None, words: Glossary | None = None, record: dict[str, Any] | None = None) -> str:
    """One assessment as `json` (stable, sorted keys), `text`, `md` or `html`, for an audience.

    `words` (from `glossary(book)`) lets the report quote each clause and name each fact by its label;
    `record` (from `recorded.decision_view`) adds when it was recorded and the professional decisions on it.
    """
    if fmt == "json":
        return json.dumps(result, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    title, reference = assessment_titles(result["case_id"])
    return _render("assess.j2", fmt, r=result, audience=audience, title=title,
                   generated_at=_stamp(generated_at), words=words or Glossary(), reference=reference, rec=record)


def assessment_titles(case_id: str | None) -> tuple[str, str]:
    """An assessment's title and the reference its printed pages carry."""
    case = case_id or "(no case reference)"
    return f"MAPPA assessment: case {case}", f"Case {case}"


def render_caseload(results: Iterable[dict[str, Any]], errors: Iterable[dict[str, Any]], fmt: str,
                    generated_at: dt.datetime | None = None) -> str:
    """A caseload summary of many results, with every input that could not be assessed."""
    collector = CaseloadCollector()
    for result in results:
        collector.add(result)
    return render_summary(collector.summary(list(errors)), fmt, generated_at)


def render_diff(diff: dict[str, Any], fmt: str, generated_at: dt.datetime | None = None) -> str:
    """A caseload diff between two rulesets (see `diff.diff_caseload`)."""
    if fmt == "json":
        return json.dumps({"marking": MARKING, **diff}, indent=2, sort_keys=True) + "\n"
    return _render("diff.j2", fmt, d=diff, title="MAPPA ruleset change: caseload impact", audience="auditor",
                   generated_at=_stamp(generated_at), reference="Ruleset change: caseload impact")


def render_summary(summary: dict[str, Any], fmt: str, generated_at: dt.datetime | None = None) -> str:
    """A caseload summary (see `caseload.CaseloadCollector.summary`) as a report or as JSON."""
    if fmt == "json":
        return json.dumps({"marking": MARKING, **summary}, indent=2, sort_keys=True, default=list) + "\n"
    return _render("caseload.j2", fmt, s=summary, title="MAPPA caseload summary", audience="auditor",
                   generated_at=_stamp(generated_at), reference="Caseload summary")


def render_traceability(trace: dict[str, Any], fmt: str, generated_at: dt.datetime | None = None) -> str:
    """The clause traceability report of a `mappa verify` run."""
    return _render("traceability.j2", fmt, t=trace, title="MAPPA clause traceability", audience="auditor",
                   generated_at=_stamp(generated_at), reference="Clause traceability")


def render_page(template: str, title: str, audience: str = "practitioner", **context: Any) -> str:
    """A page of `mappa serve` (reports/web/): the reports' HTML page and its marking, with the server's navigation."""
    context.setdefault("words", Glossary())
    context.setdefault("rec", None)
    return _render(template, "html", title=title, audience=audience, generated_at=_stamp(None),
                   reference=context.pop("reference", title), **context)


def _stamp(moment: dt.datetime | None) -> str:
    moment = moment or dt.datetime.now(dt.timezone.utc)
    moment = moment.astimezone(dt.timezone.utc)
    return f"{show_date(moment.date())}, {moment:%H:%M} UTC"


def _render(template: str, fmt: str, **context: Any) -> str:
    if fmt not in FORMATS:
        raise MappaError(f"unknown report format '{fmt}' (formats: {', '.join(FORMATS)})")
    if context.get("audience", "practitioner") not in AUDIENCES:
        raise MappaError(f"unknown audience '{context['audience']}' (audiences: {', '.join(AUDIENCES)})")
    import jinja2

    try:
        page = environment(fmt).get_template(template).render(**context)
        return with_contents(page) if fmt == "html" else page
    except jinja2.TemplateError as exc:
        raise MappaError(f"report template {template} ({fmt}) failed: {exc}") from None
