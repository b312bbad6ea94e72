"""The decision record: every assessment and professional decision kept, tamper-evident, on SQLite and on
PostgreSQL alike (each test runs on both)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from mappa_rules import record as record_module
from mappa_rules.chain import Assessment
from mappa_rules.cli import main
from mappa_rules.errors import MappaError, OptionError
from mappa_rules.record import Store, database_url

from support import EXAMPLES, MAPPA, generated_caseload

CASE = EXAMPLES / "cat2-violent-12-months.yaml"  # case EX-CAT2-12M, recommended level 2


def mappa(*args: str) -> tuple[int, str]:
    result = CliRunner(mix_stderr=False).invoke(main, list(args)) if "mix_stderr" in CliRunner.__init__.__code__.co_varnames else CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def sql(url: str, statement: str) -> None:
    """Change the database behind the tool's back, as someone with direct access could."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(statement)
    engine.dispose()


@pytest.fixture()
def recorded(database: str) -> str:
    """A database holding three assessments of two cases and one professional decision."""
    for path in (CASE, EXAMPLES / "cat1-registered-sex-offender.yaml", CASE):
        code, out = mappa("assess", str(path), "--record", "--by", "OM Smith", "--db", database, "--format", "json")
        assert code == 0, out
    code, out = mappa("override", "EX-CAT2-12M", "--outcome", "recommended_level", "--value", "3", "--reason",
                      "Panel: escalating behaviour since the assessment", "--by", "MAPPA co-ordinator", "--db", database)
    assert code == 0 and "recorded as record 4" in out and "differs from the recommendation" in out, out
    return database


def test_records_keep_the_case_the_result_who_and_when(recorded: str) -> None:
    store = Store(recorded)
    first = store.get(1)
    single = json.loads(CliRunner().invoke(main, ["assess", str(CASE), "--format", "json"]).output)
    assert json.loads(first["result"]) == single
    assert json.loads(first["facts"]) == single["supplied"] and first["case_id"] == "EX-CAT2-12M"
    assert (first["recorded_by"], first["ruleset_sha256"], first["status"]) == ("OM Smith", single["ruleset"]["sha256"], "decided")
    assert first["recorded_at"].endswith("Z") and first["tool_version"]
    decision = store.get(4)
    assert (decision["type"], decision["refers_to"], json.loads(decision["value"])) == ("override", 3, 3)  # the latest assessment
    assert store.verify().valid and store.verify().checked == 4


def test_a_decision_needs_a_reason_a_known_outcome_and_a_recorded_case(recorded: str) -> None:
    for args, said in [(["--reason", " "], "needs its reason"), (["--outcome", "levle"], "not an outcome of record 3"),
                       (["--case", "NOPE"], "no recorded assessment")]:
        options = {"--outcome": "recommended_level", "--reason": "why", "--case": "EX-CAT2-12M"}
        options.update(dict(zip(args[::2], args[1::2])))
        code, out = mappa("override", options["--case"], "--outcome", options["--outcome"], "--value", "2",
                          "--reason", options["--reason"], "--by", "X", "--db", recorded)
        assert code == 2 and said in out, out
    assert Store(recorded).verify().checked == 4  # nothing recorded


def test_the_report_shows_the_latest_decision_beside_the_recommendation(recorded: str) -> None:
    code, text = mappa("log", "show", "3", "--db", recorded)
    assert code == 0 and "OFFICIAL-SENSITIVE" in text
    assert "Recommended level: 2 recommended; 3 decided (differs) by MAPPA co-ordinator" in " ".join(text.split())
    assert "record 3," in text
    assert not re.search(r"\d{4}-\d\d-\d\d", text)  # a person reads dates as "Sun 29 Nov 2026", never ISO
    code, out = mappa("log", "show", "3", "--db", recorded, "--format", "json")
    shown = json.loads(out)
    assert shown["marking"] == "OFFICIAL-SENSITIVE" and shown["record"]["decisions"][0]["decided"] == 3
    code, html = mappa("log", "show", "3", "--db", recorded, "--format", "html")
    assert code == 0 and "escalating behaviour since the assessment" in html


