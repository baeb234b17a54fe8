"""The pure rules of the Idempotency-Key (the middleware's and the payments'): fingerprints, storable
statuses, key syntax, scopes."""

from __future__ import annotations

import json
import uuid

from hypothesis import given
from hypothesis import strategies as st

from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.idempotency import fingerprint, gateway_key, principal_scope
from pmsaas.domain.shared.idempotency import valid_key as _valid_key
from pmsaas.entrypoints.http.idempotency import is_storable

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=10,
)
documents = st.dictionaries(st.text(max_size=8), json_values, min_size=1, max_size=6)


@given(documents, st.randoms())
def test_json_key_order_and_spacing_do_not_matter(doc, rnd):
    items = list(doc.items())
    rnd.shuffle(items)
    a = json.dumps(doc).encode()
    b = json.dumps(dict(items), indent=2).encode()
    assert fingerprint("POST", "/api/v1/x", b"", a) == fingerprint("POST", "/api/v1/x", b"", b)


@given(documents, documents)
def test_different_documents_differ(a, b):
    same = json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    fa = fingerprint("POST", "/p", b"", json.dumps(a).encode())
    fb = fingerprint("POST", "/p", b"", json.dumps(b).encode())
    assert (fa == fb) == same


def test_method_path_query_and_non_json_bodies_count():
    base = fingerprint("POST", "/api/v1/a", b"", b"{}")
    assert fingerprint("POST", "/api/v1/b", b"", b"{}") != base
    assert fingerprint("PUT", "/api/v1/a", b"", b"{}") != base
    assert fingerprint("POST", "/api/v1/a", b"x=1", b"{}") != base
    # parts are length-prefixed: moving bytes between path and query changes the fingerprint
    assert fingerprint("POST", "/api/v1/ab", b"", b"") != fingerprint("POST", "/api/v1/a", b"b", b"")
    assert fingerprint("POST", "/u", b"", b"--boundary\r\nraw") != fingerprint("POST", "/u", b"", b"--boundary\r\nra")


@given(st.integers(min_value=100, max_value=599))
def test_only_final_deterministic_answers_are_stored(status):
    expected = status < 500 and status not in {401, 403, 408, 409, 423, 425, 429}
    assert is_storable(status) is expected


@given(st.text(max_size=300))
def test_keys_are_1_to_255_printable_ascii(key):
    assert _valid_key(key) == (0 < len(key) <= 255 and all(32 <= ord(c) <= 126 for c in key))


def test_principals_are_scoped_by_organization_and_kind():
    org, user = uuid.uuid4(), uuid.uuid4()
    as_user = principal_scope(Actor(user_id=user, organization_id=org))
    as_key = principal_scope(Actor(user_id=None, organization_id=org, api_key_id=user))
    elsewhere = principal_scope(Actor(user_id=user, organization_id=uuid.uuid4()))
    assert len({as_user, as_key, elsewhere}) == 3
    assert len(as_user) <= 120  # fits the SQL column


def test_gateway_keys_stay_within_255_characters_and_apart():
    scope = principal_scope(Actor(user_id=uuid.uuid4(), organization_id=uuid.uuid4()))
    other = principal_scope(Actor(user_id=uuid.uuid4(), organization_id=uuid.uuid4()))
    short, long_ = "k-1", "k" * 255
    assert gateway_key(scope, short) == f"{scope}:charge:k-1"
    assert gateway_key(scope, short) != gateway_key(other, short) != gateway_key(scope, short, "refund")
    assert len(gateway_key(scope, long_)) <= 255
    assert gateway_key(scope, long_) != gateway_key(scope, long_[:-1] + "j")
