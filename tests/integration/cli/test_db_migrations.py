"""The migrations ship inside the package: ``pmsaas db upgrade`` and ``db check`` work from any directory.

The full proof (a plain ``pip install .`` into a new virtualenv, then the commands from ``/tmp``) is
too slow for the suite; these checks cover its two halves: nothing the migrations need lies outside
``pmsaas``, and the packaging declares every file there that is not a module.
"""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

import pmsaas
from pmsaas.entrypoints.cli.db import MIGRATIONS, alembic_config
from pmsaas.entrypoints.cli.main import cli

PACKAGE = Path(pmsaas.__file__).resolve().parent
PYPROJECT = Path(__file__).resolve().parents[3] / "pyproject.toml"


def test_the_migrations_directory_is_inside_the_package() -> None:
    assert MIGRATIONS.is_relative_to(PACKAGE)
    assert (MIGRATIONS / "env.py").is_file()
    assert (MIGRATIONS / "script.py.mako").is_file()
    assert sorted((MIGRATIONS / "versions").glob("2*_*.py")), "no revisions found"
    assert alembic_config("sqlite://").get_main_option("script_location") == str(MIGRATIONS)


def test_every_non_module_file_of_the_migrations_is_package_data() -> None:
    """A plain install copies modules of packages, and data only where pyproject.toml lists it."""
    patterns = tomllib.loads(PYPROJECT.read_text())["tool"]["setuptools"]["package-data"]["pmsaas"]
    data = [
        path.relative_to(PACKAGE).as_posix()
        for path in MIGRATIONS.rglob("*")
        if path.is_file() and path.suffix not in {".py", ".pyc"} and "__pycache__" not in path.parts
    ]
    assert data, "script.py.mako at least"
    for name in data:
        assert any(fnmatch.fnmatch(name, pattern) for pattern in patterns), f"{name} would not be installed"
    for directory in (MIGRATIONS, MIGRATIONS / "versions"):
        assert (directory / "__init__.py").is_file(), f"{directory} must be a package to be installed"


def test_db_upgrade_and_check_from_another_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # no alembic.ini, no migrations/ here
    monkeypatch.setenv("PMSAAS_DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    runner = CliRunner()

    upgraded = runner.invoke(cli, ["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    assert "database is up to date" in upgraded.output
    assert (tmp_path / "x.sqlite3").is_file()

    checked = runner.invoke(cli, ["db", "check"])
    assert checked.exit_code == 0, checked.output
    assert "migrations match the tables" in checked.output
