"""Static verification of a catalogue's decision tables, codes and tariffs.

Exact, not sampled. Every field a table reads gets a finite set of representative values:

- booleans, fields with a closed vocabulary (``fields.py``), the catalogue's own domains and
  codes, ladder levels; a field another table writes takes only the values that table can
  write (plus the vocabulary when a referrer may also record it);
- numbers and dates are split at the boundaries the rules mention: with the literals
  ``l1 < ... < ln`` of all conditions on the field, every value falls in one of the regions
  ``(-inf, l1)``, ``{l1}``, ``(l1, l2)``, ..., ``{ln}``, ``(ln, inf)`` and no condition can tell
  two values of one region apart, so one witness per region is exact;
- open text fields get their literals and one value no rule mentions; list fields get every
  subset of the literals the rules test for.

The tables are then run in the engine's stage order over the product of those values, with
``conditions.holds`` (the reference semantics) and ``engine.resolve_table`` (the hit policies),
so a table is analysed only on input it can actually receive: ``applies_when`` is respected and
an input another table writes takes only the values that table writes *for that input*.

Diagnostics (stable codes): ``table.gap`` and ``table.overlap`` are errors; ``table.shadowed_row``,
``table.row_never_fires``, ``table.dead_column``, ``code.unreachable`` and ``tariff.gap`` are
warnings; ``verify.too_large`` (info) says a table was too large to enumerate. Each carries a
witness: the input in the gap, the two rows and the input on which they disagree, and so on.
"""

from zorgregels.jobs.verify.analysis import RowMatcher
from zorgregels.jobs.verify.checks import tariff_gaps, verify_catalogue, verify_codes, verify_tables

__all__ = ["RowMatcher", "tariff_gaps", "verify_catalogue", "verify_codes", "verify_tables"]
