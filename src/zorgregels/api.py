"""The public engine: the core (``core.engine.CoreEngine``, one case through durable-rules) with
the batch jobs as methods. This module stands on top of the core and the jobs, so that the core
never imports a feature.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from pathlib import Path

from zorgregels.core.engine import CoreEngine
from zorgregels.io.frame import Records
from zorgregels.jobs.audit import DEFAULT_REUSE_THRESHOLD, DEFAULT_SIMILARITY, Auditor, AuditReport
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

    @cached_property
    def auditor(self) -> Auditor:
        """The transparency audit's compiled rules on their own durable runtime (built once, on
        first use)."""
        return Auditor(self)

    def audit_rejections(self, records: Records, *, reuse_threshold: int = DEFAULT_REUSE_THRESHOLD,
                         similarity: float = DEFAULT_SIMILARITY, as_of: dt.date | None = None,
                         columns: str | Path | None = None) -> AuditReport:
        """Audit the transparency of light-help rejections (see ``zorgregels.jobs.audit``)."""
        return self.auditor.audit(records, reuse_threshold=reuse_threshold, similarity=similarity,
                                  as_of=as_of, columns=columns)


__all__ = ["Engine"]
