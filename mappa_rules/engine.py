"""durable-rules behind one small interface: assert a case fact, get the rule ids that fired.

The only module that imports `durable`. Pattern measured in shared/engine-notes.md: facts, not
events (every matching rule fires); one Host per ruleset version with its timer threads switched
off; one state (`sid`) for every case, with calls serialised by a lock (durable holds the GIL, so
threads gain nothing, and a new sid per thread would leak a ~281 KB state each and fail at 1,025);
the fact retracted after each case (flat memory);
trivial actions that only record their rule id; swallowed action exceptions re-raised.
"""

from __future__ import annotations

import signal
import threading
import warnings
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from durable import engine as durable_engine

from mappa_rules.compiler import CASE_MARKER, CATCH_ALL, compile_rulebook, stratum_name
from mappa_rules.errors import EvaluationError
from mappa_rules.ruleset import Rulebook

# On Python 3.12 durable-rules calls datetime.utcfromtimestamp on every action, which warns each
# time (111,040 warnings in one test run) and, under -W error, aborts assert_fact mid-chain.
# Silence exactly that warning from durable; every other warning stays as configured.
DURABLE_DEPRECATION = r".*utcfromtimestamp"
warnings.filterwarnings("ignore", message=DURABLE_DEPRECATION, category=DeprecationWarning, module="durable")


class _SynchronousHost(durable_engine.Host):
    """A Host whose actions run inside assert_fact, in the calling thread, and only record a rule id."""

    def __init__(self, on_fire: Callable[[str], None]) -> None:
        self._on_fire = on_fire
        super().__init__()

    def _run(self) -> None:
        """No dispatch/timer threads: they would steal actions and burn idle CPU."""

    def get_action(self, action_name: str) -> Callable[[Any], None]:
        def action(c: Any) -> None:  # exactly one parameter: two would make it an async action
            self._on_fire(action_name)

        return action


class RuleEngine:
    """One ruleset version registered in durable-rules; `fire` evaluates one stratum for one case."""

    def __init__(self, book: Rulebook) -> None:
        self.book = book
        self._names = [stratum_name(book, n) for n in range(len(book.strata))]
        self._fired: list[str] = []
        self._lock = threading.Lock()
        self._host = _SynchronousHost(self._record)
        # compile_rulebook builds a fresh dict: durable's set_rulesets mutates what it is given.
        self._host.set_rulesets(compile_rulebook(book))

    def _record(self, rule_id: str) -> None:
        if rule_id != CATCH_ALL:
            self._fired.append(rule_id)

    def fire(self, stratum: int, facts: dict[str, Any]) -> list[str]:
        """Assert the case's facts against one stratum; return the ids of the rules that fired."""
        sid = "case"
        fact = dict(facts)
        fact.update({CASE_MARKER: 1, "id": "case", "sid": sid})
        name = self._names[stratum]
        with self._lock, signals_deferred():
            self._fired = []
            try:
                state = self._host.assert_fact(name, fact)
            except Exception as exc:  # durable raises bare Exceptions with numeric codes
                self._forget(name, sid)
                raise EvaluationError(f"durable-rules failed on stratum {stratum}: {exc}") from exc
            finally:
                self._retract(name, sid)
            fired = list(dict.fromkeys(self._fired))  # an $or fires once per true branch
        if state and "exception" in state:
            self._forget(name, sid)
            raise EvaluationError(f"a rule action raised inside durable-rules: {_first_line(state['exception'])}")
        return fired

    def _retract(self, name: str, sid: str) -> None:
        try:
            self._host.retract_fact(name, {"id": "case", "sid": sid})
        except Exception:  # nothing asserted: durable's retract of an unknown fact
            self._forget(name, sid)

    def _forget(self, name: str, sid: str) -> None:
        try:
            self._host.delete_state(name, sid)
        except Exception:  # no state to delete (error 309)
            pass


def _first_line(exception_text: str) -> str:
    """durable stores `exception caught <message>, traceback [...]`: keep the message (it may be empty)."""
    message = str(exception_text).removeprefix("exception caught ")
    lines = message.split(", traceback [", 1)[0].splitlines()
    return lines[0] if lines else "(no message)"


_DEFERRED = {signal.SIGINT, signal.SIGTERM}


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM for this thread while durable-rules runs: a handler never runs inside
    its C code or its action callbacks; a signal that arrives meanwhile is delivered right after."""
    if threading.current_thread() is not threading.main_thread():
        yield  # Python runs signal handlers in the main thread only
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _DEFERRED)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


_ENGINES: dict[tuple[str, str | None], RuleEngine] = {}
_ENGINES_LOCK = threading.Lock()


def engine_for(book: Rulebook) -> RuleEngine:
    """The engine for this ruleset version and kind, registered once per process.

    Keyed by content hash and kind: each kind's view of one version compiles to its own rulesets.
    """
    key = (book.sha256, book.kind)
    with _ENGINES_LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            engine = _ENGINES[key] = RuleEngine(book)
        return engine
