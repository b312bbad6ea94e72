"""`mappa serve`'s JSON API and its guard, against a real server (tests/webserver.py) over HTTP.

The API answers exactly as `mappa assess --format json` on every example; a refused case is 422
with the CLI's error object; the OpenAPI document validates; and every request passes the guard
(host, token, size, content type, CSRF) and every response carries the security headers."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import httpx
import pytest
import yaml

from webserver import MAPPA, serving

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(p for p in (ROOT / "examples").iterdir() if p.suffix in (".yaml", ".json"))
JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = tmp_path_factory.mktemp("web") / "decisions.sqlite3"
    with serving("--db", str(db), "--max-body-mb", "1") as base:
        yield base


@pytest.fixture(scope="module")
def client(server: str) -> httpx.Client:
    with httpx.Client(base_url=server, timeout=30) as c:
        yield c


def document(path: Path) -> str:
    return json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str)


def cli_json(path: Path) -> tuple[int, dict]:
    done = subprocess.run([MAPPA, "assess", path.name, "--format", "json"], capture_output=True, text=True, cwd=path.parent)
    return done.returncode, json.loads(done.stdout)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_assess_equals_the_cli_on_every_example(client: httpx.Client, example: Path) -> None:
    answer = client.post("/api/assess", content=document(example), headers=JSON)
    code, expected = cli_json(example)
    assert code == 0 and answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.json() == expected


BAD = {
    "malformed.json": b'{"kind": "case", "facts": {',
    "unknown-fact.json": b'{"kind": "case", "facts": {"custody_monthz": 12}}',
    "wrong-type.json": b'{"kind": "case", "facts": {"custody_months": "twelve"}}',
    "impossible-date.json": b'{"kind": "case", "as_of": "2026-13-45", "facts": {}}',
    "not-a-mapping.json": b'[1, 2, 3]',
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_refused_case_is_422_with_the_cli_error_object(client: httpx.Client, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(BAD[name])
    code, expected = cli_json(path)
    answer = client.post("/api/assess", content=BAD[name], headers=JSON)
    assert code != 0 and answer.status_code == 422
    assert answer.headers["x-protective-marking"] == "OFFICIAL-SENSITIVE"  # every answer carries it, refusals too
    body = answer.json()
    assert set(body) == {"error", "field", "cites"}
    assert (body["field"], body["cites"]) == (expected["field"], expected["cites"])
    assert body["error"].removeprefix("request") == expected["error"].removeprefix(path.name), "the same words, another source"


def test_the_openapi_document_validates_and_describes_the_contract(client: httpx.Client) -> None:
    from openapi_spec_validator import validate

    spec = client.get("/openapi.json").json()
    validate(spec)
    assess = spec["paths"]["/api/assess"]["post"]
    assert assess["requestBody"]["content"]["application/json"]["schema"]["title"] == "MAPPA case file"
    assert "ErrorBody" in json.dumps(assess["responses"]["422"])
    assert {"/api/assess", "/api/next-question", "/api/batch", "/api/rules", "/api/schema", "/healthz"} <= set(spec["paths"])
    assert not any(path.startswith(("/interview", "/record", "/caseload")) for path in spec["paths"]), "pages are not API"


def test_next_question_is_the_interviews_question(client: httpx.Client) -> None:
    from mappa_rules.interview import Interview
    from mappa_rules.loader import load_library

    case = {"kind": "case", "facts": {"subject_to_notification_requirements": True}}
    answer = client.post("/api/next-question", content=json.dumps(case), headers=JSON).json()
    assert answer["marking"] == "OFFICIAL-SENSITIVE"
    assert answer["next_question"] == Interview.start(load_library(None), case).next_question()
    assert answer["answers"]["eligible"]["firmness"] == "firm"
    refused = client.post("/api/next-question", content=b'{"kind": "case", "facts": {"nope": 1}}', headers=JSON)
    assert refused.status_code == 422 and refused.json()["field"] == "facts.nope"


def test_batch_streams_one_line_a_row_in_order(client: httpx.Client) -> None:
    rows = [document(EXAMPLES[0]), "{not json", json.dumps({"case_id": "B-3", "kind": "case", "facts": {"nope": 1}}), document(EXAMPLES[1])]
    answer = client.post("/api/batch", content=("\n".join(rows) + "\n").encode(), headers={"content-type": "application/x-ndjson"})
    assert answer.status_code == 200
    lines = [json.loads(line) for line in answer.text.splitlines()]
    assert len(lines) == 4
    assert lines[0] == cli_json(EXAMPLES[0])[1] and lines[3] == cli_json(EXAMPLES[1])[1]
    assert lines[1]["row"] == 2 and lines[1]["error"] and lines[2]["field"] == "facts.nope" and lines[2]["case_id"] == "B-3"


def test_rules_schema_and_health(client: httpx.Client) -> None:
    rules = client.get("/api/rules").json()
    assert rules and {"id", "title", "cites"} <= set(rules[0])
    assert client.get("/api/schema").json()["title"] == "MAPPA case file"
    assert client.get("/healthz").json()["status"] == "ok"
    for path in ("/healthz", "/"):  # HEAD, as monitoring asks: GET's status and headers, no body
        head, get = client.head(path), client.get(path)
        assert head.status_code == 200 and head.content == b"" and head.headers["content-length"] == get.headers["content-length"]


# --- the guard ----------------------------------------------------------------------------------

def test_security_headers_on_pages_and_api(client: httpx.Client) -> None:
    for answer in (client.get("/"), client.post("/api/assess", content=document(EXAMPLES[0]), headers=JSON)):
        policy = answer.headers["content-security-policy"]
        assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy and "script-src" not in policy
        assert answer.headers["cache-control"] == "no-store"
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "no-referrer"
    page = client.get("/")
    assert "OFFICIAL-SENSITIVE" in page.text
    hashes = re.findall(r"'sha256-([^']+)'", page.headers["content-security-policy"])
    assert len(hashes) == page.text.count("<style>") >= 1, "each inline style block admitted by its hash, nothing else"
    assert "<script" not in page.text and "http://" not in page.text.replace(client.base_url.host, "")


def test_every_form_posts_and_no_case_data_goes_in_a_url(client: httpx.Client) -> None:
    pages = [client.get(path) for path in ("/", "/caseload", "/login", "/record")]
    assert [page.status_code for page in pages] == [200] * 4
    forms = re.findall(r"<form[^>]*>", "".join(page.text for page in pages))
    assert len(forms) >= 3 and all('method="post"' in form for form in forms)


def test_another_host_name_is_refused(server: str) -> None:
    answer = httpx.get(server + "/healthz", headers={"host": "attacker.example"})
    assert answer.status_code == 400


def test_a_body_of_another_type_is_refused(client: httpx.Client) -> None:
    answer = client.post("/api/assess", content=document(EXAMPLES[0]), headers={"content-type": "text/plain"})
    assert answer.status_code == 415 and "application/json" in answer.json()["error"]


def test_a_body_over_the_limit_is_refused(client: httpx.Client) -> None:
    answer = client.post("/api/assess", content=b" " * (1024 * 1024 + 1), headers=JSON)
    assert answer.status_code == 413 and "limit" in answer.json()["error"]

    def chunks():  # no declared length: counted as it arrives
        for _ in range(5):
            yield b" " * (300 * 1024)
    answer = client.post("/api/batch", content=chunks(), headers={"content-type": "application/x-ndjson"})
    assert answer.status_code == 413


def test_a_form_without_its_csrf_token_is_refused(client: httpx.Client) -> None:
    answer = client.post("/interview", data={"action": "start", "kind": "case"})
    assert answer.status_code == 403 and "expired or came from elsewhere" in answer.text
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text).group(1)
    assert client.post("/interview", data={"action": "start", "kind": "case", "csrf": token}).status_code == 200
    other = httpx.Client(base_url=client.base_url)  # another browser: its own cookie, so this token is not its
    assert other.post("/interview", data={"action": "start", "kind": "case", "csrf": token}).status_code == 403


def test_case_text_is_escaped_in_pages(client: httpx.Client) -> None:
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text).group(1)
    page = client.post("/interview", data={"action": "start", "kind": "case", "csrf": token, "case_id": "<script>alert(1)</script>"})
    assert page.status_code == 200
    assert "<script>" not in page.text and "&lt;script&gt;" in page.text


def test_a_tampered_interview_is_refused_in_one_line(client: httpx.Client) -> None:
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text).group(1)
    for state in ("not json", json.dumps({"case": {"kind": "case", "facts": {"nope": 1}}}),
                  json.dumps({"case": {"kind": "case"}, "history": [["os.system", 1, False]]})):
        page = client.post("/interview", data={"action": "continue", "state": state, "csrf": token})
        assert page.status_code == 422 and "Traceback" not in page.text and "OFFICIAL-SENSITIVE" in page.text


def test_a_token_is_required_on_every_request_when_set() -> None:
    token = "correct-horse-battery-staple"
    with serving("--token", token) as base:
        assert httpx.get(base + "/healthz").status_code == 200
        refused = httpx.post(base + "/api/assess", content=document(EXAMPLES[0]), headers=JSON)
        assert refused.status_code == 401 and "Bearer" in refused.json()["error"]
        page = httpx.get(base + "/")
        assert page.status_code == 303 and page.headers["location"] == "/login"
        assert httpx.post(base + "/api/assess", content=document(EXAMPLES[0]),
                          headers={**JSON, "authorization": f"Bearer {token}x"}).status_code == 401
        assert httpx.post(base + "/api/assess", content=document(EXAMPLES[0]),
                          headers={**JSON, "authorization": f"Bearer {token}"}).status_code == 200
        with httpx.Client(base_url=base) as browser:
            assert browser.post("/login", data={"token": "wrong"}).status_code == 401
            assert browser.post("/login", data={"token": token}).status_code == 303
            assert browser.get("/").status_code == 200
            cookies = dict(browser.cookies)
            assert token not in cookies.values(), "the session cookie is derived from the token, never the token"
            assert any(name.startswith("mappa_session_") for name in cookies)
            guesses = [httpx.get(base + "/api/rules", headers={"authorization": f"Bearer guess-{n}"}).status_code for n in range(12)]
            assert guesses[:8] == [401] * 8 and guesses[-1] == 429  # the wrong sign-in above counted too
            assert browser.get("/").status_code == 200  # the browser signed in before goes on


@pytest.mark.parametrize("options, says", [
    (["--host", "0.0.0.0"], "--allowed-host"),
    (["--host", "192.0.2.1"], "--token"),
    (["--host", "192.0.2.1", "--token", "short"], "at least 16"),
    (["--rulesets", "/nonexistent-rulesets"], "nonexistent-rulesets"),
])
def test_an_unsafe_or_broken_start_is_refused_in_one_line(options: list[str], says: str) -> None:
    done = subprocess.run([MAPPA, "serve", *options], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert says in done.stderr and "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_behind_a_proxy_the_host_names_are_still_checked() -> None:
    with serving("--behind-proxy", "--allowed-host", "mappa.area.example") as base:
        assert httpx.get(base + "/healthz", headers={"host": "rebind.attacker.example"}).status_code == 400
        assert httpx.get(base + "/healthz", headers={"host": "mappa.area.example"}).status_code == 200
        assert httpx.get(base + "/healthz").status_code == 200  # loopback names too, on loopback


def test_unknown_routes_and_methods_answer_in_the_error_shape(client: httpx.Client) -> None:
    api = client.get("/api/nope")
    assert api.status_code == 404 and set(api.json()) == {"error", "field", "cites"}
    assert client.delete("/api/assess").status_code == 405
    page = client.get("/nope")
    assert page.status_code == 404 and page.text.startswith("OFFICIAL-SENSITIVE") and "detail" not in page.text
    bad = client.get("/record/abc")
    assert bad.status_code == 422 and "abc" not in bad.text, "a refused parameter is not echoed"
    huge = client.get("/record/99999999999999999999999")
    assert huge.status_code == 404 and "OFFICIAL-SENSITIVE" in huge.text
    for answer in (api, page, bad, huge):
        assert answer.headers["cache-control"] == "no-store" and "content-security-policy" in answer.headers


def test_bad_dates_and_crafted_steps_are_refused_not_faults(client: httpx.Client) -> None:
    answer = client.post("/api/next-question", content=json.dumps({"kind": "case", "as_of": "SECRETNAME"}), headers=JSON)
    assert answer.status_code == 422 and answer.json()["field"] == "as_of"
    answer = client.post("/api/next-question", content=json.dumps({"kind": "case", "facts": 5}), headers=JSON)
    assert answer.status_code == 422 and answer.json()["field"] == "facts"
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text).group(1)
    page = client.post("/interview", data={"action": "start", "kind": "case", "csrf": token, "as_of": "01/02/2024"})
    assert page.status_code == 422 and "not a real date" in page.text
    fact = "subject_to_notification_requirements"
    state = json.dumps({"case": {"kind": "case", "facts": {fact: True}}, "history": [[fact, {"evil": [1, 2, 3]}, False]]})
    page = client.post("/interview", data={"action": "back", "state": state, "csrf": token})
    assert page.status_code == 422 and "plain value" in page.text
    state = json.dumps({"case": {"kind": "case", "facts": {fact: True}}, "history": [[fact, "sometimes", False]]})
    page = client.post("/interview", data={"action": "back", "state": state, "csrf": token})
    assert page.status_code == 422 and "Traceback" not in page.text
    page = client.post("/interview", data={"action": "continue", "state": "[" * 100000, "csrf": token})
    assert page.status_code in (413, 422)


def test_a_stopped_server_leaves_no_uploads_behind(tmp_path: Path) -> None:
    caseload = "\n".join(document(p) for p in EXAMPLES[:3]) + "\n"
    with serving(env={"TMPDIR": str(tmp_path)}) as base, httpx.Client(base_url=base) as browser:
        token = re.search(r'name="csrf" value="([^"]+)"', browser.get("/caseload").text).group(1)
        answer = browser.post("/caseload", data={"csrf": token}, files={"caseload": ("c.jsonl", caseload.encode())})
        assert answer.status_code == 303
        assert any(tmp_path.glob("mappa-serve-*/*/upload/c.jsonl"))  # kept under the name it was uploaded with
    assert not any(tmp_path.glob("mappa-serve-*")), "SIGTERM: the server removed its uploads' folder"


def test_i_dont_know_is_recorded_as_not_known(client: httpx.Client) -> None:
    import html

    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text).group(1)
    page = client.post("/interview", data={"action": "start", "kind": "case", "csrf": token})
    state = html.unescape(re.search(r'name="state" value="([^"]+)"', page.text).group(1))
    fact = re.search(r'name="fact" value="([^"]+)"', page.text).group(1)
    page = client.post("/interview", data={"action": "answer", "fact": fact, "unknown": "yes", "state": state, "csrf": token})
    assert page.status_code == 200 and "<td>not known</td>" in page.text
    carried = json.loads(html.unescape(re.search(r'name="state" value="([^"]+)"', page.text).group(1)))
    assert carried["case"]["facts"][fact] == "uncertain", "asked, not known: the case file says uncertain"


def test_the_decision_record_pages_on_sqlite_and_postgresql(database: str) -> None:
    """A team's server keeps its record in PostgreSQL by URL, with the same pages as on SQLite: an
    assessment recorded from its result, a decision on it, both listed and the decision shown."""
    import html

    with serving("--db", database) as base, httpx.Client(base_url=base, timeout=30) as browser:
        token = re.search(r'name="csrf" value="([^"]+)"', browser.get("/").text).group(1)
        case = {"kind": "case", "case_id": "WEB-PG-1", "facts": yaml.safe_load((ROOT / "examples" / "cat1-registered-sex-offender.yaml")
                                                                               .read_text())["facts"]}
        state = json.dumps({"case": case, "history": []})
        recorded = browser.post("/record", data={"state": state, "by": "OM Patel", "csrf": token})
        assert recorded.status_code == 303
        number = int(recorded.headers["location"].rsplit("/", 1)[1])
        decided = browser.post(f"/record/{number}/override", data={"outcome": "recommended_level", "value": "2", "csrf": token,
                                                                   "reason": "Panel: new intelligence", "by": "MAPPA Chair"})
        assert decided.status_code == 303 and decided.headers["location"].startswith(f"/record/{number}?recorded={number + 1}")
        shown = browser.get(decided.headers["location"])  # by GET: reloading it records nothing more
        assert shown.status_code == 200 and f"Recorded as record {number + 1}." in shown.text
        assert "2 decided (differs) by MAPPA Chair" in html.unescape(shown.text)
        browser.get(decided.headers["location"])
        forged = browser.get(f"/record/{number}?recorded=999999&on={number}")
        assert forged.status_code == 200 and "Recorded as record" not in forged.text  # only a decision on it is announced
        assert browser.post("/record/99999999999999999999/override", data={"csrf": token}).status_code == 404
        for value, says in [("4", "Recommended level is 1, 2 or 3 (or none)"), ("2.5", "Recommended level is 1, 2 or 3"),
                            ("1e999", "Recommended level is 1, 2 or 3")]:
            refused = browser.post(f"/record/{number}/override", data={"outcome": "recommended_level", "value": value, "csrf": token,
                                                                       "reason": "r", "by": "MAPPA Chair"})
            assert refused.status_code == 422 and says in html.unescape(refused.text), value
        listing = browser.get("/record").text
        assert f"Record {number}</a>" in listing and f"Decision on record {number}: Recommended level 2" in listing
        assert listing.count(f"Decision on record {number}:") == 1  # the page shown twice, the decision kept once
        refused = browser.post(f"/record/{number}/override", data={"outcome": "recommended_level", "value": "2", "csrf": token,
                                                                   "reason": " ", "by": "MAPPA Chair"})
        problem = re.search(r'role="alert"><h2>Not recorded</h2><p>(.*?)</p>', refused.text).group(1)
        assert refused.status_code == 422 and problem == "Reason: a professional decision needs its reason"  # the form's label
    verified = subprocess.run([MAPPA, "log", "verify", "--db", database], capture_output=True, text=True)
    assert verified.returncode == 0, verified.stderr


def test_a_refusal_on_a_page_names_the_field_by_its_label_without_clause_ids(client: httpx.Client) -> None:
    import html

    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text).group(1)
    page = client.post("/interview", data={"action": "start", "kind": "case", "case_id": "W-1", "as_of": "yesterday", "csrf": token})
    shown = html.unescape(page.text)
    assert page.status_code == 422 and "Assessed as of: 'yesterday' is not a real date" in shown
    assert "(VAL-2)" not in shown and "as_of:" not in shown and "interview:" not in shown


def test_a_download_in_a_format_it_does_not_have_is_refused(client: httpx.Client) -> None:
    from mappa_rules.web import state as carried
    from mappa_rules.interview import Interview
    from mappa_rules.loader import load_library

    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text).group(1)
    state = carried.encode(Interview.start(load_library(), {"kind": "case", "case_id": "DL-1"}))
    refused = client.post("/download", data={"state": state, "format": "exe", "csrf": token})
    assert refused.status_code == 422 and "content-disposition" not in refused.headers
    assert client.post("/download", data={"state": state, "format": "json", "csrf": token}).status_code == 200
