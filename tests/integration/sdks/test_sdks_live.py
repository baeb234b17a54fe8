"""Each SDK's own test suite, run against a live server after installing the SDK from the repository,
and each SDK verifying a webhook the platform's own signer signed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from pmsaas.domain.notifications import signing

ROOT = Path(__file__).resolve().parents[3]


def _env(live, **extra: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {**os.environ, "PROPERTYMGMT_BASE_URL": live.base_url, "PROPERTYMGMT_TOKEN": live.token, **extra}


def test_the_python_sdk_suite_passes_against_the_server(live, python_sdk: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    tests = ROOT / "sdks" / "python" / "tests"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "-c", str(ROOT / "sdks" / "python" / "pyproject.toml"), str(tests)],
        env=_env(live, PYTHONPATH=str(python_sdk)), capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert " passed" in done.stdout and "failed" not in done.stdout


def test_the_typescript_sdk_suite_passes_against_the_server(live, typescript_sdk: Path):  # type: ignore[no-untyped-def]
    node = shutil.which("node")
    assert node, "node is needed (Node 20)"
    done = subprocess.run(
        [node, "--test", "test/"], env=_env(live), capture_output=True, text=True, cwd=typescript_sdk, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "# fail 0" in done.stdout and "# pass 9" in done.stdout, done.stdout


def _platform_signed() -> tuple[str, dict[str, str], str]:
    secret = "whsec_" + "c2RrLXRlc3Qtc2VjcmV0LTI0LWJ5dGVz"  # base64 of 24 bytes, the platform's form
    body = json.dumps({"event": "property.created", "timestamp": "2026-12-01T12:00:00Z", "data": {}, "webhook_id": "w"})
    headers = signing.headers([secret], "3f8e1c1e-0000-4000-8000-000000000001", int(time.time()), body.encode())
    return secret, headers, body


def test_the_python_sdk_verifies_what_the_platform_signs(python_sdk: Path):
    secret, headers, body = _platform_signed()
    script = (
        "import json, sys; from propertymgmt import verify_webhook, WebhookVerificationError\n"
        "secret, headers, body = json.loads(sys.argv[1])\n"
        "print(verify_webhook(body, headers, secret)['event'])\n"
        "try:\n    verify_webhook(body + ' ', headers, secret)\n"
        "except WebhookVerificationError:\n    print('refused')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps([secret, headers, body])],
        env={**os.environ, "PYTHONPATH": str(python_sdk)}, capture_output=True, text=True,
    )  # fmt: skip
    assert done.stdout.split() == ["property.created", "refused"], done.stderr


def test_the_typescript_sdk_verifies_what_the_platform_signs(js_project: Path):
    secret, headers, body = _platform_signed()
    script = (
        "import { verifyWebhook } from '@propertymgmt/js-sdk';\n"
        "const [secret, headers, body] = JSON.parse(process.argv[2]);\n"
        "console.log((await verifyWebhook(body, headers, secret)).event);\n"
        "await verifyWebhook(body + ' ', headers, secret).catch((e) => console.log(e.name));\n"
    )
    (js_project / "verify.mjs").write_text(script)
    done = subprocess.run(
        ["node", "verify.mjs", json.dumps([secret, headers, body])], cwd=js_project, capture_output=True, text=True
    )
    assert done.stdout.split() == ["property.created", "WebhookVerificationError"], done.stderr


def test_an_api_key_reads_with_the_sdk_and_creates_only_with_its_scope(live, python_sdk: Path):  # type: ignore[no-untyped-def]
    # A key's scopes are what it may do (docs/identity.md): ``properties:read`` lists but cannot create
    # (the seed examples' key holds ``property:create`` as well, test_seed_examples.py).
    script = (
        "import json, sys, urllib.request\n"
        "from propertymgmt import PropertyManagementSDK, PropertyManagementError\n"
        "base, token = sys.argv[1:]\n"
        "owner = PropertyManagementSDK(api_key=token, environment=base)\n"
        "key = owner.api_keys.create(name='sdk', scopes=['properties:read'])['key']\n"
        "sdk = PropertyManagementSDK(api_key=key, environment=base)\n"
        "print(sdk.properties.list(page_size=1).total_count > 0)\n"
        "try:\n    sdk.properties.create(name='x', type='residential', address={})\n"
        "except PropertyManagementError as error:\n    print(error.status, error.code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, live.base_url, live.token],
        env={**os.environ, "PYTHONPATH": str(python_sdk)}, capture_output=True, text=True,
    )  # fmt: skip
    assert done.stdout.split() == ["True", "403", "INSUFFICIENT_PERMISSIONS"], done.stderr
