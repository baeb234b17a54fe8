"""`pmsaas openapi --postman`: every operation of the OpenAPI document, and requests that work."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pmsaas.entrypoints.cli.main import cli
from pmsaas.entrypoints.cli.postman import SCHEMA_URL, collection

pytestmark = pytest.mark.today("2026-12-01")


def _export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Any:
    monkeypatch.setenv("PMSAAS_DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    result = CliRunner().invoke(cli, ["openapi", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _requests(folder_items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [item["request"] for folder in folder_items for item in folder["item"]]


def _find(exported: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    return next(r for r in _requests(exported["item"]) if r["method"] == method and r["url"]["raw"].endswith(path))


def test_the_collection_holds_every_operation_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    document = _export(tmp_path, monkeypatch)
    exported = _export(tmp_path, monkeypatch, "--postman", "--base-url", "https://pm.example.com")
    assert exported["info"]["schema"] == SCHEMA_URL
    assert {"key": "baseUrl", "value": "https://pm.example.com"} in exported["variable"]
    expected = sorted(
        (method.upper(), re.sub(r"\{([^}]+)\}", r":\1", path))
        for path, operations in document["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    )
    got = sorted((r["method"], "/" + "/".join(r["url"]["path"])) for r in _requests(exported["item"]))
    assert got == expected
    tags = {tag for operations in document["paths"].values() for o in operations.values() for tag in o.get("tags", [])}
    assert {folder["name"] for folder in exported["item"]} <= tags | {"Other"}


def test_bodies_are_sketched_from_the_schema_with_the_required_fields(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    exported = _export(tmp_path, monkeypatch, "--postman")
    create = _find(exported, "POST", "/api/v1/properties")
    body = json.loads(create["body"]["raw"])
    assert {"name", "address"} <= set(body), body
    assert {"key": "Content-Type", "value": "application/json"} in create["header"]
    tickets = next(r for r in _requests(exported["item"]) if r["url"]["raw"].endswith("/v1/tickets"))
    assert tickets["auth"]["type"] == "apikey"
    assert {"key": "key", "value": "X-API-Key", "type": "string"} in tickets["auth"]["apikey"]


async def test_a_request_from_the_collection_answers_when_its_variables_are_filled(api, owner):
    document = json.loads(json.dumps(api.client.app.openapi_schema.to_schema(), default=str))
    exported = collection(document)
    listing = _find(exported, "GET", "/api/v1/properties")
    url = "/" + "/".join(listing["url"]["path"])
    token = exported["auth"]["bearer"][0]["value"]
    assert token == "{{accessToken}}"
    r = await api.get(url, owner.token)
    assert r.status_code == 200 and r.json()["meta"]["pagination"]["page"] == 1
