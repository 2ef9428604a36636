"""API keys, a client that calls the API, and the contract check every API answer goes through.

``api_call`` validates each JSON answer against the committed ``openapi.json``: the status must be
documented for the operation and the body must match its schema (jsonschema, with the OpenAPI 3.0
``nullable`` keyword mapped to JSON Schema). So every API test is also a contract test.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ALL_SCOPES = [
    "customers:write",
    "orders:write",
    "consents:write",
    "marketing:read",
    "requests:write",
    "requests:read",
]


def make_key(scopes=ALL_SCOPES, name="Shop", by=None):
    from api.models import ApiKey

    key = ApiKey(name=name, scopes=list(scopes), created_by=by)
    secret = key.issue()
    key.save()
    return key, secret


@pytest.fixture
def api_key(db):
    return make_key()


def _json_schema(node):
    """OpenAPI 3.0 schema → JSON Schema 2020-12 (``nullable: true`` → a "null" type)."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _json_schema(value) for key, value in node.items()}
    if isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/"):
        # Resolved in the registry's copy of the whole document, not in the schema at hand.
        node["$ref"] = "openapi.json" + node["$ref"]
    if node.pop("nullable", False):
        if "type" in node:
            node["type"] = [node["type"], "null"]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


@cache
def openapi() -> dict:
    return json.loads((ROOT / "openapi.json").read_text())


@cache
def _registry() -> Registry:
    document = _json_schema(openapi())
    return Registry().with_resource("openapi.json", Resource(contents=document, specification=DRAFT202012))


def operation_for(method: str, path: str) -> dict:
    for template, operations in openapi()["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method.lower() in operations:
            return operations[method.lower()]
    raise AssertionError(f"{method} {path} is not in openapi.json")


def check_contract(method: str, path: str, response) -> None:
    """Fail unless ``response`` is an answer openapi.json documents for ``method path``."""
    operation = operation_for(method, path.split("?")[0])
    documented = operation["responses"]
    status = str(response.status_code)
    assert status in documented, f"{method} {path}: {status} is not documented ({sorted(documented)})"
    content = documented[status].get("content", {}).get("application/json")
    if content is None:
        return
    assert response["Content-Type"].startswith("application/json")
    validator = jsonschema.Draft202012Validator(_json_schema(content["schema"]), registry=_registry())
    errors = sorted(validator.iter_errors(response.json()), key=str)
    assert not errors, f"{method} {path} {status}: {errors[0]}"


@pytest.fixture
def api_call(client):
    """call(method, path, data=None, key=..., **headers) → response, checked against openapi.json."""

    def call(method: str, path: str, data=None, *, key: str | None = None, **headers):
        if key:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
        kwargs = {}
        if data is not None:
            if method == "GET":
                kwargs["data"] = data
            else:
                kwargs["data"] = json.dumps(data)
                kwargs["content_type"] = "application/json"
        response = getattr(client, method.lower())(path, **kwargs, **headers)
        check_contract(method, path, response)
        return response

    return call


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()
