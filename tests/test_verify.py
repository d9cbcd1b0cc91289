"""Static verification of decision tables (zorgregels.verify): each defect found, with a witness
that really shows it, and nothing reported on the example catalogue."""

from __future__ import annotations

import itertools
import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zorgregels import Engine
from zorgregels.catalogue.conditions import holds
from zorgregels.catalogue.loader import load_catalogue
from zorgregels.cli import main
from zorgregels.jobs.verify import verify_catalogue

ROOT = Path(__file__).resolve().parent.parent
TABLE_FIXTURES = sorted((ROOT / "fixtures" / "invalid").glob("tables_*/"))

# What the witness of each fixture's one diagnostic must say.
WITNESS = {
    "tables_gap": {"input": {"crisis": False, "severity": "ernstig"}},
    "tables_unique_overlap": {"rows": [1, 2], "input": {"crisis": True, "severity": "licht"}},
    "tables_shadowed_row": {"row": 4, "caught_by": [1], "input": {"crisis": True, "severity": "ernstig"}},
    "tables_never_fires": {"contradiction": ["severity = 'licht'", "niet (severity = 'licht')"]},
    "tables_dead_column": {"column": "safety_concern"},
    "tables_unreachable_code": {"code": "45B11", "rows": []},
    "tables_tariff_gap": {"code": "45B10", "date": "2025-07-01", "gaps": [["2025-07-01", "2025-07-31"]]},
}


def _expect(folder: Path) -> tuple[str, int]:
    head = (folder / "catalogue.yaml").read_text(encoding="utf-8").splitlines()[0]
    m = re.match(r"# expect: (\S+) line (\d+)", head)
    assert m, f"{folder}: first line must be '# expect: <code> line <n>'"
    return m.group(1), int(m.group(2))


def test_every_defect_has_a_fixture():
    assert {p.name for p in TABLE_FIXTURES} == set(WITNESS)


@pytest.mark.parametrize("folder", TABLE_FIXTURES, ids=lambda p: p.name)
def test_fixture_produces_exactly_its_diagnostic(folder: Path):
    code, line = _expect(folder)
    diags = verify_catalogue(load_catalogue(folder))
    assert [(d.code, d.line) for d in diags] == [(code, line)], [d.render() for d in diags]
    d = diags[0]
    assert d.file and d.file.endswith("catalogue.yaml")
    for key, want in WITNESS[folder.name].items():
        assert d.witness is not None and d.witness[key] == want, d.witness
    # the witness is also in the message a rules owner reads
    for value in WITNESS[folder.name].get("input", {}).values():
        shown = {True: "ja", False: "nee"}.get(value, value) if isinstance(value, bool) else value
        assert f"={shown}" in d.message


def _table(folder: Path):
    cat = load_catalogue(folder)
    return cat, cat.tables[0]


def test_gap_witness_matches_no_row():
    cat, table = _table(ROOT / "fixtures" / "invalid" / "tables_gap")
    (d,) = verify_catalogue(cat)
    fact = d.witness["input"]
    assert not any(holds(r.cond, fact) for r in table.rows)


def test_overlap_witness_matches_both_rows_with_different_outputs():
    cat, table = _table(ROOT / "fixtures" / "invalid" / "tables_unique_overlap")
    (d,) = verify_catalogue(cat)
    a, b = (table.rows[i - 1] for i in d.witness["rows"])
    assert holds(a.cond, d.witness["input"]) and holds(b.cond, d.witness["input"])
    assert a.outputs != b.outputs


def test_shadowed_row_is_caught_on_every_input_it_matches():
    cat, table = _table(ROOT / "fixtures" / "invalid" / "tables_shadowed_row")
    (d,) = verify_catalogue(cat)
    row, catcher = table.rows[d.witness["row"] - 1], table.rows[d.witness["caught_by"][0] - 1]
    for crisis in (True, False):
        for severity in ("licht", "matig", "ernstig"):
            fact = {"crisis": crisis, "severity": severity}
            if holds(row.cond, fact):
                assert holds(catcher.cond, fact)


def test_check_command_exit_codes(capsys):
    assert main(["check", str(ROOT / "fixtures" / "invalid" / "tables_gap")]) == 2
    out = capsys.readouterr().out
    assert "error table.gap" in out and "severity=ernstig" in out
    # warnings do not fail the check
    assert main(["check", str(ROOT / "fixtures" / "invalid" / "tables_dead_column")]) == 0
    assert "warning table.dead_column" in capsys.readouterr().out


