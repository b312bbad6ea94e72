"""mappa-rules: MAPPA policy as declarative, tested, explained rules."""

__version__ = "0.1.0"
MARKING = "OFFICIAL-SENSITIVE"  # the protective marking on every report, page and JSON result

from mappa_rules.errors import CaseError, EvaluationError, MappaError, RulesetError

__all__ = [
    "__version__",
    "MARKING",
    "CaseError",
    "EvaluationError",
    "MappaError",
    "RulesetError",
]
