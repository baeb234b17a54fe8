"""The OpenAPI document's prose, kept apart from the request and response Structs.

The Structs say what a field is (its type, its bounds); this package says what it means to a
property manager, with an example, and applies it to the generated document once at start-up
(``document_schema``, called from ``create_app``). Adding a field: docs/api-contract.md §9.
"""

from pmsaas.entrypoints.http.openapi_docs.apply import document_schema
from pmsaas.entrypoints.http.openapi_docs.permissions import route_permissions

__all__ = ["document_schema", "route_permissions"]
