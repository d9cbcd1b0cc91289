"""A code's own conditions (``eligibility``, ``duration``) as ordinary rules of check
``eligibility`` (domain.md §5), so both evaluators, the register and every report treat them as
any other rule. The loader calls ``code_rules`` for each code and parses the rules it returns
like the rules of a rule file; a rule's source is the code's declaration.
"""

from __future__ import annotations

from typing import Any

from zorgregels.catalogue.model import Code, Rule

CHECK = "eligibility"
#: a rejected decision is not judged on the code's conditions (as the other delivery checks)
NOT_REJECTED = {"outcome": {"not_equals": "rejected"}}


def rule_id(code: str, name: str) -> str:
    """``eligibility.<code>.<name>``, the code in lower case with a hyphen as ``_`` (ZK-AMB1:
    ``eligibility.zk_amb1.<name>``)."""
    return f"{CHECK}.{code.lower().replace('-', '_')}.{name}"


def condition_remedy(code: Code) -> str:
    """What to do about a condition of a code that declares no ``remedy`` of its own."""
    return (f"Controleer in het dossier of het besluit aan deze voorwaarde van code {code.id} "
            "voldoet en leg het bewijs vast; voldoet het niet, kies dan een andere code.")


def _rule(**fields: Any) -> Rule:
    return Rule.model_validate({"check": CHECK, **fields})


def code_rules(code: Code) -> list[tuple[Rule, tuple[Any, ...]]]:
    """The rules a code's declaration compiles to, each with its path inside the code's node.

    A rule keys on ``code_id`` (the decided code as the catalogue knows it) and has no
    ``requires``: it says nothing about a decision on another code. A condition the record does
    not show (a field it does not hold) counts as not met, so the finding asks to record it."""
    out: list[tuple[Rule, tuple[Any, ...]]] = []
    for i, cond in enumerate(code.eligibility):
        rule = _rule(id=rule_id(code.id, cond.id), severity=cond.severity, message=cond.message,
                     basis=cond.basis, when={"code_id": code.id, "not": cond.holds, **NOT_REJECTED},
                     remedy=cond.remedy or condition_remedy(code))
        out.append((rule, ("eligibility", i)))
    limit = code.duration
    if limit is not None and limit.max_months is not None:
        rule = _rule(
            id=rule_id(code.id, "max_duration"), severity=limit.severity,
            message=(f"Het besluit loopt {{duration_months}} maanden ({{start_date}} tot en met "
                     f"{{end_date}}); code {code.id} wordt voor ten hoogste {limit.max_months} "
                     "maanden toegekend."),
            basis=limit.basis, actual="duration_months",
            remedy=(f"Kort de looptijd in tot ten hoogste {limit.max_months} maanden; is daarna "
                    "meer hulp nodig, evalueer dan eerst en neem een nieuw besluit."),
            when={"code_id": code.id, "duration_months": {"greater_than": limit.max_months},
                  **NOT_REJECTED})
        out.append((rule, ("duration", "max_months")))
    if limit is not None and limit.review_months is not None:
        rule = _rule(
            id=rule_id(code.id, "review"), severity="info",
            message=(f"Het besluit loopt {{duration_months}} maanden; plan voor code {code.id} "
                     f"binnen {limit.review_months} maanden een evaluatie van intensiteit en duur "
                     "(tijdig afschalen)."),
            basis=limit.basis, actual="duration_months",
            remedy=(f"Plan binnen {limit.review_months} maanden een evaluatie met jeugdige, ouders "
                    "en aanbieder en leg de uitkomst vast in het dossier."),
            when={"code_id": code.id, "duration_months": {"greater_than": limit.review_months,
                                                       **({"at_most": limit.max_months}
                                                          if limit.max_months is not None else {})},
                  **NOT_REJECTED})
        out.append((rule, ("duration", "review_months")))
    return out


__all__ = ["CHECK", "code_rules", "condition_remedy", "rule_id"]
