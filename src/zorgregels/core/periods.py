"""Calendar arithmetic on dates, each in its scalar form (``datetime.date``) and its expression
form (ordinal columns, see ``core.exprs``) side by side: the same day some months later, and the
calendar months a period spans. The legal edges of the age and eligibility checks read them
through ``core.derived``.
"""

from __future__ import annotations

import calendar
import datetime as dt

import polars as pl

from zorgregels.core.exprs import as_date

#: "binnen een half jaar" (Jeugdwet art. 1.1, jeugdige 3°): six calendar months
HALF_YEAR_MONTHS = 6


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later, the month's last day where it is shorter
    (31 August + 6 months = 28/29 February), as polars ``dt.offset_by("<n>mo")``."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_months_expr(day: pl.Expr, months: int) -> pl.Expr:
    """``add_months`` of an ordinal column, as a polars date."""
    return as_date(day).dt.offset_by(f"{months}mo")


def months_spanned(start: dt.date, end: dt.date) -> int:
    """Calendar months from ``start`` to ``end`` inclusive, a started month counted in full:
    1 March to 31 May is 3, 1 March to 1 June is 4."""
    after = end + dt.timedelta(days=1)
    whole = (after.year - start.year) * 12 + after.month - start.month - (after.day < start.day)
    return whole + (after.day != start.day)


def months_spanned_expr(start_col: pl.Expr, end_col: pl.Expr) -> pl.Expr:
    """``months_spanned`` of two ordinal columns (null where either is null or the end lies
    before the start)."""
    start, after = as_date(start_col), as_date(end_col + 1)
    year = after.dt.year().cast(pl.Int64) - start.dt.year().cast(pl.Int64)
    month = after.dt.month().cast(pl.Int64) - start.dt.month().cast(pl.Int64)
    whole = year * 12 + month - (after.dt.day() < start.dt.day()).cast(pl.Int64)
    return pl.when(end_col >= start_col).then(whole + (after.dt.day() != start.dt.day()).cast(pl.Int64))


def within_months(day: dt.date, since: dt.date, months: int) -> bool:
    """``day`` lies on or before ``since`` plus ``months`` calendar months."""
    return day <= add_months(since, months)


def within_months_expr(day: pl.Expr, since: pl.Expr, months: int) -> pl.Expr:
    """``within_months`` of two ordinal columns (null where either is null)."""
    return as_date(day) <= add_months_expr(since, months)


__all__ = ["HALF_YEAR_MONTHS", "add_months", "add_months_expr", "months_spanned", "months_spanned_expr",
           "within_months", "within_months_expr"]
