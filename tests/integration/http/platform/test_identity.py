"""Identity through the real HTTP app: registration, sign-in, tokens, throttling, password reset."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import jwt
import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fin_support import mail_marker, mails_since
from litestar.testing import AsyncTestClient

from conftest import BACKENDS, REDIS_URL, Api, frozen_rate_limiter, make_settings
from pmsaas.adapters.sql.tables.notifications import outbox
from pmsaas.container import build_container
from pmsaas.entrypoints.http.app import create_app

ID = "/api/v1/identity"
PASSWORD = "correct horse battery"


def assert_error(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["success"] is False
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["details"], list)
    assert body["meta"]["request_id"] == r.headers["x-request-id"] == body["meta"]["correlation_id"]
    assert body["meta"]["timestamp"].endswith("Z")
    return body


def fields(r: Any) -> list[str]:
    return [d["field"] for d in r.json()["error"]["details"]]


async def register(api: Api, email: str | None = None, **extra: Any) -> Any:
    body = {"email": email or api.email(), "password": PASSWORD, "name": "Rita Registrant", **extra}
    return await api.post(f"{ID}/register", json=body)


# -- registration ------------------------------------------------------------------------------


async def test_register_with_an_organization_makes_the_user_its_owner(api):
    email = api.email()
    r = await register(api, email.upper(), organization_name="Maple Homes")
    assert r.status_code == 201, r.text
    user = r.json()["data"]
    assert user["email"] == email  # normalized
    assert user["roles"] == ["OrganizationOwner"] and user["organization_id"]
    assert "password" not in r.text and "password_hash" not in r.text
    tokens = await api.login(email, PASSWORD)
    r = await api.get(f"/api/v1/organizations/{user['organization_id']}", tokens["access_token"])
    assert r.status_code == 200 and r.json()["data"]["name"] == "Maple Homes"


async def test_registering_with_an_organization_writes_its_events(api):
    r = await register(api, organization_name="Evented Homes")
    user = r.json()["data"]
    async with api.container.system_engine().connect() as conn:
        rows = (
            await conn.execute(
                sa.select(outbox.c.event, outbox.c.payload).where(
                    outbox.c.organization_id == uuid.UUID(user["organization_id"])
                )
            )
        ).all()
    assert sorted(e for e, _ in rows) == ["organization.created", "user.created"]
    assert {p.get("user_id") for _, p in rows} >= {user["id"]}


async def test_register_without_an_organization(api):
    email = api.email()
    r = await register(api, email)
    assert r.status_code == 201, r.text
    user = r.json()["data"]
    assert user["organization_id"] is None and user["roles"] == [] and user["status"] == "active"
    tokens = await api.login(email, PASSWORD)
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    assert claims["org_id"] is None and claims["org_roles"] == []
    # Without an organization there is nothing to act on, but the account works.
    assert (await api.get(f"{ID}/me", tokens["access_token"])).json()["data"]["email"] == email
    assert_error(await api.get("/api/v1/properties", tokens["access_token"]), 403, "INSUFFICIENT_PERMISSIONS")


async def test_a_known_email_gets_the_same_answer_and_an_email_instead(api):
    """Issue 11: a 409 told anyone which addresses have accounts. Now a known e-mail gets the same 201
    and shape as a new one; nothing is created or changed, and the address's owner is told by e-mail."""
    email = api.email()
    first = await register(api, email, organization_name="First Homes")
    assert first.status_code == 201
    marker = mail_marker(api)  # by identity: the console mailer keeps only its latest messages
    for again in (email, f"  {email.upper()} "):
        r = await register(api, again, organization_name="Second Homes", password="another long password")
        assert r.status_code == 201, r.text
        data, original = r.json()["data"], first.json()["data"]
        assert set(r.json()) == set(first.json()) and set(data) == set(original)
        assert {k: data[k] for k in ("email", "status", "roles", "email_verified")} == {
            k: original[k] for k in ("email", "status", "roles", "email_verified")
        }
        assert data["id"] != original["id"] and data["organization_id"] != original["organization_id"]
    mails = [m for m in mails_since(api, marker) if m.to == email]
    assert len(mails) == 2 and all("already exists" in m.body for m in mails)
    tokens = await api.login(email, PASSWORD)  # the account and its password are untouched
    assert tokens["user"]["id"] == original["id"]
    r = await api.post(f"{ID}/login", json={"email": email, "password": "another long password"})
    assert r.status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": "a@b"}, "email"),
        ({"password": "short"}, "password"),
        ({"password": ""}, "password"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": 7}, "name"),
        ({"organization_name": "  "}, "organization_name"),
        ({"organization_name": "x" * 201}, "organization_name"),
        ({"role": "SuperAdmin"}, "role"),
    ],
)
async def test_bad_registrations_are_422_with_the_field(api, body, field):
    email = api.email()
    r = await api.post(f"{ID}/register", json={"email": email, "password": PASSWORD, "name": "N", **body})
    assert_error(r, 422, "VALIDATION_ERROR")
    assert field in fields(r)
    if "email" not in body:  # nothing was written
        assert (await register(api, email)).status_code == 201


