"""The public engine: the core (``core.engine.CoreEngine``, one case through durable-rules) with
the batch jobs as methods. This module stands on top of the core and the jobs, so that the core
never imports a feature.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from zorgregels.core.engine import CoreEngine
from zorgregels.io.frame import Records
from zorgregels.jobs.audit import AuditReport, audit_rejections
from zorgregels.jobs.overview import TariffTable, tariff_table
from zorgregels.jobs.validate import Progress, ValidationReport, validate


class Engine(CoreEngine):
    """A region's rules, compiled: ``evaluate`` one case, ``validate`` a batch, ``audit_rejections``,
    ``tariff_table``.

    >>> engine = Engine.from_path("rules/")            # doctest: +SKIP
    >>> engine.evaluate({"domains": ["dyslexie"], ...}, as_of=date(2025, 3, 1))  # doctest: +SKIP
    """

    def validate(self, records: Records, *, columns: str | Path | None = None,
                 as_of: dt.date | None = None, progress: Progress | None = None,
                 sequential_gap_days: int = 183) -> ValidationReport:
        """Validate a batch of decision records (see ``zorgregels.jobs.validate``)."""
        return validate(self, records, columns=columns, as_of=as_of, progress=progress,
                        sequential_gap_days=sequential_gap_days)

    def tariff_table(self, as_of: dt.date, compare: dt.date | None = None) -> TariffTable:
        """The referrers' overview of codes with tariffs per 3 months (see ``zorgregels.jobs.overview``)."""
        return tariff_table(self.catalogue, as_of, compare)

    def audit_rejections(self, records: Any, **options: Any) -> AuditReport:
        """Audit the transparency of light-help rejections (see ``zorgregels.jobs.audit``)."""
        return audit_rejections(self, records, **options)


__all__ = ["Engine"]
