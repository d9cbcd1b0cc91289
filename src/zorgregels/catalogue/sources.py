"""The policy documents a ``basis`` may cite, by the title a citizen can look up (domain.md §8;
the seed documents of ``shared/seeds``). A basis names the source by its citation followed by
the section: ``Regiovisie jeugdhulp Zuid-Kennemerland en IJmond §5.1``; never by a file name.
Laws are cited by their own names (Jeugdwet, Awb, BW, Wlz) and the iJw standard by its version.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PolicySource:
    id: str
    publisher: str
    title: str
    year: int | None

    @property
    def citation(self) -> str:
        """How a basis names this source (before the section)."""
        return f"{self.publisher}, {self.title}" if self.publisher else self.title


POLICY_SOURCES: tuple[PolicySource, ...] = (
    PolicySource("participatieraad-2026", "Participatieraad Zuid-Kennemerland/IJmond",
                 "Ongevraagd advies evaluatie jeugdhulpverlening", 2026),
    PolicySource("asd-midden-delfland-inkoop", "Adviesraad Sociaal Domein Midden-Delfland",
                 "Advies regionale inkoopstrategie specialistische jeugdhulp", None),
    PolicySource("regiovisie-zk-ijmond", "", "Regiovisie jeugdhulp Zuid-Kennemerland en IJmond", None),
    PolicySource("haarlem-werkagenda-2021", "Gemeente Haarlem", "Werkagenda jeugd 2021-2022", 2021),
    PolicySource("haarlem-verwerving-2022", "Gemeente Haarlem",
                 "Opinienota regionale verwervingsstrategie jeugdhulp vanaf 2022", 2021),
)


def policy_source_of(text: str) -> PolicySource | None:
    """The policy source a citation starts with (None for a law, a standard or unknown text)."""
    for source in POLICY_SOURCES:
        if text.startswith(source.citation):
            return source
    return None


__all__ = ["POLICY_SOURCES", "PolicySource", "policy_source_of"]