async def test_missing_fields_and_malformed_json(api):
    r = await api.post(f"{ID}/register", json={"email": api.email()})
    assert_error(r, 422, "VALIDATION_ERROR")
    r = await api.post(f"{ID}/login", content=b'{"email": ', headers={"Content-Type": "application/json"})
    assert_error(r, 400, "BAD_REQUEST")
    r = await api.post(f"{ID}/login", json=["not", "an", "object"])
    assert_error(r, 422, "VALIDATION_ERROR")


# -- login and the access token ----------------------------------------------------------------


async def test_login_returns_a_verifiable_rs256_token(api, owner):
    r = await api.post(f"{ID}/login", json={"email": owner.email, "password": owner.password})
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert set(data) == {"access_token", "refresh_token", "token_type", "expires_in", "user"}
    assert data["token_type"] == "Bearer"
    assert data["expires_in"] == api.container.settings().access_token_ttl_seconds
    assert data["user"]["id"] == owner.user_id and data["user"]["email"] == owner.email

    header = jwt.get_unverified_header(data["access_token"])
    assert header["alg"] == "RS256"
    jwks = (await api.get("/.well-known/jwks.json")).json()
    keys = {k["kid"]: k for k in jwks["keys"]}
    assert header["kid"] in keys and keys[header["kid"]]["kty"] == "RSA"
    public_key = jwt.PyJWK(keys[header["kid"]]).key
    claims = jwt.decode(
        data["access_token"], public_key, algorithms=["RS256"], audience="PropertyManagement", issuer="pmsaas"
    )
    expected = {"sub", "email", "org_id", "org_roles", "permissions", "tenant_profile_id", "jti", "iat", "exp"}
    assert expected | {"aud", "iss"} <= set(claims)
    assert claims["sub"] == owner.user_id and claims["email"] == owner.email
    assert claims["org_id"] == owner.org_id and claims["org_roles"] == ["OrganizationOwner"]
    assert {"org:*", "property:*", "user:*"} <= set(claims["permissions"])
    assert claims["tenant_profile_id"] is None and claims["aud"] == "PropertyManagement"
    assert claims["exp"] - claims["iat"] == data["expires_in"]
    uuid.UUID(claims["jti"])
    # Every sign-in is a distinct token.
    again = await api.login(owner.email, owner.password)
    assert jwt.decode(again["access_token"], options={"verify_signature": False})["jti"] != claims["jti"]


async def test_login_email_is_case_insensitive(api, owner):
    assert (await api.login(owner.email.upper(), owner.password))["user"]["id"] == owner.user_id


class HasherSpy:
    def __init__(self, hasher: Any) -> None:
        self.hasher = hasher
        self.calls: list[str] = []

    def verify(self, password_hash: str, password: str) -> bool:
        self.calls.append("verify")
        return self.hasher.verify(password_hash, password)

    def dummy_verify(self, password: str) -> None:
        self.calls.append("dummy_verify")
        # The dummy path does a real argon2 verification, like the real path.
        self.hasher.dummy_verify(password)

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)


@pytest.fixture
def hasher_spy(api: Api) -> Any:
    spy = HasherSpy(api.container.password_hasher())
    api.container.password_hasher.override(spy)
    yield spy
    api.container.password_hasher.reset_override()


async def test_unknown_email_and_wrong_password_answer_the_same(api, owner, hasher_spy):
    unknown = await api.post(f"{ID}/login", json={"email": api.email(), "password": owner.password})
    assert hasher_spy.calls == ["dummy_verify"]
    hasher_spy.calls.clear()
    wrong = await api.post(f"{ID}/login", json={"email": owner.email, "password": "wrong password!"})
    assert hasher_spy.calls == ["verify"]
    a, b = assert_error(unknown, 401, "AUTHENTICATION_FAILED"), assert_error(wrong, 401, "AUTHENTICATION_FAILED")
    assert a["error"] == b["error"]
    assert set(a) == set(b) and set(a["meta"]) == set(b["meta"])


