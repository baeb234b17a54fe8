"""Applies the glossary, the operation descriptions and the service tags to the generated document.

Litestar builds the OpenAPI document while the application is constructed and serves that object
from ``/schema`` ("Accessing the OpenAPI schema in code", docs.litestar.dev/2/usage/openapi/
schema_generation.html): ``create_app`` hands it here once, before the first request. What the code
already says (a handler's docstring, a parameter's own description) wins; the glossary fills the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar.openapi.spec import OpenAPI, Operation, Parameter, Reference, Schema

from pmsaas.entrypoints.http.openapi_docs.entry import NO_EXAMPLE, Doc
from pmsaas.entrypoints.http.openapi_docs.examples import branches, derive, fits
from pmsaas.entrypoints.http.openapi_docs.fields import COMPONENT_EXAMPLES, FIELDS, OVERRIDES
from pmsaas.entrypoints.http.openapi_docs.operations import OPERATIONS
from pmsaas.entrypoints.http.openapi_docs.parameters import PARAMETER_OVERRIDES, PARAMETERS
from pmsaas.entrypoints.http.openapi_docs.permissions import who_may_call
from pmsaas.entrypoints.http.openapi_docs.tags import service_tag, tags_in_use

_METHODS = ("get", "put", "post", "patch", "delete")


def document_schema(schema: OpenAPI, permissions: Mapping[str, tuple[str, ...]] | None = None) -> None:
    """Fills descriptions, examples and tags in place (the object ``/schema`` serves); ``permissions``
    (``"METHOD /path"`` -> what its guards check) adds who may call each operation."""
    components: dict[str, Schema] = {}
    if schema.components is not None and schema.components.schemas:
        components = {k: v for k, v in schema.components.schemas.items() if isinstance(v, Schema)}
    for name, component in components.items():
        if (whole := COMPONENT_EXAMPLES.get(short_name(name))) is not None:
            component.examples = [whole]
    # An object-valued field's example is built from its schema's fields, which may come later in
    # the walk: repeat until nothing more can be filled (the nesting is a few levels deep).
    for _ in range(8):
        filled = sum(_document_fields(name, c, components) for name, c in components.items())
        filled += sum(_example_of_component(name, c, components) for name, c in components.items())
        if not filled:
            break
    for path, item in (schema.paths or {}).items():
        for method in _METHODS:
            operation = getattr(item, method, None)
            if isinstance(operation, Operation):
                _document_operation(method, path, operation, components)
                if permissions is not None and operation.description:
                    needed = permissions.get(f"{method.upper()} {path}", ())
                    operation.description = f"{operation.description}\n\n{who_may_call(path, needed)}"
    schema.tags = tags_in_use(schema)


def short_name(component: str) -> str:
    """The Struct's own name: Litestar qualifies clashing names (``ticketing_webhooks_WebhookIn``) and
    names generic envelopes after their parameter (``Ok_pmsaas...InvoiceOut_``: ``Ok``)."""
    return component.split("_", 1)[0] if component.endswith("_") else component.rsplit("_", 1)[-1]


def _override(component: str, field: str) -> Doc | None:
    return OVERRIDES.get(f"{component}.{field}") or OVERRIDES.get(f"{short_name(component)}.{field}")


def field_doc(component: str, field: str) -> Doc | None:
    """The entry for a component's field: ``Component.field`` first, then the field name alone."""
    return _override(component, field) or FIELDS.get(field)


def _twin_values(component: str, field: str, components: dict[str, Schema]) -> list[Any]:
    # A response Struct often types a field ``str`` whose request twin (``XIn`` for ``XOut``) has the
    # enum: the values are the same.
    if not component.endswith("Out"):
        return []
    twin = components.get(component[: -len("Out")] + "In")
    spec = (twin.properties or {}).get(field) if twin is not None else None
    if not isinstance(spec, Schema):
        return []
    found = [v for b in branches(spec) if isinstance(b, Schema) for v in (b.enum or [])] + list(spec.enum or [])
    return [v for v in dict.fromkeys(found) if v is not None]


def _document_fields(name: str, component: Schema, components: dict[str, Schema]) -> int:
    filled = 0
    for field, spec in (component.properties or {}).items():
        doc = _override(name, field)
        if doc is None and (values := _twin_values(name, field, components)):
            doc = Doc(f"One of: {', '.join(map(str, values))}.", values[0])
        doc = doc or FIELDS.get(field)
        if doc is not None and not spec.description:
            spec.description = doc.description
            filled += 1
        if isinstance(spec, Schema):
            if spec.properties:  # an inline object (the error envelopes): its fields too
                filled += _document_fields(f"{name}.{field}", spec, components)
            if not spec.examples and (example := _example(doc, spec, components)) is not NO_EXAMPLE:
                spec.examples = [example]
                filled += 1
    return filled


def _example_of_component(name: str, component: Schema, components: dict[str, Schema]) -> int:
    if not component.properties or component.examples:
        return 0
    whole = derive(component, components, frozenset({name}))
    # Litestar drops null members when it writes the document: a required one would go missing.
    if whole is NO_EXAMPLE or any(whole.get(key, 0) is None for key in component.required or []):
        return 0
    component.examples = [whole]
    return 1


def _example(doc: Doc | None, spec: Schema | Reference, components: dict[str, Schema]) -> Any:
    # A glossary example that does not fit this schema (another type, not in its enum, not a date
    # where a date-time is asked) gives way to what the schema itself determines, when it does.
    written = NO_EXAMPLE if doc is None else doc.example
    if written is not NO_EXAMPLE and fits(written, spec):
        return written
    derived = derive(spec, components)
    return written if derived is NO_EXAMPLE else derived


def _document_operation(method: str, path: str, operation: Operation, components: dict[str, Schema]) -> None:
    if not operation.description:
        operation.description = OPERATIONS.get(f"{method.upper()} {path}")
    if (tag := service_tag(path)) is not None:
        operation.tags = [tag]
    for parameter in operation.parameters or []:
        if isinstance(parameter, Parameter):
            _document_parameter(method, path, parameter, components)


def parameter_doc(method: str, path: str, parameter: Parameter) -> Doc | None:
    """The entry for a parameter: ``METHOD /path name`` first, then ``name`` where it goes (query, path)."""
    key = f"{method.upper()} {path} {parameter.name}"
    where = getattr(parameter.param_in, "value", parameter.param_in)  # ParamType.QUERY is "query"
    return PARAMETER_OVERRIDES.get(key) or PARAMETERS.get(f"{where} {parameter.name}")


def _document_parameter(method: str, path: str, parameter: Parameter, components: dict[str, Schema]) -> None:
    doc = parameter_doc(method, path, parameter)
    if doc is not None and not parameter.description:
        parameter.description = doc.description
    if parameter.example is None and parameter.schema is not None:
        if (listed := _first_listed(parameter.description)) is not None:
            doc = Doc(parameter.description or "", listed)  # a whitelist in the text: its first value
        if (example := _example(doc, parameter.schema, components)) is not NO_EXAMPLE:
            parameter.example = example


def _first_listed(description: str | None) -> str | None:
    # List endpoints describe their sort_by whitelist as "One of: created_at, name" (list_query).
    if description and description.startswith("One of: "):
        return description.removeprefix("One of: ").split(",")[0].strip() or None
    return None
