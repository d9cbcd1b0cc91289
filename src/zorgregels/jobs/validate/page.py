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

Everything is counted in one polars query over the batch (``pl.collect_all``: the batch and each
dimension with the same aggregations, the checks, the rules and the codes), so a page of a million
decisions costs a few group-bys, not a loop over rows; the findings table's rows are written as
HTML by polars string expressions (every value escaped as Jinja's autoescape would), not by a
template loop over 5,000 rows.
"""

from __future__ import annotations

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
#: the charts of findings per code: their rules
CODE_CHARTS = {"tariff": ("tariff.differs",), "volume": ("tariff.volume_above_norm", "tariff.volume_below_norm")}


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
    by_verdict: tuple[int, ...] = ()  # decisions per verdict, in ``VERDICTS`` order

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
    codes: dict[str, list[tuple[str, int]]]  # per chart of CODE_CHARTS: (code, findings), most first


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
    has_error = pl.repeat(False, n, dtype=pl.Boolean, eager=True).scatter(flagged, True)
    cols["has_error"] = has_error
    cost = pl.repeat(None, n, dtype=pl.Int64, eager=True)
    if facts is not None and report.catalogue is not None and flagged.len():
        # only a decision with an error finding puts money at stake: the cost of those alone,
        # evaluated once per distinct combination of the facts it reads (many decisions share one)
        expr = granted_cost_3m_cents(report.catalogue)
        needs = sorted(set(expr.meta.root_names()))
        some = (facts.select(INDEX, *needs).filter(has_error.gather(facts.get_column(INDEX)))
                .group_by(needs).agg(pl.col(INDEX)).with_columns(expr.alias("c"))
                .drop_nulls("c").select(INDEX, "c").explode(INDEX))
        cost = cost.scatter(some.get_column(INDEX), some.get_column("c"))
    cols["cost"] = cost
    return pl.DataFrame([s.alias(k) for k, s in cols.items()])


def _counted(base: pl.DataFrame) -> pl.LazyFrame:
    """The batch with what its groups count as plain columns (a group then only sums them): the
    cost of a flagged decision, a flagged decision without a cost, and one column per verdict
    (the verdict error's is the group's ``errors``)."""
    return base.lazy().with_columns(
        pl.when(pl.col("has_error")).then(pl.col("cost")).alias("__cents"),
        (pl.col("has_error") & pl.col("cost").is_null()).alias("__unpriced"),
        *((pl.col("verdict") == v).alias(f"__verdict.{v}") for v in VERDICTS))


def _aggregates() -> list[pl.Expr]:
    """What every group of ``_counted`` counts (the batch too): ``GroupRow``'s numbers (but its
    errors), then its verdicts."""
    return [pl.len().alias("decisions"), pl.col("findings").sum(), pl.col("has_error").sum(),
            pl.col("__cents").sum(), pl.col("__unpriced").sum(), *(pl.col(f"__verdict.{v}").sum() for v in VERDICTS)]


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


def _row(dim: str, key: str | None, values: tuple[Any, ...], names: dict[str, str]) -> GroupRow:
    label, title = _labels(dim, key, names)
    n, findings, flagged, cents, unpriced, *verdicts = (int(v or 0) for v in values)
    errors = verdicts[VERDICTS.index("error")]
    return GroupRow(EMPTY if key is None else key, label, title, n, findings, errors, flagged, cents, unpriced,
                    by_verdict=tuple(verdicts))


def _checks_query(fx: pl.LazyFrame) -> pl.LazyFrame:
    """Per check: its findings per severity, the decisions it touches, and of those with an error
    finding of it how many, their cost and how many have no cost (each decision once)."""
    err = (pl.col("severity") == "error") & pl.col(INDEX).is_not_null()
    first = pl.col(INDEX).filter(err).is_first_distinct()
    cost = pl.col("cost").filter(err).filter(first)
    return fx.group_by("check").agg(
        *((pl.col("severity") == s).sum().alias(s) for s in SEVERITIES), pl.len().alias("findings"),
        pl.col(INDEX).drop_nulls().n_unique().alias("decisions"),
        pl.col(INDEX).filter(err).n_unique().alias("error_decisions"),
        cost.sum().alias("cents"), cost.is_null().sum().alias("unpriced"))


def _checks(per_check: pl.DataFrame) -> list[CheckRow]:
    out = [CheckRow(r["check"], CHECK_TITLES.get(r["check"], r["check"]), {s: int(r[s]) for s in SEVERITIES},
                    int(r["findings"]), int(r["decisions"]), int(r["error_decisions"]), int(r["cents"] or 0),
                    int(r["unpriced"]))
           for r in per_check.iter_rows(named=True)]
    return sorted(out, key=lambda r: (-r.findings, r.check))


RULE_KEYS = ("check", "rule", "severity", "basis")


def _rules_query(fx: pl.LazyFrame) -> pl.LazyFrame:
    """Findings per rule with its check, severity and basis, and how many kinds of those it has
    (a rule has one of each nearly always: then one group-by on the rule alone counts it)."""
    return fx.group_by("rule").agg(
        pl.len().alias("n"), *(pl.col(k).first() for k in RULE_KEYS if k != "rule"),
        pl.max_horizontal(*(pl.col(k).n_unique() for k in RULE_KEYS if k != "rule")).alias("kinds"))


def _rules(per_rule: pl.DataFrame, findings: pl.DataFrame, report: ValidationReport) -> list[RuleRow]:
    """Every rule with findings in the batch: check, rule, severity, how many, basis, remedy."""
    if per_rule.is_empty():
        return []
    remedies = {rule: kind.remedy or "" for rule, kind in (ENGINE_KINDS | CROSS_KINDS).items()}
    if report.catalogue is not None:
        for t in report.catalogue.tables:
            remedies |= {k.rule: k.remedy or "" for k in (table_gap(t.table), table_conflict(t.table))}
        remedies |= {r.id: r.rule.remedy or "" for r in report.catalogue.rules}
    mixed = per_rule.filter(pl.col("kinds") > 1).get_column("rule")
    parts = [per_rule.filter(pl.col("kinds") == 1).select(*RULE_KEYS, "n")]
    if mixed.len():  # a rule with findings of two severities (or checks, or bases): one row each
        parts.append(findings.select(RULE_KEYS).filter(pl.col("rule").is_in(mixed.implode()))
                     .group_by(RULE_KEYS).agg(pl.len().alias("n").cast(per_rule.schema["n"])))
    rows = (pl.concat(parts, how="vertical")
            .sort(["n", "rule", "severity", "basis"], descending=[True, False, False, False]))
    return [RuleRow(c, r, s, int(n), b or "", remedies.get(r, ""))
            for c, r, s, b, n in rows.select(*RULE_KEYS, "n").iter_rows()]


def _codes_query(fx: pl.LazyFrame, rules: tuple[str, ...]) -> pl.LazyFrame:
    return (fx.filter(pl.col("rule").is_in(rules) & pl.col(INDEX).is_not_null()).group_by("code").len()
            .sort(["len", "code"], descending=[True, False], nulls_last=True))


def build(report: ValidationReport) -> Page:
    """Count what the page shows: the batch, its groups, its checks and its rules, in one query."""
    base = decision_frame(report)
    names = municipality_names(report)
    findings = report.findings
    # base holds one row per decision in INDEX order: gather, no join of a million rows
    where = findings.get_column(INDEX)
    fx = (findings.select("check", "severity", "rule", "basis", INDEX)
          .with_columns(base.get_column("cost").gather(where), base.get_column("code").gather(where)).lazy())
    lb = _counted(base)
    frames = pl.collect_all([
        lb.select(_aggregates()),
        *(lb.group_by(dim.key).agg(_aggregates())
          .sort(["decisions", dim.key], descending=[True, False], nulls_last=True) for dim in DIMENSIONS),
        _checks_query(fx), _rules_query(fx), *(_codes_query(fx, rules) for rules in CODE_CHARTS.values())])
    total, per_dim = frames[0].row(0), frames[1:1 + len(DIMENSIONS)]
    per_check, per_rule, *per_code = frames[1 + len(DIMENSIONS):]
    b = _row("", "batch", total, names)
    batch = GroupRow("batch", "Hele batch (gemiddelde)", "alle besluiten van de batch", b.decisions, b.findings,
                     b.errors, b.flagged, b.cents, b.unpriced, average=True, by_verdict=b.by_verdict)
    groups: dict[str, list[GroupRow]] = {}
    group_totals: dict[str, int] = {}
    for dim, g in zip(DIMENSIONS, per_dim, strict=True):
        group_totals[dim.key] = g.height
        rows = [_row(dim.key, r[0], tuple(r[1:]), names) for r in g.head(GROUP_LIMIT).iter_rows()]
        groups[dim.key] = sorted(rows, key=lambda r: (-r.error_share, -r.decisions, r.key))
    codes = {chart: [(EMPTY if k is None else str(k), int(n)) for k, n in g.iter_rows()]
             for chart, g in zip(CODE_CHARTS, per_code, strict=True)}
    return Page(batch=batch, groups=groups, group_totals=group_totals, checks=_checks(per_check),
                rules=_rules(per_rule, findings, report),
                verdicts={v: n for v, n in zip(VERDICTS, batch.by_verdict, strict=True) if n},
                base=base, names=names, codes=codes)


def top(rows: list[GroupRow], k: int = 3) -> list[GroupRow]:
    """The ``k`` groups with the highest error share among those of at least ``MIN_GROUP``
    decisions (a group of three decisions with one error says little)."""
    return [r for r in rows if r.decisions >= MIN_GROUP and r.errors][:k]


def table_rows(findings: pl.DataFrame, limit: int = HTML_TABLE_LIMIT) -> pl.DataFrame:
    """The findings the page embeds: errors first, then warnings, then info, each in the order of
    findings.jsonl (deterministic), at most ``limit``. Chosen by the severity column alone, then
    gathered: the wide text columns are never filtered whole."""
    sev = findings.get_column("severity")
    parts, left = [], limit
    for s in SEVERITIES:
        if left <= 0:
            break
        part = sev.eq(s).arg_true().head(left)
        parts.append(part)
        left -= part.len()
    return findings.gather(pl.concat(parts)) if parts else findings.head(0)


#: what Jinja's autoescape (``markupsafe.escape``) replaces in a value, and with what
ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"}


def _escaped(e: pl.Expr) -> pl.Expr:
    """A text column escaped for HTML as ``{{ value }}`` escapes it (one pass: an ``&amp;`` it
    writes is never escaped again)."""
    return e.str.replace_many(list(ESCAPES), list(ESCAPES.values()))


@dataclass(frozen=True)
class FindingsTable:
    """The findings table's rows as HTML (each ``<tr>`` followed by a newline), how many, and the
    filters' options (value, label) for the rows shown."""

    html: Markup
    shown: int
    options: dict[str, list[tuple[str, str]]]