async def test_the_dummy_hash_is_a_real_argon2_verification(api, monkeypatch):
    hasher = api.container.password_hasher()
    assert hasher._dummy.startswith("$argon2id$")
    calls: list[str] = []
    original = hasher.verify

    def counting(h: str, p: str) -> bool:
        calls.append(h)
        return original(h, p)

    monkeypatch.setattr(hasher, "verify", counting)
    hasher.dummy_verify("whatever")
    assert calls == [hasher._dummy]


async def test_an_invited_user_cannot_sign_in_before_setting_a_password(api, owner, hasher_spy):
    email = api.email("invitee")
    r = await api.post(f"{ID}/users", owner.token, json={"email": email, "name": "Ivy", "roles": ["Tenant"]})
    assert r.status_code == 201, r.text
    hasher_spy.calls.clear()
    r = await api.post(f"{ID}/login", json={"email": email, "password": "anything at all"})
    assert_error(r, 401, "AUTHENTICATION_FAILED")
    assert hasher_spy.calls == ["dummy_verify"]


async def test_a_disabled_user_cannot_sign_in(api, owner):
    uid, _ = await owner.add_user("Tenant", password="tenant password")
    r = await api.get(f"{ID}/users/{uid}", owner.token)
    email = r.json()["data"]["email"]
    r = await api.put(f"{ID}/users/{uid}", owner.token, json={"name": "T", "status": "disabled"})
    assert r.status_code == 200, r.text
    assert_error(
        await api.post(f"{ID}/login", json={"email": email, "password": "tenant password"}),
        401,
        "AUTHENTICATION_FAILED",
    )


# -- refresh, rotation, reuse detection, logout ------------------------------------------------


async def refresh(api: Api, token: str) -> Any:
    return await api.post(f"{ID}/refresh", json={"refresh_token": token})


async def test_refresh_rotates_and_reuse_revokes_the_family(api, owner):
    first = await api.login(owner.email, owner.password)
    r = await refresh(api, first["refresh_token"])
    assert r.status_code == 200, r.text
    second = r.json()["data"]
    assert second["refresh_token"] != first["refresh_token"] and second["token_type"] == "Bearer"
    assert (await api.get(f"{ID}/me", second["access_token"])).status_code == 200
    claims = jwt.decode(second["access_token"], options={"verify_signature": False})
    assert claims["org_id"] == owner.org_id

    r = await refresh(api, second["refresh_token"])
    assert r.status_code == 200
    third = r.json()["data"]

    # The used one is dead, and presenting it revokes the whole family: the newest too.
    assert_error(await refresh(api, first["refresh_token"]), 401, "AUTHENTICATION_FAILED")
    assert_error(await refresh(api, third["refresh_token"]), 401, "AUTHENTICATION_FAILED")
    # Other sessions of the same user are other families and live on.
    assert (await refresh(api, owner.refresh_token)).status_code == 200


@pytest.mark.parametrize("token", ["", "x" * 513, 5])
async def test_bad_refresh_bodies(api, token):
    assert_error(await refresh(api, token), 422, "VALIDATION_ERROR")


async def test_unknown_refresh_token_is_401(api):
    assert_error(await refresh(api, "not-a-refresh-token"), 401, "AUTHENTICATION_FAILED")


async def test_logout_revokes_the_access_token_and_the_refresh_family(api, owner):
    session = await api.login(owner.email, owner.password)
    other = await api.login(owner.email, owner.password)
    r = await api.post(f"{ID}/logout", session["access_token"], json={"refresh_token": session["refresh_token"]})
    assert r.status_code == 200, r.text
    assert_error(await api.get(f"{ID}/me", session["access_token"]), 401, "AUTHENTICATION_FAILED")
    assert_error(await refresh(api, session["refresh_token"]), 401, "AUTHENTICATION_FAILED")
    # The other session is untouched.
    assert (await api.get(f"{ID}/me", other["access_token"])).status_code == 200
    assert (await refresh(api, other["refresh_token"])).status_code == 200