def test_listing_filters_by_case_day_and_decision(recorded: str) -> None:
    code, out = mappa("log", "list", "--db", recorded)
    assert code == 0 and out.startswith("OFFICIAL-SENSITIVE") and out.endswith("OFFICIAL-SENSITIVE\n") and len(out.splitlines()) == 7
    code, out = mappa("log", "list", "--db", recorded, "--case", "EX-CAT2-12M", "--overridden")
    rows = out.splitlines()[2:-1]
    assert len(rows) == 1 and rows[0].split()[0] == "3" and "with a professional decision" in rows[0]
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    assert mappa("log", "list", "--db", recorded, "--since", tomorrow)[1].splitlines()[-2:] == ["No records.", "OFFICIAL-SENSITIVE"]
    store = Store(database_url(recorded))
    assert [r["seq"] for r in store.listing(newest=2)] == [4, 3], "the newest first, as many as asked"


def test_exports_carry_the_marking(recorded: str, tmp_path: Path) -> None:
    assert mappa("log", "export", "--db", recorded, "--format", "jsonl", "-o", str(tmp_path / "r.jsonl"))[0] == 0
    rows = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert [r["seq"] for r in rows] == [1, 2, 3, 4] and {r["marking"] for r in rows} == {"OFFICIAL-SENSITIVE"}
    assert mappa("log", "export", "--db", recorded, "--format", "csv", "-o", str(tmp_path / "r.csv"))[0] == 0
    table = list(csv.DictReader(io.StringIO((tmp_path / "r.csv").read_text())))
    assert len(table) == 4 and table[3]["reason"].startswith("Panel:") and table[0]["marking"] == "OFFICIAL-SENSITIVE"


@pytest.mark.parametrize(("change", "first_bad", "why"), [
    ("UPDATE records SET reason = 'Panel agreed' WHERE seq = 4", 4, "edited after it was recorded"),
    ("UPDATE records SET result = REPLACE(result, '\"recommended_level\":2', '\"recommended_level\":1') WHERE seq = 1", 1, "edited"),
    ("DELETE FROM records WHERE seq = 2", 3, "records 2 to 2 are missing"),
    ("DELETE FROM records WHERE seq = 4", 4, "records at the end were removed"),
    ("UPDATE records SET seq = CASE seq WHEN 2 THEN 102 ELSE seq END", 3, "missing"),
])
def test_verify_names_the_first_record_changed_behind_its_back(recorded: str, change: str, first_bad: int, why: str) -> None:
    sql(recorded, change)
    verdict = Store(recorded).verify()
    assert not verdict.valid and verdict.first_bad == first_bad and why in verdict.why
    code, out = mappa("log", "verify", "--db", recorded)
    assert code == 1 and f"record {first_bad}" in out