def _options(pairs: pl.DataFrame) -> list[tuple[str, str]]:
    """The distinct (value, label) of a column's non-empty values, by label (case-insensitive)."""
    seen = {str(v): str(lab) for v, lab in pairs.unique().iter_rows() if v is not None and v != ""}
    return sorted(seen.items(), key=lambda kv: (kv[1].lower(), kv[0]))


def findings_table(report: ValidationReport, base: pl.DataFrame, names: dict[str, str]) -> FindingsTable:
    """The rows of ``table_rows`` as HTML, written by polars string expressions: the decision's
    municipality (by name, its CBS code in a tooltip), provider and code beside each finding, its
    severity and check in Dutch, its basis cited with links. Every value is escaped; the labels
    and citations are made once per distinct value, in Python, by the page's own functions."""
    chosen = table_rows(report.findings)
    if INDEX not in chosen.columns:
        chosen = chosen.with_columns(pl.lit(None, dtype=pl.Int64).alias(INDEX))
    where = chosen.get_column(INDEX)  # base holds one row per decision in INDEX order
    t = chosen.select(*(pl.col(k).cast(pl.Utf8).fill_null("") for k in FINDING_COLUMNS)).with_columns(
        base.get_column("municipality").gather(where).alias("mun"),
        *(base.get_column(k).gather(where).fill_null("") for k in ("provider", "code")))
    muns = {m: _labels("municipality", m, names) for m in t.get_column("mun").unique().to_list() if m is not None}
    cites = {b: str(cited(b, report.links)) for b in t.get_column("basis").unique().to_list()}
    t = t.with_columns(
        pl.col("mun").replace_strict({m: lab for m, (lab, _) in muns.items()}, default="", return_dtype=pl.Utf8)
        .alias("mun_label"),
        pl.col("mun").replace_strict({m: title for m, (_, title) in muns.items()}, default="",
                                     return_dtype=pl.Utf8).alias("mun_title"),
        pl.col("mun").fill_null(""))
    # each cell: (name, its text before escaping); every text is escaped once, then placed
    cells = {"check": pl.col("check"), "severity": pl.col("severity"), "mun": pl.col("mun"),
             "provider": pl.col("provider"), "code": pl.col("code"), "rule": pl.col("rule"),
             "basis": pl.col("basis"), "source": pl.col("source"), "row": pl.col("row"),
             "decision": pl.col("decision_id"), "mun_title": pl.col("mun_title"), "mun_label": pl.col("mun_label"),
             "severity_label": pl.col("severity").replace(SEVERITY_LABELS),
             "check_title": pl.col("check").replace(CHECK_TITLES), "message": pl.col("message")}
    esc = t.select(*(_escaped(e).alias(k) for k, e in cells.items()), pl.col("row").alias("raw_row"),
                   pl.col("basis").replace_strict(cites, default="", return_dtype=pl.Utf8).alias("cited"))
    esc = esc.with_columns(
        pl.when(pl.col("raw_row") != "").then(pl.lit(", rij ") + pl.col("row")).otherwise(pl.lit("")).alias("row"),
        pl.when(pl.col("decision") == "").then(pl.lit("(hele batch)")).otherwise(pl.col("decision")).alias("decision"),
        pl.col("rule").str.replace_all(".", ".<wbr>", literal=True).alias("rule_breakable"))
    row = ('<tr data-check="{}" data-severity="{}" data-mun="{}" data-provider="{}" data-code="{}" data-rule="{}" '
           'data-basis="{}"><td data-label="Besluit" class="nw" title="{}{}">{}</td><td data-label="Gemeente">'
           '<span title="{}">{}</span></td><td data-label="Aanbieder">{}</td><td data-label="Code">{}</td>'
           '<td data-label="Ernst"><span class="sev {}" title="{}">{}</span></td>'
           '<td data-label="Controle en regel"><div>{}<br><code>{}</code></div></td>'
           '<td data-label="Bericht" class="msg">{}</td><td data-label="Grondslag" class="basis"><div>{}</div></td>'
           '</tr>\n')
    html = esc.select(pl.format(row, *(pl.col(k) for k in (
        "check", "severity", "mun", "provider", "code", "rule", "basis", "source", "row", "decision", "mun_title",
        "mun_label", "provider", "code", "severity", "severity", "severity_label", "check_title", "rule_breakable",
        "message", "cited"))).alias("tr"))
    checks = t.select("check", pl.col("check").replace(CHECK_TITLES).alias("title")).unique()
    options = {
        "mun": _options(t.select("mun", "mun_label")),
        **{k: _options(t.select(k, pl.col(k).alias("label"))) for k in ("provider", "code")},
        "check": sorted(((str(c), str(title)) for c, title in checks.iter_rows()), key=lambda kv: (kv[1], kv[0])),
        **{k: _options(t.select(k, pl.col(k).alias("label"))) for k in ("rule", "basis")},
    }
    return FindingsTable(Markup("".join(html.get_column("tr").to_list())), t.height, options)


