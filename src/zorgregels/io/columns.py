"""The bookkeeping columns every framed batch carries beside the record's own columns."""

#: the file (or ``archive.zip!member.xml``) a row came from; ``<records>`` for Python input
SOURCE = "_source"
#: the 1-based data row in that source (for CSV the line is ``_row + 1``)
SOURCE_ROW = "_row"
#: why a row could not be read as a record (null when it could)
ERROR = "_error"
