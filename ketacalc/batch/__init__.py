"""Batch quotes: one patient per row of a CSV, JSON Lines or workbook file in, one record per row out.

The modules, in the order a row meets them:

- ``rows``: the options (``Reading``, ``Writing``) and what every reader yields (``Row``);
- ``decoding``: bytes to text, never guessing an encoding;
- ``splitter``: CSV text into records, each with the line it starts on;
- ``csvfile``, ``jsonfile``, ``sheets`` (over ``workbook``, the bounded .xlsx reader): the readers;
- ``columns``: which header is which field, in which unit; ``numbers``: decimal marks and money cells;
- ``run``: each row quoted and written, in order; ``fastpath``: the same record for plain rows, faster;
- ``writers``, ``xlsx``: CSV and workbook records; ``summary``: the counts and exact totals.

This package imports nothing itself: the command imports the modules it needs.
"""