# ---------------------------------------------------------------- the example catalogue


def test_example_catalogue_verifies_clean():
    diags = verify_catalogue(load_catalogue(ROOT / "rules"))
    assert diags == [], [d.render() for d in diags]


def _example_copy(tmp_path: Path, edit) -> Path:
    dst = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", dst)
    path = dst / "zuid-kennemerland-ijmond" / "tables.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit({t["id"]: t for t in data["tables"]})
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return dst


def _to_record(full: dict, cat) -> dict:
    """A decision record that leads to the verifier's full input (domains rebuilt from their
    derived primary domain and count)."""
    rec = {k: v for k, v in full.items() if k not in ("primary_domain", "domain_count") and v is not None}
    if "primary_domain" in full:
        others = [d for d in cat.domains if d != full["primary_domain"]]
        rec["domains"] = [full["primary_domain"]] + others[: int(full.get("domain_count", 1)) - 1]
    return rec


def test_gap_after_removing_a_row_is_a_real_gap_for_the_engine(tmp_path: Path):
    def drop_level4_crisis(tables):
        tables["code_choice"]["rows"] = [
            r for r in tables["code_choice"]["rows"] if r["when"] != {"level": 4, "crisis": True}]

    rules = _example_copy(tmp_path, drop_level4_crisis)
    cat = load_catalogue(rules)
    gaps = [d for d in verify_catalogue(cat) if d.code == "table.gap"]
    assert len(gaps) == 1
    w = gaps[0].witness
    assert w["input"]["level"] == 4 and w["input"]["crisis"] is True
    assert w["count"] == len(cat.domains) * 2  # every primary domain, with and without safety concern
    # the full input really reaches the gap when the engine evaluates it
    decision = Engine(cat).evaluate(_to_record(w["full_input"], cat), as_of=__import__("datetime").date(2025, 3, 1))
    assert decision.outcome == "no_rule_matched"
    assert "code_choice.no_rule_matched" in {f.rule for f in decision.findings}


def test_upstream_tables_limit_what_a_table_can_receive(tmp_path: Path):
    # level 0 only ever comes with crisis false (crisis leads to level 3 first), so narrowing
    # the level-0 row to crisis false leaves no gap, although the table alone would have one.
    def narrow(tables):
        tables["code_choice"]["rows"][0]["when"] = {"level": 0, "crisis": False}

    cat = load_catalogue(_example_copy(tmp_path, narrow))
    assert [d for d in verify_catalogue(cat) if d.severity == "error"] == []


def test_row_unreachable_because_of_upstream_tables(tmp_path: Path):
    def add_row(tables):
        tables["code_choice"]["rows"].insert(0, {
            "when": {"level": 0, "crisis": True},
            "then": {"allowed_codes": ["46A01"], "advised_code": "46A01"}})

    cat = load_catalogue(_example_copy(tmp_path, add_row))
    diags = verify_catalogue(cat)
    assert [(d.code, d.witness["unreachable_input"]) for d in diags] == [
        ("table.row_never_fires", {"crisis": True, "level": 0})]
    assert "tabellen ervoor" in diags[0].message


def test_applies_when_is_respected(tmp_path: Path):
    # the complexity table only runs when complexity is empty: its gap is found there, with
    # complexity empty in the witness, and never for a recorded complexity
    def drop_single(tables):
        tables["complexity"]["rows"] = tables["complexity"]["rows"][:3]

    cat = load_catalogue(_example_copy(tmp_path, drop_single))
    gaps = [d for d in verify_catalogue(cat) if d.code == "table.gap"]
    assert len(gaps) == 1 and gaps[0].rule == "complexity"
    w = gaps[0].witness
    assert w["input"] == {"domain_count": 1, "safety_concern": False, "out_of_home": False}
    assert w["full_input"]["complexity"] is None


# ---------------------------------------------------------------- generated tables


