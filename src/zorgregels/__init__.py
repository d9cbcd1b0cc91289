"""zorgregels: a rules engine for Dutch youth care (jeugdhulp), on durable-rules.

    from zorgregels import Engine
    engine = Engine.from_path("rules/")
    decision = engine.evaluate(case, as_of=date(2025, 3, 1))
"""

from __future__ import annotations

__version__ = "0.1.0"

from .audit import AuditReport, audit_rejections
from .catalogue import Catalogue
from .diagnostics import CatalogueError, Diagnostic, InputError
from .engine import Engine
from .loader import check_catalogue, load_catalogue
from .model import FORMAT_VERSION
from .overview import TariffTable, tariff_table
from .results import Decision, Finding, NotEvaluable, TraceStep
from .tariffs import ThreeMonths, three_months

__all__ = [
    "AuditReport",
    "FORMAT_VERSION",
    "Catalogue",
    "CatalogueError",
    "Decision",
    "Diagnostic",
    "Engine",
    "Finding",
    "InputError",
    "NotEvaluable",
    "TariffTable",
    "ThreeMonths",
    "TraceStep",
    "__version__",
    "audit_rejections",
    "check_catalogue",
    "load_catalogue",
    "tariff_table",
    "three_months",
]
