"""Generate a year of realistic referral decisions (seeded), with planted violations.

    python benchmarks/gen_decisions.py --rows 3000 --seed 2025 --out fixtures/decisions/example_2025.csv

Care questions are drawn from templates whose fitting code the example catalogue's own tables
give (evaluated once per template with ``Engine.evaluate``), so most rows are clean; a known
share of rows carries a planted violation of each check (``planted`` column names it), and a
few rows are malformed. Shared by the fixtures and ``benchmarks/bench_validate.py``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from decimal import Decimal
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
DOMAINS = ["opvoeden", "gedrag", "psychisch", "ontwikkeling", "lvb", "dyslexie", "veiligheid",
           "ouders", "school", "verslaving"]
TEAMS = ["CJG Haarlem", "CJG Velsen", "Sociaal wijkteam Beverwijk", "Huisartsenpraktijk Duin",
         "Jeugdarts GGD", "GI Jeugdbescherming"]
FREQ_FOR_UNIT = {"01": "2", "04": "2", "14": "2", "16": "2", "82": "6", "83": "4", "84": "6"}
PLANTS = [
    # (name, share of rows)
    ("referrer", 0.01), ("age", 0.01), ("wlz", 0.005), ("explanatory_analysis", 0.01),
    ("closed_care", 0.003), ("perceel_fit", 0.01), ("perceel_direction", 0.005), ("code_fit", 0.02),
    ("provider_type", 0.01), ("tariff", 0.02), ("volume", 0.02), ("dates", 0.02),
    ("input", 0.01), ("stacking", 0.005), ("sequential_help", 0.01),
]


def templates(engine, rng: random.Random, n: int = 400) -> list[dict]:
    """Care questions with the code the tables advise (and the allowed alternatives)."""
    out = []
    for _ in range(n):
        q = {
            "domains": rng.sample(DOMAINS, rng.choice([1, 1, 1, 2, 2, 3])),
            "severity": rng.choice(["licht", "matig", "matig", "ernstig"]),
            "crisis": rng.random() < 0.04, "safety_concern": rng.random() < 0.08,
            "out_of_home": rng.random() < 0.07,
        }
        closed = q["out_of_home"] and rng.random() < 0.1  # a machtiging gesloten jeugdhulp
        q["court_orders"] = ["machtiging_gesloten_jeugdhulp"] if closed else []
        d = engine.evaluate({**q, "birth_date": "2012-01-01"}, as_of=dt.date(2025, 6, 1))
        if d.code and d.level and d.level >= 1:
            out.append({**q, "code": d.code, "codes": d.codes, "level": d.level})
    return out


def generate(rows: int, seed: int = 2025, year: int = 2025) -> pl.DataFrame:
    from zorgregels import Engine
    from zorgregels.core.periods import add_months

    engine = Engine.from_path(ROOT / "rules")
    cat = engine.catalogue
    rng = random.Random(seed)
    tpls = templates(engine, rng)
    munis = [m.code for m in cat.region.municipalities]
    mweights = [5, 30, 6, 4, 10, 8, 12][: len(munis)]
    providers = {1: [f"AGB{10000000 + i}" for i in range(6)], 2: [f"AGB{20000000 + i}" for i in range(60)]}
    start_year = dt.date(year, 1, 1).toordinal()
    plant_names = [p for p, _ in PLANTS]
    plant_weights = [w for _, w in PLANTS]
    plant_total = sum(plant_weights)
    cols: dict[str, list] = {k: [] for k in (
        "decision_id", "municipality", "decision_date", "request_date", "client_id", "bsn", "birth_date",
        "referrer_type", "domains", "severity", "crisis", "safety_concern", "out_of_home",
        "court_orders", "wlz_indication", "extended_care", "school_level", "school_file",
        "explanatory_analysis_date",
        "current_perceel", "outcome", "code", "perceel", "provider_type", "provider", "volume", "unit",
        "frequency", "tariff", "start_date", "end_date", "delay_notice", "team", "dossier_note", "planted")}
    tariff_cache: dict[tuple[str, int], str] = {}
    i = 0
    prev: dict | None = None
    while i < rows:
        t = tpls[rng.randrange(len(tpls))]
        plant = None
        if rng.random() < plant_total:
            plant = rng.choices(plant_names, plant_weights)[0]
        if plant in ("stacking", "sequential_help") and (
                prev is None or prev["outcome"] != "granted" or prev["planted"] in ("input", "dates")):
            plant = None  # only a clean granted predecessor makes a clean planted pair
        if plant in ("stacking", "sequential_help") and prev is not None:
            r = dict(prev)
            r["decision_id"] = f"B{year}-{i + 1:07d}"
            s0 = dt.date.fromisoformat(prev["start_date"])
            e0 = dt.date.fromisoformat(prev["end_date"])
            if plant == "stacking":  # same client, provider and code, overlapping period
                s = s0 + dt.timedelta(days=max(1, (e0 - s0).days // 2))
            else:  # same client, another provider, right after the previous one
                s = e0 + dt.timedelta(days=rng.randint(1, 30))
                pool = providers[int(prev["perceel"])]
                r["provider"] = rng.choice([p for p in pool if p != prev["provider"]])
            e = s + dt.timedelta(days=rng.randint(60, 180))
            dd = s - dt.timedelta(days=rng.randint(0, 10))
            r.update(start_date=s.isoformat(), end_date=e.isoformat(), decision_date=dd.isoformat(),
                     request_date=(dd - dt.timedelta(days=rng.randint(5, 40))).isoformat(), planted=plant)
            r["tariff"] = tariff_of(cat, r["code"], dd, tariff_cache)
            for k in cols:
                cols[k].append(r.get(k))
            prev = r
            i += 1
            continue
        code_id = t["code"]
        if plant == "code_fit":
            code_id = rng.choice([c for c in cat.codes if c not in t["codes"] and cat.codes[c].level >= 1])
        elif rng.random() < 0.2:
            code_id = rng.choice(t["codes"])
        code = cat.codes[code_id]
        decided = dt.date.fromordinal(start_year + rng.randrange(365))
        request = decided - dt.timedelta(days=rng.randint(3, 50))
        start = decided + dt.timedelta(days=rng.randint(0, 21))
        end = start + dt.timedelta(days=rng.choice([90, 91, 182, 183, 365]))
        if code.duration is not None and code.duration.max_months is not None:
            # a decision runs no longer than the code allows (duration_months, a started month in full)
            end = min(end, add_months(start, code.duration.max_months) - dt.timedelta(days=1))
        age = rng.randint(0, 17)
        if code.care_form == "dyslexia":
            age = 7 + age % 6  # EED: primary-school pupils from 7
        born = decided - dt.timedelta(days=age * 365 + rng.randint(30, 330))
        perceel = code.perceel or 2
        ptypes = code.provider_types or (["consortium"] if perceel == 1 else ["instelling"])
        ptype = rng.choice(ptypes)
        r = {
            "decision_id": f"B{year}-{i + 1:07d}",
            "municipality": rng.choices(munis, mweights)[0],
            "decision_date": decided.isoformat(), "request_date": request.isoformat(),
            # most clients have one decision in the batch; some return
            "client_id": f"P{rng.randrange(i + 1):07d}" if i and rng.random() < 0.05 else f"P{i:07d}",
            "bsn": f"{rng.randrange(10**8, 10**9)}",
            "birth_date": born.isoformat(),
            "referrer_type": rng.choices(["01", "02", "03", "04", "05", "08"], [45, 35, 8, 6, 5, 1])[0],
            "domains": ";".join(t["domains"]), "severity": t["severity"],
            "crisis": str(t["crisis"]).lower(), "safety_concern": str(t["safety_concern"]).lower(),
            "out_of_home": str(t["out_of_home"]).lower(),
            "court_orders": ";".join(t["court_orders"]),
            "wlz_indication": "false", "extended_care": "false",
            "school_level": "po" if code.care_form == "dyslexia" else "",
            "school_file": "true" if code.care_form == "dyslexia" else "",
            "explanatory_analysis_date": (decided - dt.timedelta(days=rng.randint(5, 60))).isoformat()
            if code.level >= 4 else "",
            "current_perceel": rng.choice(["", "", "2"]) if perceel == 1 else rng.choice(["", "", "2"]),
            "outcome": "rejected" if rng.random() < 0.06 else "granted",
            "code": code_id, "perceel": str(perceel), "provider_type": ptype,
            "provider": rng.choice(providers[perceel]),
            "volume": "", "unit": code.unit, "frequency": FREQ_FOR_UNIT[code.unit],
            "tariff": tariff_of(cat, code_id, decided, tariff_cache),
            "start_date": start.isoformat(), "end_date": end.isoformat(),
            "delay_notice": "", "team": rng.choice(TEAMS),
            "dossier_note": rng.choice(["", "", "heronderzoek gepland", "zie dossier"]),
            "planted": plant or "",
        }
        if t["out_of_home"] and not t["court_orders"] and r["referrer_type"] == "04":
            r["court_orders"] = "ots;machtiging_uithuisplaatsing"  # placed by the GI under an OTS
        if plant == "volume" and (code.norm is None or code.norm.duration_months is not None):
            plant = r["planted"] = ""  # trajectories have no volume band to exceed
        r["volume"] = volume_for(code, r["frequency"], (end - start).days + 1, rng,
                                 above=plant == "volume")
        if plant in ("code_fit", "volume"):
            r["outcome"] = "granted"
        if plant == "referrer":
            r["referrer_type"] = "06"
            r["outcome"] = "granted"
        elif plant == "age":
            # 19, or 22 in foster care (which runs to 21 without further conditions)
            years = 22 if code.care_form == "foster_care" else 19
            r["birth_date"] = (start - dt.timedelta(days=years * 365 + 40)).isoformat()
            r["outcome"] = "granted"
        elif plant == "wlz":
            r["wlz_indication"], r["outcome"] = "true", "granted"
        elif plant == "explanatory_analysis":
            verblijf = [c for c in cat.codes.values() if c.level == 4]
            c4 = rng.choice(verblijf)
            r.update(code=c4.id, perceel=str(c4.perceel or 1), unit=c4.unit, frequency=FREQ_FOR_UNIT[c4.unit],
                     provider_type=rng.choice(c4.provider_types or ["consortium"]), outcome="granted",
                     explanatory_analysis_date="", crisis="false",
                     tariff=tariff_of(cat, c4.id, decided, tariff_cache))
            r["provider"] = rng.choice(providers[int(r["perceel"])])
            r["volume"] = volume_for(c4, r["frequency"], (end - start).days + 1, rng)
        elif plant == "closed_care":
            c5 = cat.codes["37A01"]
            r.update(code="37A01", perceel="1", unit=c5.unit, frequency=FREQ_FOR_UNIT[c5.unit],
                     provider_type="consortium", court_orders="", out_of_home="true",
                     outcome="granted", tariff=tariff_of(cat, "37A01", decided, tariff_cache))
            r["provider"] = rng.choice(providers[1])
            r["volume"] = volume_for(c5, r["frequency"], (end - start).days + 1, rng)
        elif plant == "perceel_fit":
            r["perceel"] = "2" if r["perceel"] == "1" else "1"
        elif plant == "perceel_direction":
            r["current_perceel"], r["perceel"], r["outcome"] = "1", "2", "granted"
        elif plant == "provider_type":
            r["provider_type"] = "vrijgevestigde" if r["perceel"] == "1" else "consortium"
        elif plant == "tariff":
            r["tariff"] = str((Decimal(r["tariff"] or "0") * Decimal("1.05")).quantize(Decimal("0.01")))
            r["outcome"] = "granted"
        elif plant == "dates":
            kind = rng.randrange(3)
            if kind == 0:
                r["end_date"] = (start - dt.timedelta(days=5)).isoformat()
            elif kind == 1:
                r["request_date"] = (decided - dt.timedelta(days=80)).isoformat()
            else:
                r["start_date"] = (decided - dt.timedelta(days=20)).isoformat()
                r["crisis"] = "false"
                r["outcome"] = "granted"
        elif plant == "input":
            field = rng.choice(["decision_date", "birth_date", "volume", "code", "crisis"])
            r[field] = {"decision_date": f"{year}-02-30", "birth_date": "31-12-2012", "volume": "veel",
                        "code": "99X99", "crisis": "misschien"}[field]
        for k in cols:
            cols[k].append(r.get(k))
        prev = r
        i += 1
    return pl.DataFrame(cols, schema={k: pl.Utf8 for k in cols})


def tariff_of(cat, code: str, on: dt.date, cache: dict) -> str:
    key = (code, on.toordinal())
    if key not in cache:
        t = cat.tariff_on(code, on)
        cache[key] = f"{t.amount:.2f}" if t is not None else ""
    return cache[key]


def volume_for(code, frequency: str, duration_days: int, rng: random.Random, above: bool = False) -> str:
    """A volume near the code's norm (or far above it when planted)."""
    factor = Decimal(rng.choice([8, 9, 10, 10, 10, 11, 12])) / 10
    if above:
        factor = Decimal(rng.choice([20, 25, 30])) / 10
    norm = code.norm
    if norm is None:
        return "1"
    if norm.duration_months is not None:
        return "1"
    if norm.per_week is not None:
        per = norm.per_week
        if frequency == "6":
            per = per * Decimal(duration_days) / 7
        elif frequency == "4":
            per = per * 13 / 3
    else:
        per = norm.per_month
        if frequency == "2":
            per = per * 3 / 13
        elif frequency == "6":
            per = per * Decimal(duration_days) / 30
    return str((per * factor).quantize(Decimal(1)) or 1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--year", type=int, default=2025)
    ap.add_argument("--out", required=True, help=".csv, .jsonl or .parquet")
    args = ap.parse_args(argv)
    df = generate(args.rows, args.seed, args.year)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix == ".parquet":
        df.write_parquet(out)
    elif out.suffix == ".jsonl":
        df.write_ndjson(out)
    else:
        df.write_csv(out)
    print(f"{df.height} besluiten geschreven naar {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
