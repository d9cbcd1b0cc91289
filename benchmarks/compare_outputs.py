"""Are validate's outputs byte-identical to a reference checkout's for the same input?

    python benchmarks/compare_outputs.py --base /work/main/src INPUT [INPUT ...]

Runs ``Engine.validate(input).write(out)`` once with this checkout's ``src`` and once with
``--base`` (another checkout's ``src``, e.g. main's), each in a fresh process, and compares
findings.jsonl, decisions.csv and summary.json byte for byte (report.html is left out: its
page is rebuilt on its own). Exit 0 when every file of every input is identical, 1 otherwise.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMPARED = ("findings.jsonl", "decisions.csv", "summary.json")
CHILD = ("import sys; from zorgregels import Engine; "
         "Engine.from_path(sys.argv[1]).validate(sys.argv[2]).write(sys.argv[3])")


def run(src: Path, path: Path, out: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(src)}
    subprocess.run([sys.executable, "-c", CHILD, str(ROOT / "rules"), str(path), str(out)],
                   check=True, env=env)


def digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()[:16]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", required=True, help="the reference checkout's src folder")
    ap.add_argument("inputs", nargs="+")
    args = ap.parse_args(argv)
    same = True
    with tempfile.TemporaryDirectory(prefix="zorgregels-compare-") as tmp:
        for k, name in enumerate(args.inputs):
            path = Path(name).resolve()
            ours, theirs = Path(tmp) / f"ours{k}", Path(tmp) / f"base{k}"
            run(ROOT / "src", path, ours)
            run(Path(args.base).resolve(), path, theirs)
            for f in COMPARED:
                a, b = digest(ours / f), digest(theirs / f)
                ok = a == b
                same &= ok
                print(f"{'gelijk ' if ok else 'ANDERS '} {path.name}: {f} ({a}{'' if ok else ' / ' + b})")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
