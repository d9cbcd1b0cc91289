"""Command line: ``zorgregels check | evaluate | schema`` (and the commands later issues add).

Exit codes: 0 ok, 1 a finding of severity error, 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from . import __version__
from .diagnostics import CatalogueError, InputError
from .results import Decision

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is geen datum (JJJJ-MM-DD)") from None


def _default_rules() -> str:
    return "rules"


def _fail(message: str) -> int:
    print(f"zorgregels: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


# ------------------------------------------------------------------ check


def cmd_check(args: argparse.Namespace) -> int:
    from .loader import check_catalogue

    cat, diags = check_catalogue(args.rules)
    for d in diags:
        print(d.render())
    errors = sum(d.severity == "error" for d in diags)
    warnings = sum(d.severity == "warning" for d in diags)
    if cat is None:
        print(f"{errors} fout(en), {warnings} waarschuwing(en): de regels zijn niet geladen.")
        return EXIT_BAD_INPUT
    from .verify import verify_catalogue

    verified = verify_catalogue(cat)  # gaps, overlaps, dead rows and columns, tariff gaps
    for d in verified:
        print(d.render())
    warnings += sum(d.severity == "warning" for d in verified)
    if any(d.severity == "error" for d in verified):
        print(f"{sum(d.severity == 'error' for d in verified)} fout(en) in de tabellen, "
              f"{warnings} waarschuwing(en).")
        return EXIT_BAD_INPUT
    print(f"OK: {len(cat.codes)} codes, {len(cat.tables)} tabellen, {len(cat.rules)} regels in "
          f"{len(cat.files)} bestanden; {warnings} waarschuwing(en). Hash {cat.bundle_hash[:12]}.")
    return EXIT_OK


# ------------------------------------------------------------------ evaluate


def read_case(path: Path) -> dict[str, Any]:
    from .yamlio import load_yaml

    if not path.exists():
        raise InputError(f"{path}: bestand bestaat niet")
    if path.suffix == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{exc.lineno}: geen geldige JSON: {exc.msg}") from None
    else:
        data, diags = load_yaml(path)
        if diags:
            raise InputError("\n".join(d.render() for d in diags))
    if not isinstance(data, dict):
        raise InputError(f"{path}: een casus is een mapping van veld naar waarde")
    if "input" in data and isinstance(data["input"], dict):  # a test case file can be evaluated too
        as_of = data.get("as_of")
        data = dict(data["input"])
        if as_of and "as_of" not in data:
            data["__as_of__"] = as_of
    from .yamlio import plain

    return {k: plain(v) for k, v in data.items()}


def render_decision(d: Decision) -> str:
    out: list[str] = []
    out.append(f"Uitkomst: {d.outcome}   (peildatum {d.as_of}, regels {d.rules_hash[:12]})")
    if d.code:
        out.append(f"Advies:   {d.code} {d.code_name} — trede {d.level} ({d.level_name}), "
                   f"perceel {d.perceel if d.perceel is not None else 'geen (sociale basis)'}")
        if d.codes:
            out.append(f"Passend:  {', '.join(d.codes)}")
        tariff = f"€ {d.tariff_3m}" if d.tariff_3m else "onbekend"
        hours = f"{d.hours_3m} uur" if d.hours_3m else "onbekend"
        out.append(f"Per behandeling van 3 maanden: {tariff}; directe tijd voor het gezin: {hours}")
    elif d.level is not None:
        out.append(f"Trede:    {d.level} ({d.level_name})")
    if d.missing:
        out.append(f"Ontbreekt: {', '.join(d.missing)}")
    out.append("")
    out.append(f"Bevindingen ({len(d.findings)}):")
    for f in d.findings:
        extra = ""
        if f.expected is not None or f.actual is not None:
            extra = f" [verwacht {f.expected}, feitelijk {f.actual}]"
        out.append(f"  {f.severity.upper():7} {f.check:20} {f.rule}: {f.message}{extra}")
        out.append(f"          grondslag: {f.basis}")
    if not d.findings:
        out.append("  geen")
    if d.not_evaluable:
        lacking: list[str] = []
        for n in d.not_evaluable:
            lacking += [m for m in n.missing if m not in lacking]
        out.append("")
        out.append(f"Niet te toetsen: {len(d.not_evaluable)} regel(s); daarvoor ontbreekt: "
                   f"{', '.join(lacking)} (--json geeft ze per regel)")
    out.append("")
    out.append("Uitleg:")
    for i, s in enumerate(d.trace):
        last = i == len(d.trace) - 1
        branch, cont = ("└─ ", "   ") if last else ("├─ ", "│  ")
        if s.kind == "derive":
            out.append(f"{branch}afgeleide feiten: " + ", ".join(f"{k}={_v(v)}" for k, v in s.outputs.items()))
            continue
        if s.kind == "input":
            out.append(f"{branch}invoer {s.id}: {s.message}")
            continue
        if s.kind == "table":
            rows = f"rij {', '.join(map(str, s.rows))}" if s.rows else "geen rij"
            outputs = ", ".join(f"{k}={_v(v)}" for k, v in s.outputs.items())
            head = f"tabel {s.id} \u201c{s.name}\u201d: {s.status}, {rows}"
            out.append(f"{branch}{head}{' → ' + outputs if outputs else ''}")
            if s.message:
                out.append(f"{cont}   toelichting: {s.message}")
        else:
            out.append(f"{branch}regel {s.id} ({s.name}) vuurde: {s.message}")
        out.append(f"{cont}   vergeleken: " + ", ".join(f"{k}={_v(v)}" for k, v in s.values.items()))
        out.append(f"{cont}   grondslag: {s.basis}   [{s.source}]")
    return "\n".join(out)


def _v(v: Any) -> str:
    if v is None:
        return "(leeg)"
    if isinstance(v, bool):
        return "ja" if v else "nee"
    if isinstance(v, list):
        return "[" + ", ".join(map(str, v)) + "]"
    return str(v)


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .engine import Engine

    engine = Engine.from_path(args.rules)
    case = read_case(Path(args.case))
    file_as_of = case.pop("__as_of__", None)
    as_of = args.as_of
    if as_of is None and file_as_of is not None:
        try:
            as_of = dt.date.fromisoformat(str(file_as_of))
        except ValueError:
            raise InputError(f"{args.case}: as_of {file_as_of!r} is geen datum") from None
    decision = engine.evaluate(case, as_of=as_of)
    if args.json:
        print(decision.model_dump_json(indent=2))
    else:
        print(render_decision(decision))
    return EXIT_FINDINGS if decision.has_errors else EXIT_OK


# ------------------------------------------------------------------ schema


def cmd_schema(args: argparse.Namespace) -> int:
    from .model import RuleFile

    schema = RuleFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "zorgregels rule file (format v1)"
    text = json.dumps(schema, indent=2, ensure_ascii=False)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return EXIT_OK


# ------------------------------------------------------------------ main


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="zorgregels", description="Regels voor jeugdhulp: toetsen, uitleggen, valideren.")
    p.add_argument("--version", action="version", version=f"zorgregels {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser("check", help="controleer de regelbestanden (alle fouten tegelijk)")
    c.add_argument("rules", nargs="?", default=_default_rules())
    c.set_defaults(func=cmd_check)

    e = sub.add_parser("evaluate", help="beoordeel een zorgvraag of besluit, met uitleg")
    e.add_argument("case", help="casus als YAML of JSON")
    e.add_argument("--rules", default=_default_rules())
    e.add_argument("--as-of", type=_date, default=None, help="peildatum (standaard: decision_date)")
    e.add_argument("--json", action="store_true", help="JSON in plaats van een uitlegboom")
    e.set_defaults(func=cmd_evaluate)

    s = sub.add_parser("schema", help="JSON Schema van het regelformaat, voor editors")
    s.add_argument("--out", default=None)
    s.set_defaults(func=cmd_schema)

    from . import cli_extensions

    cli_extensions.register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    try:
        return int(args.func(args))
    except CatalogueError as exc:
        for d in exc.diagnostics:
            print(d.render(), file=sys.stderr)
        return EXIT_BAD_INPUT
    except InputError as exc:
        return _fail(str(exc))
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
