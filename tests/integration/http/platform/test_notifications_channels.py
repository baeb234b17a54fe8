"""/api/v1/notifications/channels (secrets sealed and never shown, /test through the provider port)
and /api/v1/notifications/preferences (an extension: each user's own)."""

from __future__ import annotations

import sqlalchemy as sa

from notify_support import N, fields_of
from pmsaas.adapters.sql.tables.notifications import channels

C = f"{N}/channels"
SMS = {
    "name": "Twilio India",
    "type": "sms",
    "provider": "twilio",
    "config": {"from_number": "+15550100", "dlt_entity_id": "1201"},
    "secrets": {"account_sid": "AC123", "auth_token": "very-secret-token"},
}


async def test_a_channel_keeps_its_secrets_sealed_and_tests_through_the_provider(api, owner):
    r = await api.post(C, owner.token, json=SMS)
    assert r.status_code == 201, r.text
    ch = r.json()["data"]
    assert ch["secret_keys"] == ["account_sid", "auth_token"] and "secrets" not in ch
    assert "very-secret-token" not in r.text
    async with api.container.system_engine().connect() as conn:
        row = (await conn.execute(sa.select(channels).where(channels.c.name == SMS["name"]))).first()
    assert "very-secret-token" not in str(row.secrets_sealed)
    assert api.container.secret_box().open(row.secrets_sealed["auth_token"]) == "very-secret-token"

    url = f"{C}/{ch['id']}"
    r = await api.put(url, owner.token, json={k: v for k, v in SMS.items() if k != "secrets"} | {"name": "Renamed"})
    assert r.status_code == 200 and r.json()["data"]["secret_keys"] == ["account_sid", "auth_token"]
    assert "very-secret-token" not in (await api.get(url, owner.token)).text
    assert "very-secret-token" not in (await api.get(C, owner.token)).text

    provider = api.container.message_provider()
    r = await api.post(f"{url}/test", owner.token, json={"to": "+919812345678"})
    assert r.status_code == 200, r.text
    assert r.json()["data"]["delivered"] is True and "console" in r.json()["data"]["detail"]
    assert provider.sent[-1][:2] == ("sms", "+919812345678")
    r = await api.post(f"{url}/test", owner.token, json={"to": "not a phone"})
    assert r.status_code == 422 and fields_of(r) == ["to"]
    r = await api.put(url, owner.token, json={**SMS, "type": "email", "config": {"from_email": "a@b.co"}})
    assert r.status_code == 409
    assert (await api.delete(url, owner.token)).status_code == 204
    assert (await api.post(f"{url}/test", owner.token, json={"to": "+919812345678"})).status_code == 404


async def test_channels_tenancy_roles_and_bad_input(api, owner, other_owner):
    _, tenant = await owner.add_user("Tenant")
    _, manager = await owner.add_user("PropertyManager")
    ch = (await api.post(C, manager, json=SMS)).json()["data"]
    url = f"{C}/{ch['id']}"
    for method, path, body in (
        ("GET", url, None),
        ("PUT", url, SMS),
        ("DELETE", url, None),
        ("POST", f"{url}/test", {"to": "+919812345678"}),
    ):
        assert (await api.request(method, path, token=other_owner.token, json=body)).status_code == 404, path
        assert (await api.request(method, path, token=tenant, json=body)).status_code == 403, path
    assert (await api.get(C, other_owner.token)).json()["data"] == []
    for body, field in [
        ({**SMS, "config": {}}, "config.from_number"),
        ({**SMS, "type": "carrier_pigeon"}, "type"),
        ({**SMS, "provider": "Twilio Inc!"}, "provider"),
        ({**SMS, "secrets": {"from_number": "x"}}, "secrets.from_number"),
        ({**SMS, "config": {"from_number": 5}}, None),
        ({**SMS, "name": "nul\u0000"}, "name"),
        ({**SMS, "extra": True}, "extra"),
    ]:
        r = await api.post(C, owner.token, json=body)
        assert r.status_code == 422, (body, r.text)
        assert field is None or field in fields_of(r), (field, r.text)


async def test_preferences_are_each_users_own_with_defaults_and_quiet_hours(api, owner):
    _, tenant = await owner.add_user("Tenant")
    P = f"{N}/preferences"
    r = await api.get(P, tenant)
    assert r.status_code == 200, r.text
    assert r.json()["data"] == {
        "channels": {"in_app": True, "email": True, "sms": False, "whatsapp": False},
        "events": {},
        "quiet_hours": None,
        "updated_at": None,
    }
    body = {
        "channels": {"sms": True},
        "events": {"invoice.created": {"email": False}},
        "quiet_hours": {"start": "22:00", "end": "07:00", "timezone": "Asia/Kolkata"},
    }
    r = await api.put(P, tenant, json=body)
    assert r.status_code == 200, r.text
    saved = r.json()["data"]
    assert saved["channels"] == {"in_app": True, "email": True, "sms": True, "whatsapp": False}
    assert saved["events"] == {"invoice.created": {"email": False}} and saved["quiet_hours"] == body["quiet_hours"]
    assert (await api.get(P, tenant)).json()["data"] == saved
    assert (await api.get(P, owner.token)).json()["data"]["updated_at"] is None  # the owner's are untouched
    for bad, field in [
        ({"channels": {"pager": True}}, "pager"),
        ({"quiet_hours": {"start": "25:00", "end": "07:00"}}, "start"),
        ({"quiet_hours": {"start": "22:00", "end": "22:00"}}, "quiet_hours.end"),
        ({"quiet_hours": {"start": "22:00", "end": "07:00", "timezone": "Mars/Olympus"}}, "quiet_hours.timezone"),
        ({"events": {"Not An Event": {"email": True}}}, None),
        ({"channels": {"sms": "yes"}}, None),
    ]:
        r = await api.put(P, tenant, json=bad)
        assert r.status_code == 422, (bad, r.text)
        assert field is None or any(field in f for f in fields_of(r)), (field, r.text)
