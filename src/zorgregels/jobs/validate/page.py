"""validate's ``report.html``: who drives the findings, what they are, how much money is at stake
and what to do about them, in Dutch, on any screen.

- Rates, not only counts: per municipality (the region's names, the CBS code in a tooltip),
  provider, team and referrer type, the decisions of the group are the denominator of its
  findings per decision and of its error share (decisions with verdict ``error``); the batch
  itself is one marked row of every table.
- Money at stake: the 3-month cost (``core.cost``, through ``cross.granted_cost_3m_cents``, as
  ``diff`` counts it) of the decisions with at least one error finding, per check and per
  municipality, in exact cents.
- Every check by its Dutch title (``CHECK_TITLES``), every rule with its basis as a citation and
  its "wat te doen" (``Rule.remedy``) where the rule file declares one.
- The findings table embeds at most ``HTML_TABLE_LIMIT`` rows: the errors first, then the
  warnings, then the info, each in the order of findings.jsonl.

Everything is counted with polars ``group_by`` over the batch, so a page of a million decisions
costs a few group-bys, not a loop over rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import polars as pl
from markupsafe import Markup

from zorgregels.catalogue.ijw import REFERRER_TYPES
from zorgregels.catalogue.model import CHECK_TITLES, SEVERITY_LABELS
from zorgregels.core import nl
from zorgregels.core.exprs import INDEX
from zorgregels.core.findings import ENGINE_KINDS, table_conflict, table_gap
from zorgregels.core.outcome import VERDICT_LABELS
from zorgregels.jobs.validate.cross import CROSS_KINDS, granted_cost_3m_cents
from zorgregels.render.charts import Bar, BarChart, Series, counts_chart
from zorgregels.render.pages import cited, render_page

if TYPE_CHECKING:
    from zorgregels.jobs.validate.report import ValidationReport

HTML_TABLE_LIMIT = 5000
#: a group ranks in the summary's top three only with at least this many decisions
MIN_GROUP = 10
#: the largest groups a table shows per dimension (a region may have hundreds of providers)
GROUP_LIMIT = 200
EMPTY = "(leeg)"
SEVERITIES = ("error", "warning", "info")
VERDICTS = ("error", "incomplete", "warning", "ok")
VERDICT_COLOURS = {"error": "#b3261e", "incomplete": "#8e6bbf", "warning": "#e0a030", "ok": "#2e7d32"}
#: the columns a finding row shows, after the decision's own facts
FINDING_COLUMNS = ("decision_id", "severity", "check", "rule", "message", "basis", "source", "row")


@dataclass(frozen=True)
class Dimension:
    key: str  # the column
    noun: str  # "gemeente"
    heading: str  # "Per gemeente"


DIMENSIONS = (
    Dimension("municipality", "gemeente", "Per gemeente"),
    Dimension("provider", "aanbieder", "Per aanbieder"),
    Dimension("team", "team", "Per team"),
    Dimension("referrer_type", "verwijzer", "Per soort verwijzer"),
)


@dataclass(frozen=True)
class GroupRow:
    """One group of decisions (or the whole batch, ``average``) and its rates."""

    key: str
    label: str
    title: str
    decisions: int
    findings: int
    errors: int
    flagged: int  # decisions with at least one error finding
    cents: int  # the 3-month cost of its flagged decisions
    unpriced: int  # flagged decisions whose cost is unknown
    average: bool = False

    @property
    def error_share(self) -> Decimal:
        return Decimal(self.errors) / self.decisions if self.decisions else Decimal(0)

    def clearly_above(self, batch: GroupRow) -> bool:
        """The group's error share is above the batch's by more than chance explains at its size:
        more than two standard errors (sqrt(p(1-p)/n), p the batch's share)."""
        p = batch.error_share
        if self.average or not self.decisions or self.error_share <= p:
            return False
        return self.error_share - p > 2 * (p * (1 - p) / self.decisions).sqrt()

    @property
    def per_decision(self) -> Decimal:
        return Decimal(self.findings) / self.decisions if self.decisions else Decimal(0)

    @property
    def money(self) -> Decimal:
        return Decimal(self.cents) / 100


@dataclass(frozen=True)
class CheckRow:
    check: str
    title: str
    by_severity: dict[str, int]
    findings: int
    decisions: int  # decisions with a finding of this check
    error_decisions: int
    cents: int
    unpriced: int

    @property
    def money(self) -> Decimal:
        return Decimal(self.cents) / 100


@dataclass(frozen=True)
class RuleRow:
    check: str
    rule: str
    severity: str
    findings: int
    basis: str
    remedy: str


@dataclass(frozen=True)
class Page:
    """What ``report.html`` shows, counted once (the tests read it too)."""

    batch: GroupRow
    groups: dict[str, list[GroupRow]]  # per dimension key, largest error share first
    group_totals: dict[str, int]  # how many groups a dimension has (the table shows GROUP_LIMIT)
    checks: list[CheckRow]
    rules: list[RuleRow]
    verdicts: dict[str, int]
    base: pl.DataFrame  # decision_frame: one row per decision
    names: dict[str, str]  # CBS code -> municipality name


def municipality_names(report: ValidationReport) -> dict[str, str]:
    """CBS code -> name, from the region of the catalogue the batch was validated with."""
    cat = report.catalogue
    if cat is None or cat.region is None:
        return {}
    return {m.code: m.name for m in cat.region.municipalities}


def _text(frame: pl.DataFrame | None, name: str) -> pl.Series | None:
    if frame is None or name not in frame.columns:
        return None
    return frame.get_column(name).cast(pl.Utf8)


def decision_frame(report: ValidationReport) -> pl.DataFrame:
    """One row per decision (``INDEX`` order): the four dimensions, the code, verdict, finding
    count, 3-month cost in cents (null where unknown) and whether it has an error finding."""
    d = report.verdicts
    n = d.height
    facts = report.facts
    texts = report.decisions if facts is None else None  # the input's text, only without facts
    if facts is not None and not facts.get_column(INDEX).is_sorted():
        facts = facts.sort(INDEX)
    cols: dict[str, pl.Series] = {INDEX: pl.int_range(0, n, dtype=pl.Int64, eager=True)}
    for name in ("municipality", "provider", "team", "referrer_type", "code"):
        s = _text(facts, name)
        s = s if s is not None else _text(texts, name)
        cols[name] = s if s is not None else pl.repeat(None, n, dtype=pl.Utf8, eager=True)
    cols["verdict"] = d.get_column("verdict")
    cols["findings"] = d.get_column("finding_count").cast(pl.Int64)
    errors = (report.findings.select("severity", INDEX)
              .filter((pl.col("severity") == "error") & pl.col(INDEX).is_not_null()))
    flagged = errors.get_column(INDEX).unique()
    cols["has_error"] = pl.repeat(False, n, dtype=pl.Boolean, eager=True).scatter(flagged, True)
    cost = pl.repeat(None, n, dtype=pl.Int64, eager=True)
    if facts is not None and report.catalogue is not None and flagged.len():
        # only a decision with an error finding puts money at stake: the cost of those alone
        some = (facts.filter(pl.col(INDEX).is_in(flagged.implode()))
                .select(INDEX, granted_cost_3m_cents(report.catalogue).alias("c")).drop_nulls("c"))
        cost = cost.scatter(some.get_column(INDEX), some.get_column("c"))
    cols["cost"] = cost
    return pl.DataFrame([s.alias(k) for k, s in cols.items()])


def _aggregates() -> list[pl.Expr]:
    return [pl.len().alias("decisions"), pl.col("findings").sum().alias("findings"),
            (pl.col("verdict") == "error").sum().alias("errors"),
            pl.col("has_error").sum().alias("flagged"),
            pl.col("cost").filter(pl.col("has_error")).sum().alias("cents"),
            (pl.col("has_error") & pl.col("cost").is_null()).sum().alias("unpriced")]


def _labels(dim: str, key: str | None, names: dict[str, str]) -> tuple[str, str]:
    """A group's label and its tooltip: a municipality by name (the CBS code in the tooltip), a
    referrer type by its Dutch name (the iJw code in the tooltip)."""
    if key is None:
        return EMPTY, "geen waarde in de invoer"
    if dim == "municipality":
        if key in names:
            return names[key], f"CBS-code {key}"
        code = next((c for c, name in names.items() if name == key), None)
        return key, f"CBS-code {code}" if code else "niet in de regio van de regels"
    if dim == "referrer_type":
        label = REFERRER_TYPES.get(key)
        return (label, f"verwijzer (iJw) {key}") if label else (key, "onbekende code")
    return key, key


def _row(dim: str, key: str | None, values: tuple[int, ...], names: dict[str, str]) -> GroupRow:
    label, title = _labels(dim, key, names)
    n, findings, errors, flagged, cents, unpriced = (int(v or 0) for v in values)
    return GroupRow(EMPTY if key is None else key, label, title, n, findings, errors, flagged, cents, unpriced)


def _checks(findings: pl.DataFrame, base: pl.DataFrame) -> list[CheckRow]:
    if findings.is_empty():
        return []
    findings = findings.select("check", "severity", INDEX)  # never filter the wide text columns
    per_sev: dict[str, dict[str, int]] = {}
    for check, sev, n in findings.group_by("check", "severity").len().iter_rows():
        per_sev.setdefault(check, {})[sev] = int(n)
    rows = findings.filter(pl.col(INDEX).is_not_null())
    touched = {c: int(n) for c, n in rows.select("check", INDEX).unique().group_by("check").len().iter_rows()}
    errs = rows.filter(pl.col("severity") == "error").select("check", INDEX).unique()
    # base holds one row per decision in INDEX order: gather its cost, no join of a million rows
    errs = (errs.with_columns(base.get_column("cost").gather(errs.get_column(INDEX)).alias("cost"))
            .group_by("check").agg(pl.len().alias("n"), pl.col("cost").sum().alias("cents"),
                                   pl.col("cost").is_null().sum().alias("unpriced")))
    money = {c: (int(n), int(cents or 0), int(u)) for c, n, cents, u in errs.iter_rows()}
    out = [CheckRow(c, CHECK_TITLES.get(c, c), {s: sev.get(s, 0) for s in SEVERITIES}, sum(sev.values()),
                    touched.get(c, 0), *money.get(c, (0, 0, 0)))
           for c, sev in per_sev.items()]
    return sorted(out, key=lambda r: (-r.findings, r.check))


def _rules(findings: pl.DataFrame, report: ValidationReport) -> list[RuleRow]:
    """Every rule with findings in the batch: check, rule, severity, how many, basis, remedy."""
    if findings.is_empty():
        return []
    remedies = {rule: kind.remedy or "" for rule, kind in (ENGINE_KINDS | CROSS_KINDS).items()}
    if report.catalogue is not None:
        for t in report.catalogue.tables:
            remedies |= {k.rule: k.remedy or "" for k in (table_gap(t.table), table_conflict(t.table))}
        remedies |= {r.id: r.rule.remedy or "" for r in report.catalogue.rules}
    per_rule = (findings.group_by("check", "rule", "severity", "basis").agg(pl.len().alias("n"))
                .sort(["n", "rule", "severity", "basis"], descending=[True, False, False, False]))
    return [RuleRow(c, r, s, int(n), b or "", remedies.get(r, ""))
            for c, r, s, b, n in per_rule.select("check", "rule", "severity", "basis", "n").iter_rows()]


def build(report: ValidationReport) -> Page:
    """Count what the page shows: the batch, its groups, its checks and its rules."""
    base = decision_frame(report)
    names = municipality_names(report)
    total = base.select(_aggregates()).row(0)
    batch = _row("", "batch", total, names)
    batch = GroupRow("batch", "Hele batch (gemiddelde)", "alle besluiten van de batch", batch.decisions,
                     batch.findings, batch.errors, batch.flagged, batch.cents, batch.unpriced, average=True)
    groups: dict[str, list[GroupRow]] = {}
    group_totals: dict[str, int] = {}
    for dim in DIMENSIONS:
        g = (base.group_by(dim.key).agg(_aggregates())
             .sort(["decisions", dim.key], descending=[True, False], nulls_last=True))
        group_totals[dim.key] = g.height
        rows = [_row(dim.key, r[0], tuple(r[1:]), names) for r in g.head(GROUP_LIMIT).iter_rows()]
        groups[dim.key] = sorted(rows, key=lambda r: (-r.error_share, -r.decisions, r.key))
    verdicts = {str(v): int(n) for v, n in base.group_by("verdict").len().iter_rows()}
    return Page(batch=batch, groups=groups, group_totals=group_totals,
                checks=_checks(report.findings, base), rules=_rules(report.findings, report),
                verdicts=verdicts, base=base, names=names)


def top(rows: list[GroupRow], k: int = 3) -> list[GroupRow]:
    """The ``k`` groups with the highest error share among those of at least ``MIN_GROUP``
    decisions (a group of three decisions with one error says little)."""
    return [r for r in rows if r.decisions >= MIN_GROUP and r.errors][:k]


def table_rows(findings: pl.DataFrame, limit: int = HTML_TABLE_LIMIT) -> pl.DataFrame:
    """The findings the page embeds: errors first, then warnings, then info, each in the order of
    findings.jsonl (deterministic), at most ``limit``."""
    parts, left = [], limit
    for sev in SEVERITIES:
        if left <= 0:
            break
        part = findings.filter(pl.col("severity") == sev).head(left)
        parts.append(part)
        left -= part.height
    return pl.concat(parts, how="vertical") if parts else findings.head(0)


def _finding_rows(report: ValidationReport, base: pl.DataFrame, names: dict[str, str]
                  ) -> Iterator[dict[str, Any]]:
    chosen = table_rows(report.findings)
    ctx = base.select(INDEX, pl.col("municipality").alias("__mun"), pl.col("provider").alias("__prov"),
                      pl.col("code").alias("__code"))
    if INDEX not in chosen.columns:
        chosen = chosen.with_columns(pl.lit(None, dtype=pl.Int64).alias(INDEX))
    joined = chosen.join(ctx, on=INDEX, how="left", maintain_order="left")
    citations: dict[str, Markup] = {}  # a basis is cited once, however many findings rest on it
    for r in joined.select(*FINDING_COLUMNS, "__mun", "__prov", "__code").iter_rows(named=True):
        mun = r["__mun"]
        label, title = _labels("municipality", mun, names) if mun is not None else ("", "")
        basis = r["basis"] or ""
        if basis not in citations:
            citations[basis] = cited(basis, report.links)
        yield {**{k: ("" if r[k] is None else r[k]) for k in FINDING_COLUMNS},
               "municipality": mun or "", "municipality_label": label, "municipality_title": title,
               "provider": r["__prov"] or "", "code": r["__code"] or "", "cited": citations[basis]}


def _verdict_chart(rows: list[GroupRow], base: pl.DataFrame, dim: Dimension, batch: GroupRow) -> BarChart:
    counts: dict[str | None, dict[str, int]] = {}
    for k, v, n in base.group_by(dim.key, "verdict").len().iter_rows():
        counts.setdefault(k, {})[v] = int(n)
    series = tuple(Series(v, VERDICT_LABELS[v], VERDICT_COLOURS[v]) for v in VERDICTS)
    bars = tuple(Bar(r.label, tuple(counts.get(None if r.key == EMPTY else r.key, {}).get(v, 0)
                                    for v in VERDICTS),
                     f"{nl.percent(r.error_share)} fout", title=r.title) for r in rows[:25])
    return BarChart(f"Oordeel per {dim.noun}, hoogste foutaandeel boven", series, bars, share=True,
                    marker=float(batch.error_share * 100),
                    marker_label=f"foutaandeel van de hele batch ({nl.percent(batch.error_share)})",
                    note="Elke balk is 100% van de besluiten van die groep.")


def _charts(report: ValidationReport, page: Page, base: pl.DataFrame) -> list[BarChart]:
    f = report.findings
    per_row = (f.select("rule", INDEX).filter(pl.col(INDEX).is_not_null())
               .join(base.select(INDEX, "code"), on=INDEX, how="left"))

    def by_code(rules: list[str]) -> list[tuple[str, int]]:
        sel = per_row.filter(pl.col("rule").is_in(rules))
        g = sel.group_by("code").len().sort(["len", "code"], descending=[True, False], nulls_last=True)
        return [(EMPTY if k is None else str(k), int(n)) for k, n in g.iter_rows()]

    by_muni = {d.key: d for d in DIMENSIONS}
    return [
        _verdict_chart(page.groups["municipality"], base, by_muni["municipality"], page.batch),
        _verdict_chart(page.groups["referrer_type"], base, by_muni["referrer_type"], page.batch),
        counts_chart("Bevindingen per controle", [(c.title, c.findings) for c in page.checks], "#2b6cb0"),
        counts_chart("Tariefafwijkingen per code", by_code(["tariff.differs"]), "#b7791f"),
        counts_chart("Omvang boven of onder de norm per code",
                     by_code(["tariff.volume_above_norm", "tariff.volume_below_norm"]), "#975a16"),
    ]


def _options(rows: list[dict[str, Any]], key: str, label: str | None = None) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for r in rows:
        if r[key] != "":
            seen.setdefault(str(r[key]), str(r[label or key]))
    return sorted(seen.items(), key=lambda kv: (kv[1].lower(), kv[0]))


def render_html(report: ValidationReport) -> str:
    """The page: a one-screen summary, rates per group, money at stake, every check and rule with
    what to do, and the findings table with filters whose state is in the URL."""
    page = build(report)
    base = page.base
    rows = list(_finding_rows(report, base, page.names))
    options = {
        "mun": _options(rows, "municipality", "municipality_label"),
        "provider": _options(rows, "provider"),
        "code": _options(rows, "code"),
        "check": sorted({(r["check"], CHECK_TITLES.get(r["check"], r["check"])) for r in rows},
                        key=lambda kv: kv[1]),
        "rule": _options(rows, "rule"),
        "basis": _options(rows, "basis"),
    }
    b = page.batch
    return render_page(
        "report.html.j2",
        summary=report.summary, rules_hash=report.summary["rules_hash"], page=page, batch=b,
        ok_share=Decimal(page.verdicts.get("ok", 0)) / b.decisions if b.decisions else Decimal(0),
        top_checks=page.checks[:3], top_munis=top(page.groups["municipality"]),
        top_providers=top(page.groups["provider"]), min_group=MIN_GROUP, group_limit=GROUP_LIMIT,
        dimensions=DIMENSIONS, charts=_charts(report, page, base), rows=rows, options=options,
        money_checks=sorted((c for c in page.checks if c.error_decisions), key=lambda c: (-c.cents, c.check)),
        idle_checks=[t for c, t in CHECK_TITLES.items() if c not in {r.check for r in page.checks}],
        verdict_labels=VERDICT_LABELS, verdict_order=VERDICTS, severity_labels=SEVERITY_LABELS,
        check_titles=CHECK_TITLES, links=report.links, total=report.findings.height, limit=HTML_TABLE_LIMIT,
    )


__all__ = ["DIMENSIONS", "HTML_TABLE_LIMIT", "MIN_GROUP", "CheckRow", "GroupRow", "Page", "RuleRow", "build",
           "decision_frame", "municipality_names", "render_html", "table_rows", "top"]
