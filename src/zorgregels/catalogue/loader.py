"""Strict loading of a region's rule folder: every mistake, all at once, with file and line.

A catalogue with one error loads nothing (``CatalogueError``); warnings are returned beside a
catalogue that does load.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

import zorgregels.catalogue.eligibility as eligibility
import zorgregels.catalogue.ijw as ijw
import zorgregels.catalogue.layers as layers
from zorgregels.catalogue.bases import resolve_bases
from zorgregels.catalogue.catalogue import (
    Catalogue,
    ParsedGround,
    ParsedRow,
    ParsedRule,
    ParsedTable,
    Source,
)
from zorgregels.catalogue.conditions import All, ConditionError, Const, Parser, to_fact_value
from zorgregels.catalogue.fields import FIELDS, TABLE_OUTPUTS
from zorgregels.catalogue.letter_check import attach_letters
from zorgregels.catalogue.model import LIST_SECTIONS, Code, RuleFile, Table
from zorgregels.catalogue.yamlio import LocDict, load_yaml, locate
from zorgregels.diagnostics import CatalogueError, Diagnostic

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def _all_model_keys() -> set[str]:
    keys: set[str] = set()
    seen: set[type] = set()

    def walk(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, info in model.model_fields.items():
            keys.add(name)
            for arg in _model_args(info.annotation):
                walk(arg)

    walk(RuleFile)
    return keys


def _model_args(annotation: Any) -> list[type[BaseModel]]:
    out = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        out.append(annotation)
    for arg in getattr(annotation, "__args__", ()) or ():
        out.extend(_model_args(arg))
    return out


_KNOWN_KEYS = _all_model_keys()


def rule_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def load_catalogue(path: str | Path) -> Catalogue:
    """Load and cross-check a catalogue; raise ``CatalogueError`` with every error found."""
    catalogue, diags = check_catalogue(path)
    if catalogue is None:
        raise CatalogueError(diags)
    return catalogue


def check_catalogue(path: str | Path) -> tuple[Catalogue | None, list[Diagnostic]]:
    """All diagnostics of a catalogue folder, and the catalogue when it has no errors."""
    return _Loader(Path(path)).run()


class _Loader:
    def __init__(self, root: Path):
        self.root = root
        self.diags: list[Diagnostic] = []
        self.invalid_ids: set[str] = set()
        self.national_files: set[str] = set()  # files of the law layer the region builds on

    def error(self, code: str, message: str, file: str | None, data: Any = None,
              path: tuple[Any, ...] = (), rule: str | None = None,
              severity: Literal["error", "warning", "info"] = "error") -> None:
        line, col = locate(data, path) if data is not None else (None, None)
        self.diags.append(Diagnostic(code=code, severity=severity, message=message, file=file,
                                     line=line, column=col, rule=rule))

    def run(self) -> tuple[Catalogue | None, list[Diagnostic]]:
        if not self.root.exists():
            self.error("catalogue.not_found", f"map of bestand {self.root} bestaat niet", str(self.root))
            return None, self.diags
        files = rule_files(self.root)
        if not files:
            self.error("catalogue.empty", f"geen .yaml-bestanden in {self.root}", str(self.root))
            return None, self.diags
        raws: dict[str, bytes] = {}
        parsed: list[tuple[str, LocDict, RuleFile]] = []
        seen: set[Path] = set()
        queue = list(files)
        national_root: Path | None = None
        while queue:
            f = queue.pop(0)
            if f.resolve() in seen:
                continue
            seen.add(f.resolve())
            entry = self._read(f, raws)
            if entry is None:
                continue
            parsed.append(entry)
            law = self._law_layer(f, *entry[1:])
            if law is not None and national_root is None:
                national_root = law
                queue.extend(rule_files(law))
        if national_root is not None:
            self.national_files = {
                name for name, _, _ in parsed if Path(name).resolve().is_relative_to(national_root)
            }
        # the law layer first, then the region: one order whichever folder was named
        parsed.sort(key=lambda entry: (entry[0] not in self.national_files, Path(entry[0]).name, entry[0]))
        cat = self._merge(parsed)
        if cat is not None:
            self.diags.extend(resolve_bases(cat, str(self.root)) + attach_letters(cat, parsed))
            region_files = [name for name, _, model in parsed
                            if model.region is not None and name not in self.national_files]
            cat.bundle_hash = layers.bundle_hash(raws, self.root, region_files[:1],
                                                 national_root, self.national_files)
            cat.files = list(raws)
        if any(d.severity == "error" for d in self.diags):
            return None, self.diags
        return cat, self.diags

    def _read(self, f: Path, raws: dict[str, bytes]) -> tuple[str, LocDict, RuleFile] | None:
        name = str(f)
        try:
            raws[name] = f.read_bytes()
        except OSError:
            raws[name] = b""  # load_yaml reports the file as unreadable
        data, diags = load_yaml(f)
        self.diags.extend(diags)
        if data is None:
            return None
        if not isinstance(data, LocDict):
            self.error("schema.not_a_mapping", "een regelbestand is een mapping met secties "
                       "(region, ladder, domains, referrer_types, codes, tables, rules)", name)
            return None
        return name, data, self._validate_sections(data, name)

    def _law_layer(self, f: Path, data: LocDict, model: RuleFile) -> Path | None:
        """The folder of the national law layer a region file names (``region.builds_on``)."""
        if model.region is None or model.region.builds_on is None:
            return None
        law = (f.parent / model.region.builds_on).resolve()
        if not law.is_dir() or not rule_files(law):
            self.error("region.builds_on_missing", f"de wettelijke laag {model.region.builds_on} "
                       f"(builds_on) is geen map met regelbestanden (gezocht: {law})", str(f), data,
                       ("region", "builds_on"))
            return None
        return law

    def _source(self, name: str, line: int | None) -> Source:
        return Source(name, line, national=name in self.national_files)

    # -------------------------------------------------------------- schema errors

    def _validate_sections(self, data: LocDict, name: str) -> RuleFile:
        """Validate section by section and item by item, so one bad code does not hide the
        mistakes (or the cross-references) of everything else in the file."""
        sections: dict[str, Any] = {}
        for key, value in data.items():
            info = RuleFile.model_fields.get(key)
            if info is None:
                close = difflib.get_close_matches(str(key), RuleFile.model_fields, n=1)
                hint = f"; bedoelde u '{close[0]}'?" if close else ""
                self.error("schema.unknown_key", f"onbekende sectie '{key}'{hint} (bekend: "
                           f"{', '.join(RuleFile.model_fields)})", name, data, (key,))
                continue
            if isinstance(value, list) and key in LIST_SECTIONS:
                item_type = _model_args(info.annotation)[0]
                good = []
                for i, item in enumerate(value):
                    try:
                        good.append(item_type.model_validate(item))
                    except ValidationError as exc:
                        self._schema_errors(exc, name, data, (key, i))
                        if isinstance(item, dict) and "id" in item:
                            # references to it are not reported again as dangling
                            self.invalid_ids.add(str(item["id"]))
                sections[key] = good
            else:
                try:
                    sections[key] = RuleFile.model_validate({key: value}).__getattribute__(key)
                except ValidationError as exc:
                    self._schema_errors(exc, name, data)
        return RuleFile.model_construct(**sections)

    def _schema_errors(self, exc: ValidationError, name: str, data: LocDict,
                       prefix: tuple[Any, ...] = ()) -> None:
        for err in exc.errors():
            loc = prefix + tuple(err["loc"])
            etype = err["type"]
            where = ".".join(str(p) for p in loc)
            msg = err["msg"].removeprefix("Value error, ")
            if etype == "extra_forbidden":
                key = str(loc[-1])
                close = difflib.get_close_matches(key, _KNOWN_KEYS, n=1)
                hint = f"; bedoelde u '{close[0]}'?" if close else ""
                self.error("schema.unknown_key", f"onbekende sleutel '{key}' in {where}{hint}",
                           name, data, loc)
            elif etype == "missing":
                self.error("schema.missing_key", f"verplichte sleutel ontbreekt: {where}",
                           name, data, loc)
            elif "datum" in msg:
                self.error("schema.invalid_date", f"{where}: {msg}", name, data, loc)
            elif etype == "literal_error":
                allowed = err.get("ctx", {}).get("expected", "")
                self.error("schema.invalid_value", f"{where}: {err['input']!r} is niet toegestaan "
                           f"(toegestaan: {allowed})", name, data, loc)
            else:
                self.error("schema.invalid_value", f"{where}: {msg}", name, data, loc)

    # -------------------------------------------------------------- merging and cross-checks

    def _merge(self, parsed: list[tuple[str, LocDict, RuleFile]]) -> Catalogue | None:
        sources: dict[str, Source] = {}
        first_seen: dict[str, tuple[str, int | None]] = {}

        def claim(kind: str, ident: Any, name: str, data: LocDict, path: tuple[Any, ...]) -> bool:
            key = f"{kind}:{ident}"
            line, _ = locate(data, path)
            if key in first_seen:
                prev = first_seen[key]
                if (prev[0] in self.national_files) != (name in self.national_files):
                    where = name if name not in self.national_files else prev[0]
                    national = prev if name not in self.national_files else (name, line)
                    hint = (f"; een regio scherpt een nationale regel alleen aan met een eigen regel "
                            f"(eigen id) met 'tightens: {ident}' en een eigen basis") if kind == "rule" else ""
                    self.error("layer.redefines_national", f"{kind} '{ident}' is nationaal recht "
                               f"({national[0]}:{national[1]}); de regio mag het niet opnieuw "
                               f"definiëren{hint}", where, data if where == name else None, path)
                    return False
                self.error("ref.duplicate_id", f"{kind} '{ident}' is al gedefinieerd in "
                           f"{prev[0]}:{prev[1]}", name, data, path)
                return False
            first_seen[key] = (name, line)
            sources[key] = self._source(name, line)
            return True

        region = None
        ceiling_refs: list[tuple[str, LocDict, int, Any]] = []
        ladder: dict[int, Any] = {}
        domains: dict[str, Any] = {}
        referrers: dict[str, Any] = {}
        codes: dict[str, Code] = {}
        code_where: dict[str, tuple[str, LocDict, tuple[Any, ...]]] = {}
        raw_tables: list[tuple[str, LocDict, int, Table]] = []
        raw_rules: list[tuple[str, LocDict, int, Any]] = []
        raw_grounds: list[tuple[str, LocDict, int, Any]] = []
        ceilings: list[Any] = []
        bibliography: dict[str, Any] = {}
        for name, data, rf in parsed:
            for i, s in enumerate(rf.sources or []):
                if claim("source", s.id, name, data, ("sources", i)):
                    bibliography[s.id] = s
            if rf.region is not None:
                if claim("region", "region", name, data, ("region",)):
                    region = rf.region
            for i, lvl in enumerate(rf.ladder or []):
                if claim("level", lvl.level, name, data, ("ladder", i)):
                    ladder[lvl.level] = lvl
            for i, d in enumerate(rf.domains or []):
                if claim("domain", d.id, name, data, ("domains", i)):
                    domains[d.id] = d
            for i, ref in enumerate(rf.referrer_types or []):
                if claim("referrer_type", ref.code, name, data, ("referrer_types", i)):
                    referrers[ref.code] = ref
            for i, c in enumerate(rf.codes or []):
                if claim("code", c.id, name, data, ("codes", i)):
                    codes[c.id] = c
                    code_where[c.id] = (name, data, ("codes", i))
            for i, t in enumerate(rf.tables or []):
                if claim("table", t.id, name, data, ("tables", i)):
                    raw_tables.append((name, data, i, t))
            for i, r in enumerate(rf.rules or []):
                if claim("rule", r.id, name, data, ("rules", i)):
                    raw_rules.append((name, data, i, r))
            for i, g in enumerate(rf.grounds or []):
                if claim("ground", g.id, name, data, ("grounds", i)):
                    raw_grounds.append((name, data, i, g))
            for i, bc in enumerate(rf.budget_ceilings or []):
                ceiling_refs.append((name, data, i, bc))
                ceilings.append(bc)
        if region is None:
            self.error("catalogue.no_region", "de catalogus mist een 'region'-sectie", str(self.root))
        if not ladder:
            self.error("catalogue.no_ladder", "de catalogus mist een 'ladder'-sectie", str(self.root))

        for cid, c in codes.items():
            self._check_code(c, ladder, *code_where[cid])
        for name, data, i, bc in ceiling_refs:
            if bc.code not in codes:
                self.error("ref.unknown_code", f"budgetplafond noemt onbekende code {bc.code}",
                           name, data, ("budget_ceilings", i, "code"))

        vocab = {
            "domains": set(domains),
            "primary_domain": set(domains),
            "code": set(codes),
            "advised_code": set(codes),
            "allowed_codes": set(codes),
        }
        parser = Parser(vocab)
        tables = [t for t in (self._table(parser, codes, ladder, *rt) for rt in raw_tables) if t]
        rules = [r for r in (self._rule(parser, *rr) for rr in raw_rules) if r]
        for cid, (name, data, path) in code_where.items():  # a code's own conditions, as rules
            for r, sub in eligibility.code_rules(codes[cid]):
                rule = self._rule(parser, name, data, path + sub, r) \
                    if claim("rule", r.id, name, data, path + sub) else None
                rules += [rule] if rule else []
        for error in layers.tightening_errors(rules, raw_rules, self.national_files):
            self.error(*error.args, rule=error.rule)
        grounds = {g.id: g for g in (self._ground(parser, *rg) for rg in raw_grounds) if g}
        if region is None or not ladder:
            return None
        return Catalogue(region=region, ladder=ladder, domains=domains, referrer_types=referrers,
                         codes=codes, tables=tables, rules=rules, grounds=grounds,
                         budget_ceilings=ceilings, sources=sources, bibliography=bibliography)

    def _ground(self, parser: Parser, name: str, data: LocDict, i: int, g: Any) -> ParsedGround | None:
        base = ("grounds", i)
        ok = True
        for j, f in enumerate(g.needs):
            if f not in FIELDS:
                self.error("ground.unknown_field", f"grond {g.id}: onbekend veld '{f}' in needs",
                           name, data, base + ("needs", j), rule=g.id)
                ok = False
        cond = None
        if g.holds_when is not None:
            try:
                cond = parser.parse(g.holds_when, base + ("holds_when",))
            except ConditionError as exc:
                self.error("condition.invalid", f"grond {g.id}: {exc}", name, data, exc.path, rule=g.id)
                ok = False
        if not ok:
            return None
        line, _ = locate(data, base)
        return ParsedGround(g, cond, self._source(name, line))

    def _check_code(self, c: Code, ladder: dict[int, Any], name: str, data: LocDict,
                    path: tuple[Any, ...]) -> None:
        if c.category not in ijw.PRODUCT_CATEGORIES:
            self.error("code.unknown_category", f"productcategorie {c.category} staat niet in iJw JZ020",
                       name, data, path + ("category",), rule=c.id)
        if ladder and c.level not in ladder:
            self.error("ref.unknown_level", f"code {c.id}: trede {c.level} staat niet in de ladder",
                       name, data, path + ("level",), rule=c.id)
        elif ladder and ladder[c.level].perceel != c.perceel:
            self.error("code.perceel_mismatch",
                       f"code {c.id} staat in perceel {c.perceel}, maar trede {c.level} hoort bij "
                       f"perceel {ladder[c.level].perceel}", name, data, path + ("perceel",),
                       rule=c.id, severity="warning")
        spans = sorted(enumerate(c.tariffs), key=lambda it: it[1].valid_from)
        for (_, a), (j, b) in zip(spans, spans[1:], strict=False):
            if a.valid_to is None or b.valid_from <= a.valid_to:
                self.error("tariff.overlap",
                           f"code {c.id}: tarief vanaf {b.valid_from} overlapt met tarief vanaf "
                           f"{a.valid_from} (t/m {a.valid_to or 'open einde'}); maak de perioden aansluitend",
                           name, data, path + ("tariffs", j), rule=c.id)
        if c.unit in ("14", "82", "84") and c.hours_per_unit is None:
            self.error("code.hours_unknown",
                       f"code {c.id}: eenheid {ijw.UNITS[c.unit]} zegt niet hoeveel directe uren een "
                       "gezin krijgt; vul hours_per_unit in", name, data, path, rule=c.id,
                       severity="warning")

    def _table(self, parser: Parser, codes: dict[str, Code], ladder: dict[int, Any],
               name: str, data: LocDict, i: int, t: Table) -> ParsedTable | None:
        base = ("tables", i)
        ok = True
        for j, f in enumerate(t.inputs):
            if f not in FIELDS:
                self.error("table.unknown_field", f"tabel {t.id}: onbekend invoerveld '{f}'",
                           name, data, base + ("inputs", j), rule=t.id)
                ok = False
        for j, f in enumerate(t.outputs):
            if f not in TABLE_OUTPUTS:
                self.error("table.bad_output", f"tabel {t.id}: '{f}' kan geen uitvoer zijn "
                           f"(toegestaan: {', '.join(TABLE_OUTPUTS)})", name, data,
                           base + ("outputs", j), rule=t.id)
                ok = False
        applies = None
        if t.applies_when is not None:
            try:
                applies = parser.parse(t.applies_when)
            except ConditionError as exc:
                self.error("condition.invalid", f"tabel {t.id}: {exc}", name, data,
                           base + ("applies_when",) + exc.path, rule=t.id)
                ok = False
        rows = []
        for r, row in enumerate(t.rows):
            rpath = base + ("rows", r)
            parts = []
            for col, test in row.when.items():
                if col not in t.inputs:
                    self.error("table.unknown_column", f"tabel {t.id} rij {r + 1}: kolom '{col}' "
                               f"staat niet in inputs", name, data, rpath + ("when", col), rule=t.id)
                    ok = False
                    continue
                try:
                    parts.append(parser.test(col, test, rpath + ("when", col)))
                except ConditionError as exc:
                    self.error("condition.invalid", f"tabel {t.id} rij {r + 1}: {exc}", name, data,
                               exc.path, rule=t.id)
                    ok = False
            missing = [o for o in t.outputs if o not in row.then]
            extra = [o for o in row.then if o not in t.outputs]
            if missing or extra:
                self.error("table.outputs_mismatch", f"tabel {t.id} rij {r + 1}: then moet precies "
                           f"{', '.join(t.outputs)} geven (mist: {missing}, extra: {extra})",
                           name, data, rpath + ("then",), rule=t.id)
                ok = False
                continue
            outputs = {}
            for o, v in row.then.items():
                try:
                    outputs[o] = self._output(o, v, codes, ladder)
                except ValueError as exc:
                    code = "ref.unknown_code" if "onbekende code" in str(exc) else "table.bad_value"
                    self.error(code, f"tabel {t.id} rij {r + 1}: {o}: {exc}", name, data,
                               rpath + ("then", o), rule=t.id)
                    ok = False
            cond = parts[0] if len(parts) == 1 else (All(tuple(parts)) if parts else Const(True))
            line, _ = locate(data, rpath)
            rows.append(ParsedRow(r, cond, outputs, self._source(name, line), row.note))
        if not ok:
            return None
        line, _ = locate(data, base)
        return ParsedTable(t, applies, tuple(rows), self._source(name, line))

    def _output(self, field: str, value: Any, codes: dict[str, Code], ladder: dict[int, Any]) -> Any:
        if field in ("advised_code",):
            if value in self.invalid_ids:
                return value
            if value not in codes:
                raise ValueError(f"onbekende code {value!r}")
            return value
        if field == "allowed_codes":
            if not isinstance(value, list) or not value:
                raise ValueError("verwacht een niet-lege lijst van codes")
            unknown = [v for v in value if v not in codes and v not in self.invalid_ids]
            if unknown:
                raise ValueError(f"onbekende code {', '.join(map(str, unknown))}")
            return list(value)
        if field == "level":
            v = to_fact_value(FIELDS["level"], value)
            if v not in ladder:
                raise ValueError(f"trede {v} staat niet in de ladder")
            return v
        return to_fact_value(FIELDS[field], value)

    def _rule(self, parser: Parser, name: str, data: LocDict, i: int | tuple[Any, ...],
              r: Any) -> ParsedRule | None:
        base = ("rules", i) if isinstance(i, int) else i  # a path: a rule a code declares
        ok = True
        try:
            cond = parser.parse(r.when, base + ("when",))
        except ConditionError as exc:
            self.error("condition.invalid", f"regel {r.id}: {exc}", name, data, exc.path, rule=r.id)
            return None
        for j, f in enumerate(r.requires):
            if f not in FIELDS:
                self.error("rule.unknown_field", f"regel {r.id}: onbekend veld '{f}' in requires",
                           name, data, base + ("requires", j), rule=r.id)
                ok = False
        for key in ("expected", "actual"):
            f = getattr(r, key)
            if f is not None and f not in FIELDS:
                self.error("rule.unknown_field", f"regel {r.id}: onbekend veld '{f}' in {key}",
                           name, data, base + (key,), rule=r.id)
                ok = False
        for f in PLACEHOLDER.findall(r.message):
            if f not in FIELDS:
                self.error("rule.unknown_field", f"regel {r.id}: bericht noemt onbekend veld '{{{f}}}'",
                           name, data, base + ("message",), rule=r.id)
                ok = False
        if not ok:
            return None
        line, _ = locate(data, base)
        return ParsedRule(r, cond, self._source(name, line))
