"""Load test of `mappa serve`'s `POST /api/assess` on loopback, against in-process `assess` in the same run.

    python bench/serve.py                          # up to 2,000 requests or 60 s a server, 8 clients
    python bench/serve.py --requests 500           # a shorter run
    python bench/serve.py --workers 1 2 4 --concurrency 16

For each worker count it starts a real server (`tests/webserver.serving`, a free port on 127.0.0.1),
warms it (every example case sent a few times, not counted), then sends the example cases
(examples/*.yaml and *.json, read with yaml.safe_load and sent as JSON) in turn from `--concurrency`
client threads, each on its own keep-alive `http.client` connection, until `--requests` have been
sent or `--seconds` have passed, whichever comes first. Two short rows follow for each server:
the same cases from one client, one request at a time (latency without queueing), and `GET /healthz`
from the same clients (the HTTP stack with no work behind it). Every request has a socket timeout
(`--timeout`), and a client thread still busy after its run's time is reported and left behind, so
the script always ends. Every answer must be status 200, and every assessment the same JSON as the
in-process result for that case: any failure or difference is listed and the script exits 1.

The baseline, measured in this process before and after the servers: `assess_data` then
`render(result, "json")` on the same cases, one call after another (what the server does for a
request, without HTTP, parsing the body or the hop to a worker thread). `x in-proc` is a row's
rate over the mean of the two in-process rates.

The client is kept cheap (plain `http.client` in threads, answers compared as bytes and parsed only
when the bytes differ). Its CPU is reported as a share of one core, with the server's CPU a request
(user + system time of the server's process tree, from /proc) and the CPU the rest of the machine
used meanwhile, in cores: on a 2-core machine the client competes with the server's workers, and a
row where others used much CPU was disturbed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import platform
import resource
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))

from webserver import serving  # noqa: E402 - tests/ is not a package

from mappa_rules.loader import load_library  # noqa: E402
from mappa_rules.report import render  # noqa: E402
from mappa_rules.web.service import assess_data  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
JSON = {"Content-Type": "application/json"}


@dataclass
class Case:
    """One request to send, and what must come back."""

    name: str
    body: bytes | None  # None: a GET
    expected: bytes | None  # None: any answer with status 200
    doc: Any = None  # the document as the server sees it (the body parsed back)
    path: str = "/api/assess"


@dataclass
class Outcome:
    """What a run saw."""

    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # seconds, one per answered request
    failures: list[str] = field(default_factory=list)  # a status other than 200, or no answer
    mismatches: list[str] = field(default_factory=list)  # 200, but not the in-process result
    reformatted: int = 0  # bytes differ, JSON equal
    hung: int = 0  # client threads still busy at the end (left behind)
    client_cpu: float = 0.0  # seconds of CPU in this process during the run
    server_cpu: float = 0.0  # seconds of CPU in the server's process tree during the run
    others_cpu: float = 0.0  # seconds of CPU the rest of the machine used during the run
    held: list[int] = field(default_factory=list)  # the clients' connections each server process held, once all were open

    def absorb(self, other: "Outcome") -> None:
        """Count another run's problems (a warm-up's) with this one's."""
        self.failures += other.failures
        self.mismatches += other.mismatches
        self.reformatted += other.reformatted
        self.hung += other.hung


def load_cases(library: Any) -> list[Case]:
    """The example cases, each with its expected answer; the YAML as read and the JSON as sent must agree."""
    paths = sorted([*(ROOT / "examples").glob("*.yaml"), *(ROOT / "examples").glob("*.json")])
    cases = []
    for path in paths:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        body = json.dumps(doc, default=str).encode()
        sent = json.loads(body)
        expected = render(assess_data(library, sent), "json")
        if render(assess_data(library, doc), "json") != expected:
            raise SystemExit(f"{path.name}: the JSON sent assesses differently from the YAML read (dates as text?)")
        cases.append(Case(path.name, body, expected.encode(), sent))
    if not cases:
        raise SystemExit("no example cases found")
    return cases


def percentile(values: list[float], share: float) -> float:
    """Nearest rank, of sorted values."""
    return values[max(0, math.ceil(share * len(values)) - 1)] if values else float("nan")


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def tree_cpu(pid: int) -> float:
    """User + system seconds of a process and its live descendants."""
    total = 0
    for current in descendants([pid]):
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (FileNotFoundError, ProcessLookupError, PermissionError, IndexError):
            continue
    return total / TICK


def machine_cpu() -> float:
    """Seconds of CPU the whole machine has used (all cores, neither idle nor waiting), from /proc/stat."""
    ticks = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(ticks) - ticks[3] - ticks[4]) / TICK


def child_pids() -> list[int]:
    """This process's children: the `mappa serve` that `serving` started."""
    pids: list[int] = []
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        pids.extend(int(c) for c in (task / "children").read_text().split())
    return pids


