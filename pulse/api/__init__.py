"""The read-only open-data API under /api/v1, and the personal tokens that open its staff part.

``views`` (routes, thin), ``queries`` (reads), ``serialise`` (rows to JSON), ``http`` (paging,
ETags, CORS), ``problems`` (the one error format), ``tokens`` (issue, revoke, authenticate),
``openapi`` (the document), ``token_views`` (account and admin pages for tokens).
"""
