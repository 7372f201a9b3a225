"""Validate a real response against pulse/api/openapi.py with jsonschema (OpenAPI 3.1 schemas
are JSON Schema 2020-12): the status must be documented, the media type must match, the body
must fit the schema."""
from __future__ import annotations

import re

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from pulse.api.openapi import DOCUMENT

BASE = "/api/v1"
URI = "urn:pulse:openapi"
_registry = Registry().with_resource(
    URI, Resource.from_contents(DOCUMENT, default_specification=DRAFT202012))


def template_for(path: str) -> str:
    """The document's path template that matches a concrete request path."""
    rel = path.split("?")[0][len(BASE):]
    for template in DOCUMENT["paths"]:
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", re.escape(template).replace(r"\{", "{")
                               .replace(r"\}", "}")) + "$"
        if re.match(pattern, rel):
            return template
    raise AssertionError(f"{path} is not in the OpenAPI document")


def assert_valid(response, path: str, method: str = "get") -> None:
    operation = DOCUMENT["paths"][template_for(path)][method.lower()]
    spec = operation["responses"].get(str(response.status_code))
    assert spec is not None, f"{method} {path}: status {response.status_code} is not documented"
    if response.status_code == 304:
        assert response.get_data() == b""
        return
    media = response.mimetype
    assert media in spec["content"], f"{method} {path}: {media} not documented for {response.status_code}"
    schema = spec["content"][media]["schema"]
    # Resolve "#/components/..." against the document itself.
    wrapper = {"$ref": URI + schema["$ref"]} if "$ref" in schema else schema
    validator = Draft202012Validator(wrapper, registry=_registry,
                                     format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(response.get_json()), key=str)
    assert not errors, f"{method} {path} {response.status_code}: {errors[0].message} at {list(errors[0].absolute_path)}"
