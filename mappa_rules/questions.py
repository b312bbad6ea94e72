"""The questions worth asking next: which unknown facts can still change an answer, and in what order.

For every fact the case does not give, each possible answer is tried on the completion diagrams:
- `decides`: some answer changes a firm or provisional value, or settles an outcome that needs an
  answer (gives it a value or makes it open), or narrows what it can still be;
- `confirms`: no answer changes a value; some answer can only turn a provisional value open (the
  other answers leave it as it is, or make it firm);
- a fact no answer changes is not asked: it is listed in `not_asked`, with why.
An outcome that is open on the facts given stays open whatever the answers (a co-ordinator decides),
so a fact that could only change what an open outcome could be is not asked.
Questions are ordered deciding first, then by how well the answers split what is still reachable
(the fewest reachable answers left, on average over the possible answers; a date, whose answers
cannot be listed, splits nothing and comes after the questions that do), then in vocabulary order,
so the same case always gives the same questions. (Ordering by the questions left after each answer
was measured too: more questions to a settled answer on the generated caseload, so not used.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mappa_rules.firmness import (FIRM, NEEDS_ANSWER, OPEN, PROVISIONAL, CompletionSpace, Firmness, classify, ordered, plain_value,
                                  reachable_answers)
from mappa_rules.space import Given, Variable

UNCERTAIN = "uncertain"
DECIDES, CONFIRMS = "decides", "confirms"


@dataclass(frozen=True)
class Question:
    """One fact worth asking, what each answer would do, and how good a question it is."""

    fact: str
    effect: str
    outcomes: tuple[str, ...]
    follows: dict[Any, dict[str, Any]]
    spread: float

    def order(self, position: int) -> tuple:
        return (self.effect != DECIDES, self.spread, position)


def analyse(space: CompletionSpace, given: set[str], allowed: list, firm: dict[str, Firmness],
            uncertain: frozenset[str] = frozenset(), scope: set[str] | None = None) -> tuple[list[Question], dict[str, str]]:
    """Every useful question in the order to ask them, and the facts not worth asking with why.

    Only the outcomes in `scope` (default: all) count: a question is worth asking for what the case asks."""
    book = space.book
    in_scope = {name: f for name, f in firm.items() if scope is None or name in scope}
    opened = [name for name, f in in_scope.items() if f.firmness == OPEN]
    firm = {name: f for name, f in in_scope.items() if f.firmness != OPEN}  # an open outcome stays open
    questions: list[tuple[int, Question]] = []
    not_asked: dict[str, str] = {}
    tested_by = {name: _tested_levels(space, allowed, [space.bare[name]]) for name in firm
                 if firm[name].firmness != FIRM}
    tested = set().union(*tested_by.values()) if tested_by else set()
    tested_open = _tested_levels(space, allowed, [space.bare[name] for name in opened]) if opened else set()
    unknown = space.unknown(given, uncertain)
    silent = space.silent(given, uncertain)
    reached = {name: f.reachable for name, f in firm.items()}  # already walked for the firmness
    for level, variable in enumerate(space.variables):
        positions = allowed[level]
        name = variable.name
        if name in silent and name not in given:
            not_asked[name] = f"an alternative to {book.facts[silent[name]].label or silent[name]}: not asked while that is"
            continue
        if variable.computed_from or name not in unknown:
            continue
        if name in uncertain:
            not_asked[name] = "asked: not known"
            continue
        if variable.fact_type == "date":
            date = _date_question(space, level, variable, tested, reached, firm)
            if date is None:
                not_asked[name] = "no answer to it changes any outcome on the facts given so far"
            else:
                questions.append((level, date))
            continue
        if positions is None or len(positions) < 2:
            continue
        if level not in tested:
            not_asked[name] = (_open_only(book, opened) if level in tested_open
                               else "no answer to it changes any outcome on the facts given so far")
            continue
        question = _question(space, allowed, firm, level, variable, unknown - {name})
        if question is None:
            # no single answer changes anything, but with other answers it can: still worth asking, last
            testing = [out for out, levels in tested_by.items() if level in levels]
            effect = CONFIRMS if all(firm[out].firmness == PROVISIONAL for out in testing) else DECIDES
            question = Question(name, effect, tuple(_label(book, out) for out in testing), {}, float("inf"))
        questions.append((level, question))
    ordered = [q for _, q in sorted(questions, key=lambda item: item[1].order(item[0]))]
    return ordered, not_asked


def _open_only(book: Any, opened: list[str]) -> str:
    from mappa_rules.wording import outcome_label

    labels = " and ".join(outcome_label(_label(book, name)).lower() for name in opened)
    return f"it could only change what the open {labels} could be: that stays open whatever the answer, and a co-ordinator decides"


def _question(space: CompletionSpace, allowed: list, firm: dict[str, Firmness], level: int, variable: Variable,
              free: set[str]) -> Question | None:
    decides, confirms, touched = False, False, []
    follows: dict[Any, dict[str, Any]] = {}
    remaining, possible = 0, 0
    for at in sorted(allowed[level]):
        narrowed = [frozenset({at}) if lv == level else positions for lv, positions in enumerate(allowed)]
        reached = space.reachable(narrowed, free)
        if not any(reached.values()):
            continue  # this answer contradicts the facts given (VAL-3): not a possible answer
        possible += 1
        changed: dict[str, Any] = {}
        for name, before in firm.items():  # none of them open: an open outcome stays open, whatever the answer
            now = classify(name, reached[name], None)
            remaining += len({r.answer if not r.doubt else ("doubt",) for r in now.reachable})
            if _same(before, now):
                continue
            if before.firmness == NEEDS_ANSWER and now.firmness != NEEDS_ANSWER:
                decides = True
            elif before.firmness in (FIRM, PROVISIONAL) and now.firmness in (FIRM, PROVISIONAL) and _value(before) != _value(now):
                decides = True
            elif before.firmness == PROVISIONAL and now.firmness in (OPEN, NEEDS_ANSWER):
                confirms = True
            elif before.firmness == NEEDS_ANSWER:
                pass  # still needs an answer, with fewer left: counted in the spread
            if now.firmness != before.firmness or _value(before) != _value(now) or _answers(before) != _answers(now):
                changed[_label(space.book, name)] = now
                touched.append(_label(space.book, name))
        if changed:
            follows[_answer_key(variable, at)] = {label: _summary(space.book, f) for label, f in changed.items()}
    outcomes = tuple(dict.fromkeys(touched))
    if not outcomes or possible < 2:
        return None
    if not confirms:
        decides = True  # it settles, changes, or narrows what an outcome that needs an answer can still be
    return Question(variable.name, DECIDES if decides else CONFIRMS, outcomes, follows, remaining / possible)


def _date_question(space: CompletionSpace, level: int, variable: Variable, tested: set[int],
                   reached: dict[str, list[Any]], firm: dict[str, Firmness]) -> Question | None:
    """A date the case does not give: worth asking when an answer is that date, or is computed from it,
    or when whether a yes/no computed from it holds can change an outcome."""
    name = variable.name
    computes = any(v.computed_from and name in v.computed_from and lv in tested for lv, v in enumerate(space.variables))
    outcomes = [out for out, results in reached.items() if out in firm
                and any(r.how == "value" and isinstance(r.value, tuple) and r.value[:1] == ("unpinned",)
                        and space.made_of(r.value, name) for r in results)]
    if computes:
        outcomes += [out for out, f in firm.items() if f.firmness == NEEDS_ANSWER and out not in outcomes]
    if not outcomes:
        return None
    labels = tuple(space.book.derived[o].outcome or o if o in space.book.derived else o for o in outcomes)
    # a date's answers cannot be listed, so it splits nothing: asked after the questions that do (the
    # Level 3 report date once it is known the escalation reached Level 3)
    return Question(name, DECIDES, labels, {}, float(sum(len(_answers(f)) for f in firm.values())))


def _tested_levels(space: CompletionSpace, allowed: list, roots: list[int]) -> set[int]:
    """The variables on which some root truly depends within `allowed`: there is a completion where
    changing that fact alone changes the answer. Each node's function is reduced to its restriction
    (a node whose allowed children are all the same function is that function), so a variable counts
    only where a node of it keeps two different restricted children."""
    d = space.diagram
    canon: dict[int, Any] = {}
    interned: dict[Any, int] = {}
    levels: set[int] = set()

    def reduce(node: int) -> int:
        hit = canon.get(node)
        if hit is not None:
            return hit
        if d.is_terminal(node):
            result = d.value(node)
            key = ("t", result.how, result.answer if result.how in ("value", "not_reported") else None,
                   tuple(map(repr, result.candidates)))
        else:
            level = d._level[node]
            positions = allowed[level]
            kids = d._children[node] if positions is None else [d._children[node][i] for i in sorted(positions)]
            reduced = [reduce(k) for k in kids]
            if len(set(reduced)) == 1:
                canon[node] = reduced[0]
                return reduced[0]
            levels.add(level)
            key = (level, tuple(reduced))
        found = interned.setdefault(key, len(interned))
        canon[node] = found
        return found

    for root in roots:
        reduce(root)
    return levels


def _same(before: Firmness, now: Firmness) -> bool:
    return before.firmness == now.firmness and _value(before) == _value(now) and \
        sorted(map(repr, before.reachable)) == sorted(map(repr, now.reachable))


def _answers(f: Firmness) -> set[Any]:
    """The distinct answers an outcome can still give (doubt as one)."""
    return {r.answer if not r.doubt else ("doubt",) for r in f.reachable}


def _value(f: Firmness) -> Any:
    return repr(f.value) if f.firmness in (FIRM, PROVISIONAL) else None


def _label(book: Any, name: str) -> str:
    return book.derived[name].outcome or name if name in book.derived else name


def _summary(book: Any, f: Firmness) -> dict[str, Any]:
    out: dict[str, Any] = {"firmness": f.firmness}
    if f.firmness in (FIRM, PROVISIONAL):
        out["value"] = plain_value(book, f.value) if f.applies else None
        if not f.applies:
            out["applies"] = False
    elif f.firmness == OPEN:
        out["candidates"] = ordered([plain_value(book, c) for c in f.candidates])
    else:  # still needs an answer: what it can still be
        out["could_be"] = reachable_answers(book, f.outcome, f.reachable)
    return out


def _answer_key(variable: Variable, at: int) -> Any:
    """An answer as the `if` of a question shows it: the value, or words where it stands for a range."""
    value = variable.values[at]
    if value is None:
        return "none"
    if isinstance(value, Given) or (variable.fact_type == "number" and not isinstance(value, bool)):
        return variable.label(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def answers_allowed(variable: Variable, spec: Any) -> list[Any] | dict[str, Any]:
    """What a person may answer: the values (and 'uncertain'), or the kind of value expected."""
    if spec.type == "bool":
        return [True, False, UNCERTAIN]
    if spec.type == "enum":
        return [*(spec.values or []), UNCERTAIN]
    if spec.type in ("int", "number"):
        if spec.type == "int" and spec.min is not None and spec.max is not None and spec.max - spec.min < 16:
            values: list[Any] = list(range(int(spec.min), int(spec.max) + 1))
            return [*values, *([None] if spec.nullable else []), UNCERTAIN]
        return {"type": spec.type, "min": spec.min, "max": spec.max, "nullable": spec.nullable, "or": UNCERTAIN}
    if spec.type == "date":
        return {"type": "date", "format": "YYYY-MM-DD", "nullable": spec.nullable, "or": UNCERTAIN}
    return {"type": "text", "examples": [v for v in variable.values if isinstance(v, str)], "or": UNCERTAIN}


def as_json(space: CompletionSpace, question: Question) -> dict[str, Any]:
    """A question as the result's `next_question` / `questions` entries show it."""
    book = space.book
    spec = book.facts[question.fact]
    variable = space.variables[space.levels[question.fact]]
    alternatives = [name for name, other in book.facts.items() if other.alternative_to == question.fact]
    return {
        "fact": question.fact,
        "label": spec.label,
        "question": spec.question or spec.meaning,
        **({"or_instead": [{"fact": a, "label": book.facts[a].label, "question": book.facts[a].question}
                           for a in alternatives]} if alternatives else {}),
        "answers_allowed": answers_allowed(variable, spec),
        "effect": question.effect,
        "outcomes": list(question.outcomes),
        "if": {str(k) if not isinstance(k, str) else k: v for k, v in question.follows.items()},
    }


__all__ = ["CONFIRMS", "DECIDES", "UNCERTAIN", "Question", "analyse", "answers_allowed", "as_json"]
