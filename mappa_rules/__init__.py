"""mappa-rules: MAPPA policy as declarative, tested, explained rules."""

__version__ = "0.1.0"

from mappa_rules.errors import CaseError, EvaluationError, MappaError, RulesetError

__all__ = [
    "__version__",
    "CaseError",
    "EvaluationError",
    "MappaError",
    "RulesetError",
]