def test_a_purge_keeps_the_chain_verifiable_and_says_so(database: str, monkeypatch) -> None:
    store = Store(database)
    days = iter(["2025-01-10T09:00:00.000000Z", "2025-03-01T09:00:00.000000Z", "2026-06-01T09:00:00.000000Z"])
    monkeypatch.setattr("mappa_rules.record.now", lambda: next(days))
    for path in (CASE, CASE, CASE):
        store.record([Assessment.of(json.loads(CliRunner().invoke(main, ["assess", str(path), "--format", "json"]).output))], "OM")
    monkeypatch.setattr("mappa_rules.record.now", lambda: "2026-07-01T09:00:00.000000Z")
    with pytest.raises(Exception, match="signed off"):
        store.purge(dt.date(2026, 1, 1), "", "")
    assert store.purge(dt.date(2026, 1, 1), "Data protection officer", "Retention: 1 year after the assessment") == 2
    verdict = store.verify()
    assert verdict.valid and verdict.checked == 2  # record 3 and the checkpoint
    checkpoint = store.get(4)
    checkpoint_value = json.loads(checkpoint["value"])
    assert checkpoint["type"] == "checkpoint" and checkpoint_value["removed_through"] == 2 and "earlier_purges" not in checkpoint_value
    with pytest.raises(OptionError, match="a retention date is today .* or earlier"):  # it would remove what was just recorded
        store.purge(dt.datetime.now(dt.timezone.utc).date() + dt.timedelta(days=1), "Data protection officer", "Retention")
    monkeypatch.setattr("mappa_rules.record.now", lambda: "2026-08-01T09:00:00.000000Z")
    assert store.purge(dt.date(2026, 7, 15), "Records manager", "Retention: second pass") == 2  # record 3 and the checkpoint
    second = json.loads(store.get(5)["value"])
    assert second["removed_through"] == 4 and second["earlier_purges"] == [  # the first purge's sign-off is kept in the second
        {"record": 4, "signed_by": "Data protection officer", "at": "2026-07-01T09:00:00.000000Z",
         "reason": "Retention: 1 year after the assessment", "removed_through": 2, "last_removed_hash": checkpoint_value["last_removed_hash"],
         "removed": 2, "before": "2026-01-01"}]
    assert store.verify().valid and store.verify().checked == 1
    sql(database, "DELETE FROM records WHERE seq = 5")  # removing more without a checkpoint is caught
    assert not Store(database).verify().valid


def test_a_batch_records_every_result_once_in_few_transactions(database: str, tmp_path: Path) -> None:
    caseload = generated_caseload(tmp_path, 600, seed=11)
    code, out = mappa("batch", str(caseload), "-o", str(tmp_path / "r.jsonl"), "--record", "--by", "batch", "--db", database)
    assert code == 0, out
    lines = (tmp_path / "r.jsonl").read_text().splitlines()
    store = Store(database)
    rows = list(store.rows())
    assert [r["result"] for r in rows] == lines and store.verify().valid
    assert len({r["source_key"] for r in rows}) == len(rows)
    assert len({r["recorded_at"] for r in rows}) <= 2  # one transaction per few thousand rows: one time each


def test_a_compact_record_shows_as_the_full_report(database: str, tmp_path: Path) -> None:
    (tmp_path / "one.jsonl").write_text(json.dumps(json.loads(json.dumps(__import__("yaml").safe_load(CASE.read_text()), default=str))) + "\n")
    assert mappa("batch", str(tmp_path / "one.jsonl"), "-o", str(tmp_path / "r.jsonl"), "--record", "--db", database)[0] == 0
    code, out = mappa("log", "show", "1", "--db", database, "--format", "json")
    single = json.loads(CliRunner().invoke(main, ["assess", str(CASE), "--format", "json"]).output)
    assert code == 0 and json.loads(out)["result"] == single


