"""Exports: estimates, comments and response-level data as CSV or XLSX.

``sources`` reads rows in batches, ``writers`` writes them with every string neutralised
(``cells``), ``operations`` is the one entry point for the views and the command line and
adds the audit row. Comments and response-level data are for analysts and admins only.
The estimates CSV is made by the database (``estimates_csv``); a large export (CSV or XLSX)
is queued and built off the request (``runs`` keeps its state in the export_run table,
``background`` builds it, and the scheduler's ``exports`` job builds runs a dead process left
behind).
"""
