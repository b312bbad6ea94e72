"""The `mappa` command line: parse options, call the package, print; errors become one line."""

from __future__ import annotations

import functools
import json
import os
import signal
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Any, Callable

import click

from mappa_rules import MARKING, __version__
from mappa_rules.calendar import CONVENTIONS
from mappa_rules.case import case_from_data, read_document
from mappa_rules.errors import MappaError, OptionError, excerpt
from mappa_rules.explain import assess
from mappa_rules.loader import load_library, load_rulebook
from mappa_rules.report import AUDIENCES, FORMATS, glossary, render, render_summary
from mappa_rules.catalogue import case_json_schema, rules_table

RULESETS_OPTION = click.option(
    "--rulesets",
    "rulesets_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="A ruleset folder to use instead of the shipped rulesets (e.g. a draft).",
)


DB_OPTION = click.option("--db", "db", default=None, metavar="URL_OR_FILE",
                         help="The decision record: a SQLite file or a database URL (default: $MAPPA_DB, else "
                              "~/.local/share/mappa-rules/decisions.sqlite3).")
RECORD_OPTIONS = [
    click.option("--record", is_flag=True, help="Keep each assessment in the decision record (see --db)."),
    click.option("--by", "by", default=None, help="Who records it (default: your login name)."),
]


