"""durable-rules behind one small interface: assert a case fact, get the rule ids that fired.

The only module that imports `durable`. Pattern measured in shared/engine-notes.md: facts, not
events (every matching rule fires); one Host per ruleset version, used only to register its
rulesets, with its timer threads switched off; one state (`sid`) for every case, with calls
serialised by a lock (durable holds the GIL, so threads gain nothing, and a new sid per thread
would leak a ~281 KB state each and fail at 1,025); the fact retracted after each case (flat
memory); the actions a fact starts read from durable's C binding, so no Python action runs inside
durable and none can have its exception swallowed.
"""

from __future__ import annotations

import json
import signal
import threading
import warnings
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from durable import engine as durable_engine
from durable.engine import durable_rules_engine  # the C binding the Host wraps

from mappa_rules.conditions import atoms
from mappa_rules.compiler import CASE_MARKER, CATCH_ALL, compile_rulebook, rule_names, stratum_name
from mappa_rules.errors import EvaluationError
from mappa_rules.ruleset import Rulebook

# On Python 3.12 durable-rules calls datetime.utcfromtimestamp on every action, which warns each
# time (111,040 warnings in one test run) and, under -W error, aborts assert_fact mid-chain.
# Silence exactly that warning from durable; every other warning stays as configured.
DURABLE_DEPRECATION = r".*utcfromtimestamp"
warnings.filterwarnings("ignore", message=DURABLE_DEPRECATION, category=DeprecationWarning, module="durable")


class _RegistrationHost(durable_engine.Host):
    """A Host used only to compile and register the rulesets: no dispatch/timer threads (they would
    steal actions and burn idle CPU), and actions that are never called (the loop below reads which
    rule fired from durable's own action messages)."""

    def _run(self) -> None:
        """No dispatch/timer threads."""

    def get_action(self, action_name: str) -> Callable[[Any], None]:
        def action(c: Any) -> None:  # exactly one parameter: two would make it an async action
            raise AssertionError(f"durable-rules ran action {action_name} outside mappa's loop")

        return action


class RuleEngine:
    """One ruleset version registered in durable-rules; `fire` evaluates one stratum for one case.

    Each case is one fact asserted through durable's C binding, its actions taken one by one
    (`start_action_for_state`, then `complete_and_start_action` until none is left), each action's
    rule recorded, and the fact retracted: the Host's Python layer (a closure, a promise and a JSON
    rewrite of the state for every action) is skipped, about 5x faster (shared/engine-notes.md).
    """

    def __init__(self, book: Rulebook) -> None:
        self.book = book
        self._names = [stratum_name(book, n) for n in range(len(book.strata))]
        self._rules = [rule_names(book, n) for n in range(len(book.strata))]
        # the facts a stratum's conditions read: all durable is given (it matches nothing else, and a
        # fact not given is unknown to both durable and the interpreter)
        self._reads = [sorted({a.fact for rule in stratum for a in atoms(rule.when)}) for stratum in book.strata]
        self._lock = threading.RLock()
        self._host = _RegistrationHost()
        # compile_rulebook builds a fresh dict: durable's set_rulesets mutates what it is given.
        self._host.set_rulesets(compile_rulebook(book))
        self._handles = [self._host.get_ruleset(name)._handle for name in self._names]

    @contextmanager
    def session(self) -> Iterator[None]:
        """One case's strata in a row: the engine held and signals deferred once, not at every stratum."""
        with self._lock, signals_deferred():
            yield

    def fire(self, stratum: int, facts: dict[str, Any]) -> list[str]:
        """Assert the case's facts (those the stratum reads) against one stratum; return the ids of the rules that fired."""
        fact = {name: _durable_value(facts[name]) for name in self._reads[stratum] if name in facts}
        fact.update({CASE_MARKER: 1, "id": "case", "sid": SID})
        handle, names = self._handles[stratum], self._rules[stratum]
        with self._lock, signals_deferred():
            try:
                fired = self._actions(handle, names, _fact_json(fact))
            except Exception as exc:  # durable raises bare Exceptions with numeric codes
                self._forget(stratum)
                raise EvaluationError(f"durable-rules failed on stratum {stratum}: {exc}") from exc
            finally:
                self._retract(stratum)
        return [rule_id for rule_id in dict.fromkeys(fired) if rule_id != CATCH_ALL]  # an $or fires once per true branch

    @staticmethod
    def _actions(handle: int, names: dict[str, str], fact: str) -> list[str]:
        """Assert one fact and take every action it starts, in order: the ids of their rules."""
        status, state = durable_rules_engine.assert_fact(handle, fact)[:2]
        if status not in (0, 3):  # 1: no rule matched (the catch-all should); 2: already observed
            raise EvaluationError(f"the case was not taken (durable status {status})")
        fired: list[str] = []
        started = durable_rules_engine.start_action_for_state(handle, state if status == 0 else 0)
        message = json.loads(started[1]) if started else None
        try:
            while message:
                fired.extend(names[name] for name in message)
                more = durable_rules_engine.complete_and_start_action(handle, state)
                message = json.loads(more) if more else None
        except BaseException:  # an action left half-taken would keep the state locked for 30-60 s
            durable_rules_engine.abandon_action(handle, state)
            raise
        return fired

    def _retract(self, stratum: int) -> None:
        try:
            durable_rules_engine.retract_fact(self._handles[stratum], json.dumps({"id": "case", "sid": SID}))
        except Exception:  # nothing asserted: durable's retract of an unknown fact
            self._forget(stratum)

    def _forget(self, stratum: int) -> None:
        try:
            self._host.delete_state(self._names[stratum], SID)
        except Exception:  # no state to delete (error 309)
            pass


SID = "case"  # one durable state for every case, reused: the fact is retracted after each


def _fact_json(fact: dict[str, Any]) -> str:
    """A fact as JSON durable reads. Its parser refuses a number with an exponent but no fraction, as
    Python writes 1e-05 (a custodial term of a few seconds): such a number is written 1.0e-05."""
    text = json.dumps(fact, ensure_ascii=False)
    if "e" in text and any(type(v) is float and "e" in repr(v) for v in fact.values()):
        text = "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{_number(v) if type(v) is float else json.dumps(v, ensure_ascii=False)}"
                              for k, v in fact.items()) + "}"
    return text


def _number(value: float) -> str:
    written = repr(value)
    mantissa, e, exponent = written.partition("e")
    return f"{mantissa}.0e{exponent}" if e and "." not in mantissa else written


def _durable_value(value: Any) -> Any:
    """A value as durable holds it: dates as ISO text, lists as JSON text (never matched on)."""
    if isinstance(value, list):
        return json.dumps(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


_DEFERRED = {signal.SIGINT, signal.SIGTERM}
_DEFERRING = threading.local()


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM for this thread while durable-rules runs: a handler never runs inside
    its C code or its action callbacks; a signal that arrives meanwhile is delivered right after.
    Nested, only the outermost changes the signal mask."""
    if threading.current_thread() is not threading.main_thread() or getattr(_DEFERRING, "on", False):
        yield  # Python runs signal handlers in the main thread only
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _DEFERRED)
    _DEFERRING.on = True
    try:
        yield
    finally:
        _DEFERRING.on = False
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
