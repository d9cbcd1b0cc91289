"""Discovers the sub-command modules in ``zorgregels.commands``."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from . import commands


def register(subparsers: Any) -> None:
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(subparsers)