def with_options(*options: Callable[[Callable[..., Any]], Callable[..., Any]]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def apply(command: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            command = option(command)
        return command

    return apply


def open_store(db: str | None) -> Any:
    """The decision record named by --db / $MAPPA_DB (made or upgraded on first use)."""
    from mappa_rules.record import Store, database_url

    return Store(database_url(db))


def recorder(by: str | None) -> str:
    import getpass

    return by or getpass.getuser()


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a MappaError into one line on stderr (and a JSON object with --format json)."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except MappaError as exc:
            if kwargs.get("fmt") == "json":
                click.echo(json.dumps(exc.to_json(), sort_keys=True))
            click.echo(f"mappa: error: {exc}", err=True)
            sys.exit(exc.exit_code)

    return wrapper


class OneLineErrors(click.Group):
    """The `mappa` group: a usage error (a missing argument, a path that is not there) is one line too."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except click.exceptions.NoArgsIsHelpError as exc:  # `mappa` alone: the help, as click gives it
            exc.show()
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            where = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
            click.echo(f"mappa: error: {excerpt(exc.format_message(), 200)}{where}", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort as exc:  # Ctrl-C outside a batch run (click turns KeyboardInterrupt into Abort)
            click.echo("Aborted.", err=True)
            sys.exit(130 if isinstance(exc.__cause__, KeyboardInterrupt) else 1)
        sys.exit(code if isinstance(code, int) else 0)  # click.exceptions.Exit comes back as its code


def run() -> None:
    """The `mappa` program: the command, then its exit. SIGINT and SIGTERM are held from the moment the
    command has finished, so a late one can neither kill the process while Python shuts down (which
    restores their default actions) nor turn a finished run's exit 0 into a kill."""
    try:
        main()
    except SystemExit as done:
        code = done.code
    else:
        code = 0
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    sys.exit(code)


@click.group(cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mappa")
def main() -> None:
    """MAPPA decision support: eligibility, category, level and risk, with the rules' reasons."""


@main.command("assess")
@click.argument("case_file", metavar="FILE")  # checked by read_document: one error line, JSON with --format json
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="text", show_default=True)
@click.option("--audience", type=click.Choice(list(AUDIENCES)), default="practitioner", show_default=True,
              help="practitioner: the answer, reasons, next steps; auditor: every rule, fact and clause.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report to this file instead of standard output.")
@click.option(
    "--start-convention",
    type=click.Choice(list(CONVENTIONS)),
    default=None,
    help="How to count working days from a weekend or bank holiday (default: the rulesets' calendar.yaml).",
)
@with_options(*RECORD_OPTIONS, DB_OPTION)
@RULESETS_OPTION
@reports_errors
def assess_command(case_file: str, fmt: str, audience: str, output: Path | None, start_convention: str | None,
                   record: bool, by: str | None, db: str | None, rulesets_dir: Path | None) -> None:
    """Assess one file of any kind: case, referral, complaint, disagreement, meeting_notice
    (YAML or JSON; - reads standard input)."""
    from mappa_rules.outputs import refuse_overwriting

    refuse_overwriting([case_file] if case_file != "-" else [], [output] if output else [])
    store = open_store(db) if record else None
    library = load_library(rulesets_dir)
    data, source = read_document(case_file)
    book = library.for_data(data)
    result = assess(case_from_data(data, book, source), book, start_convention)
    if store is not None:
        from mappa_rules.record import Assessment

        (number,) = store.record([Assessment.of(result)], recorder(by))
        click.echo(f"mappa: recorded as record {number}", err=True)
    write(render(result, fmt, audience, words=glossary(book)), output)


def write(text: str, output: Path | None) -> None:
    """To the file given, whole or not at all, or to standard output."""
    from mappa_rules.outputs import write_atomically

    if output is None:
        click.echo(text, nl=False)
        return
    write_atomically(output, text)


@main.command("interview")
@click.argument("case_file", required=False, metavar="[CASE|-]")  # checked by read_document
@click.option("--kind", type=str, default=None, help="What the interview is about (default: the case file's kind, or case).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the completed case file here (YAML, loadable by mappa assess).")
@click.option("--confirm", is_flag=True,
              help="After the questions that can change an answer, also ask every other fact not yet given.")
@RULESETS_OPTION
@reports_errors
def interview_command(case_file: str | None, kind: str | None, output: Path | None, confirm: bool,
                      rulesets_dir: Path | None) -> None:
    """Ask the one question that matters next, until every answer is firm (or you stop); then write
    the completed case file and print the report."""
    from mappa_rules.interview import Interview, answer_lines, choices
    from mappa_rules.outputs import refuse_overwriting, write_atomically

    refuse_overwriting([case_file] if case_file and case_file != "-" else [], [output] if output else [])
    library = load_library(rulesets_dir)
    data: dict[str, Any] = read_document(case_file)[0] if case_file else {}
    if case_file == "-":
        _answers_from_the_terminal()
    interview = Interview.start(library, data, kind, confirm)
    asked, changed = 0, True
    while True:
        if changed:
            click.echo("\n".join(["", *answer_lines(interview.result())]))
        question = interview.next_question()
        if question is None:
            click.echo("\nNothing more to ask: every answer the case asks for is as firm as the facts can make it.")
            break
        prompt = f"\nQ{asked + 1}. {question['question']}\n   ({choices(interview.book, question)})"
        try:
            text = click.prompt(prompt, prompt_suffix="\n> ", default="", show_default=False).strip()
        except click.Abort:
            click.echo("")
            break
        changed = False
        if not text:
            continue
        if text.lower() == "stop":
            break
        if text.lower() == "back":
            undone = interview.back()
            click.echo(f"  Undone: {interview.book.facts[undone].label}." if undone else "  Nothing to undo.")
            asked, changed = (asked - 1, True) if undone else (asked, False)
            continue
        try:
            interview.answer(question["fact"], text)
        except MappaError as exc:
            click.echo(f"  Not accepted: {getattr(exc, 'reason', exc)}. Please answer again.")
            continue
        asked, changed = asked + 1, True
    if output is not None:
        write_atomically(output, yaml_document(interview.document()))
        click.echo(f"\nCompleted case file written to {output}")
    book = interview.book
    click.echo(render(interview.result(), "text", words=glossary(book)), nl=False)


def yaml_document(data: dict[str, Any]) -> str:
    """A case document as YAML, in the order a person writes it."""
    import yaml

    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def _answers_from_the_terminal() -> None:
    """With the case on standard input, the answers come from the terminal."""
    try:
        sys.stdin = open("/dev/tty", encoding="utf-8")  # noqa: SIM115 - kept for the whole interview
    except OSError:
        raise MappaError("the case came on standard input, and there is no terminal to answer the questions on") from None


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback unless told otherwise).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True, help="Worker processes.")
@click.option("--token", envvar="MAPPA_TOKEN", default=None, help="Required on every request ($MAPPA_TOKEN); needed off loopback.")
@click.option("--behind-proxy", is_flag=True, help="Off loopback without a token: the area's authenticating proxy stands in front.")
@click.option("--allowed-host", "allowed_hosts", multiple=True, metavar="NAME",
              help="A host name people reach it by (repeatable; needed with --host 0.0.0.0); other names are refused.")
