"""``zorgregels register``: the Algoritmeregister entry derived from the catalogue."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

from zorgregels.catalogue.bases import citations_of
from zorgregels.catalogue.conditions import fields_of
from zorgregels.catalogue.loader import load_catalogue
from zorgregels.cli import main
from zorgregels.jobs.register import FIELD_ORDER, register_entry, to_markdown

ROOT = Path(__file__).resolve().parent.parent
CAT = load_catalogue(ROOT / "rules")


def test_entry_has_the_standards_fields_within_their_limits():
    e = register_entry(CAT)
    v = e["velden"]
    assert tuple(v) == FIELD_ORDER
    assert {"Naam", "Organisatie", "Doel en impact", "Wettelijke basis", "Gegevens",
            "Menselijke tussenkomst", "Status", "Publicatiecategorie"} <= set(v)
    # the standard's input limits: name < 100, short description < 350, goal/impact < 2500
    assert len(v["Naam"]) < 100 and len(v["Korte omschrijving"]) < 350
    assert len(v["Doel en impact"]) < 2500
    assert v["Status"] in ("In gebruik", "In ontwikkeling", "Buiten gebruik")
    assert v["Publicatiecategorie"] == "Impactvolle algoritmes"
    assert v["Organisatie"] == CAT.region.name
    assert v["Begindatum"] == "2024-01"
    assert "32 codes" in v["Doel en impact"] and f"{len(CAT.rules)} regels" in v["Doel en impact"]
    assert "een mens beslist" in v["Menselijke tussenkomst"]
    objection = e["aanvullingen"]["Bezwaar"]
    assert "6 weken" in objection and "6:7" in objection
    # what only a person knows is marked, not invented
    assert "Contactgegevens" in e["in_te_vullen"] and v["Contactgegevens"] == ""


def test_legal_basis_is_every_citation_deduplicated():
    e = register_entry(CAT)
    cites = e["aanvullingen"]["Wettelijke basis per bron"]
    keys = [(c["bron"], c["verwijzing"]) for c in cites]
    assert len(keys) == len(set(keys))
    by_key = {(c["bron"], c["verwijzing"]): c for c in cites}
    owners = [(f"regel {r.id}", r.rule.basis) for r in CAT.rules] + \
             [(f"tabel {t.id}", t.table.basis) for t in CAT.tables]
    for owner, basis in owners:
        for cited in citations_of(CAT, basis):
            assert owner in by_key[(cited.source.cite, cited.section)]["gebruikt_door"], (owner, basis)
    # laws lead, with links to wetten.overheid.nl
    assert "Jeugdwet art. 2.6 lid 1 onderdeel e" in e["velden"]["Wettelijke basis"]
    assert "https://wetten.overheid.nl/BWBR0034925" in e["velden"]["Link naar wettelijke basis"]
    # a citation used by three referrer types and a rule appears once
    assert sum(1 for k in keys if k == ("Jeugdwet", "art. 2.6 lid 1 onderdeel e")) == 1
    # each citation carries its source's id, title and a link to the article
    # (the Wlz rules cite the paragraph: art. 1.2 lid 1; the link goes to the article)
    (art_12,) = [c for c in cites if (c["bron"], c["verwijzing"]) == ("Jeugdwet", "art. 1.2 lid 1")]
    assert art_12["bron_id"] == "jeugdwet" and art_12["titel"] == "Jeugdwet"
    assert art_12["link"] == "https://wetten.overheid.nl/jci1.3:c:BWBR0034925&artikel=1.2"


def test_data_used_is_what_the_conditions_read():
    e = register_entry(CAT)
    listed = {d["veld"] for d in e["aanvullingen"]["Gegevens per veld"]}
    read: set[str] = set()
    for t in CAT.tables:
        read |= set(t.table.inputs) | (set(fields_of(t.applies_when)) if t.applies_when else set())
    for r in CAT.rules:
        read |= set(fields_of(r.cond)) | set(r.rule.requires)
    for g in CAT.grounds.values():
        read |= (set(fields_of(g.holds_when)) if g.holds_when else set()) | set(g.ground.needs)
    assert listed == read
    assert "bsn" not in listed
    for name in ("severity", "referrer_type", "decision_date"):
        assert name in e["velden"]["Gegevens"]


def test_register_command_writes_markdown_and_json(tmp_path: Path, capsys):
    out = tmp_path / "reg"
    rc = main(["register", str(ROOT / "rules"), "--out", str(out), "--status", "In gebruik",
               "--contact", "jeugd@example.nl"])
    assert rc == 0
    entry = json.loads((out / "algoritmeregister.json").read_text(encoding="utf-8"))
    md = (out / "algoritmeregister.md").read_text(encoding="utf-8")
    assert entry["velden"]["Status"] == "In gebruik"
    assert entry["velden"]["Contactgegevens"] == "jeugd@example.nl"
    assert entry["afgeleid_van"]["bundle_hash"] == CAT.bundle_hash
    for name in FIELD_ORDER:
        assert f"### {name}\n" in md
    assert "jeugd@example.nl" in md and "## Bezwaar" in md
    # deterministic: the same rules give the same files
    first = (out / "algoritmeregister.md").read_bytes()
    main(["register", str(ROOT / "rules"), "--out", str(out), "--status", "In gebruik",
          "--contact", "jeugd@example.nl"])
    assert (out / "algoritmeregister.md").read_bytes() == first
    assert "algoritmeregister.md" in capsys.readouterr().out


def test_register_command_prints_and_rejects_bad_options(capsys):
    assert main(["register", str(ROOT / "rules")]) == 0
    assert capsys.readouterr().out.startswith("# Toewijzing en toetsing jeugdhulp")
    assert main(["register", str(ROOT / "rules"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["standaard"] == "Algoritmeregister Publicatiestandaard"
    assert main(["register", str(ROOT / "rules"), "--status", "misschien"]) == 2
    assert main(["register", str(ROOT / "no_such_rules")]) == 2


def test_entry_follows_the_rules(tmp_path: Path):
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    path = rules / "zuid-kennemerland-ijmond" / "validation.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["rules"].append({
        "id": "wlz_extra", "check": "wlz", "severity": "warning",
        "message": "Wlz-indicatie bij verblijf.", "basis": "Wlz art. 4.2.1 (zorgplicht)",
        "when": {"all": [{"wlz_indication": True}, {"extended_care": True}]}})
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    e = register_entry(load_catalogue(rules))
    assert "Wlz art. 4.2.1" in e["velden"]["Wettelijke basis"]
    assert "https://wetten.overheid.nl/BWBR0035917" in e["velden"]["Link naar wettelijke basis"]
    # the national wlz rules cite other articles of the Wlz (3.1.1, 3.2.1)
    (cite,) = [c for c in e["aanvullingen"]["Wettelijke basis per bron"]
               if c["bron"] == "Wlz" and c["verwijzing"] == "art. 4.2.1"]
    assert cite["gebruikt_door"] == ["regel wlz_extra"] and cite["toelichting"] == ["zorgplicht"]


def test_risk_field_reports_the_verification():
    e = register_entry(load_catalogue(ROOT / "fixtures" / "invalid" / "tables_gap"))
    assert "1 fout(en)" in e["velden"]["Risicobeheer"]
    assert "0 fout(en)" in register_entry(CAT)["velden"]["Risicobeheer"]
    assert to_markdown(e).count("### ") == len(FIELD_ORDER)


def test_one_registration_per_municipality(tmp_path: Path, capsys):
    assert main(["register", str(ROOT / "rules"), "--out", str(tmp_path), "--per-municipality"]) == 0
    folders = sorted(p.name for p in tmp_path.iterdir())
    assert folders == sorted(m.code for m in CAT.region.municipalities)
    haarlem = json.loads((tmp_path / "GM0392" / "algoritmeregister.json").read_text(encoding="utf-8"))
    assert haarlem["velden"]["Organisatie"] == "Gemeente Haarlem"
    assert main(["register", str(ROOT / "rules"), "--per-municipality"]) == 2
    assert "--out" in capsys.readouterr().err


def test_a_note_with_a_semicolon_stays_with_its_citation():
    from zorgregels.jobs.register import legal_basis

    cat = load_catalogue(ROOT / "rules")
    texts = [c.text() for c in legal_basis(cat)]
    # "... §4 (kostenbeheersing; plafond per gemeente van de regio)" is one citation with a note
    assert not [t for t in texts if t.endswith(")") and "(" not in t], texts
    assert "Gemeente Haarlem, Werkagenda jeugd 2021-2022 §4" in texts
    kinds = {c.source: c.kind for c in legal_basis(cat)}
    assert kinds["Regiovisie jeugdhulp Zuid-Kennemerland en IJmond"] == "beleid"
    assert kinds["Jeugdwet"] == "wet"