HEAD = """region: {id: gen, name: Gegenereerd, contract_from: "2025-01-01", contract_to: "2025-12-31"}
sources:
  - {id: asd-midden-delfland-inkoop, kind: policy, cite: "Adviesraad Sociaal Domein Midden-Delfland, Advies regionale inkoopstrategie specialistische jeugdhulp", title: Advies regionale inkoopstrategie}
  - {id: x, kind: policy, cite: Testbron, title: Testbron}
ladder:
  - {level: 1, name: lichte hulp, perceel: 2, basis: "Adviesraad Sociaal Domein Midden-Delfland, Advies regionale inkoopstrategie specialistische jeugdhulp §4"}
codes:
  - id: 45B01
    name: Lichte begeleiding
    category: "45"
    unit: "04"
    level: 1
    perceel: 2
    norm: {per_week: 1}
    tariffs: [{valid_from: 2025-01-01, amount: 80.00}]
"""


def _partition(cuts: list[int]) -> list[dict]:
    """Age intervals that cover every integer exactly once."""
    parts = [{"less_than": cuts[0]}]
    for lo, hi in itertools.pairwise(cuts):
        parts.append({"at_least": lo, "less_than": hi})
    parts.append({"at_least": cuts[-1]})
    return parts


def _write_table(tmp: Path, rows: list[dict], policy: str) -> Path:
    table = {"tables": [{"id": "gen", "name": "Gegenereerd", "hit_policy": policy,
                         "basis": "Adviesraad Sociaal Domein Midden-Delfland, Advies regionale inkoopstrategie specialistische jeugdhulp §4",
                         "inputs": ["crisis", "severity", "age"],
                         "outputs": ["advised_code"], "rows": rows}]}
    (tmp / "catalogue.yaml").write_text(HEAD + yaml.safe_dump(table, sort_keys=False), encoding="utf-8")
    return tmp


def _rows(cuts: list[int], severities: list[list[str]]) -> list[dict]:
    rows = []
    for crisis in (True, False):
        for group in severities:
            for part in _partition(cuts):
                rows.append({"when": {"crisis": crisis, "severity": group, "age": dict(part)},
                             "then": {"advised_code": "45B01"}})
    return rows


# Two or more severity groups, so that every column decides something; cuts from 1, since an
# age below 0 does not exist (a row "age < 0" would rightly be reported as never firing).
SEVERITY_SPLITS = [[["licht"], ["matig", "ernstig"]], [["licht", "matig"], ["ernstig"]],
                   [["licht"], ["matig"], ["ernstig"]]]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.lists(st.integers(1, 30), min_size=1, max_size=4, unique=True).map(sorted),
       split=st.sampled_from(SEVERITY_SPLITS), data=st.data())
def test_planted_gap_is_found_with_a_witness_inside_it(tmp_path_factory, cuts, split, data):
    rows = _rows(cuts, split)
    removed = data.draw(st.integers(0, len(rows) - 1))
    planted = rows.pop(removed)
    folder = _write_table(tmp_path_factory.mktemp("gen"), rows, "unique")
    cat = load_catalogue(folder)
    diags = verify_catalogue(cat)
    assert [d.code for d in diags] == ["table.gap"], [d.render() for d in diags]
    fact = diags[0].witness["input"]
    # the witness really is in the gap: the planted row would match it, no remaining row does
    (planted_cond,) = [r.cond for r in load_catalogue(_write_table(
        tmp_path_factory.mktemp("one"), [planted], "unique")).tables[0].rows]
    assert holds(planted_cond, fact)
    assert not any(holds(r.cond, fact) for r in cat.tables[0].rows)
    # and exactly the planted region is missing: one witness per (crisis, severity, age region)
    assert diags[0].witness["count"] == len(_gap_regions(planted, cuts))


def _gap_regions(row: dict, cuts: list[int]) -> list[tuple]:
    ages = sorted({c + d for c in cuts for d in (-1, 0, 1)} | {0})
    cond = row["when"]
    out = set()
    for sev in cond["severity"]:
        for age in ages:
            lo, hi = cond["age"].get("at_least"), cond["age"].get("less_than")
            if (lo is None or age >= lo) and (hi is None or age < hi):
                out.add((sev, _region(age, cuts)))
    return sorted(out)


def _region(age: int, cuts: list[int]) -> tuple:
    """Which region of the literal cut the verifier represents ``age`` by."""
    lits = sorted(cuts)
    if age in lits:
        return ("at", age)
    below = [c for c in lits if c < age]
    return ("between", below[-1] if below else None)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.lists(st.integers(1, 30), min_size=1, max_size=3, unique=True).map(sorted),
       split=st.sampled_from(SEVERITY_SPLITS), data=st.data())