@click.option("--max-body-mb", type=click.IntRange(1, 1024), default=20, show_default=True, help="Largest request body, MiB.")
@click.option("--timeout", "max_seconds", type=click.FloatRange(1, 3600), default=30, show_default=True,
              help="Seconds a request may take before it is answered 503.")
@click.option("--db", "db", envvar="MAPPA_DB", default=None, metavar="URL_OR_FILE",
              help="Keep a decision record here ($MAPPA_DB): a SQLite file or a database URL. Without it the "
                   "record pages say how to configure one.")
@RULESETS_OPTION
@reports_errors
def serve_command(host: str, port: int, workers: int, token: str | None, behind_proxy: bool, allowed_hosts: tuple[str, ...],
                  max_body_mb: int, max_seconds: float, db: str | None, rulesets_dir: Path | None) -> None:
    """Serve the guided interview, reports, caseloads and the decision record in a browser, and a JSON API."""
    from mappa_rules.web.serve import checked_settings, run as serve
    from mappa_rules.web.settings import is_loopback

    settings = checked_settings(host, port, db, rulesets_dir, token, behind_proxy, max_body_mb, max_seconds, allowed_hosts)
    if not is_loopback(host):
        click.echo("mappa: warning: this server speaks plain HTTP; off this machine the token and case data need TLS "
                   "in front of it (the area's proxy)", err=True)
    click.echo(f"mappa: serving on {settings.url} (OFFICIAL-SENSITIVE; Ctrl-C stops)", err=True)
    serve(settings, workers)


@main.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@RULESETS_OPTION
@reports_errors
def rules_command(fmt: str, rulesets_dir: Path | None) -> None:
    """List every rule: id, title and the clauses it cites."""
    rows = rules_table(load_rulebook(rulesets_dir))
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        click.echo(f"{row['id']:<38} {row['title']}  [{', '.join(row['cites'])}]")


@main.command("schema")
@RULESETS_OPTION
@reports_errors
def schema_command(rulesets_dir: Path | None) -> None:
    """Print the JSON Schema of a case file."""
    click.echo(json.dumps(case_json_schema(load_rulebook(rulesets_dir)), indent=2))


