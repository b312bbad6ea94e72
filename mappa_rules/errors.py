"""The error hierarchy: every failure a user can cause is a MappaError with a one-line message."""

from __future__ import annotations


class MappaError(Exception):
    """Base of every error the tool reports to a user as one clear line."""

    exit_code = 1

    def to_json(self) -> dict:
        """The error as the machine-readable object `--format json` prints."""
        return {"error": str(self), "field": None, "cites": []}


class OptionError(MappaError):
    """A command option has a value the command cannot use (e.g. a kind no ruleset declares)."""

    exit_code = 2


class RulesetError(MappaError):
    """A ruleset file is malformed or inconsistent; nothing is evaluated."""

    exit_code = 2

    def __init__(self, path: str, reason: str, rule_id: str | None = None) -> None:
        self.path = path
        self.rule_id = rule_id
        self.reason = reason
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}: rule {self.rule_id}" if self.rule_id else self.path
        return f"{where}: {self.reason}"

    def to_json(self) -> dict:
        return {"error": str(self), "field": self.rule_id, "cites": []}


def excerpt(text: str, limit: int) -> str:
    """Input quoted in a message: one line (control characters escaped) and at most `limit` characters."""
    escaped = "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))
    return escaped if len(escaped) <= limit else escaped[: limit - 3] + "..."


class CaseError(MappaError):
    """A case file is malformed, has a bad value, or contradicts itself (VAL-1..3)."""

    exit_code = 2

    def __init__(self, source: str, field: str | None, reason: str, cites: tuple[str, ...] = ()) -> None:
        self.source = source
        self.field = field
        self.reason = reason
        self.cites = tuple(cites)
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{excerpt(self.source, 80)}: {excerpt(self.field, 80)}" if self.field else excerpt(self.source, 80)
        cited = f" ({', '.join(self.cites)})" if self.cites else ""
        return f"{where}: {excerpt(self.reason, 600)}{cited}"

    def to_json(self) -> dict:
        return {"error": str(self), "field": self.field, "cites": list(self.cites)}


class EvaluationError(MappaError):
    """The engine failed or disagreed with the condition interpreter: a bug, never a silent answer."""

    exit_code = 3
