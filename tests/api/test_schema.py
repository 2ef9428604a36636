"""The committed openapi.json is the schema the code generates, and the running API keeps to it."""

import json
from pathlib import Path

import pytest
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator

from tests.api.conftest import ROOT, openapi

pytestmark = pytest.mark.django_db


def generated() -> dict:
    with translation.override("en"):
        schema = SchemaGenerator().get_schema(request=None, public=True)
    # What `manage.py spectacular --format openapi-json` writes (make schema).
    from drf_spectacular.renderers import OpenApiJsonRenderer

    return json.loads(OpenApiJsonRenderer().render(schema, renderer_context={}))


def test_the_committed_schema_is_the_generated_one():
    committed = json.loads(Path(ROOT / "openapi.json").read_text())
    assert generated() == committed, "openapi.json is stale: run `make schema` and commit it"


def test_the_schema_is_served(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert json.loads(response.content)["paths"] == openapi()["paths"]


def test_every_operation_of_the_schema_is_exercised_by_the_api_tests():
    """Each documented operation has a test file that calls it (and so checks it against the schema)."""
    sources = "".join(path.read_text() for path in Path(__file__).parent.glob("test_*.py"))
    for path in openapi()["paths"]:
        base = path.split("{")[0]
        assert base in sources or base.removeprefix("/api/v1") in sources, path
