from __future__ import annotations

import uuid
from uuid import UUID


def new_id() -> UUID:
    return uuid.uuid4()


__all__ = ["UUID", "new_id"]