def test_planted_overlap_is_found_with_both_rows(tmp_path_factory, cuts, split, data):
    rows = _rows(cuts, split)
    i = data.draw(st.integers(0, len(rows) - 1))
    twin = {"when": dict(rows[i]["when"]), "then": {"advised_code": "45B02"}}
    rows.append(twin)
    head_extra = HEAD.replace("codes:\n", "codes:\n  - {id: 45B02, name: Tweede, category: \"45\", unit: \"04\", "
                              "level: 1, perceel: 2, norm: {per_week: 1}, tariffs: "
                              "[{valid_from: 2025-01-01, amount: 70.00}]}\n")
    folder = tmp_path_factory.mktemp("ov")
    (folder / "catalogue.yaml").write_text(head_extra + yaml.safe_dump({"tables": [{
        "id": "gen", "name": "Gegenereerd", "hit_policy": "unique", "basis": "x §1",
        "inputs": ["crisis", "severity", "age"], "outputs": ["advised_code"], "rows": rows}]},
        sort_keys=False), encoding="utf-8")
    cat = load_catalogue(folder)
    overlaps = [d for d in verify_catalogue(cat) if d.code == "table.overlap"]
    assert [d.witness["rows"] for d in overlaps] == [[i + 1, len(rows)]]
    fact = overlaps[0].witness["input"]
    assert holds(cat.tables[0].rows[i].cond, fact) and holds(cat.tables[0].rows[-1].cond, fact)


# ---------------------------------------------------------------- the fast matcher is holds()


def _fact_strategy(cat):
    from zorgregels.catalogue.fields import FIELDS

    def value(name):
        f = FIELDS[name]
        if f.type == "bool":
            return st.booleans()
        if name == "primary_domain":
            return st.sampled_from(sorted(cat.domains))
        if name == "level":
            return st.sampled_from(sorted(cat.ladder))
        if f.values:
            return st.sampled_from([int(v) for v in f.values] if f.type == "int" else list(f.values))
        return st.integers(-2, 40)

    names = sorted({n for t in cat.tables for n in t.table.inputs}
                   | {"complexity"})
    return st.fixed_dictionaries({}, optional={n: value(n) for n in names})


_EXAMPLE = load_catalogue(ROOT / "rules")


@settings(max_examples=60, deadline=None)
@given(facts=st.lists(_fact_strategy(_EXAMPLE), min_size=1, max_size=40))
def test_row_matcher_agrees_with_holds(facts):
    from zorgregels.catalogue.compile import compile_catalogue
    from zorgregels.jobs.verify import RowMatcher

    for table in (t for s in compile_catalogue(_EXAMPLE).stages for t in s.tables):
        got = RowMatcher(table).match(facts)
        for fact, rows in zip(facts, got):
            consulted = all(f in fact for f in table.inputs) and (
                table.applies_when is None or holds(table.applies_when, fact))
            want = [r.index for r in table.rows if holds(r.cond, fact)] if consulted else []
            assert rows == want, (table.id, fact)


def test_applies_when_and_upstream_both_explain_rows_that_never_fire(tmp_path: Path):
    # consult the ladder only without crisis: its crisis row can never fire (applies_when), and
    # downstream the code rows for crisis never fire either (no level is set in a crisis), so
    # the crisis codes become unreachable
    def no_crisis(tables):
        tables["ladder_level"]["applies_when"] = {"crisis": False}

    cat = load_catalogue(_example_copy(tmp_path, no_crisis))
    diags = verify_catalogue(cat)
    never = [d for d in diags if d.code == "table.row_never_fires"]
    (ladder,) = [d for d in never if d.rule == "ladder_level"]
    assert ladder.witness["unreachable_input"] == {"crisis": True}
    assert "alleen geraadpleegd als crisis = False" in ladder.message
    code_rows = [d for d in never if d.rule == "code_choice"]
    assert sorted(d.witness["unreachable_input"]["level"] for d in code_rows) == [3, 4]
    assert all(d.witness["unreachable_input"]["crisis"] is True for d in code_rows)
    assert all("tabellen ervoor" in d.message for d in code_rows)
    assert sorted(d.rule for d in diags if d.code == "code.unreachable") == ["46A01", "46A02"]
    assert not [d for d in diags if d.severity == "error"]


# ---------------------------------------------------------------- other field kinds


