"""The first hour: `dev.py --help`, a busy port, what `db upgrade` did."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pmsaas.entrypoints.cli.main import cli

ROOT = Path(__file__).resolve().parents[3]


def test_dev_py_help_exits_0_and_names_the_commands():
    for flag in ("--help", "-h"):
        done = subprocess.run([sys.executable, "dev.py", flag], cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        for words in ("dev.py start [--port N]", "dev.py test", ".venv/bin/pmsaas", ". .venv/bin/activate"):
            assert words in done.stdout, words
    done = subprocess.run([sys.executable, "dev.py", "nonsense"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 1 and "unknown command 'nonsense'" in done.stderr


def test_a_busy_port_is_one_clear_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PMSAAS_DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--port", str(port)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and f"cannot listen on 127.0.0.1:{port}" in lines[0], result.output
    assert f"--port {port + 1}" in lines[0]


def test_db_upgrade_says_what_it_did(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PMSAAS_DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    revisions = len(list((ROOT / "src/pmsaas/adapters/sql/migrations/versions").glob("2*_*.py")))
    first = CliRunner().invoke(cli, ["db", "upgrade"])
    assert first.exit_code == 0, first.output
    assert "upgraded from none to " in first.output and f"({revisions} revisions)" in first.output, first.output
    again = CliRunner().invoke(cli, ["db", "upgrade"])
    assert again.exit_code == 0 and "already at " in again.output and "nothing to apply" in again.output
