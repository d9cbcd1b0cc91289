"""The strict loader: every mistake at once, with file, line and a stable code."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from zorgregels import CatalogueError, check_catalogue, load_catalogue
from zorgregels.catalogue.citations import in_words, resolve
from zorgregels.cli import main
from zorgregels.jobs.validate.cross import SEQUENTIAL_BASIS as SEQUENTIAL_HELP_BASIS

ROOT = Path(__file__).resolve().parent.parent
INVALID = sorted((ROOT / "fixtures" / "invalid").glob("*.yaml"))
EXPECT = re.compile(r"^# expect: (\S+) line (\d+)")


def test_example_catalogue_loads_clean():
    cat, diags = check_catalogue(ROOT / "rules")
    assert cat is not None
    assert [d for d in diags if d.severity == "error"] == []
    assert len(cat.codes) >= 30
    assert {c.level for c in cat.codes.values()} == set(cat.ladder)
    assert {c.perceel for c in cat.codes.values()} == {None, 1, 2}
    for rule in cat.rules:
        assert rule.rule.basis.strip() and rule.rule.message.strip()


def test_every_basis_cites_a_source_of_the_catalogue():
    """In words, by the source's title, never a file name a citizen cannot follow."""
    cat = load_catalogue(ROOT / "rules")
    citations = [r.rule.basis for r in cat.rules] + [t.table.basis for t in cat.tables] + [
        lvl.basis for lvl in cat.ladder.values()] + [g.ground.basis for g in cat.grounds.values()] + [
        b.basis for b in cat.budget_ceilings] + [SEQUENTIAL_HELP_BASIS]
    for basis in citations:
        assert not re.search(r"\d{3}_[0-9a-f]{16}\.txt", basis), basis
        found, unknown = resolve(basis, cat.bibliography)
        assert found and not unknown, basis
        assert in_words(found) == basis


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_names_its_diagnostic(path: Path):
    m = EXPECT.match(path.read_text(encoding="utf-8").splitlines()[0])
    assert m, f"{path.name} must start with '# expect: <code> line <n>'"
    code, line = m.group(1), int(m.group(2))
    cat, diags = check_catalogue(path)
    assert cat is None, "a catalogue with an error loads nothing"
    hits = [d for d in diags if d.code == code]
    assert hits, [d.render() for d in diags]
    assert line in {d.line for d in hits}, [d.render() for d in hits]
    assert all(d.file == str(path) for d in hits)


def test_load_catalogue_raises_with_all_diagnostics():
    with pytest.raises(CatalogueError) as exc:
        load_catalogue(ROOT / "fixtures" / "invalid" / "tariff_overlap.yaml")
    assert exc.value.diagnostics[0].code == "tariff.overlap"
    assert "tariff_overlap.yaml:21" in str(exc.value)


def test_four_defects_in_a_copy_of_the_rules_are_all_reported(tmp_path: Path, capsys):
    """Done-criterion of the foundation issue: duplicate key, unknown key, impossible date and a
    dangling code reference, in different files, all named with their lines; exit code 2."""
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)

    def edit(name: str, old: str, new: str) -> int:
        p = rules / "zuid-kennemerland-ijmond" / name
        text = p.read_text(encoding="utf-8")
        assert old in text
        text = text.replace(old, new, 1)
        p.write_text(text, encoding="utf-8")
        return text[: text.index(new)].count("\n") + 1 + new[: new.rstrip().rfind("\n") + 1].count("\n")

    dup = edit("codes.yaml", "    level: 0\n", "    level: 0\n    level: 1\n")
    unknown = edit("codes.yaml", "    waiting_weeks: 1\n", "    waiting_weeks: 1\n    wachttijd: 3\n")
    date = edit("codes.yaml", "valid_to: 2024-12-31, amount: 62.00", "valid_to: 2024-13-31, amount: 62.00")
    dangling = edit("tables.yaml", "then: {allowed_codes: [54B03], advised_code: 54B03}",
                    "then: {allowed_codes: [54B03], advised_code: 54B33}")

    code = main(["check", str(rules)])
    out = capsys.readouterr().out
    assert code == 2
    assert re.search(rf"codes.yaml:{dup}:\d+: error yaml.duplicate_key", out), out
    assert re.search(rf"codes.yaml:{unknown}:\d+: error schema.unknown_key.*wachttijd", out), out
    assert re.search(rf"codes.yaml:{date}:\d+: error schema.invalid_date.*2024-13-31", out), out
    assert re.search(rf"tables.yaml:{dangling}:\d+: error ref.unknown_code.*54B33", out), out


def test_check_example_rules_exits_zero(capsys):
    assert main(["check", str(ROOT / "rules")]) == 0
    assert "OK: 32 codes" in capsys.readouterr().out


def test_schema_is_generated_from_the_models(capsys):
    import json

    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert set(schema["properties"]) >= {"region", "ladder", "codes", "tables", "rules"}
    assert schema["additionalProperties"] is False


def test_missing_folder_is_a_diagnostic_not_a_traceback(tmp_path: Path):
    cat, diags = check_catalogue(tmp_path / "nope")
    assert cat is None and diags[0].code == "catalogue.not_found"


def test_yaml_syntax_error_names_the_line(tmp_path: Path):
    p = tmp_path / "bad.yaml"
    p.write_text("region:\n  id: x\n  name: [unclosed\n", encoding="utf-8")
    cat, diags = check_catalogue(p)
    assert cat is None
    assert diags[0].code == "yaml.syntax" and diags[0].line is not None


def test_same_id_in_two_files_is_reported(tmp_path: Path):
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    extra = tmp_path / "rules" / "extra.yaml"
    extra.write_text((ROOT / "rules" / "zuid-kennemerland-ijmond" / "codes.yaml").read_text(encoding="utf-8").split("  - id: 31A02")[0],
                     encoding="utf-8")
    cat, diags = check_catalogue(tmp_path / "rules")
    assert cat is None
    dup = [d for d in diags if d.code == "ref.duplicate_id"]
    assert dup and "31A01" in dup[0].message


@pytest.mark.parametrize("section", ["region", "letters"])
def test_a_one_object_section_given_as_a_list_is_a_diagnostic_not_a_crash(tmp_path: Path, section: str):
    """A section that is one object (``region``, ``letters``) given as a list is refused with
    the file and line, never read item by item as the list sections are."""
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    region = rules / "zuid-kennemerland-ijmond" / "region.yaml"
    region.write_text(region.read_text(encoding="utf-8") + f"\n{section}:\n  - {{id: x}}\n"
                      if section != "region" else
                      re.sub(r"^region:\n(  .*\n)+", "region:\n  - {id: x}\n", region.read_text(encoding="utf-8"),
                             flags=re.M), encoding="utf-8")
    cat, diags = check_catalogue(rules)
    assert cat is None
    bad = [d for d in diags if d.code == "schema.invalid_value" and d.file.endswith("region.yaml")]
    assert bad and bad[0].line is not None, diags
