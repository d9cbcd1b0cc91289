"""Batch validation of referral decisions: every single-decision check through the columnar
evaluator (the same compiled rules as ``Engine.evaluate``, ``run``), plus the checks that need
the whole batch (``cross``): ``budget_ceiling``, ``sequential_help`` and iJw's no-stacking rule.
"""

from zorgregels.core.results import NotEvaluable
from zorgregels.jobs.validate.report import ValidationReport
from zorgregels.jobs.validate.run import Progress, validate

__all__ = ["NotEvaluable", "Progress", "ValidationReport", "validate"]
