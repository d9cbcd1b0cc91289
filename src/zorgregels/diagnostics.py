"""Diagnostics as data: a stable code, a severity, where, and a message a rules owner can act on."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

Severity = Literal["error", "warning", "info"]


class Diagnostic(BaseModel):
    code: str
    severity: Severity = "error"
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    rule: str | None = None
    #: a concrete counter-example behind the diagnostic (verify.py), e.g. the input in a gap
    witness: dict[str, Any] | None = None

    def render(self) -> str:
        where = self.file or "<catalogus>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        rule = f" [{self.rule}]" if self.rule else ""
        return f"{where}: {self.severity} {self.code}{rule}: {self.message}"


class CatalogueError(Exception):
    """A rule catalogue that does not load. Carries every diagnostic found, not just the first."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        errors = [d for d in diagnostics if d.severity == "error"]
        super().__init__(
            f"{len(errors)} fout(en) in de regels:\n" + "\n".join(d.render() for d in errors)
        )


class EngineError(Exception):
    """durable-rules failed while evaluating a case it had accepted (an error code of its own,
    such as 303): not the user's input, but a limit of the engine zorgregels should have kept
    to. The message is Dutch and names the code; the command line reports it as an internal
    error (exit 3, "meld dit")."""


class InputError(Exception):
    """Bad input (a case or decision file) that cannot be read at all."""
