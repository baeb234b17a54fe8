"""What a server process imports (issue 15, item 4): heavy modules load on first use, never with the app.

Each check runs in a fresh interpreter (this test process has imported everything already) and reads
``sys.modules`` there. Heavy: the PDF renderer's stack (fpdf2, its fonts' fontTools and uharfbuzz,
Pillow), the S3 client (boto3/botocore), dnspython (domain verification), and what only tests and
tools use (schemathesis, hypothesis, pypdf, faker)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

HEAVY = [
    "fpdf",
    "fontTools",
    "uharfbuzz",
    "PIL",
    "boto3",
    "botocore",
    "dns",
    "schemathesis",
    "hypothesis",
    "pypdf",
    "faker",
]
APPLICATION = ["pmsaas.container", "litestar", "sqlalchemy", "pmsaas.domain"]


def loaded_after(code: str, tmp_path: Path, **extra_env: str) -> set[str]:
    """The top-level packages (and pmsaas modules) in ``sys.modules`` after running ``code``."""
    script = code + "\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))\n"
    env = {
        "PATH": "/usr/bin:/bin",
        "PMSAAS_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'footprint.sqlite3'}",
        "PMSAAS_VAR_DIR": str(tmp_path / "var"),
        **extra_env,
    }
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    names = json.loads(done.stdout.splitlines()[-1])
    return {n.split(".")[0] for n in names} | {n for n in names if n.startswith("pmsaas.")}


def _private_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return pem.decode()


def test_building_the_app_imports_no_heavy_module(tmp_path):
    loaded = loaded_after("from pmsaas.entrypoints.http.asgi import app  # the app factory, run", tmp_path)
    assert {"litestar", "pmsaas.container"} <= loaded  # the application itself is there
    assert sorted(set(HEAVY) & loaded) == []


def test_the_server_command_does_not_import_the_application(tmp_path):
    """``pmsaas serve``'s process supervises granian's workers for the server's life: it keeps only the
    command line and the settings (the production start-up checks run in a child process); the workers
    import the application from the ``module:app`` target. Here granian's ``serve`` returns at once."""
    serve = (
        "import granian\n"
        "granian.Granian.serve = lambda self, *a, **k: None\n"
        "from pmsaas.entrypoints.cli.main import cli\n"
        "try:\n"
        "    cli(['serve', '--port', '0'])\n"
        "except SystemExit as end:\n"
        "    assert not end.code, end.code\n"
    )
    loaded = loaded_after(serve, tmp_path, PMSAAS_ENV="production", PMSAAS_JWT_PRIVATE_KEY=_private_key())
    assert "pmsaas.settings" in loaded and "granian" in loaded
    assert sorted(set(APPLICATION + HEAVY) & loaded) == []


def test_a_heavy_module_loads_on_first_use(tmp_path):
    """The check itself, and the lazy import working: the TXT resolver's first look-up brings dnspython in
    (at most 50 ms: ``.invalid`` never resolves, and whatever the outcome the import has happened)."""
    first_use = (
        "import asyncio\n"
        "from pmsaas.adapters.dns.txt import DnsPythonTxtResolver\n"
        "import sys\n"
        "assert 'dns' not in sys.modules\n"
        "try:\n"
        "    asyncio.run(DnsPythonTxtResolver(lifetime_seconds=0.05).txt_records('footprint.invalid'))\n"
        "except Exception:\n"
        "    pass\n"
    )
    assert "dns" in loaded_after(first_use, tmp_path)
