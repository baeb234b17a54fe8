"""The database's migrations (alembic), shipped inside the package so an installed ``pmsaas``
migrates from any directory: ``env.py`` targets ``adapters/sql/metadata.py``, ``versions/`` holds
one revision per schema change. ``DIRECTORY`` is what the CLI hands alembic as ``script_location``."""

from pathlib import Path

DIRECTORY = Path(__file__).resolve().parent