TWO_CODES = HEAD.replace("codes:\n", "codes:\n  - {id: 45B02, name: Tweede, category: \"45\", unit: \"04\", "
                         "level: 1, perceel: 2, norm: {per_week: 1}, tariffs: "
                         "[{valid_from: 2025-01-01, amount: 70.00}]}\n") + """domains:
  - {id: gedrag, name: Gedrag}
  - {id: psychisch, name: Psychisch}
  - {id: school, name: School}
"""


def _catalogue(tmp_path: Path, table: dict) -> Path:
    table = {"id": "t", "name": "Test", "basis": "Adviesraad Sociaal Domein Midden-Delfland, Advies regionale inkoopstrategie specialistische jeugdhulp §4",
             "outputs": ["advised_code"], **table}
    (tmp_path / "catalogue.yaml").write_text(
        TWO_CODES + yaml.safe_dump({"tables": [table]}, sort_keys=False), encoding="utf-8")
    return tmp_path


def test_list_fields_are_enumerated_by_the_values_the_rules_test(tmp_path: Path):
    rows = [{"when": {"domains": {"contains": "gedrag"}}, "then": {"advised_code": "45B01"}},
            {"when": {"domains": {"contains": "psychisch"}}, "then": {"advised_code": "45B02"}}]
    cat = load_catalogue(_catalogue(tmp_path, {"hit_policy": "unique", "inputs": ["domains"], "rows": rows}))
    diags = {d.code: d for d in verify_catalogue(cat)}
    assert diags["table.overlap"].witness["input"] == {"domains": ["gedrag", "psychisch"]}
    # a list with only an untested domain matches no row
    assert diags["table.gap"].witness["input"] == {"domains": ["school"]}
    assert set(diags) == {"table.overlap", "table.gap"}


def test_dates_are_split_at_the_dates_the_rules_mention(tmp_path: Path):
    rows = [{"when": {"decision_date": {"before": "2025-07-01"}}, "then": {"advised_code": "45B01"}},
            {"when": {"decision_date": {"after": "2025-07-01"}}, "then": {"advised_code": "45B02"}}]
    cat = load_catalogue(_catalogue(tmp_path, {"hit_policy": "unique", "inputs": ["decision_date"],
                                               "rows": rows}))
    (d,) = verify_catalogue(cat)
    assert d.code == "table.gap" and d.witness["input"] == {"decision_date": "2025-07-01"}
    assert d.witness["count"] == 1


def test_comparisons_between_fields_cover_every_order(tmp_path: Path):
    rows = [{"when": {"end_date": {"before": {"field": "start_date"}}}, "then": {"advised_code": "45B01"}},
            {"when": {"end_date": {"after": {"field": "start_date"}}}, "then": {"advised_code": "45B02"}}]
    cat = load_catalogue(_catalogue(tmp_path, {"hit_policy": "first", "inputs": ["start_date", "end_date"],
                                               "rows": rows}))
    (d,) = verify_catalogue(cat)
    w = d.witness["input"]
    assert d.code == "table.gap" and w["start_date"] == w["end_date"]  # the equal dates


def test_too_large_is_said_not_silently_skipped(tmp_path: Path, monkeypatch):
    from zorgregels.jobs.verify import domains as verify_limits

    monkeypatch.setattr(verify_limits, "MAX_STATES", 5)  # read at run time
    cat = load_catalogue(ROOT / "fixtures" / "invalid" / "tables_gap")
    diags = verify_catalogue(cat)
    assert [d.code for d in diags] == ["verify.too_large"] and diags[0].severity == "info"


@pytest.mark.parametrize("tariffs,gaps", [
    ([("2025-01-01", None)], []),
    ([("2025-02-01", "2025-12-31")], [["2025-01-01", "2025-01-31"]]),
    ([("2025-01-01", "2025-11-30")], [["2025-12-01", "2025-12-31"]]),
    ([("2024-06-01", "2025-03-31"), ("2025-04-02", None)], [["2025-04-01", "2025-04-01"]]),
    ([], [["2025-01-01", "2025-12-31"]]),
])
def test_tariff_gaps_inside_the_contract_period(tariffs, gaps):
    import datetime as dt

    from zorgregels.catalogue.model import Tariff
    from zorgregels.jobs.verify import tariff_gaps

    cat = load_catalogue(ROOT / "fixtures" / "invalid" / "tables_gap")
    code = cat.codes["45B10"]
    cat.codes["45B10"] = code.model_copy(update={"tariffs": [
        Tariff(valid_from=dt.date.fromisoformat(a), valid_to=dt.date.fromisoformat(b) if b else None,
               amount="70.00") for a, b in tariffs]})
    found = tariff_gaps(cat)
    assert [d.witness["gaps"] for d in found] == ([gaps] if gaps else [])
    if gaps:
        d = found[0]
        assert d.witness["date"] == gaps[0][0] and d.line == cat.sources["code:45B10"].line
        assert cat.tariff_on("45B10", dt.date.fromisoformat(gaps[0][0])) is None


