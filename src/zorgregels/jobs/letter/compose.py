"""One decision record to the motivation section of its letter, or to a refusal.

A grant shows what help, why it fits, the direct time and period, who may deliver it. A
rejection follows the four steps of CRvB 1 May 2017 (ECLI:NL:CRVB:2017:1477) from the record,
names the ground with why it holds on these facts and the alternative. Whether a rejection may be
written at all is the transparency audit's judgment (``jobs.audit.judge``: the ground's
``holds_when`` on the record's facts, the four steps, the alternative, the term), run on the
record as it would be with this letter: its motivation, and objection information (the letter
carries it). Anything but ``transparent`` is a refusal that names what is missing: the tool never
writes a motivation the facts do not carry.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping
from typing import Any

from zorgregels.catalogue.bases import citations_of
from zorgregels.catalogue.letters import MOTIVATION_PARTS, PARTS, PLACEHOLDERS, LetterSentence, fill
from zorgregels.catalogue.model import CHECK_TITLES
from zorgregels.core.engine import CoreEngine
from zorgregels.core.facts import InputIssue, derive, read_record
from zorgregels.core.readability import measure
from zorgregels.core.receipt import record_hash, seal, sha256
from zorgregels.core.results import Decision
from zorgregels.io.columns import ERROR, SOURCE, SOURCE_ROW
from zorgregels.io.privacy import mask_bsns_in_text
from zorgregels.jobs.audit.judge import Reuse, Settings, judge
from zorgregels.jobs.audit.rules import AuditRules
from zorgregels.jobs.letter.model import SECTIONS, Letter, LetterReceipt, Refusal, TracedSentence
from zorgregels.jobs.letter.words import letter_words

#: what a refusal shows for a placeholder that has no value: the record facts it needs
MISSING = "ontbreekt in het record: "


def section_of(part: str) -> str:
    return "motivation" if part in MOTIVATION_PARTS else part


class LetterWriter:
    """The letters of one engine's catalogue (its audit rules compiled once, on first use)."""

    def __init__(self, engine: CoreEngine):
        self.engine = engine
        self.catalogue = engine.catalogue
        self._audit: AuditRules | None = None

    @property
    def audit_rules(self) -> AuditRules:
        if self._audit is None:
            self._audit = AuditRules(self.catalogue)
        return self._audit

    def write(self, raw: Mapping[str, Any], *, as_of: dt.date | None = None,
              bsns: Collection[str] = ()) -> Letter | Refusal:
        """The letter of one record (``raw``: field -> value as text or typed, as framed by
        ``io.frame`` or as a case file gives it), or the refusal saying what is missing."""
        raw = {SOURCE: None, SOURCE_ROW: None, ERROR: None, **raw}
        ident = str(raw.get("decision_id") or "").strip() or f"{raw[SOURCE] or 'invoer'}:{raw[SOURCE_ROW]}"
        did = mask_bsns_in_text(ident, bsns)
        where = {"decision_id": did, "source": raw[SOURCE], "row": raw[SOURCE_ROW]}
        if raw[ERROR]:
            return Refusal(**where, outcome=None, reasons=[f"onleesbare rij: {raw[ERROR]}"])
        typed, issues, _extra = read_record(raw, self.catalogue.vocabulary())
        outcome = typed.get("outcome")
        bad = [f"{i.field}: {i.message}" for i in issues]
        if outcome not in ("granted", "rejected"):
            return Refusal(**where, outcome=None, reasons=[
                "uitkomst (outcome) ontbreekt of is ongeldig; een brief is voor een toekenning "
                "(granted) of een afwijzing (rejected)", *bad])
        code = typed.get("code")
        if code is None or code not in self.catalogue.codes:
            return Refusal(**where, outcome=outcome, reasons=[
                f"de code {'ontbreekt' if code is None else 'staat niet in de catalogus'}: "
                "de brief noemt de hulp bij naam", *bad])
        if bad:
            return Refusal(**where, outcome=outcome, reasons=["onleesbare waarden: " + "; ".join(bad)])
        reference = as_of or typed.get("decision_date") or typed.get("start_date")
        derived = derive(typed, self.catalogue, reference) if reference is not None else {}
        # the engine's own judgment of the record: the tables' complexity (never a second
        # derivation of it here) and, for a grant, the error findings that forbid a letter
        decision = self.engine.evaluate(
            {k: v for k, v in raw.items() if k not in (SOURCE, SOURCE_ROW, ERROR)}, as_of=reference)
        words = letter_words(typed, {**derived, "complexity": decision.facts.get("complexity")},
                             self.catalogue)
        traced, missing = self._sentences(outcome, typed, derived, words)
        motivation = " ".join(s.text for s in traced if s.section == "motivation")
        review: list[str] = []
        if outcome == "rejected":
            reasons, review = self._audit_reasons(raw, typed, issues, motivation if not missing else None,
                                                  as_of, did)
            if reasons or missing:
                return Refusal(**where, outcome=outcome, reasons=reasons or missing)
        elif missing:
            return Refusal(**where, outcome=outcome, reasons=missing)
        else:
            # a grant is motivated from the rules that decided it: where those rules find an
            # error in the decision (the code does not fit the question, the wrong perceel...),
            # a motivation would claim what the rules do not carry
            wrong = rule_errors(decision)
            if wrong:
                return Refusal(**where, outcome=outcome, reasons=[mask_bsns_in_text(w, bsns) for w in wrong])
        traced = self._with_provisions(outcome, typed, traced)
        traced = [s.model_copy(update={"text": mask_bsns_in_text(s.text, bsns)}) for s in traced]
        motivation = case_motivation(traced)
        text = render_plain(traced)
        citations = [s.facts["provision"] for s in traced if s.part == "provisions"]
        readability = measure("\n".join(s.text for s in traced)).as_dict()
        receipt = seal(LetterReceipt, self.audit_rules.runtime.versions, rules_hash=self.engine.rules_hash,
                       as_of=reference.isoformat() if reference is not None else None,
                       input_hash=record_hash(raw), result_hash=sha256(text))
        return Letter(**where, outcome=outcome, motivation=motivation, text=text, citations=citations,
                      sentences=traced, readability=readability, review=review, receipt=receipt)

    # ------------------------------------------------------------------ the sentences

    def _applies(self, ls: LetterSentence, typed: Mapping[str, Any]) -> bool:
        s = ls.sentence
        code = self.catalogue.codes[typed["code"]]
        return ((s.code is None or s.code == code.id)
                and (s.care_form is None or s.care_form == code.care_form)
                and (s.level is None or s.level == code.level)
                and (s.ground is None or s.ground == typed.get("rejection_reason")))

    def _sentences(self, outcome: str, typed: Mapping[str, Any], derived: Mapping[str, Any],
                   words: Mapping[str, str]) -> tuple[list[TracedSentence], list[str]]:
        kind = "grant." if outcome == "granted" else "rejection."
        out: list[TracedSentence] = []
        missing: list[str] = []
        for part in PARTS:
            if part.startswith(("grant.", "rejection.")) and not part.startswith(kind):
                continue
            if part == "provisions":
                continue
            for ls in self.catalogue.letters.of_part(part):
                if not self._applies(ls, typed):
                    continue
                lacking = [p for p in ls.placeholders if p not in words]
                if lacking:
                    if not ls.sentence.optional:
                        facts = sorted({f for p in lacking for f in PLACEHOLDERS[p]})
                        missing.append(f"{MISSING}{', '.join(facts)} (voor de zin '{ls.sentence.id}')")
                    continue
                out.append(self._traced(ls, words, typed, derived))
        return out, missing

    def _traced(self, ls: LetterSentence, words: Mapping[str, str], typed: Mapping[str, Any],
                derived: Mapping[str, Any]) -> TracedSentence:
        s = ls.sentence
        facts = {p: ", ".join(f for f in PLACEHOLDERS[p] if f in typed or f in derived)
                 for p in ls.placeholders}
        rule = next((f"{k}:{v}" for k, v in (("ground", s.ground), ("code", s.code),
                     ("care_form", s.care_form), ("level", s.level)) if v is not None), None)
        basis = "; ".join(c.text for c in citations_of(self.catalogue, s.basis)) if s.basis else None
        return TracedSentence(template=s.id, part=s.part, section=section_of(s.part),
                              text=_sentence(fill(s.text, words)), facts=facts, rule=rule,
                              basis=basis or None, file=ls.file, line=ls.line,
                              reason=s.motivation and bool(ls.placeholders)
                              and section_of(s.part) == "motivation")

    def _with_provisions(self, outcome: str, typed: Mapping[str, Any],
                         traced: list[TracedSentence]) -> list[TracedSentence]:
        """The provisions: every citation of the sentences used and, for a rejection, of its
        ground, once each in order, one sentence each (the ``provisions`` template)."""
        bases = [s.basis for s in traced if s.basis]
        if outcome == "rejected":
            pg = self.catalogue.grounds[typed["rejection_reason"]]
            bases.insert(0, pg.ground.basis)
        seen: list[str] = []
        for basis in bases:
            for c in citations_of(self.catalogue, basis):
                if c.text not in seen:
                    seen.append(c.text)
        templates = self.catalogue.letters.of_part("provisions")
        provisions: list[TracedSentence] = []
        for ls in templates[:1]:
            for text in seen:
                provisions.append(TracedSentence(
                    template=ls.sentence.id, part="provisions", section="provisions",
                    text=_sentence(fill(ls.sentence.text, {"provision": text})),
                    facts={"provision": text}, rule=(f"ground:{typed['rejection_reason']}"
                                                     if outcome == "rejected" else None),
                    basis=text, file=ls.file, line=ls.line, reason=False))
        order = {name: i for i, (name, _) in enumerate(SECTIONS)}
        return sorted([*traced, *provisions], key=lambda s: order[s.section])

    # ------------------------------------------------------------------ the audit's judgment

    def _audit_reasons(self, raw: Mapping[str, Any], typed: Mapping[str, Any],
                       issues: list[InputIssue], motivation: str | None, as_of: dt.date | None,
                       ident: str) -> tuple[list[str], list[str]]:
        """What the audit finds lacking in the record with this letter (nothing: it may be
        written), and what it leaves to a professional's judgment."""
        rules = self.audit_rules
        settings = Settings(as_of=as_of, reuse_threshold=2, similarity="1",
                            versions=rules.runtime.versions, rules_hash=self.engine.rules_hash)
        with_letter = {**typed, "objection_info": True}
        if motivation:
            with_letter["motivation"] = motivation
        audited = judge(rules, self.catalogue, settings, raw, with_letter, issues, Reuse(0, []), ident)
        review = [c.message for c in audited.criteria if c.status == "needs_review"]
        if audited.verdict == "transparent":
            return [], review
        reasons = [c.message for c in audited.criteria if c.status == "fail"
                   and not (c.criterion == "motivation_specific" and motivation is None)]
        return reasons or list(audited.reasons), review


