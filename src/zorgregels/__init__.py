"""zorgregels: a rules engine for Dutch youth care (jeugdhulp), on durable-rules.

    from zorgregels import Engine
    engine = Engine.from_path("rules/")
    decision = engine.evaluate(case, as_of=date(2025, 3, 1))
"""

from __future__ import annotations

from zorgregels.api import Engine
from zorgregels.catalogue.catalogue import Catalogue
from zorgregels.catalogue.loader import check_catalogue, load_catalogue
from zorgregels.catalogue.model import FORMAT_VERSION
from zorgregels.core.receipt import BatchReceipt, Receipt
from zorgregels.core.results import Decision, Finding, NotEvaluable, TraceStep
from zorgregels.core.tariffs import ThreeMonths, three_months
from zorgregels.diagnostics import CatalogueError, Diagnostic, InputError
from zorgregels.jobs.audit import AuditReport, audit_rejections
from zorgregels.jobs.overview import TariffTable, tariff_table
from zorgregels.version import __version__

__all__ = [
    "AuditReport",
    "BatchReceipt",
    "FORMAT_VERSION",
    "Catalogue",
    "CatalogueError",
    "Decision",
    "Diagnostic",
    "Engine",
    "Finding",
    "InputError",
    "NotEvaluable",
    "Receipt",
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