REF_OPS = ["before", "after", "on_or_before", "on_or_after", "equals", "not_equals"]
LIT_OPS = ["before", "after", "on_or_before", "on_or_after", "equals"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.sampled_from(REF_OPS),
                               st.none() | st.tuples(st.sampled_from(["start_date", "end_date"]),
                                                     st.sampled_from(LIT_OPS), st.integers(0, 6))),
                     min_size=1, max_size=5))
def test_gap_analysis_with_field_comparisons_matches_brute_force(tmp_path_factory, rows):
    import datetime as dt

    base = dt.date(2025, 3, 1)
    yaml_rows = []
    for ref_op, lit in rows:
        when: dict = {"end_date": {ref_op: {"field": "start_date"}}}
        if lit is not None:
            fld, op, days = lit
            tests = when.setdefault(fld, {})
            if op not in tests:  # one test per operator in a column
                tests[op] = (base + dt.timedelta(days=days)).isoformat()
        yaml_rows.append({"when": when, "then": {"advised_code": "45B01"}})
    folder = _catalogue(tmp_path_factory.mktemp("ref"), {
        "hit_policy": "first", "inputs": ["start_date", "end_date"], "rows": yaml_rows})
    cat = load_catalogue(folder)
    table = cat.tables[0]
    lits = [base.toordinal() + d for _, lit in rows if lit for d in [lit[2]]] or [base.toordinal()]
    window = range(min(lits) - 4, max(lits) + 5)
    brute_gap = any(not any(holds(r.cond, {"start_date": a, "end_date": b}) for r in table.rows)
                    for a in window for b in window)
    gaps = [d for d in verify_catalogue(cat) if d.code == "table.gap"]
    assert bool(gaps) == brute_gap, yaml_rows
    if gaps:
        w = gaps[0].witness["input"]
        fact = {k: dt.date.fromisoformat(v).toordinal() for k, v in w.items()}
        assert not any(holds(r.cond, fact) for r in table.rows)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.lists(st.integers(1, 30), min_size=1, max_size=3, unique=True).map(sorted),
       split=st.sampled_from(SEVERITY_SPLITS), data=st.data())
def test_planted_shadowed_row_is_found_under_first(tmp_path_factory, cuts, split, data):
    # outputs in a checkerboard, so that every column decides something
    rows = _rows(cuts, split)
    for r in rows:
        r["then"] = {"advised_code": "45B01" if _parity(r, cuts, split) else "45B02"}
    i = data.draw(st.integers(0, len(rows) - 1))
    rows.append({"when": dict(rows[i]["when"]), "then": {"advised_code": "45B01"}})
    folder = tmp_path_factory.mktemp("sh")
    (folder / "catalogue.yaml").write_text(TWO_CODES + yaml.safe_dump({"tables": [{
        "id": "gen", "name": "Gegenereerd", "hit_policy": "first", "basis": "x §1",
        "inputs": ["crisis", "severity", "age"], "outputs": ["advised_code"], "rows": rows}]},
        sort_keys=False), encoding="utf-8")
    cat = load_catalogue(folder)
    diags = verify_catalogue(cat)
    assert [(d.code, d.witness.get("row"), d.witness.get("caught_by")) for d in diags] == [
        ("table.shadowed_row", len(rows), [i + 1])], [d.render() for d in diags]
    fact = diags[0].witness["input"]
    assert holds(cat.tables[0].rows[-1].cond, fact) and holds(cat.tables[0].rows[i].cond, fact)


def _parity(row: dict, cuts: list[int], split: list[list[str]]) -> bool:
    when = row["when"]
    group = split.index(when["severity"])
    part = _partition(cuts).index(when["age"])
    return (group + part + int(when["crisis"])) % 2 == 0
