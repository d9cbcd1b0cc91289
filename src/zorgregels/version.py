"""The package version: one place, imported by the receipts, the register entry and the CLI."""

__version__ = "0.1.0"