def descendants(pids: list[int]) -> list[int]:
    """These processes and all their descendants."""
    found, stack = [], list(pids)
    while stack:
        current = stack.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                stack.extend(int(c) for c in (task / "children").read_text().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return found


def connections_held(port: int, pids: list[int]) -> list[int]:
    """How many established connections to `port` each process of the server holds (those holding any)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            cols = row.split()
            if int(cols[1].rsplit(":", 1)[1], 16) == port and cols[3] == "01":  # local port, ESTABLISHED
                inodes.add(f"socket:[{cols[9]}]")
    held = []
    for pid in descendants(pids):
        try:
            count = sum(os.readlink(f"/proc/{pid}/fd/{fd}") in inodes for fd in os.listdir(f"/proc/{pid}/fd"))
        except OSError:
            continue
        if count:
            held.append(count)
    return sorted(held)


def drive(base: str, cases: list[Case], requests: int, seconds: float, concurrency: int, timeout: float,
          server_pids: list[int]) -> Outcome:
    """`concurrency` threads, each on one keep-alive connection, send the cases in turn until
    `requests` are sent or `seconds` have passed."""
    host, port = base.removeprefix("http://").rsplit(":", 1)
    out = Outcome()
    lock = threading.Lock()
    issued, connected = [0], [0]
    deadline = time.monotonic() + seconds

    def ticket() -> int | None:
        with lock:
            if issued[0] >= requests or time.monotonic() >= deadline:
                return None
            issued[0] += 1
            return issued[0] - 1

    def client() -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
        latencies: list[float] = []
        try:
            while (number := ticket()) is not None:
                case = cases[number % len(cases)]
                started = time.perf_counter()
                try:
                    if case.body is None:
                        connection.request("GET", case.path)
                    else:
                        connection.request("POST", case.path, body=case.body, headers=JSON)
                    answer = connection.getresponse()
                    body = answer.read()
                except (OSError, http.client.HTTPException) as exc:
                    connection.close()  # reconnects on the next request
                    with lock:
                        out.failures.append(f"{case.name}: {type(exc).__name__}: {exc}")
                    continue
                latencies.append(time.perf_counter() - started)
                if len(latencies) == 1:
                    with lock:
                        connected[0] += 1
                        if connected[0] == concurrency:  # every client's connection is open: who holds them
                            out.held = connections_held(int(port), server_pids)
                if answer.status != 200:
                    with lock:
                        out.failures.append(f"{case.name}: status {answer.status}: {body[:200]!r}")
                elif case.expected is not None and body != case.expected:
                    try:
                        same = json.loads(body) == json.loads(case.expected)
                    except ValueError:
                        same = False
                    with lock:
                        if same:
                            out.reformatted += 1
                        else:
                            out.mismatches.append(f"{case.name}: {len(body)} bytes, expected {len(case.expected)}")
        finally:
            connection.close()
            with lock:
                out.latencies.extend(latencies)

    cpu, server, machine = own_cpu(), sum(tree_cpu(p) for p in server_pids), machine_cpu()
    started = time.perf_counter()
    threads = [threading.Thread(target=client, daemon=True, name=f"client-{n}") for n in range(concurrency)]
    for thread in threads:
        thread.start()
    give_up = deadline + timeout + 5  # the last request's timeout, and a little
    for thread in threads:
        thread.join(max(0.0, give_up - time.monotonic()))
    out.seconds = time.perf_counter() - started
    out.client_cpu = own_cpu() - cpu
    out.server_cpu = sum(tree_cpu(p) for p in server_pids) - server
    out.others_cpu = machine_cpu() - machine - out.client_cpu - out.server_cpu
    out.hung = sum(thread.is_alive() for thread in threads)
    with lock:
        out.latencies.sort()
    return out


def in_process(library: Any, cases: list[Case], calls: int, seconds: float) -> Outcome:
    """The baseline: `assess_data` and `render(..., "json")`, one call after another, in this process."""
    out = Outcome()
    deadline = time.monotonic() + seconds
    cpu, machine = own_cpu(), machine_cpu()
    started = time.perf_counter()
    for number in range(calls):
        if time.monotonic() >= deadline:
            break
        case = cases[number % len(cases)]
        begun = time.perf_counter()
        text = render(assess_data(library, case.doc), "json")
        out.latencies.append(time.perf_counter() - begun)
        if text.encode() != case.expected:
            out.mismatches.append(f"{case.name}: in process, not the same as its first assessment")
    out.seconds = time.perf_counter() - started
    out.client_cpu = own_cpu() - cpu
    out.others_cpu = machine_cpu() - machine - out.client_cpu
    out.latencies.sort()
    return out


def line(label: str, out: Outcome, baseline: float, server: bool) -> str:
    n = len(out.latencies)
    rate = n / out.seconds if out.seconds else float("nan")
    cpu = f"{out.server_cpu / max(n, 1) * 1e3:>10.2f}" if server else f"{'-':>10}"
    held = "+".join(map(str, out.held)) if server else "-"
    return (f"{label:<27} {n:>8} {out.seconds:>7.2f} {rate:>8.1f} {percentile(out.latencies, 0.5) * 1e3:>7.2f} "
            f"{percentile(out.latencies, 0.99) * 1e3:>7.2f} {rate / baseline:>9.2f} {len(out.failures):>6} "
            f"{len(out.mismatches):>6} {out.client_cpu / out.seconds:>6.0%} {cpu} {max(0.0, out.others_cpu) / out.seconds:>6.2f} {held:>5}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests a server (and calls in process), at most")
    parser.add_argument("--seconds", type=float, default=60.0, help="seconds a server (and in process), at most")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads, each on a keep-alive connection")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="`mappa serve --workers`, one server each")
    parser.add_argument("--timeout", type=float, default=10.0, help="socket timeout of a request, seconds")
    parser.add_argument("--warmup", type=int, default=2, help="times each case is sent per worker before timing")
    parser.add_argument("--probe", type=int, default=100, help="requests of the one-client and /healthz rows, at most")
    args = parser.parse_args()
    if min(args.requests, args.concurrency, args.probe, *args.workers) < 1 or args.seconds <= 0 or args.timeout <= 0:
        parser.error("--requests, --seconds, --concurrency, --workers, --probe and --timeout must be positive")

    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} cores; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    library = load_library(None)
    cases = load_cases(library)
    health = [Case("GET /healthz", None, None, path="/healthz")]
    probe = min(args.probe, args.requests)
    print(f"{len(cases)} example cases, bodies {min(len(c.body or b'') for c in cases)}-"
          f"{max(len(c.body or b'') for c in cases)} bytes, answers {min(len(c.expected or b'') for c in cases)}-"
          f"{max(len(c.expected or b'') for c in cases)} bytes; {args.concurrency} clients, at most {args.requests} "
          f"requests or {args.seconds:g} s a server")

    rows: list[tuple[str, Outcome, bool]] = [("in process (before)", in_process(library, cases, args.requests, args.seconds), False)]
    notes = []
    for workers in args.workers:
        with serving(workers=workers) as base:
            pids = child_pids()
            run = lambda to_send, count, clients: drive(base, to_send, count, args.seconds, clients, args.timeout, pids)  # noqa: E731
            warm = run(cases, len(cases) * args.warmup * workers, args.concurrency)
            notes.append(f"--workers {workers}: warm-up {len(warm.latencies)} requests in {warm.seconds:.2f} s, slowest "
                         f"{warm.latencies[-1] * 1e3 if warm.latencies else float('nan'):.0f} ms")
            main_run = run(cases, args.requests, args.concurrency)
            main_run.absorb(warm)
            rows.append((f"--workers {workers}, {args.concurrency} clients", main_run, True))
            rows.append((f"--workers {workers}, 1 client", run(cases, probe, 1), True))
            rows.append((f"--workers {workers}, GET /healthz", run(health, probe * 5, args.concurrency), True))
    rows.append(("in process (after)", in_process(library, cases, args.requests, args.seconds), False))

    rates = [len(out.latencies) / out.seconds for label, out, _ in rows if label.startswith("in process")]
    baseline = sum(rates) / len(rates)
    print(f"\n{'':<27} {'requests':>8} {'seconds':>7} {'per s':>8} {'p50 ms':>7} {'p99 ms':>7} {'x in-proc':>9} "
          f"{'failed':>6} {'differ':>6} {'client':>6} {'srv ms/req':>10} {'others':>6} {'held':>5}")
    for label, out, server in rows:
        print(line(label, out, baseline, server))
    print(f"x in-proc: against the mean of the two in-process rates, {baseline:.1f} calls/s. CPU: client, this process "
          "as a share of one core; srv ms/req, the server's process tree, a request; others, the rest of the machine, in "
          "cores, sampled by ticks (a row where it is well above 0 was disturbed). held: the clients' connections each "
          "server process held once all were open (uvicorn's workers take connections as they come).")
    for note in notes:
        print(note)

    problems = 0
    for label, out, _ in rows:
        for kind, items in (("failed", out.failures), ("differs", out.mismatches)):
            for item in items[:5]:
                print(f"{label}: {kind}: {item}")
            if len(items) > 5:
                print(f"{label}: {kind}: ... and {len(items) - 5} more")
        if out.reformatted:
            print(f"{label}: {out.reformatted} answers were the same JSON in other bytes")
        if out.hung:
            print(f"{label}: {out.hung} client threads still waiting at the end (left behind)")
        problems += len(out.failures) + len(out.mismatches) + out.hung
    if problems:
        print(f"FAILED: {problems} requests failed, differed from the in-process result, or hung")
        sys.exit(1)
    same = "as JSON" if any(out.reformatted for _, out, _ in rows) else "byte for byte"
    print(f"every answer: status 200, and every assessment the in-process result for its case, {same}")


if __name__ == "__main__":
    main()
