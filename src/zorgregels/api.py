"""The public engine: the core (``core.engine.CoreEngine``, one case through durable-rules) with
the batch jobs as methods. This module stands on top of the core and the jobs, so that the core
never imports a feature.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from pathlib import Path

from zorgregels.core.engine import CoreEngine
from zorgregels.core.facts import reference_date
from zorgregels.io.frame import Records
from zorgregels.jobs.audit import DEFAULT_REUSE_THRESHOLD, DEFAULT_SIMILARITY, Auditor, AuditReport
from zorgregels.jobs.letter import Letter, LetterBatch, LetterWriter, Refusal, write_letters
from zorgregels.jobs.overview import TariffTable, tariff_table
from zorgregels.jobs.validate import Progress, ValidationReport, validate

#: a reference date as the library takes it: a ``date``, a ``datetime`` (its day) or ISO text
DateLike = dt.date | dt.datetime | str


def _day(value: DateLike | None, what: str = "as_of") -> dt.date | None:
    return None if value is None else reference_date(value, what)


class Engine(CoreEngine):
    """A region's rules, compiled: ``evaluate`` one case, ``validate`` a batch, ``audit_rejections``,
    ``tariff_table``.

    Every reference date (``as_of``, ``compare``) is a ``date``, a ``datetime`` or an ISO text
    ``JJJJ-MM-DD``. Bad arguments (``None`` for a case or a path, a wrong type, a bad date)
    raise ``zorgregels.InputError``; rules that do not load raise ``CatalogueError``.

    >>> engine = Engine.from_path("rules/")            # doctest: +SKIP
    >>> engine.evaluate({"domains": ["dyslexie"], ...}, as_of=date(2025, 3, 1))  # doctest: +SKIP
    """

    def validate(self, records: Records, *, columns: str | Path | None = None,
                 as_of: DateLike | None = None, progress: Progress | None = None,
                 sequential_gap_days: int = 183) -> ValidationReport:
        """Validate a batch of decision records (see ``zorgregels.jobs.validate``)."""
        return validate(self, records, columns=columns, as_of=_day(as_of), progress=progress,
                        sequential_gap_days=sequential_gap_days)

    def tariff_table(self, as_of: DateLike, compare: DateLike | None = None) -> TariffTable:
        """The referrers' overview of codes with tariffs per 3 months (see ``zorgregels.jobs.overview``)."""
        return tariff_table(self.catalogue, reference_date(as_of), _day(compare, "compare"))

    @cached_property
    def auditor(self) -> Auditor:
        """The transparency audit's compiled rules on their own durable runtime (built once, on
        first use)."""
        return Auditor(self)

    def audit_rejections(self, records: Records, *, reuse_threshold: int = DEFAULT_REUSE_THRESHOLD,
                         similarity: float = DEFAULT_SIMILARITY, as_of: DateLike | None = None,
                         columns: str | Path | None = None) -> AuditReport:
        """Audit the transparency of light-help rejections (see ``zorgregels.jobs.audit``)."""
        return self.auditor.audit(records, reuse_threshold=reuse_threshold, similarity=similarity,
                                  as_of=_day(as_of), columns=columns)

    @cached_property
    def letter_writer(self) -> LetterWriter:
        """The decision letters of this catalogue (``zorgregels.jobs.letter``)."""
        return LetterWriter(self)

    def letter(self, case: dict[str, object], *, as_of: DateLike | None = None) -> Letter | Refusal:
        """The motivation section of one decision's letter (``.text``), or why it cannot be
        written (``Refusal.reasons``); the same text ``zorgregels letter`` prints."""
        bsn = str(case.get("bsn") or "").strip()
        return self.letter_writer.write(case, as_of=_day(as_of), bsns={bsn} if len(bsn) >= 8 else set())

    def letters(self, records: Records, *, as_of: DateLike | None = None,
                columns: str | Path | None = None) -> LetterBatch:
        """The letters (and refusals) of a batch; ``.write(DIR)`` writes them."""
        return write_letters(self.letter_writer, records, columns=columns, as_of=_day(as_of))


__all__ = ["DateLike", "Engine"]
