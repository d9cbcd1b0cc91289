"""zorgregels: a rules engine for Dutch youth care (jeugdhulp), on durable-rules.

    from zorgregels import Engine
    engine = Engine.from_path("rules/")
    decision = engine.evaluate(case, as_of=date(2025, 3, 1))

The names below are imported on first use (PEP 562), not with the package: ``import zorgregels``
stays cheap, so the command line (``zorgregels.launch``) can take over Ctrl-C before polars and
durable-rules are loaded.
"""

from __future__ import annotations

import importlib
import os

from zorgregels.version import __version__

#: polars' allocator (jemalloc) hands freed memory back to the system after 0.3 s instead of
#: keeping it for seconds: a batch of a million decisions frees its slices' wide tables one after
#: another, and kept they add ~100-150 MB to the peak (measured on 1M Parquet: 953-1,041 ->
#: 870-874 MB, at ~3 s more CPU; a background purging thread was as small and cheaper, but a
#: Ctrl-C while starting once hung the process with it). Read once, when polars loads: a
#: setting of the user's own (or polars imported before zorgregels) is left as it is.
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:300,muzzy_decay_ms:0")

#: not ``typing.TYPE_CHECKING``: importing ``typing`` costs a Ctrl-C-unsafe moment at start-up
#: (type checkers treat any name ``TYPE_CHECKING`` the same)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from zorgregels.api import Engine
    from zorgregels.catalogue.catalogue import Catalogue
    from zorgregels.catalogue.loader import check_catalogue, load_catalogue
    from zorgregels.catalogue.model import FORMAT_VERSION
    from zorgregels.core.receipt import BatchReceipt, Receipt
    from zorgregels.core.results import Decision, Finding, NotEvaluable, TraceStep
    from zorgregels.core.tariffs import ThreeMonths, three_months
    from zorgregels.diagnostics import CatalogueError, Diagnostic, EngineError, InputError
    from zorgregels.jobs.audit import AuditReport, audit_rejections
    from zorgregels.jobs.overview import TariffTable, tariff_table

#: each public name and the module it comes from
_HOMES = {
    "Engine": "zorgregels.api",
    "Catalogue": "zorgregels.catalogue.catalogue",
    "check_catalogue": "zorgregels.catalogue.loader",
    "load_catalogue": "zorgregels.catalogue.loader",
    "FORMAT_VERSION": "zorgregels.catalogue.model",
    "BatchReceipt": "zorgregels.core.receipt",
    "Receipt": "zorgregels.core.receipt",
    "Decision": "zorgregels.core.results",
    "Finding": "zorgregels.core.results",
    "NotEvaluable": "zorgregels.core.results",
    "TraceStep": "zorgregels.core.results",
    "ThreeMonths": "zorgregels.core.tariffs",
    "three_months": "zorgregels.core.tariffs",
    "CatalogueError": "zorgregels.diagnostics",
    "Diagnostic": "zorgregels.diagnostics",
    "EngineError": "zorgregels.diagnostics",
    "InputError": "zorgregels.diagnostics",
    "AuditReport": "zorgregels.jobs.audit",
    "audit_rejections": "zorgregels.jobs.audit",
    "TariffTable": "zorgregels.jobs.overview",
    "tariff_table": "zorgregels.jobs.overview",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'zorgregels' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])


__all__ = [
    "AuditReport",
    "BatchReceipt",
    "FORMAT_VERSION",
    "Catalogue",
    "CatalogueError",
    "Decision",
    "Diagnostic",
    "Engine",
    "EngineError",
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
