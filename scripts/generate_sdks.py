#!/usr/bin/env python3
"""Generate the typed layer of the Python and TypeScript SDKs from the OpenAPI document.

    .venv/bin/python scripts/generate_sdks.py                    # from `pmsaas openapi`
    .venv/bin/python scripts/generate_sdks.py --openapi doc.json # from a saved document
    .venv/bin/python scripts/generate_sdks.py --check            # exit 1 when the committed files drifted

Writes only the files named in ``GENERATED`` (models and resource classes); the hand-written parts
(transport, retries, pagination, the ``PropertyManagementSDK`` class, webhook verification) live next
to them and are never touched. How operations become ``sdk.<namespace>.<method>``: ``sdks/README.md``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sdkgen.model import Api, build_api  # noqa: E402
from sdkgen.python import render_python_models, render_python_resources  # noqa: E402
from sdkgen.typescript import render_ts_models, render_ts_resources  # noqa: E402

GENERATED = {
    "sdks/python/src/propertymgmt/models.py": "py_models",
    "sdks/python/src/propertymgmt/_resources.py": "py_resources",
    "sdks/typescript/src/models.ts": "ts_models",
    "sdks/typescript/src/resources.ts": "ts_resources",
}


def load_document(openapi: Path | None) -> dict:
    if openapi is not None:
        return json.loads(openapi.read_text())
    pmsaas = Path(sys.executable).with_name("pmsaas")
    done = subprocess.run([str(pmsaas), "openapi"], check=True, capture_output=True, text=True)  # noqa: S603 (our own command)
    return json.loads(done.stdout)


def render(document: dict) -> dict[str, str]:
    api: Api = build_api(document)
    texts = {
        "py_models": render_python_models(api),
        "py_resources": render_python_resources(api),
        "ts_models": render_ts_models(api),
        "ts_resources": render_ts_resources(api),
    }
    return {path: texts[kind] for path, kind in GENERATED.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--openapi", type=Path, help="an OpenAPI document (default: run `pmsaas openapi`)")
    parser.add_argument("--out", type=Path, default=ROOT, help="the repository root to write under")
    parser.add_argument("--check", action="store_true", help="compare with the files under --out, write nothing")
    args = parser.parse_args()
    files = render(load_document(args.openapi))
    stale = [
        path for path, text in files.items() if not (args.out / path).is_file() or (args.out / path).read_text() != text
    ]
    if args.check:
        for path in stale:
            print(f"out of date: {path}", file=sys.stderr)
        if stale:
            print("regenerate with: .venv/bin/python scripts/generate_sdks.py", file=sys.stderr)
        return 1 if stale else 0
    for path, text in files.items():
        target = args.out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    print(f"wrote {len(files)} files ({len(stale)} changed)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