def _verdict_chart(rows: list[GroupRow], dim: Dimension, batch: GroupRow) -> BarChart:
    series = tuple(Series(v, VERDICT_LABELS[v], VERDICT_COLOURS[v]) for v in VERDICTS)
    bars = tuple(Bar(r.label, r.by_verdict, f"{nl.percent(r.error_share)} fout", title=r.title) for r in rows[:25])
    return BarChart(f"Oordeel per {dim.noun}, hoogste foutaandeel boven", series, bars, share=True,
                    marker=float(batch.error_share * 100),
                    marker_label=f"foutaandeel van de hele batch ({nl.percent(batch.error_share)})",
                    note="Elke balk is 100% van de besluiten van die groep.")


def _charts(page: Page) -> list[BarChart]:
    by_key = {d.key: d for d in DIMENSIONS}
    return [
        _verdict_chart(page.groups["municipality"], by_key["municipality"], page.batch),
        _verdict_chart(page.groups["referrer_type"], by_key["referrer_type"], page.batch),
        counts_chart("Bevindingen per controle", [(c.title, c.findings) for c in page.checks], "#2b6cb0"),
        counts_chart("Tariefafwijkingen per code", page.codes["tariff"], "#b7791f"),
        counts_chart("Omvang boven of onder de norm per code", page.codes["volume"], "#975a16"),
    ]