@main.command("batch")
@click.argument("input_path", metavar="INPUT", type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", "results", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Results, JSON Lines: one `assess --format json` object per case, in input order.")
@click.option("--errors", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Rows that could not be assessed, JSON Lines (default: RESULTS.errors.jsonl beside the results).")
@click.option("--jobs", type=click.IntRange(1, 64), default=1, show_default=True, help="Worker processes.")
@click.option("--resume", is_flag=True, help="Continue an interrupted run from where it stopped, without duplicates.")
@click.option("--summary", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write a caseload summary report (.html or .md).")
@click.option("--start-convention", type=click.Choice(list(CONVENTIONS)), default=None,
              help="How to count working days from a weekend or bank holiday.")
@click.option("--detail", type=click.Choice(["compact", "full"]), default="compact", show_default=True,
              help="compact: each line names rules and clauses by id, their texts once in RESULTS.rules.json "
                   "(`mappa expand` gives full lines); full: each line is `assess --format json`.")
@with_options(*RECORD_OPTIONS, DB_OPTION)
@RULESETS_OPTION
@reports_errors
def batch_command(input_path: Path, results: Path, errors: Path | None, jobs: int, resume: bool, summary: Path | None,
                  start_convention: str | None, detail: str, record: bool, by: str | None, db: str | None,
                  rulesets_dir: Path | None) -> None:
    """Assess a caseload: a JSON Lines file, a CSV file (a column per fact) or a folder of case files."""
    from mappa_rules.batch import Interrupted, StopFlag, check_outputs, default_errors_path, progress_path, run_batch
    from mappa_rules.caseload import CaseloadCollector, load_errors

    errors = errors or default_errors_path(results)
    summary_format = check_outputs(input_path, results, errors, summary)
    store, who = (open_store(db), recorder(by)) if record else (None, None)
    collector = CaseloadCollector() if summary else None
    show = sys.stderr.isatty()
    bar_or_nothing = click.progressbar(length=0, label="Assessing", file=sys.stderr, show_pos=True) if show else nullcontext()
    # the signals are a flag from before the first write to after the last line printed
    with StopFlag() as stop, bar_or_nothing as bar:
        try:
            counts = run_batch(input_path, results, errors, jobs=jobs, resume=resume, rulesets_dir=rulesets_dir,
                               convention=start_convention, detail=detail,
                               record=(lambda found: store.record(found, who)) if store else None,
                               recording=store.shown if store else None, on_row=(lambda n: bar.update(n)) if show else None,
                               on_result=collector.add if collector else None, stop=stop)
        except Interrupted as stopped:
            click.echo(f"mappa: interrupted ({stopped}); {results} is valid up to there: rerun with --resume", err=True)
            sys.exit(stopped.exit_code)
        except KeyboardInterrupt:  # before the batch took over the signals
            done = json.loads(progress_path(results).read_text())["rows_done"] if progress_path(results).is_file() else 0
            click.echo(f"mappa: interrupted after {done} rows; {results} is valid up to there: rerun with --resume", err=True)
            sys.exit(130)
        if collector and summary:
            write(render_summary(collector.summary(load_errors(errors)), summary_format), summary)
        click.echo(counts.line())


@main.command("expand")
@click.argument("results", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Full results, JSON Lines: each line as `mappa assess --format json` gives it.")
@click.option("--errors", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Lines that could not be expanded, with why (default: OUTPUT.errors.jsonl beside the output).")
@RULESETS_OPTION
@reports_errors
def expand_command(results: Path, output: Path, errors: Path | None, rulesets_dir: Path | None) -> None:
    """Give compact batch results in full: each line's facts assessed again under the ruleset it names,
    kept only if that gives exactly the line."""
    from mappa_rules.batch import default_errors_path
    from mappa_rules.compact import expand_file

    expanded, failed = expand_file(results, output, errors or default_errors_path(output), load_library(rulesets_dir))
    click.echo(f"expanded {expanded} lines; {failed} could not be expanded")
    if failed:
        sys.exit(1)


@main.command("override")
@click.argument("case_id")
@click.option("--outcome", required=True, help="The outcome decided, e.g. recommended_level or category.")
@click.option("--value", required=True, help="The value decided, as the outcome takes it: yes or no, a number, a value "
                                               "in words, levels as '1, 2', a date, or none.")
@click.option("--reason", required=True, help="Why: a professional decision is kept with its reason.")
@click.option("--by", "by", required=True, help="Who decided (name or role).")
@DB_OPTION
@reports_errors
def override_command(case_id: str, outcome: str, value: str, reason: str, by: str, db: str | None) -> None:
    """Record a professional decision on an outcome of a case's latest recorded assessment (it may
    differ from the recommendation or confirm it)."""
    from mappa_rules.chain import recommended
    from mappa_rules.plain import show
    from mappa_rules.recorded import book_for, decided_value
    from mappa_rules.wording import outcome_label

    store = open_store(db)
    decided = decided_value(value, outcome, book_for(store.latest_assessment(case_id), load_library(None)))
    number, latest = store.override(case_id, outcome, decided, reason, by)
    given = recommended(json.loads(latest["result"]), outcome)
    agrees = "confirms the recommendation" if decided == given else "differs from the recommendation"
    click.echo(f"recorded as record {number}: {outcome_label(outcome)} {show(decided)} for case {case_id} "
               f"({agrees}, {show(given)}, in record {latest['seq']})")


@main.group("log")
def log_group() -> None:
    """The decision record: list, show, export, verify and purge what was recorded."""


@log_group.command("list")
@click.option("--case", "case_id", default=None, help="Only this case's records.")
@click.option("--since", default=None, metavar="YYYY-MM-DD", help="Only records made on or after this day (UTC).")
@click.option("--overridden", is_flag=True, help="Only assessments with a professional decision on them.")
@DB_OPTION
@reports_errors
def log_list_command(case_id: str | None, since: str | None, overridden: bool, db: str | None) -> None:
    """List recorded assessments, decisions and purges, oldest first."""
    from mappa_rules.recorded import listing_lines

    store = open_store(db)
    rows = store.listing(case_id, _day("--since", since) if since else None, overridden)
    decided = {r["seq"] for r in store.listing(overridden=True)}
    for line in listing_lines(rows, decided):
        click.echo(line)


@log_group.command("show")
@click.argument("number", type=int)
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="text", show_default=True)
@click.option("--audience", type=click.Choice(list(AUDIENCES)), default="practitioner", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@DB_OPTION
@RULESETS_OPTION
@reports_errors
def log_show_command(number: int, fmt: str, audience: str, output: Path | None, db: str | None, rulesets_dir: Path | None) -> None:
    """A recorded assessment's report as it was, with the professional decisions on it."""
    from mappa_rules.recorded import decision_view, result_of

    store = open_store(db)
    record = store.get(number)
    result = result_of(record, load_library(rulesets_dir))
    view = decision_view(record, store.decisions_on(number), result)
    if fmt == "json":
        write(json.dumps({"marking": MARKING, "record": view, "result": result}, indent=2, sort_keys=True, ensure_ascii=False) + "\n", output)
    else:
        write(render(result, fmt, audience, record=view), output)


@log_group.command("export")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@DB_OPTION
@reports_errors
def log_export_command(fmt: str, output: Path, db: str | None) -> None:
    """Every record, for analysis: JSON Lines or CSV, each row marked OFFICIAL-SENSITIVE."""
    from mappa_rules.outputs import refuse_overwriting
    from mappa_rules.recorded import write_export

    store = open_store(db)
    refuse_overwriting([store.engine.url.database] if store.dialect == "sqlite" else [], [output])
    temporary = output.with_name(f".{output.name}.tmp")
    with os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8", newline="") as out:
        count = write_export(store, fmt, out)
    temporary.replace(output)
    click.echo(f"exported {count} records to {output}")


@log_group.command("verify")
@click.option("--expect", default=None, metavar="HASH", help="A last hash noted at an earlier verify: the chain must still pass through it.")
@DB_OPTION
@reports_errors
def log_verify_command(expect: str | None, db: str | None) -> None:
    """Walk the hash chain: name the first record that was edited, removed or reordered."""
    verdict = open_store(db).verify(expect.strip().lower() if expect else None)
    if not verdict.valid:
        where = f"record {verdict.first_bad}: " if verdict.first_bad is not None else ""
        click.echo(f"mappa: the decision record does not verify: {where}{verdict.why} "
                   f"({verdict.checked} records verified)", err=True)
        sys.exit(1)
    click.echo(f"the decision record verifies: {verdict.checked} records; the chain's last hash is {verdict.head} "
               "(note it: a later verify that ends in the same hash shows nothing before it changed)")


@log_group.command("purge")
@click.option("--before", required=True, metavar="YYYY-MM-DD", help="Remove records made before this day (UTC).")
@click.option("--by", "by", required=True, help="Who signs the purge off.")
@click.option("--reason", required=True, help="The retention rule it applies.")
@DB_OPTION
@reports_errors
def log_purge_command(before: str, by: str, reason: str, db: str | None) -> None:
    """Remove records past their retention date, leaving a signed-off checkpoint so the chain still verifies."""
    removed = open_store(db).purge(_day("--before", before), by, reason)
    click.echo(f"removed {removed} record{'' if removed == 1 else 's'} made before {before}" + ("; a checkpoint records it" if removed else ""))


def _day(option: str, text: str) -> Any:
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise OptionError(f"{option} {excerpt(text, 40)}: not a date (YYYY-MM-DD)") from None


@main.command("lint")
@click.argument("rulesets_dir", metavar="[RULESET_DIR]", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Exit non-zero on warnings too.")
def lint_command(rulesets_dir: Path | None, strict: bool) -> None:
    """Check a ruleset folder: everything the loader refuses, plus warnings; names file, rule and line."""
    from mappa_rules.lint import lint

    findings = lint(rulesets_dir)
    for finding in findings:
        click.echo(str(finding))
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    click.echo(f"{errors} errors, {warnings} warnings")
    if errors or (strict and warnings):
        sys.exit(1)


@main.command("check")
@click.argument("rulesets_dir", metavar="[RULESET_DIR]", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--kind", "kinds", multiple=True, help="Only this kind of input (case, referral, ...); repeatable.")
@click.option("--examples", type=click.IntRange(0, 50), default=3, show_default=True, help="Example combinations per finding.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@reports_errors
def check_command(rulesets_dir: Path | None, kinds: tuple[str, ...], examples: int, fmt: str) -> None:
    """Every combination of each ruleset's inputs: gaps, conflicts, masked and dead rules; exit 1 on any finding."""
    from mappa_rules.check import check, render_text

    reports = check(rulesets_dir, list(kinds) or None, examples)
    if fmt == "json":
        click.echo(json.dumps([r.to_json() for r in reports], indent=2))
    else:
        click.echo(render_text(reports), nl=False)
    if any(r.findings for r in reports):
        sys.exit(1)


@main.command("diff")
@click.argument("caseload", type=click.Path(exists=True, path_type=Path))
@click.option("--base", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="The ruleset folder before the change (default: the shipped rulesets).")
@click.option("--head", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="The ruleset folder after the change (default: the shipped rulesets).")
@click.option("--format", "fmt", type=click.Choice(["text", "md", "html", "json"]), default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--jobs", type=click.IntRange(1, 64), default=1, show_default=True)
@reports_errors
def diff_command(caseload: Path, base: Path | None, head: Path | None, fmt: str, output: Path | None, jobs: int) -> None:
    """Evaluate a caseload under two rulesets; report the cases that change and the rules that changed them."""
    from mappa_rules.diff import diff_caseload
    from mappa_rules.outputs import refuse_overwriting
    from mappa_rules.report import render_diff

    refuse_overwriting([caseload], [output] if output else [])
    write(render_diff(diff_caseload(caseload, base, head, jobs), fmt), output)


@main.command("verify")
@click.option("--tag", "tags", multiple=True, help="Only scenarios with this tag: a clause id (CAT-2a) or any other tag.")
@click.option("--clause", "clauses", multiple=True, help="Only scenarios that check this clause id.")
@click.option("--area", default=None, help="Only scenarios of this area's local procedure (tag @area-NAME).")
@click.option("--features", "features_dir_", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="A features folder to run instead of the shipped one.")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("traceability"),
              show_default=True, help="Folder for the traceability report (traceability.html and .md).")
@RULESETS_OPTION
@reports_errors
def verify_command(tags: tuple[str, ...], clauses: tuple[str, ...], area: str | None, features_dir_: Path | None,
                   output: Path, rulesets_dir: Path | None) -> None:
    """Run the Gherkin features as compliance tests and write the clause traceability report."""
    from mappa_rules.decisions import load_decisions
    from mappa_rules.report import render_traceability
    from mappa_rules.verify import load_scenarios, run_scenarios, select, traceability

    book = load_rulebook(rulesets_dir)
    decisions = load_decisions(book)
    every = load_scenarios(features_dir_)
    chosen = select(every, (*tags, *clauses), area)
    if not chosen:
        raise MappaError("no scenario matches the tags, clauses or area given")
    click.echo(f"Running {len(chosen)} scenarios from {features_dir_ or 'the shipped features'}")
    verification = run_scenarios(book, chosen, lambda o: click.echo("." if o.passed else "F", nl=False))
    click.echo()
    for outcome in verification.failed:
        s = outcome.scenario
        click.echo(f"FAILED {s.file}:{s.line} {s.name} [{', '.join(s.clauses)}]: {outcome.failure}")
    trace = traceability(book, verification, chosen, decisions)
    output.mkdir(parents=True, exist_ok=True)
    # a selection never replaces the report of the whole catalogue
    name = "traceability-selection" if (tags or clauses or area) else "traceability"
    for fmt in ("html", "md"):
        write(render_traceability(trace, fmt), output / f"{name}.{fmt}")
    unaccounted = len(trace["without_rule"]) + len(trace["without_scenario"])
    click.echo(f"{trace['passed']} passed, {trace['failed']} failed; {unaccounted} normative clauses unaccounted for; "
               f"report: {output / (name + '.html')}")
    if verification.failed:
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
