"""``pmsaas db``: the schema administration the composition root offers (container.py)."""

from __future__ import annotations

from pmsaas.container import (
    MIGRATIONS,
    alembic_config,
    pending_differences,
    scratch_database,
    upgrade,
    upgrade_and_report,
)

__all__ = ["MIGRATIONS", "alembic_config", "pending_differences", "scratch_database", "upgrade", "upgrade_and_report"]