def test_two_writers_at_once_lose_nothing_and_keep_one_chain(database: str, tmp_path: Path) -> None:
    caseloads = [generated_caseload(tmp_path / name, 700, seed=seed) for name, seed in (("a", 1), ("b", 2))
                 if (tmp_path / name).mkdir() is None]
    Store(database).close()  # made before the writers start, as a team's database would be
    writers = [subprocess.Popen([MAPPA, "batch", str(c), "-o", str(c.with_name("r.jsonl")), "--record", "--by", c.parent.name,
                                 "--db", database, "--jobs", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for c in caseloads]
    assert all(w.wait(timeout=300) == 0 for w in writers), [w.stderr.read() for w in writers]
    store = Store(database)
    expected = sum(len(c.with_name("r.jsonl").read_text().splitlines()) for c in caseloads)
    rows = list(store.rows())
    assert len(rows) == expected and store.verify().valid
    assert {r["recorded_by"] for r in rows} == {"a", "b"}


def test_a_killed_recorded_batch_resumed_records_every_case_exactly_once(database: str, tmp_path: Path) -> None:
    caseload = generated_caseload(tmp_path, 6000, seed=21)
    out = tmp_path / "r.jsonl"
    args = [MAPPA, "batch", str(caseload), "-o", str(out), "--record", "--by", "batch", "--db", database, "--jobs", "2"]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None and not _count(database):
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)  # as soon as the first transaction is committed
    process.wait()
    recorded_before = len(list(Store(database).rows()))
    assert 0 < recorded_before
    resumed = subprocess.run([*args, "--resume"], capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    lines = out.read_text().splitlines()
    rows = list(Store(database).rows())
    assert sorted(json.loads(line)["case_id"] for line in lines) == sorted(r["case_id"] for r in rows)
    assert len(rows) == len(lines) == len({r["case_id"] for r in rows}) and Store(database).verify().valid


def _count(url: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT COUNT(*) FROM records")).scalar()
    except sa.exc.DatabaseError:  # not made yet, or locked for a moment
        return 0
    finally:
        engine.dispose()


def test_a_rerecorded_transaction_skips_what_it_already_holds(database: str) -> None:
    store = Store(database)
    result = json.loads(CliRunner().invoke(main, ["assess", str(CASE), "--format", "json"]).output)
    first = [Assessment.of(result, None, f"batch:run:{n:010d}") for n in range(1, 6)]
    assert store.record(first[:3], "OM") == [1, 2, 3]
    assert store.record(first, "OM") == [4, 5]  # rows 1 to 3 were recorded before a stop: not again
    assert store.verify().valid and [r["source_key"][-2:] for r in store.rows()] == ["01", "02", "03", "04", "05"]


def test_a_resumed_run_records_where_it_began_or_is_refused(database: str, tmp_path: Path) -> None:
    caseload = generated_caseload(tmp_path, 300, seed=4)
    out = tmp_path / "r.jsonl"
    assert mappa("batch", str(caseload), "-o", str(out), "--record", "--db", database)[0] == 0
    code, said = mappa("batch", str(caseload), "-o", str(out), "--resume")
    assert code == 2 and "--record / --db differ" in said


def test_records_added_behind_the_tools_back_or_forged_checkpoints_are_caught(recorded: str) -> None:
    store = Store(recorded)
    row = store.get(4)
    sql(recorded, "DELETE FROM records WHERE seq <= 2")
    forged = {**{k: row[k] for k in row}, "seq": 999, "type": "checkpoint",
              "value": json.dumps({"removed_through": 2, "last_removed_hash": store.get(3)["previous_hash"]})}
    columns = ", ".join(forged)
    values = ", ".join("NULL" if v is None else str(v) if isinstance(v, int) else "'" + str(v).replace("'", "''") + "'" for v in forged.values())
    sql(recorded, f"INSERT INTO records ({columns}) VALUES ({values})")
    verdict = Store(recorded).verify()  # the forged checkpoint is past the head, so it explains nothing
    assert not verdict.valid and verdict.first_bad == 3 and "records 1 to 2 are missing" in verdict.why
    sql(recorded, "DELETE FROM records WHERE seq = 999")
    sql(recorded, "DELETE FROM records WHERE seq >= 3")
    store.record([Assessment.of(json.loads(CliRunner().invoke(main, ["assess", str(CASE), "--format", "json"]).output))], "OM")
    sql(recorded, "UPDATE records SET seq = 77 WHERE seq = 5")
    assert Store(recorded).verify().first_bad == 77  # a record past the head


def test_who_is_one_line_and_a_bad_database_is_one_line(recorded: str, tmp_path: Path) -> None:
    code, out = mappa("assess", str(CASE), "--record", "--by", "x" * 201, "--db", recorded)
    assert code == 2 and "at most 200 characters" in out
    code, out = mappa("log", "list", "--db", "://nothing")
    assert code == 1 and len(out.strip().splitlines()) == 1 and "Traceback" not in out
    odd = tmp_path / "a?b#c.sqlite3"
    assert mappa("assess", str(CASE), "--record", "--db", str(odd))[0] == 0 and odd.is_file()


def test_a_decided_value_is_the_outcome_s_kind_and_an_export_never_overwrites_the_record(recorded: str, tmp_path: Path) -> None:
    for outcome, value, says in [("recommended_level", "5", "Recommended level is 1, 2 or 3 (or none)"),
                                 ("recommended_level", "-1", "Recommended level is 1, 2 or 3"),
                                 ("recommended_level", "2.5", "Recommended level is 1, 2 or 3"),
                                 ("recommended_level", "1e308", "Recommended level is 1, 2 or 3"),
                                 ("category", "7", "Category is 1, 2, 3 or 4 (or none)"),
                                 ("risk_level", "extreme", "is low, medium, high or very high (or none)"),
                                 ("category4_kind", "banana", "is automatic or discretionary (or none)"),
                                 ("allowed_levels", "9, 0", "is 1, 2 or 3, or several of them"),
                                 ("eligible", "maybe", "MAPPA-eligible is yes or no (or none)"),
                                 ("eligible", " ", "say what was decided")]:
        code, out = mappa("override", "EX-CAT2-12M", "--outcome", outcome, "--value", value, "--reason", "r", "--by", "X", "--db", recorded)
        assert code == 2 and says in out, (outcome, value, out)
    store, decided = Store(recorded), {}
    for outcome, value in [("eligible", "yes"), ("risk_level", "Very high"), ("allowed_levels", "Levels 2 or 3"),
                           ("category", "none"), ("recommended_level", "Level three")]:
        code, out = mappa("override", "EX-CAT2-12M", "--outcome", outcome, "--value", value, "--reason", "r", "--by", "X", "--db", recorded)
        assert code == 0, out
        decided[outcome] = json.loads(store.decisions_on(3)[-1]["value"])
    assert decided == {"eligible": True, "risk_level": "very_high", "allowed_levels": [2, 3], "category": None, "recommended_level": 3}
    if recorded.startswith("sqlite"):
        target = recorded.split("///", 1)[1]
        code, out = mappa("log", "export", "--db", recorded, "-o", target)
        assert code == 2 and "refusing to overwrite" in out and Store(recorded).verify().valid


def test_the_schema_is_made_by_the_migrations_once(database: str) -> None:
    Store(database).close()
    Store(database).close()
    engine = sa.create_engine(database)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0001"
        assert conn.execute(sa.text("SELECT seq, hash FROM chain_head")).one() == (0, record_module.GENESIS)
    engine.dispose()


def test_a_database_that_cannot_be_opened_is_one_line(tmp_path: Path) -> None:
    code, out = mappa("log", "list", "--db", str(tmp_path / "no-such-folder" / "d.sqlite3"))
    assert code == 2 and "does not exist" in out and "Traceback" not in out
    code, out = mappa("log", "list", "--db", "postgresql+psycopg://nobody@/nothing?host=/nonexistent")
    assert code == 1 and out.startswith("mappa: error: decision record") and len(out.strip().splitlines()) == 1


def test_the_head_the_store_expects_is_alembics_head() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(Path(record_module.__file__).parent / "migrations"))
    assert ScriptDirectory.from_config(config).get_current_head() == record_module.HEAD


def test_a_noted_hash_catches_a_rewritten_chain(recorded: str) -> None:
    store = Store(recorded)
    noted = store.verify().head
    assert store.verify(expect=noted).valid
    store.record([Assessment.of(json.loads(CliRunner().invoke(main, ["assess", str(CASE), "--format", "json"]).output))], "OM")
    assert store.verify(expect=noted).valid  # records added since: the chain still passes through it
    assert mappa("log", "verify", "--db", recorded, "--expect", noted)[0] == 0
    # someone rewrites every record and the head so that the chain is whole again, but different
    rows = list(store.rows())
    previous = record_module.GENESIS
    for row in rows:
        row["reason"] = (row["reason"] or "") + " (rewritten)"
        row["previous_hash"] = previous
        row["hash"] = previous = record_module.record_hash(previous, row)
        sql(recorded, f"UPDATE records SET reason = '{row['reason']}', previous_hash = '{row['previous_hash']}', hash = '{row['hash']}' WHERE seq = {row['seq']}")
    sql(recorded, f"UPDATE chain_head SET hash = '{previous}'")
    assert Store(recorded).verify().valid  # whole, as far as the database can tell
    code, out = mappa("log", "verify", "--db", recorded, "--expect", noted)
    assert code == 1 and "noted earlier is not in the chain" in out


def test_the_migrated_schema_is_the_one_the_store_writes(database: str) -> None:
    """The migration is frozen history and repeats the table on purpose: it must still match record.py."""
    Store(database).close()
    engine = sa.create_engine(database)
    found = sa.inspect(engine)
    for table in (record_module.records, record_module.head):
        columns = {c["name"]: c for c in found.get_columns(table.name)}
        assert list(columns) == [c.name for c in table.columns]
        assert all(columns[c.name]["nullable"] == c.nullable for c in table.columns if not c.primary_key)
    assert {tuple(u["column_names"]) for u in found.get_unique_constraints("records")} | {
        tuple(i["column_names"]) for i in found.get_indexes("records") if i["unique"]} >= {("source_key",)}
    engine.dispose()


@pytest.mark.parametrize("values", [
    ("EX-1", "case", "Wirral", None, '{"a":"quote \\" and é"}', "x\u2028y\x00\ttab", 7, "n", "v", "s" * 64, "0.1", "OM",
     "2026-11-30T00:00:00.000000Z", None, None, None, None, "batch:r:0000000001", "0" * 64),
    ("EX-2", "referral", None, "2026-03-03", "{}", "status", -1, "n", "v", "s", "0.1", "Zoë 😀", "t", "recommended_level",
     "2", "why, \"quoted\"\nand on", 12345678901234567890, None, "p"),
    ("EX-3", "case", None, None, "{}", "decided", True, "n", 1.5, "s", "0.1", "OM", "t", None, None, None, None, None, "p"),
])
def test_the_chain_hashes_the_canonical_json_the_module_docstring_defines(values: tuple) -> None:
    """The hash is sha256(previous hash + the record as a canonical JSON array, its result standing as the JSON
    it is): worked out here with json.dumps alone, so a faster way of writing it cannot change a chain."""
    result = '{"answers": {"level": 2}, "case_id": "EX"}'
    row = (1, "assessment", *values[:5], result, *values[6:])
    assert len(row) == len(record_module.HASHED)
    placeholder = "\x00result\x00"
    text = json.dumps([*row[:7], placeholder, *row[8:]], separators=(",", ":"), ensure_ascii=False)
    text = text.replace(json.dumps(placeholder), result)
    expected = hashlib.sha256(("f" * 64 + text).encode("utf-8")).hexdigest()
    assert record_module.record_hash("f" * 64, row) == expected
    assert record_module.record_hash("f" * 64, dict(zip(record_module.HASHED, row))) == expected
    if values[0] == "EX-1":  # and pinned: the hash this record had when chains were first recorded (f917c0f)
        assert expected == "1fc47e5a963d869b5b0eb56ead9acb3ab1ab5e5487264456f5fa5342bae2ee6b"


def test_a_new_sqlite_record_has_large_pages_and_an_old_one_keeps_its_own(tmp_path: Path) -> None:
    new, old = tmp_path / "new.sqlite3", tmp_path / "old.sqlite3"
    with sqlite3.connect(old) as conn:  # a record made before pages were chosen: SQLite's default
        conn.execute("CREATE TABLE made_before (x)")
    for path in (new, old):
        store = Store(f"sqlite:///{path}")
        store.record([Assessment.of(json.loads(CliRunner().invoke(main, ["assess", str(CASE), "--format", "json"]).output))], "OM")
        assert store.verify().valid
        store.close()
    pages = {path: sqlite3.connect(path).execute("PRAGMA page_size").fetchone()[0] for path in (new, old)}
    assert pages == {new: 32768, old: 4096}


def test_a_reason_is_kept_as_lines_without_control_characters_on_both_databases(recorded: str) -> None:
    store = Store(recorded)
    number, _ = store.override("EX-CAT2-12M", "recommended_level", 3, " Panel, 3 March:\r\n\tescalating\rbehaviour\x0bsince "
                               "the\u2028assessment \n", "Chair")
    assert store.get(number)["reason"] == "Panel, 3 March:\n\tescalating\nbehaviour\nsince the\nassessment"  # any break as LF
    number, _ = store.override("EX-CAT2-12M", "recommended_level", 3, "Agreed\u00a0by the 👩\u200d⚕️ lead", "Chair")
    assert store.get(number)["reason"] == "Agreed\u00a0by the 👩\u200d⚕️ lead"  # no-break space, joined emoji: words
    for bad, says in [("nul \x00 in it", "control characters"), ("bell \x07", "control characters"),
                      ("escape \x1b[31m", "control characters"), ("level 3 \u202e2 level", "reordering marks"),
                      ("isolate \u2066x\u2069", "reordering marks"), ("caf\udce9", "not UTF-8")]:
        with pytest.raises(OptionError, match=says):
            store.override("EX-CAT2-12M", "recommended_level", 3, bad, "Chair")
    assert store.verify().valid and store.verify().checked == 6


def test_a_database_refusing_a_transaction_is_one_line_and_keeps_nothing_of_it(database: str) -> None:
    """Two rows with one source key in one transaction: the database refuses it (by INSERT in SQLite, by
    COPY in PostgreSQL) and the refusal is one line naming the record; nothing of it is kept."""
    store = Store(database)
    result = json.loads(CliRunner().invoke(main, ["assess", str(CASE), "--format", "json"]).output)
    assert store.record([Assessment.of(result, None, "batch:run:0000000001")], "OM") == [1]
    twice = [Assessment.of(result, None, f"batch:run:{n:010d}") for n in (2, 3, 3)]
    with pytest.raises(MappaError) as refused:
        store.record(twice, "OM")
    assert str(refused.value).startswith("decision record ") and "\n" not in str(refused.value)
    assert re.search(r"unique|duplicate", str(refused.value), re.IGNORECASE)
    assert [r["seq"] for r in store.rows()] == [1] and store.verify().valid
    assert store.record(twice[:2], "OM") == [2, 3]


def test_a_decided_value_is_read_as_a_co_ordinator_writes_it() -> None:
    from mappa_rules.loader import load_library
    from mappa_rules.recorded import decided_value

    library = load_library()
    case, complaint = library.current.for_kind("case"), library.current.for_kind("complaint")
    for text, read in [("Level 2", 2), ("level 2", 2), ("L2", 2), ("two", 2), ("2.0", 2), (" 3 ", 3)]:
        assert decided_value(text, "recommended_level", case) == read, text
    for text, read in [("Category 2", 2), ("Cat 4", 4), ("cat. 1", 1)]:
        assert decided_value(text, "category", case) == read, text
    for text in ("2, and 3", "2 or 3", "Levels 2 and 3", "[3, 2]"):
        assert decided_value(text, "allowed_levels", case) == [2, 3], text
    assert decided_value("MAPPA", "complaint_route", complaint) == "mappa"  # as the report writes the rules' value
    with pytest.raises(OptionError, match="Recommended level is 1, 2 or 3"):
        decided_value("Level 5", "recommended_level", case)