def render_html(report: ValidationReport) -> str:
    """The page: a one-screen summary, rates per group, money at stake, every check and rule with
    what to do, and the findings table with filters whose state is in the URL."""
    page = build(report)
    table = findings_table(report, page.base, page.names)
    b = page.batch
    return render_page(
        "report.html.j2",
        summary=report.summary, rules_hash=report.summary["rules_hash"], page=page, batch=b,
        ok_share=Decimal(page.verdicts.get("ok", 0)) / b.decisions if b.decisions else Decimal(0),
        top_checks=page.checks[:3], top_munis=top(page.groups["municipality"]),
        top_providers=top(page.groups["provider"]), min_group=MIN_GROUP, group_limit=GROUP_LIMIT,
        dimensions=DIMENSIONS, charts=_charts(page), table=table,
        money_checks=sorted((c for c in page.checks if c.error_decisions), key=lambda c: (-c.cents, c.check)),
        idle_checks=[t for c, t in CHECK_TITLES.items() if c not in {r.check for r in page.checks}],
        verdict_labels=VERDICT_LABELS, verdict_order=VERDICTS, severity_labels=SEVERITY_LABELS,
        check_titles=CHECK_TITLES, links=report.links, total=report.findings.height, limit=HTML_TABLE_LIMIT,
    )


__all__ = ["DIMENSIONS", "HTML_TABLE_LIMIT", "MIN_GROUP", "CheckRow", "FindingsTable", "GroupRow", "Page",
           "RuleRow", "build", "decision_frame", "findings_table", "municipality_names", "render_html", "table_rows", "top"]
