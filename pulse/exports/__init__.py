"""Exports: estimates, comments and response-level data as CSV (streamed) or XLSX.

``sources`` reads rows in batches, ``writers`` writes them with every string neutralised
(``cells``), ``operations`` is the one entry point for the views and the command line and
adds the audit row. Comments and response-level data are for analysts and admins only.
"""
