"""Template rendering: a rendered message never holds a placeholder; every unknown or missing
variable is refused by name; stray braces never get into a template."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmsaas.domain.notifications import rendering
from pmsaas.domain.shared.errors import ValidationFailed

names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True)
literal = st.text(st.characters(blacklist_characters="{}", blacklist_categories=("Cs",)), max_size=20)
value = st.text(max_size=30)


@st.composite
def templates(draw):
    """A template: literal text and placeholders (some with spaces inside the braces), and its names."""
    parts, used = [], []
    for _ in range(draw(st.integers(0, 6))):
        parts.append(draw(literal))
        name = draw(names)
        used.append(name)
        pad = draw(st.sampled_from(["", " ", "  "]))
        parts.append("{{" + pad + name + pad + "}}")
    parts.append(draw(literal))
    return "".join(parts), list(dict.fromkeys(used))


@given(templates(), st.data())
def test_a_rendering_never_leaves_a_placeholder(template, data):
    text, used = template
    values = {name: data.draw(value, label=name) for name in used}
    try:
        out = rendering.render(text, values)
    except ValidationFailed as refused:  # only a value with a brace is refused
        assert all(p.field.startswith("variables.") for p in refused.problems)
        assert any("{" in v or "}" in v for v in values.values())
        return
    assert rendering.PLACEHOLDER.search(out) is None
    assert "{" not in out and "}" not in out
    assert rendering.placeholders(text) == used


@given(templates(), names, st.data())
def test_an_unknown_variable_is_always_refused_by_name(template, extra, data):
    _text, used = template
    values = {name: "v" for name in used}
    if extra in values:
        return
    values[extra] = data.draw(value)
    with pytest.raises(ValidationFailed) as refused:
        rendering.check_values(used, values)
    assert f"variables.{extra}" in [p.field for p in refused.value.problems]


@given(templates())
def test_a_missing_variable_is_refused_by_name(template):
    _text, used = template
    if not used:
        return
    values = {name: "v" for name in used[1:]}
    with pytest.raises(ValidationFailed) as refused:
        rendering.check_values(used, values)
    assert [p.field for p in refused.value.problems] == [f"variables.{used[0]}"]


@given(literal, st.sampled_from(["{", "}", "{{", "}}", "{{1x}}", "{{ a b }}", "{x}"]), literal)
def test_a_stray_brace_is_refused_in_a_template(before, stray, after):
    with pytest.raises(ValidationFailed):
        rendering.placeholders(before + stray + after)


def test_rendering_fills_each_placeholder():
    text = "Dear {{ name }}, rent of {{amount}} is due; {{name}}."
    assert rendering.variables_of("Rent for {{month}}", text) == ["month", "name", "amount"]
    assert rendering.render(text, {"name": "Tara", "amount": "₹25,000.00"}) == (
        "Dear Tara, rent of ₹25,000.00 is due; Tara."
    )
