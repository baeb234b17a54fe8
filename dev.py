#!/usr/bin/env python3
"""Developer entrypoint that needs nothing but python3.

    python3 dev.py start [--port N] [--host H]   # install, migrate, load demo data, serve the API
                                                 # (http://127.0.0.1:8000 unless --port/--host say otherwise;
                                                 # the options of `pmsaas serve`)
    python3 dev.py test [PYTEST ARGS]            # install (and Chromium, for the explorer test), then ruff,
                                                 # import contracts, types (mypy), db check, the test suite
    python3 dev.py install                       # only install into ./.venv
    python3 dev.py --help                        # this text

Installs into ./.venv, re-installing only when pyproject.toml changes. The `pmsaas` command lives in
.venv/bin: run `.venv/bin/pmsaas --help`, or `. .venv/bin/activate` first to have it on PATH.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".pmsaas-installed"


def run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env=env)  # noqa: S603 (our own fixed commands)
    if result.returncode != 0:
        sys.exit(result.returncode)


def install() -> None:
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        run(sys.executable, "-m", "venv", VENV)
    run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", ".[test]")
    STAMP.write_text(wanted)


def start(extra: list[str]) -> None:
    install()
    run(BIN / "pmsaas", "db", "upgrade")
    run(BIN / "pmsaas", "seed-demo")
    os.execv(str(BIN / "pmsaas"), [str(BIN / "pmsaas"), "serve", *extra])  # noqa: S606 (the server replaces us)


def browser() -> None:
    """The explorer test renders /schema in headless Chromium: Debian's package, installed once."""
    if shutil.which("chromium"):
        return
    if not shutil.which("apt-get") or os.geteuid() != 0:
        sys.exit("the tests need Chromium: install Debian's `chromium` package (as root: apt-get install chromium)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    quiet = subprocess.run(["apt-get", "install", "-y", "-q", "chromium"], env=env)  # noqa: S607 (apt-get from PATH)
    if quiet.returncode != 0:
        run("apt-get", "update", "-q", env=env)
        run("apt-get", "install", "-y", "-q", "chromium", env=env)


def test(extra: list[str]) -> None:
    install()
    browser()
    run(BIN / "ruff", "check", ".")
    run(BIN / "lint-imports", "--no-cache")
    run(BIN / "mypy")  # the files and strictness are set in pyproject.toml ([tool.mypy])
    # `db check` on a scratch SQLite file, and on a scratch PostgreSQL database when the tests have one.
    run(BIN / "pmsaas", "db", "check", "--scratch", env={**os.environ, "PMSAAS_DATABASE_URL": "sqlite://"})
    if os.environ.get("PMSAAS_TEST_DATABASE_URL"):
        run(BIN / "pmsaas", "db", "check", "--scratch",
            env={**os.environ, "PMSAAS_DATABASE_URL": os.environ["PMSAAS_TEST_DATABASE_URL"]})
    run(BIN / "pytest", *extra)


def main() -> None:
    command, extra = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("", [])
    if command == "start":
        start(extra)
    elif command == "test":
        test(extra)
    elif command == "install":
        install()
    elif command in {"-h", "--help", "help"}:
        print(__doc__)
    else:
        sys.exit(f"unknown command {command!r}\n{__doc__}" if command else __doc__)


if __name__ == "__main__":
    main()
