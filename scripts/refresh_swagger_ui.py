#!/usr/bin/env python3
"""Refresh the vendored Swagger UI (the npm package ``swagger-ui-dist``) served at /schema.

    python3 scripts/refresh_swagger_ui.py            # the pinned release (PINNED below)
    python3 scripts/refresh_swagger_ui.py 5.36.0     # one exact version
    python3 scripts/refresh_swagger_ui.py latest     # the newest 5.x release

Needs ``npm`` on PATH. Downloads the package tarball with ``npm pack`` into a temporary folder and
copies only the files the explorer serves (the bundle, the standalone preset, the stylesheet, the
favicons) with the licence and notice into ``src/pmsaas/entrypoints/http/explorer/``; the version
lands in ``VERSION`` there. Review the diff and run the explorer test before committing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "src" / "pmsaas" / "entrypoints" / "http" / "explorer"
PACKAGE = "swagger-ui-dist"
MAJOR = "5"  # Swagger UI 5 is the first to render OpenAPI 3.1, which the API publishes
# 5.33.0 to 5.36.0 (the newest when this was written) render the first three or four operations of
# this API's document and then drop the rest; 5.32.15 renders all of them. Move the pin only when
# tests/integration/http/test_explorer_browser.py passes with the new release.
PINNED = "5.32.15"
FILES = (
    "swagger-ui-bundle.js",
    "swagger-ui-standalone-preset.js",
    "swagger-ui-bundle.js.LICENSE.txt",  # the licences of what the bundle includes
    "swagger-ui-standalone-preset.js.LICENSE.txt",
    "swagger-ui.css",
    "favicon-16x16.png",
    "favicon-32x32.png",
    "LICENSE",
    "NOTICE",
)


def npm(*args: str, cwd: Path) -> str:
    result = subprocess.run(["npm", *args], cwd=cwd, check=True, capture_output=True, text=True)  # noqa: S603, S607
    return result.stdout


def newest_release(cwd: Path) -> str:
    versions = json.loads(npm("view", f"{PACKAGE}@{MAJOR}", "version", "--json", cwd=cwd))
    return versions[-1] if isinstance(versions, list) else versions


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        workdir = Path(scratch)
        version = sys.argv[1] if len(sys.argv) > 1 else PINNED
        if version == "latest":
            version = newest_release(workdir)
        if not version.startswith(f"{MAJOR}."):
            sys.exit(f"refusing {PACKAGE} {version}: the explorer needs a {MAJOR}.x release")
        tarball = workdir / npm("pack", f"{PACKAGE}@{version}", "--silent", cwd=workdir).strip().splitlines()[-1]
        with tarfile.open(tarball) as archive:
            for name in FILES:
                member = archive.getmember(f"package/{name}")
                source = archive.extractfile(member)
                assert source is not None, name
                (TARGET / name).write_bytes(source.read())
        (TARGET / "VERSION").write_text(f"{PACKAGE} {version}\n")
        shutil.rmtree(workdir / "package", ignore_errors=True)
    print(f"{PACKAGE} {version} -> {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