def rule_errors(decision: Decision) -> list[str]:
    """The error findings the engine gives a decision, in words (none: a grant may be written)."""
    return [f"{CHECK_TITLES.get(f.check, f.check)}: {f.message} (de regels geven hier een fout; "
            "een motivering zou iets beweren wat de regels niet dragen)"
            for f in decision.findings if f.severity == "error"]


def case_motivation(traced: list[TracedSentence]) -> str:
    """The motivation of this case: the sentences of the motivation that give a reason from a
    fact of the case. The fixed sentences that explain a rule read the same in every letter on
    that ground, and a sentence that states the decision itself (``motivation: false``) is no
    reason; both stay in the letter's text but are not the case's own motivation (the audit would
    rightly call the former boilerplate)."""
    return " ".join(s.text for s in traced if s.section == "motivation" and s.reason)


def _sentence(text: str) -> str:
    """A filled template as one sentence: single spaces, no doubled closing mark."""
    text = " ".join(text.split())
    return re.sub(r"([.!?])\.$", r"\1", text)


def render_plain(traced: list[TracedSentence]) -> str:
    """The letter as plain text: a heading per section, the sentences of a part as a paragraph."""
    lines: list[str] = []
    for name, heading in SECTIONS:
        part_texts: dict[str, list[str]] = {}
        for s in traced:
            if s.section == name:
                part_texts.setdefault(s.part, []).append(s.text)
        if not part_texts:
            continue
        if lines:
            lines.append("")
        lines.append(heading)
        for texts in part_texts.values():
            if name == "provisions":
                lines.extend(texts)
            else:
                lines.append(" ".join(texts))
    return "\n".join(lines) + "\n"
