"""Pages show every basis as citations in words, linked to the law where a link exists
(issue "Right in law": sources catalogue; domain.md §8)."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from zorgregels.cli import main
from zorgregels.render.pages import cited

ROOT = Path(__file__).resolve().parents[1]
SEED_FILE = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")
LINKS = {"Jeugdwet art. 1.2 lid 3": "https://wetten.overheid.nl/jci1.3:c:BWBR0034925&artikel=1.2"}


def test_a_basis_is_linked_per_citation_and_keeps_its_notes():
    html = cited("Jeugdwet art. 1.2 lid 3 (hulp op last van een GI; lid 3); Regiovisie §4.2", LINKS)
    assert html == Markup('<a href="https://wetten.overheid.nl/jci1.3:c:BWBR0034925&amp;artikel=1.2" '
                          'rel="external">Jeugdwet art. 1.2 lid 3</a> (hulp op last van een GI; lid 3)'
                          '; Regiovisie §4.2')


@given(st.text(max_size=80))
def test_any_basis_text_is_escaped_and_kept(text: str):
    """Whatever a basis holds, the page shows all of it, escaped; only the filter's own links
    are markup."""
    html = str(cited(text, LINKS))
    bare = re.sub(r'<a href="[^"<>]*" rel="external">|</a>', "", html)
    assert "<" not in bare and ">" not in bare
    assert re.sub(r"[\s;]", "", unescape(bare)) == re.sub(r"[\s;]", "", text)


def test_report_and_audit_pages_link_the_law_and_name_no_seed_file(tmp_path: Path):
    assert main(["validate", str(ROOT / "fixtures" / "decisions" / "example_2025.csv"), "--rules",
                 str(ROOT / "rules"), "--out", str(tmp_path / "v"), "-q"]) == 1
    assert main(["audit", str(ROOT / "fixtures" / "audit" / "decisions_2025.csv"), "--rules",
                 str(ROOT / "rules"), "--out", str(tmp_path / "a")]) in (0, 1)
    report = (tmp_path / "v" / "report.html").read_text(encoding="utf-8")
    audit = (tmp_path / "a" / "audit.html").read_text(encoding="utf-8")
    assert "<h2>Grondslagen</h2>" in report and "<h2>Gronden en hun grondslag</h2>" in audit
    assert re.search(r'<a href="https://wetten\.overheid\.nl/jci1\.3:c:BWBR0034925&amp;artikel=[\d.]+" '
                     r'rel="external">Jeugdwet art\.', report)
    assert 'href="https://uitspraken.rechtspraak.nl/details?id=ECLI:NL:CRVB:2017:1477"' in audit
    for out in (tmp_path / "v", tmp_path / "a"):
        for f in out.iterdir():
            if f.is_file():
                assert not SEED_FILE.search(f.read_text(encoding="utf-8", errors="replace")), f
