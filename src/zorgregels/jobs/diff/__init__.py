"""diff: a rule change over a batch (``run``), and its report and files (``report``)."""

from zorgregels.jobs.diff.report import DiffReport, summary_json
from zorgregels.jobs.diff.run import diff

__all__ = ["DiffReport", "diff", "summary_json"]
