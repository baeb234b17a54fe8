"""Operation descriptions for handlers without a docstring, keyed ``"METHOD /path"``.

A handler's docstring is its description (``use_handler_docstrings``); this table serves the
handlers that have none yet, so that their controllers need not be edited while others work on
them. Say what the operation does for a property manager, what it answers, and what refuses it;
the permission it needs is added from the route's guard (``permissions.py``).
"""

from __future__ import annotations

from pmsaas.entrypoints.http.openapi_docs.operations_account import ACCOUNT
from pmsaas.entrypoints.http.openapi_docs.operations_community import COMMUNITY
from pmsaas.entrypoints.http.openapi_docs.operations_compliance import COMPLIANCE
from pmsaas.entrypoints.http.openapi_docs.operations_financial import FINANCIAL
from pmsaas.entrypoints.http.openapi_docs.operations_operations import OPERATIONS_AND_MORE
from pmsaas.entrypoints.http.openapi_docs.operations_platform import PLATFORM

OPERATIONS: dict[str, str] = {**PLATFORM, **OPERATIONS_AND_MORE, **FINANCIAL, **ACCOUNT, **COMMUNITY}
assert len(OPERATIONS) == len(PLATFORM) + len(OPERATIONS_AND_MORE) + len(FINANCIAL) + len(ACCOUNT) + len(COMMUNITY), (
    "an operation described twice"
)

assert not OPERATIONS.keys() & COMPLIANCE.keys(), "an operation described twice"
OPERATIONS.update(COMPLIANCE)
