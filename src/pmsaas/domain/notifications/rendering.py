"""Template text: ``{{ name }}`` placeholders, checked when a template is saved and filled when it is sent.

Rules that make a rendering safe to show: a brace outside a placeholder is refused in a template,
and a value may hold no brace, so a rendered message never contains a placeholder (neither one left
unfilled nor one smuggled in through a value). Every placeholder needs a value and every value
a placeholder: a misspelt variable is an error, not a silent blank."""

from __future__ import annotations

import re
from collections.abc import Mapping

from pmsaas.domain.shared.errors import FieldProblem, ValidationFailed

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]{0,63})\s*\}\}")
VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
MAX_VALUE_LENGTH = 2000


def placeholders(text: str, field: str = "body") -> list[str]:
    """The variables ``text`` uses, in order of first use; a stray brace is a ValidationFailed."""
    rest = PLACEHOLDER.sub("", text)
    if "{" in rest or "}" in rest:
        raise ValidationFailed.single(field, "a brace is allowed only in a {{variable}} placeholder")
    return list(dict.fromkeys(PLACEHOLDER.findall(text)))


def variables_of(*texts: str | None) -> list[str]:
    found: list[str] = []
    for text in texts:
        if text:
            found.extend(placeholders(text))
    return list(dict.fromkeys(found))


def check_values(used: list[str], values: Mapping[str, str]) -> None:
    """Every placeholder has a value, every value a placeholder, and no value holds a brace."""
    problems = [
        FieldProblem(f"variables.{name}", "missing: the template uses it") for name in used if name not in values
    ]
    problems += [
        FieldProblem(f"variables.{name}", "unknown: the template does not use it")
        for name in values
        if name not in used
    ]
    for name, value in values.items():
        if "{" in value or "}" in value:
            problems.append(FieldProblem(f"variables.{name}", "must not contain { or }"))
        elif len(value) > MAX_VALUE_LENGTH:
            problems.append(FieldProblem(f"variables.{name}", f"must be at most {MAX_VALUE_LENGTH} characters"))
    if problems:
        names = ", ".join(p.field.removeprefix("variables.") for p in problems)
        raise ValidationFailed(problems, message=f"template variables: {names}")


def render(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each placeholder replaced by its value (``check_values`` first)."""
    used = placeholders(text)
    check_values(used, {k: v for k, v in values.items() if k in used})  # one text of several: others' values pass
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], text)