async def test_logout_without_a_refresh_token_signs_out_every_session(api, owner):
    a = await api.login(owner.email, owner.password)
    b = await api.login(owner.email, owner.password)
    r = await api.post(f"{ID}/logout", a["access_token"])
    assert r.status_code == 200, r.text
    assert_error(await api.get(f"{ID}/me", a["access_token"]), 401, "AUTHENTICATION_FAILED")
    assert_error(await refresh(api, a["refresh_token"]), 401, "AUTHENTICATION_FAILED")
    assert_error(await refresh(api, b["refresh_token"]), 401, "AUTHENTICATION_FAILED")


async def test_logout_cannot_revoke_someone_elses_family(api, owner, other_owner):
    victim = await api.login(other_owner.email, other_owner.password)
    mine = await api.login(owner.email, owner.password)
    r = await api.post(f"{ID}/logout", mine["access_token"], json={"refresh_token": victim["refresh_token"]})
    assert r.status_code == 200
    assert (await refresh(api, victim["refresh_token"])).status_code == 200


async def test_logout_requires_authentication(api):
    assert_error(await api.post(f"{ID}/logout", json={}), 401, "AUTHENTICATION_FAILED")


# -- bad access tokens ---------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _now(api: Api) -> int:
    return int(api.container.clock().now().timestamp())


def _claims(owner: Any, **changes: Any) -> dict[str, Any]:
    now = _now(owner.api)
    claims = {
        "sub": owner.user_id,
        "email": owner.email,
        "org_id": owner.org_id,
        "org_roles": ["OrganizationOwner"],
        "permissions": ["*"],
        "tenant_profile_id": None,
        "jti": str(uuid.uuid4()),
        "iat": now,
        "exp": now + 600,
        "aud": "PropertyManagement",
        "iss": "pmsaas",
    }
    claims.update(changes)
    return claims


def _forge(api: Api, claims: dict[str, Any], **kw: Any) -> str:
    keys = api.container.key_set()
    return jwt.encode(claims, keys.private_key, algorithm="RS256", headers={"kid": keys.kid, **kw})


async def test_a_forged_token_with_the_servers_key_works(api, owner):
    """The control for the bad-token cases: the forging helper itself produces accepted tokens."""
    r = await api.get(f"{ID}/me", _forge(api, _claims(owner)))
    assert r.status_code == 200, r.text


async def test_an_expired_token_is_token_expired(api, owner):
    now = _now(api)
    token = _forge(api, _claims(owner, iat=now - 3600, exp=now - 60))
    assert_error(await api.get(f"{ID}/me", token), 401, "TOKEN_EXPIRED")


