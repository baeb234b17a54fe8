"""Rules of the OAuth and key credentials: PKCE S256, redirect URIs, scopes and their cut to a
person's current permissions."""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fakes import builders as b
from pmsaas.domain.identity.api_keys import ApiKey, hash_key_secret
from pmsaas.domain.identity.oauth import redirect_uri_problem, s256, verifier_matches
from pmsaas.domain.identity.roles import ALL_PERMISSIONS, ROLES
from pmsaas.domain.identity.scopes import effective_permissions, grants_of, permissions_for_scopes
from pmsaas.domain.shared.actor import permission_matches
from pmsaas.domain.shared.ids import new_id

UNRESERVED = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~", min_size=43, max_size=128
)


def test_the_rfc_7636_appendix_b_example():
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert s256(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    assert verifier_matches(verifier, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")


@given(UNRESERVED, UNRESERVED)
def test_only_the_verifier_of_a_challenge_matches_it(verifier, other):
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert verifier_matches(verifier, challenge)
    assert verifier_matches(other, challenge) == (other == verifier)
    # "plain" (the verifier as its own challenge) never matches
    assert not verifier_matches(verifier, verifier)


@pytest.mark.parametrize("short", ["", "a" * 42, "a" * 129, "has space" + "a" * 40, "é" * 43])
def test_malformed_verifiers_never_match(short):
    assert not verifier_matches(short, s256("a" * 43))


@pytest.mark.parametrize(
    ("uri", "ok"),
    [
        ("https://app.example.com/cb", True),
        ("https://app.example.com/cb?x=1", True),
        ("http://127.0.0.1:8765/cb", True),
        ("http://localhost/cb", True),
        ("http://app.example.com/cb", False),
        ("https://app.example.com/cb#f", False),
        ("/cb", False),
        ("javascript:alert(1)", False),
        ("https:///nohost", False),
    ],
)
def test_redirect_uris(uri, ok):
    assert (redirect_uri_problem(uri) is None) == ok


@given(st.sampled_from(sorted(ROLES)), st.sets(st.sampled_from(ALL_PERMISSIONS), max_size=8))
def test_a_delegated_credential_never_exceeds_its_person(role, scopes):
    holder = frozenset(ROLES[role])
    granted = effective_permissions(scopes, holder)
    assert all(any(permission_matches(h, p) for h in holder) for p in granted)
    assert all(any(permission_matches(s, p) for s in permissions_for_scopes(scopes)) for p in granted)


def test_manage_means_every_action_and_unknown_scopes_are_none():
    assert grants_of("tenant:manage") == ("tenant:*",)
    assert grants_of("notification:manage") == ("notification:manage",)
    assert grants_of("tickets:read") == ("maintenance:read",)
    for bad in ("tenant", "tenant:steal", "nothing:read", "*", ""):
        assert grants_of(bad) is None


def test_a_rotated_keys_old_secret_works_only_in_its_grace_period():
    key = ApiKey(
        organization_id=new_id(),
        name="k",
        lookup="abcdefgh",
        secret_hash=hash_key_secret("new"),
        scopes=frozenset({"property:read"}),
        created_at=b.at(0),
        previous_secret_hash=hash_key_secret("old"),
        previous_valid_until=b.at(60),
    )
    assert key.matches("new", b.at(0)) and key.matches("new", b.at(10_000))
    assert key.matches("old", b.at(59)) and not key.matches("old", b.at(60))
    assert not key.matches("other", b.at(0))
    assert key.actor(frozenset()).permissions == frozenset()
    assert key.actor(frozenset({"property:*"})).permissions == {"property:read"}
    assert key.actor(frozenset({"*"})).permissions == {"property:read"}
    assert timedelta(0) < key.previous_valid_until - key.created_at
