"""The SDKs' generated layer is the one the current OpenAPI document gives, operation for operation."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
GENERATOR = ROOT / "scripts" / "generate_sdks.py"


def test_the_committed_sdks_match_the_openapi_document(tmp_path: Path):
    document = tmp_path / "openapi.json"
    done = subprocess.run(
        [Path(sys.executable).with_name("pmsaas"), "openapi"], capture_output=True, text=True, check=True
    )
    document.write_text(done.stdout)
    check = subprocess.run(
        [sys.executable, GENERATOR, "--openapi", document, "--check"], capture_output=True, text=True, cwd=ROOT
    )
    assert check.returncode == 0, (
        "The SDKs are out of date with the API (the OpenAPI document changed). Run\n"
        "    .venv/bin/python scripts/generate_sdks.py\nand commit the result.\n" + check.stderr
    )


def test_every_integrator_operation_has_a_method_in_both_sdks():
    document = json.loads(
        subprocess.run([Path(sys.executable).with_name("pmsaas"), "openapi"], capture_output=True, check=True).stdout
    )
    operations = [
        (method, path)
        for path, item in document["paths"].items()
        if path.startswith(("/api/v1/", "/v1/")) and "/payments/webhooks/" not in path
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    python = ast.parse((ROOT / "sdks/python/src/propertymgmt/_resources.py").read_text())
    sync_methods = [
        f for c in python.body if isinstance(c, ast.ClassDef) and c.name.endswith(("Namespaces",)) is False
        and not c.name.startswith("Async") for f in c.body if isinstance(f, ast.FunctionDef) and f.name != "iterate"
    ]  # fmt: skip
    typescript = (ROOT / "sdks/typescript/src/resources.ts").read_text()
    assert len(sync_methods) == len(operations) > 150
    assert typescript.count("): Promise<") == len(operations)
    for method, path in operations:
        assert f"``{method.upper()} {path}``" in (ROOT / "sdks/python/src/propertymgmt/_resources.py").read_text()
        assert f"(`{method.upper()} {path}`)" in typescript