def _bad_tokens(api: Api, owner: Any) -> dict[str, str]:
    good = _forge(api, _claims(owner))
    header, payload, signature = good.split(".")
    tampered_claims = json.loads(base64.urlsafe_b64decode(payload + "==")) | {"org_roles": ["SuperAdmin"]}
    public_pem = (
        api.container.key_set()
        .private_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    hs_header = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": api.container.key_set().kid}).encode())
    hs_payload = _b64(json.dumps(_claims(owner)).encode())
    hs_signature = _b64(hmac.new(public_pem, f"{hs_header}.{hs_payload}".encode(), hashlib.sha256).digest())
    none_header = _b64(json.dumps({"alg": "none", "typ": "JWT", "kid": api.container.key_set().kid}).encode())
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return {
        "tampered payload": f"{header}.{_b64(json.dumps(tampered_claims).encode())}.{signature}",
        "alg none": f"{none_header}.{_b64(json.dumps(_claims(owner)).encode())}.",
        "HS256 with the public key": f"{hs_header}.{hs_payload}.{hs_signature}",
        "wrong audience": _forge(api, _claims(owner, aud="SomethingElse")),
        "wrong issuer": _forge(api, _claims(owner, iss="evil")),
        "missing jti": _forge(api, {k: v for k, v in _claims(owner).items() if k != "jti"}),
        "unknown kid": _forge(api, _claims(owner), kid="other-key"),
        "another key with our kid": jwt.encode(
            _claims(owner), stranger, algorithm="RS256", headers={"kid": api.container.key_set().kid}
        ),
        "garbage": "garbage",
        "three garbage parts": "a.b.c",
        "empty signature": f"{header}.{payload}.",
    }


async def test_bad_tokens_are_401_never_500(api, owner):
    for name, token in _bad_tokens(api, owner).items():
        r = await api.get("/api/v1/properties", token)
        body = assert_error(r, 401, "AUTHENTICATION_FAILED")
        assert body["error"]["details"] == [], name


@pytest.mark.parametrize(
    "authorization",
    ["{token}", "Basic {token}", "Bearer", "Bearer ", "bearer", "Token {token}", "Bearer {token} extra"],
)
async def test_malformed_authorization_headers_are_401(api, owner, authorization):
    value = authorization.format(token=owner.token)
    r = await api.get("/api/v1/properties", headers={"Authorization": value})
    assert_error(r, 401, "AUTHENTICATION_FAILED")


async def test_no_credentials_is_401(api):
    assert_error(await api.get("/api/v1/properties"), 401, "AUTHENTICATION_FAILED")
    assert_error(await api.get(f"{ID}/me"), 401, "AUTHENTICATION_FAILED")


# -- password reset and invitations -------------------------------------------------------------


def token_from_mail(api: Api, to: str) -> str:
    messages = [m for m in api.container.mailer().sent if m.to == to]
    assert messages, f"no e-mail to {to}"
    lines = messages[-1].body.splitlines()
    return next(line for line in lines if line and " " not in line and len(line) >= 40)


async def test_forgot_and_reset_password(api, owner):
    session = await api.login(owner.email, owner.password)
    r = await api.post(f"{ID}/forgot-password", json={"email": owner.email.upper()})
    assert r.status_code == 200, r.text
    token = token_from_mail(api, owner.email)

    r = await api.post(f"{ID}/reset-password", json={"token": token, "password": "short"})
    assert_error(r, 422, "VALIDATION_ERROR")
    assert fields(r) == ["password"]
    r = await api.post(f"{ID}/reset-password", json={"token": token, "password": "a brand new password"})
    assert r.status_code == 200, r.text
    assert_error(
        await api.post(f"{ID}/login", json={"email": owner.email, "password": owner.password}),
        401,
        "AUTHENTICATION_FAILED",
    )
    assert (await api.login(owner.email, "a brand new password"))["user"]["id"] == owner.user_id
    # A reset signs out every session; the token is single-use.
    assert_error(await refresh(api, session["refresh_token"]), 401, "AUTHENTICATION_FAILED")
    r = await api.post(f"{ID}/reset-password", json={"token": token, "password": "yet another password"})
    assert_error(r, 422, "VALIDATION_ERROR")
    assert fields(r) == ["token"]


async def test_forgot_password_does_not_reveal_accounts(api, owner):
    marker, nobody = mail_marker(api), api.email()
    unknown = await api.post(f"{ID}/forgot-password", json={"email": nobody})
    known = await api.post(f"{ID}/forgot-password", json={"email": owner.email})
    assert unknown.status_code == known.status_code == 200
    assert unknown.json()["data"] == known.json()["data"]
    assert [m.to for m in mails_since(api, marker)] == [owner.email]  # one e-mail, to the account only


async def test_an_invitation_sets_the_password(api, owner):
    email = api.email("invitee")
    r = await api.post(f"{ID}/users", owner.token, json={"email": email, "name": "Ivy", "roles": ["PropertyManager"]})
    assert r.status_code == 201, r.text
    assert r.json()["data"]["status"] == "invited"
    uid = r.json()["data"]["id"]
    token = token_from_mail(api, email)
    assert_error(
        await api.post(f"{ID}/reset-password", json={"token": "nope", "password": "ivys password"}),
        422,
        "VALIDATION_ERROR",
    )
    r = await api.post(f"{ID}/reset-password", json={"token": token, "password": "ivys password"})
    assert r.status_code == 200, r.text
    tokens = await api.login(email, "ivys password")
    assert tokens["user"]["status"] == "active" and tokens["user"]["organization_id"] == owner.org_id
    assert tokens["user"]["roles"] == ["PropertyManager"] and tokens["user"]["id"] == uid
    r = await api.post(f"{ID}/reset-password", json={"token": token, "password": "another password"})
    assert_error(r, 422, "VALIDATION_ERROR")


# -- login throttling (a dedicated app with small limits) --------------------------------------


@pytest.fixture(scope="module", params=BACKENDS)
async def throttled(request, database_urls, tmp_path_factory) -> AsyncIterator[Api]:
    backend = request.param
    redis = REDIS_URL if backend == "postgres" else None
    settings = make_settings(
        database_urls[backend],
        tmp_path_factory.mktemp(f"throttle-{backend}"),
        redis_url=redis,
        login_attempts_per_account=3,
        login_attempts_per_ip=6,
        registrations_per_ip_per_hour=4,
    )
    container = build_container(settings)
    async with AsyncTestClient(app=create_app(container)) as client:
        yield Api(client, container, backend)


@pytest.fixture
def fresh_limits(throttled: Api) -> Api:
    """Each test starts from empty counters (Redis keys get a fresh prefix)."""
    container = throttled.container
    container.rate_limiter.override(frozen_rate_limiter(container))
    container.login_attempts.reset()
    yield throttled
    container.rate_limiter.reset_override()
    container.login_attempts.reset()


def assert_throttled(r: Any, window_seconds: int = 900) -> None:
    body = assert_error(r, 429, "RATE_LIMIT_EXCEEDED")
    retry = body["error"]["retry_after"]
    assert isinstance(retry, int) and 1 <= retry <= window_seconds
    assert r.headers["retry-after"] == str(retry)


async def test_login_is_throttled_per_account(fresh_limits):
    api = fresh_limits
    email = api.email()
    assert (await register(api, email)).status_code == 201
    for _ in range(3):
        assert_error(
            await api.post(f"{ID}/login", json={"email": email, "password": "wrong!"}), 401, "AUTHENTICATION_FAILED"
        )
    # Over the limit even the right password waits; other accounts are unaffected.
    assert_throttled(await api.post(f"{ID}/login", json={"email": email, "password": PASSWORD}))
    assert_throttled(await api.post(f"{ID}/login", json={"email": email.upper(), "password": PASSWORD}))
    other = api.email()
    assert (await register(api, other)).status_code == 201
    assert (await api.post(f"{ID}/login", json={"email": other, "password": PASSWORD})).status_code == 200


async def test_a_successful_login_clears_the_account_counter(fresh_limits):
    api = fresh_limits
    email = api.email()
    assert (await register(api, email)).status_code == 201
    for _ in range(2):
        assert (await api.post(f"{ID}/login", json={"email": email, "password": "wrong!"})).status_code == 401
    assert (await api.post(f"{ID}/login", json={"email": email, "password": PASSWORD})).status_code == 200
    for _ in range(2):
        assert (await api.post(f"{ID}/login", json={"email": email, "password": "wrong!"})).status_code == 401
    assert (await api.post(f"{ID}/login", json={"email": email, "password": PASSWORD})).status_code == 200


async def test_login_is_throttled_per_ip(fresh_limits):
    api = fresh_limits
    for _ in range(6):
        r = await api.post(f"{ID}/login", json={"email": api.email(), "password": "whatever"})
        assert_error(r, 401, "AUTHENTICATION_FAILED")
    assert_throttled(await api.post(f"{ID}/login", json={"email": api.email(), "password": "whatever"}))


async def test_registrations_are_throttled_per_ip(fresh_limits):
    api = fresh_limits
    for _ in range(4):
        assert (await register(api)).status_code == 201
    email = api.email()
    assert_throttled(await register(api, email), window_seconds=3600)
    # Nothing was written for the refused one.
    assert_error(
        await api.post(f"{ID}/login", json={"email": email, "password": PASSWORD}), 401, "AUTHENTICATION_FAILED"
    )


async def test_a_logout_is_seen_by_every_app_instance(api, owner):
    """Another process on the same database (and Redis when configured) refuses a signed-out
    token: through Redis at once; in embedded mode (one process) from the table when it starts."""
    session = await api.login(owner.email, owner.password)
    settings = api.container.settings()  # same database, Redis and signing key
    other_container = build_container(settings)
    async with AsyncTestClient(app=create_app(other_container)) as client:
        other = Api(client, other_container, api.backend)
        assert (await other.get(f"{ID}/me", session["access_token"])).status_code == 200
        r = await api.post(f"{ID}/logout", session["access_token"], json={"refresh_token": session["refresh_token"]})
        assert r.status_code == 200
        if settings.redis_url:
            assert_error(await other.get(f"{ID}/me", session["access_token"]), 401, "AUTHENTICATION_FAILED")
    restarted_container = build_container(settings)
    async with AsyncTestClient(app=create_app(restarted_container)) as client:
        restarted = Api(client, restarted_container, api.backend)
        assert_error(await restarted.get(f"{ID}/me", session["access_token"]), 401, "AUTHENTICATION_FAILED")
