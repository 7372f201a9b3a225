"""Schemathesis against the WSGI app: generated requests for every operation in the OpenAPI
document, with seeded estimates, comments and actions. No request may get a 5xx, and every
answer must fit the document (status, content type, body schema).

Positive and negative cases. Bounded (25 examples per operation and mode, no deadline) and on SQLite only: the same views run on
PostgreSQL in the other API tests. Each operation's strategy is run with hypothesis directly
rather than through schemathesis' pytest plugin, whose fixture loader does not work with
pytest 9 (AttributeError on ``_nodeid``).
"""
from __future__ import annotations

from itertools import product

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import (content_type_conformance, not_a_server_error,
                                 response_schema_conformance, status_code_conformance)
from schemathesis.generation import GenerationMode

from tests.pulse.api.conftest import bearer, issue_token

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
# Schemathesis leaves out the document's own GET; test_openapi.py checks it.
READS = ("/areas", "/areas/{code}", "/estimates", "/topics/shares", "/actions",
         "/responses/counts", "/comments")
# Each read also documents its CORS preflight (OPTIONS).
EXPECTED = {f"{method} {path}" for path in READS for method in ("GET", "OPTIONS")} | {
    "OPTIONS /openapi.json", "POST /responses"}


def test_no_server_error_and_every_answer_fits_the_document(app, api_data, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("bounded run on SQLite only; the other API tests cover PostgreSQL")
    app.config["PULSE_API_LIMIT"] = "100000 per minute"
    app.config["PULSE_SUBMIT_LIMIT"] = "100000 per minute"
    secret = issue_token(app, "analyst@example.org", "analyst", [api_data.borough])
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {o.label for o in operations} == EXPECTED, {o.label for o in operations}
    seen, unbreakable = [], []
    for operation, mode in product(operations, GenerationMode):
        headers = bearer(secret) if operation.path in ("/responses/counts", "/comments") else None

        # Negative mode breaks the schema on purpose (bad page numbers, periods, codes).
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=25, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            seen.append((operation.path, response.status_code))

        try:
            run()
        except Unsatisfiable:
            # Nothing in this operation can be made invalid (a free-form path segment).
            assert mode is GenerationMode.NEGATIVE, operation.label
            unbreakable.append(operation.label)
    statuses = {status for _, status in seen}
    assert statuses >= {200, 400, 404} and max(statuses) < 500
    assert len(unbreakable) <= 1, unbreakable
