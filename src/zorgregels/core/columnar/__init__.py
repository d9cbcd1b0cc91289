"""The columnar evaluator of the compiled rules (a batch per call) and the names its callers
share with it: the batch row (``INDEX``) and the ordinal epoch of its date columns."""

from zorgregels.core.columnar.evaluator import ColumnarEvaluator, ColumnarResult
from zorgregels.core.exprs import EPOCH_ORDINAL, INDEX, cond_expr
from zorgregels.core.findings import finding_value
from zorgregels.core.messages import display_expr, message_expr

__all__ = ["EPOCH_ORDINAL", "INDEX", "ColumnarEvaluator", "ColumnarResult", "cond_expr",
           "display_expr", "finding_value", "message_expr"]
