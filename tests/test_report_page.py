"""validate's report.html (jobs/validate/page.py): rates per group with the batch marked, money at
stake, Dutch titles and labels, remedies, and the findings table's filters whose state is in the
URL."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zorgregels import Engine
from zorgregels.catalogue.fields import SCALE
from zorgregels.catalogue.ijw import REFERRER_TYPES
from zorgregels.catalogue.model import CHECK_TITLES, SEVERITY_LABELS
from zorgregels.core import nl
from zorgregels.core.cost import cost_3m
from zorgregels.core.exprs import INDEX
from zorgregels.core.outcome import VERDICT_LABELS
from zorgregels.jobs.validate import ValidationReport
from zorgregels.jobs.validate import page as page_module
from zorgregels.jobs.validate.page import (
    MIN_GROUP,
    VERDICTS,
    build,
    findings_table,
    municipality_names,
    render_html,
    table_rows,
    top,
)
from zorgregels.render.pages import ENVIRONMENT

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "fixtures" / "decisions" / "example_2025.csv"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_path(ROOT / "rules")


def _decision(i: int, municipality: str, *, error: bool, provider: str, team: str,
              referrer: str = "02") -> dict[str, str]:
    """A granted perceel-2 decision; ``error``: delivered by a consortium, which perceel 2 is not
    (two error findings: provider_type.perceel_2_not_consortium and provider_type.not_for_code)."""
    return {"decision_id": f"d{i}", "municipality": municipality, "client_id": f"k{i}", "provider": provider,
            "team": team, "decision_date": "2025-03-01", "request_date": "2025-02-10",
            "birth_date": "2012-05-01", "referrer_type": referrer, "domains": "gedrag", "severity": "matig",
            "outcome": "granted", "code": "45B10", "perceel": "2",
            "provider_type": "consortium" if error else "instelling", "volume": "2", "unit": "04",
            "frequency": "2", "tariff": "72.52", "start_date": "2025-03-03", "end_date": "2025-05-31"}


@pytest.fixture(scope="module")
def small(engine: Engine) -> ValidationReport:
    """Haarlem: 4 decisions, 1 with an error; Velsen: 2 decisions, 1 with an error. Counted as
    raw findings Haarlem and Velsen are alike (2 each); as a rate Velsen is twice Haarlem."""
    rows = [_decision(1, "GM0392", error=True, provider="AGB1", team="Wijkteam Noord"),
            *(_decision(i, "GM0392", error=False, provider="AGB1", team="Wijkteam Noord") for i in (2, 3, 4)),
            _decision(5, "GM0453", error=True, provider="AGB2", team="Jeugdarts GGD", referrer="03"),
            _decision(6, "GM0453", error=False, provider="AGB2", team="Jeugdarts GGD", referrer="03")]
    return engine.validate(rows)


def scalar_cents(report: ValidationReport, index: int) -> int:
    """One decision's 3-month cost by the scalar form of core.cost (the page uses the expression
    form): the oracle of the money at stake."""
    assert report.facts is not None and report.catalogue is not None
    f = report.facts.filter(pl.col(INDEX) == index).row(0, named=True)
    if (f["outcome"] == "rejected" or f["code"] not in report.catalogue.codes
            or any(f[k] is None for k in ("volume", "frequency", "unit", "code_tariff"))):
        return 0  # no cost where a fact it needs is missing (core.cost: absent)
    euro = cost_3m(report.catalogue.codes[f["code"]], Decimal(f["volume"]) / SCALE, f["frequency"], f["unit"],
                   Decimal(f["code_tariff"]) / SCALE, f["duration_days"])
    return 0 if euro is None else int(euro * 100)


def test_rates_per_municipality_have_the_decisions_as_denominator(small: ValidationReport) -> None:
    page = build(small)
    munis = {r.key: r for r in page.groups["municipality"]}
    haarlem, velsen = munis["GM0392"], munis["GM0453"]
    assert (haarlem.decisions, haarlem.findings, haarlem.errors) == (4, 2, 1)
    assert (velsen.decisions, velsen.findings, velsen.errors) == (2, 2, 1)
    assert haarlem.error_share == Decimal(1) / 4 and velsen.error_share == Decimal(1) / 2
    assert velsen.per_decision == 1 and haarlem.per_decision == Decimal("0.5")
    # highest error share first, whatever the counts
    assert [r.key for r in page.groups["municipality"]] == ["GM0453", "GM0392"]
    # the batch is the average: 2 of 6 decisions with verdict error
    assert page.batch.average and (page.batch.decisions, page.batch.errors, page.batch.findings) == (6, 2, 4)
    assert page.batch.error_share == Decimal(2) / 6
    assert {r.key: r.error_share for r in page.groups["provider"]} == {"AGB1": Decimal(1) / 4, "AGB2": Decimal(1) / 2}
    assert {r.key for r in page.groups["team"]} == {"Wijkteam Noord", "Jeugdarts GGD"}
    referrers = {r.key: r for r in page.groups["referrer_type"]}
    assert referrers["03"].label == REFERRER_TYPES["03"] and referrers["03"].error_share == Decimal(1) / 2


def test_the_page_marks_the_average_and_names_municipalities_with_their_code_in_a_title(
        small: ValidationReport) -> None:
    html = render_html(small)
    assert '<tr class="avg"><th scope="row" class="name" data-label="Gemeente">' in html
    assert '<span title="CBS-code GM0392">Haarlem</span>' in html
    assert '<span title="CBS-code GM0453">Velsen</span>' in html
    assert ">GM0392<" not in html  # a code is never the visible name of a region's municipality
    # the rates, the Dutch way: Velsen 50,0%, Haarlem 25,0%, the batch 33,3%; Velsen is above the
    # batch, but by less than chance explains in two decisions: not marked
    assert 'class="above"' not in html
    for share in ("50,0%", "25,0%", "33,3%"):
        assert f">{share}</td>" in html
    assert f'data-v="{Decimal(2) / 6:.6f}">33,3%' in html  # sorts by the value, shows it in Dutch


def test_money_at_stake_is_the_3_month_cost_of_the_decisions_with_an_error(small: ValidationReport) -> None:
    page = build(small)
    one = scalar_cents(small, 0)
    assert one > 0 and scalar_cents(small, 4) == one
    assert page.batch.cents == 2 * one and page.batch.flagged == 2
    assert {r.key: r.cents for r in page.groups["municipality"]} == {"GM0392": one, "GM0453": one}
    assert {c.check: c.cents for c in page.checks} == {"provider_type": 2 * one}
    assert nl.money(Decimal(2 * one) / 100) in render_html(small)


def test_money_at_stake_of_the_example_year_equals_the_scalar_cost_of_its_error_decisions(
        engine: Engine) -> None:
    report = engine.validate(EXAMPLE)
    page = build(report)
    errors = report.findings.filter((pl.col("severity") == "error") & pl.col(INDEX).is_not_null())
    flagged = sorted(set(errors.get_column(INDEX).to_list()))
    assert page.batch.flagged == len(flagged) > 0
    assert page.batch.cents == sum(scalar_cents(report, i) for i in flagged)
    per_check = errors.select("check", INDEX).unique()
    for check in page.checks:
        rows = per_check.filter(pl.col("check") == check.check).get_column(INDEX).to_list()
        assert check.cents == sum(scalar_cents(report, i) for i in rows), check.check
    assert sum(r.cents for r in page.groups["municipality"]) == page.batch.cents


def test_checks_verdicts_and_severities_read_in_dutch_with_the_key_beside(engine: Engine) -> None:
    report = engine.validate(EXAMPLE)
    html = render_html(report)
    for check in build(report).checks:
        assert f"{CHECK_TITLES[check.check]} <code>{check.check}</code>" in html
    for key, label in VERDICT_LABELS.items():
        assert f'<span title="{key}">{label}</span>' in html
    for key, label in SEVERITY_LABELS.items():
        assert f'<span class="sev {key}" title="{key}">{label}</span>' in html
    for header in ("Besluiten", "Foutaandeel", "Geld op het spel", "Gemeente", "Aanbieder", "Grondslag"):
        assert f">{header}</th>" in html
    assert ">perceel_fit<" not in html.replace("<code>perceel_fit</code>", "")


def test_a_remedy_is_shown_where_a_rule_declares_one_and_nothing_where_it_does_not(
        small: ValidationReport) -> None:
    cat = small.catalogue
    assert cat is not None
    remedy = "Laat het besluit leveren door een vrijgevestigde of een instelling."

    def with_remedy(rid: str, text: str | None) -> ValidationReport:
        rules = [dataclasses.replace(r, rule=r.rule.model_copy(update={"remedy": text if r.id == rid else None}))
                 for r in cat.rules]
        return dataclasses.replace(small, catalogue=dataclasses.replace(cat, rules=rules))

    shown = render_html(with_remedy("provider_type.perceel_2_not_consortium", remedy))
    assert f'<td data-label="Wat te doen" class="remedy">{remedy}</td>' in shown
    none = render_html(with_remedy("", None))
    assert remedy not in none
    assert none.count('<td data-label="Wat te doen" class="remedy"></td>') == 2  # both rules, empty


def test_the_filter_state_is_in_the_address(small: ValidationReport) -> None:
    html = render_html(small)
    for key in ("gemeente", "aanbieder", "code", "ernst", "controle", "regel", "grondslag"):
        assert f'id="f-{key}"' in html
    assert "location.hash" in html and "history.replaceState" in html and "hashchange" in html
    assert '<option value="GM0392">Haarlem</option>' in html
    rows = re.findall(r'<tr data-check="provider_type" data-severity="error" data-mun="(GM\d+)" '
                      r'data-provider="(AGB\d)" data-code="45B10"', html)
    assert sorted(rows) == [("GM0392", "AGB1"), ("GM0392", "AGB1"), ("GM0453", "AGB2"), ("GM0453", "AGB2")]
    assert "De tabel toont 4 van 4 bevindingen" in html


def test_the_table_embeds_errors_first_in_file_order_up_to_the_limit(engine: Engine) -> None:
    findings = engine.validate(EXAMPLE).findings
    chosen = table_rows(findings, 300)
    errors = findings.filter(pl.col("severity") == "error")
    assert chosen.height == 300 and chosen.equals(errors.head(300))
    everything = table_rows(findings, findings.height + 10)
    assert everything.height == findings.height
    order = {"error": 0, "warning": 1, "info": 2}
    ranks = [order[s] for s in everything.get_column("severity").to_list()]
    assert ranks == sorted(ranks)


def test_a_group_is_marked_only_when_clearly_above_the_average(engine: Engine) -> None:
    page = build(engine.validate(EXAMPLE))
    b = page.batch
    marked = {r.key for r in page.groups["referrer_type"] if r.clearly_above(b)}
    assert "06" in marked  # every self-referral to individual youth care is an error
    munis = page.groups["municipality"]
    assert any(r.error_share > b.error_share for r in munis)
    assert not any(r.clearly_above(b) for r in munis)  # 10.4-13.0% against 12.2%: alike
    assert not b.clearly_above(b)


def test_the_top_three_skip_small_groups(small: ValidationReport, engine: Engine) -> None:
    assert top(build(small).groups["municipality"]) == []  # no group of MIN_GROUP decisions
    page = build(engine.validate(EXAMPLE))
    ranked = top(page.groups["provider"])
    assert len(ranked) == 3 and all(r.decisions >= MIN_GROUP for r in ranked)
    eligible = [r for r in page.groups["provider"] if r.decisions >= MIN_GROUP]
    assert [r.error_share for r in ranked] == sorted((r.error_share for r in eligible), reverse=True)[:3]


def test_a_report_without_facts_or_catalogue_still_renders(small: ValidationReport) -> None:
    bare = dataclasses.replace(small, facts=None, catalogue=None)
    page = build(bare)
    assert page.batch.cents == 0 and page.batch.errors == 2
    assert ">GM0392<" in render_html(bare)  # no region: the code is all there is


def test_every_rule_with_findings_in_the_example_year_says_what_to_do(engine: Engine) -> None:
    """Rule-file rules, the engine's own kinds (input), the cross-decision checks and the tables'
    gaps: each row of the rules table carries its remedy."""
    page = build(engine.validate(EXAMPLE))
    assert {r.rule.split(".")[0] for r in page.rules} >= {"input", "budget_ceiling", "dates", "sequential_help"}
    assert [r.rule for r in page.rules if not r.remedy] == []


# ------------------------------------------------- the findings table, written by polars
#: the row as the page's template wrote it before the rows were written by polars: the oracle
ROW_TEMPLATE = (
    '<tr data-check="{{ r.check }}" data-severity="{{ r.severity }}" data-mun="{{ r.municipality }}" '
    'data-provider="{{ r.provider }}" data-code="{{ r.code }}" data-rule="{{ r.rule }}" data-basis="{{ r.basis }}">'
    '<td data-label="Besluit" class="nw" title="{{ r.source }}{% if r.row != "" %}, rij {{ r.row }}{% endif %}">'
    '{{ r.decision_id or "(hele batch)" }}</td><td data-label="Gemeente"><span title="{{ r.municipality_title }}">'
    '{{ r.municipality_label }}</span></td><td data-label="Aanbieder">{{ r.provider }}</td><td data-label="Code">'
    '{{ r.code }}</td><td data-label="Ernst"><span class="sev {{ r.severity }}" title="{{ r.severity }}">'
    '{{ severity_labels.get(r.severity, r.severity) }}</span></td><td data-label="Controle en regel"><div>'
    '{{ check_titles.get(r.check, r.check) }}<br><code>{{ r.rule|breakable(".") }}</code></div></td>'
    '<td data-label="Bericht" class="msg">{{ r.message }}</td><td data-label="Grondslag" class="basis"><div>'
    '{{ r.basis|cited(links) }}</div></td></tr>\n')
ROW_COLUMNS = ("decision_id", "severity", "check", "rule", "message", "basis", "source", "row")


def _expected_rows(findings: pl.DataFrame, base: pl.DataFrame, names: dict[str, str],
                   links: dict[str, str]) -> tuple[str, dict[str, list[tuple[str, str]]]]:
    """The rows and filter options one finding at a time through Jinja, as the page did."""
    template = ENVIRONMENT.from_string(ROW_TEMPLATE)
    ctx = {r[INDEX]: r for r in base.iter_rows(named=True)}
    rows = []
    for f in table_rows(findings).iter_rows(named=True):
        d = ctx.get(f[INDEX], {})
        mun = d.get("municipality")
        label, title = page_module._labels("municipality", mun, names) if mun is not None else ("", "")
        rows.append({**{k: "" if f[k] is None else f[k] for k in ROW_COLUMNS}, "municipality": mun or "",
                     "municipality_label": label, "municipality_title": title,
                     "provider": d.get("provider") or "", "code": d.get("code") or ""})
    html = "".join(template.render(r=r, severity_labels=SEVERITY_LABELS, check_titles=CHECK_TITLES, links=links)
                   for r in rows)

    def options(key: str, label: str | None = None) -> list[tuple[str, str]]:
        seen: dict[str, str] = {}
        for r in rows:
            if r[key] != "":
                seen.setdefault(str(r[key]), str(r[label or key]))
        return sorted(seen.items(), key=lambda kv: (kv[1].lower(), kv[0]))

    return html, {"mun": options("municipality", "municipality_label"), "provider": options("provider"),
                  "code": options("code"),
                  "check": sorted({(r["check"], CHECK_TITLES.get(r["check"], r["check"])) for r in rows},
                                  key=lambda kv: (kv[1], kv[0])),
                  "rule": options("rule"), "basis": options("basis")}


#: text a user or an input controls: HTML's specials, a format's braces, dots, Dutch, controls
TEXT = st.lists(st.sampled_from([*"aB.&<>\"'{}%; é€\t", "GM0392", "Haarlem", " (toel", "Jeugdwet art. 2.3"]),
                max_size=6).map("".join)
MAYBE = st.none() | TEXT


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(findings=st.lists(st.fixed_dictionaries({
           "decision_id": MAYBE, "severity": st.sampled_from(["error", "warning", "info"]),
           "check": st.sampled_from([*list(CHECK_TITLES)[:3], "&<eigen>"]) | TEXT,
           "rule": MAYBE, "message": MAYBE, "basis": MAYBE, "source": MAYBE,
           "row": st.none() | st.integers(0, 10**6), "at": st.none() | st.integers(0, 3)}), max_size=12),
       decisions=st.lists(st.tuples(MAYBE, MAYBE, MAYBE), min_size=4, max_size=4),
       names=st.dictionaries(TEXT, TEXT, max_size=3), link=TEXT)
def test_the_findings_rows_read_as_the_template_wrote_them_whatever_the_text(
        small: ValidationReport, findings: list[dict[str, object]],
        decisions: list[tuple[str | None, str | None, str | None]], names: dict[str, str], link: str) -> None:
    """Every value escaped once, the municipality by name with its code in a tooltip, the check
    and severity in Dutch, the basis cited with its link, "(hele batch)" without a decision."""
    frame = pl.DataFrame([{**{k: v for k, v in f.items() if k != "at"}, INDEX: f["at"]} for f in findings],
                         schema={**{k: pl.Utf8 for k in ROW_COLUMNS}, "row": pl.Int64, INDEX: pl.Int64})
    base = pl.DataFrame({INDEX: range(4), "municipality": [d[0] for d in decisions],
                         "provider": [d[1] for d in decisions], "code": [d[2] for d in decisions]},
                        schema={INDEX: pl.Int64, "municipality": pl.Utf8, "provider": pl.Utf8, "code": pl.Utf8})
    links = {"Jeugdwet art. 2.3": f"https://wetten.overheid.nl/{link}"}
    report = dataclasses.replace(small, findings=frame, links=links)
    table = findings_table(report, base, names)
    html, options = _expected_rows(frame, base, names, links)
    assert str(table.html) == html
    assert table.shown == len(findings) and table.options == options


def test_the_rows_cite_with_links_and_escape_what_the_input_wrote(small: ValidationReport) -> None:
    frame = small.findings.head(2).with_columns(
        pl.Series("message", ['<script>alert("x")</script> & co', "a's"]),
        pl.Series("basis", ["Jeugdwet art. 2.3", None]), pl.Series("decision_id", ["<d1>", None]))
    report = dataclasses.replace(small, findings=frame, links={"Jeugdwet art. 2.3": "https://example.org/?a=1&b=2"})
    rows = str(findings_table(report, build(report).base, municipality_names(report)).html).splitlines()
    assert '&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; co' in rows[0] and "<script>" not in rows[0]
    assert '<a href="https://example.org/?a=1&amp;b=2" rel="external">Jeugdwet art. 2.3</a>' in rows[0]
    assert ">&lt;d1&gt;</td>" in rows[0] and ">(hele batch)</td>" in rows[1] and "a&#39;s" in rows[1]


def test_a_rule_with_findings_of_two_severities_has_a_row_for_each(small: ValidationReport) -> None:
    rule = "provider_type.perceel_2_not_consortium"
    sev = pl.when((pl.col("rule") == rule) & (pl.col(INDEX) == 0)).then(pl.lit("warning")).otherwise("severity")
    report = dataclasses.replace(small, findings=small.findings.with_columns(sev.alias("severity")))
    rows = [(r.severity, r.findings) for r in build(report).rules if r.rule == rule]
    assert sorted(rows) == [("error", 1), ("warning", 1)]
    assert {r.severity for r in build(small).rules if r.rule == rule} == {"error"}


def test_the_verdicts_of_each_group_are_counted_from_its_decisions(engine: Engine) -> None:
    report = engine.validate(EXAMPLE)
    page = build(report)
    d = report.decisions
    for key in ("municipality", "referrer_type"):
        for r in page.groups[key]:
            mine = d.filter(pl.col(key).is_null() if r.key == "(leeg)" else pl.col(key) == r.key)
            assert r.by_verdict == tuple(int((mine.get_column("verdict") == v).sum()) for v in VERDICTS)
            assert sum(r.by_verdict) == r.decisions
    assert page.verdicts == {v: n for v in VERDICTS if (n := int((d.get_column("verdict") == v).sum()))}
    tariff = report.findings.filter(pl.col("rule") == "tariff.differs")
    codes = d.with_row_index(INDEX).select(pl.col(INDEX).cast(pl.Int64), "code")
    expected = tariff.join(codes, on=INDEX).group_by("code").len()
    assert dict(page.codes["tariff"]) == {c: int(n) for c, n in expected.iter_rows()}
