"""Settings: one msgspec Struct loaded from PMSAAS_* environment variables.

Defaults are the embedded mode: a SQLite file under ``var/``, in-process jobs and rate limits,
console e-mail, generated development RSA keys. Production values come from the environment.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import msgspec

Environment = Literal["development", "production", "test"]


def _default_var_dir() -> Path:
    return Path(os.environ.get("PMSAAS_VAR_DIR", Path.cwd() / "var"))


class Settings(msgspec.Struct, kw_only=True, frozen=True):
    env: Environment = "development"
    database_url: str = ""
    redis_url: str | None = None
    # PostgreSQL row-level security (docs/tenancy.md): requests run as a role that sees one
    # organization's rows. Off only to compare or diagnose; SQLite has none, the setting does nothing there.
    row_level_security: bool = True
    var_dir: str = ""
    # JWT: PEM private key (RS256). Unset → a development key is generated under var/keys/.
    jwt_private_key: str | None = None
    jwt_issuer: str = "pmsaas"
    jwt_audience: str = "PropertyManagement"
    access_token_ttl_seconds: int = 900
    refresh_token_ttl_seconds: int = 30 * 24 * 3600
    # argon2id cost; tests lower it, production keeps the library's recommended defaults.
    argon2_time_cost: int = 3
    argon2_memory_cost_kib: int = 65536
    # Rate limits (requests per window) by organization plan.
    rate_limit_window_seconds: int = 3600
    rate_limit_standard: int = 1000
    rate_limit_premium: int = 5000
    rate_limit_enterprise: int = 20000
    login_attempts_per_account: int = 10
    login_attempts_per_ip: int = 50
    login_window_seconds: int = 900
    registrations_per_ip_per_hour: int = 30
    # The origin of absolute URLs in responses and e-mails (links, attachment urls); never the Host header.
    public_base_url: str = "http://127.0.0.1:8000"
    mail_from: str = "pmsaas <noreply@localhost>"
    log_json: bool | None = None  # None → JSON in production, console otherwise
    log_level: str = "INFO"
    # Operations (issue 5). The key that encrypts stored secrets (webhook signing secrets); unset in
    # development → a key generated under var/keys/; required in production.
    data_key: str | None = None
    # Ticket attachments: "filesystem" (var/attachments, the embedded default) or "s3" (any S3-compatible store).
    attachments_backend: str = "filesystem"
    attachments_max_bytes: int = 10 * 1024 * 1024
    s3_endpoint_url: str | None = None  # e.g. https://s3.eu-west-1.amazonaws.com or http://127.0.0.1:9000 (MinIO)
    s3_bucket: str | None = None
    s3_region: str = "us-east-1"
    s3_access_key_id: str | None = None
    s3_secret_access_key: str | None = None
    # Financial: the sandbox gateway's webhook signing secret and the signature age tolerance.
    sandbox_webhook_secret: str = "whsec_sandbox_development"
    webhook_tolerance_seconds: int = 300
    payment_gateway: str = "sandbox"  # sandbox | stripe
    stripe_secret_key: str | None = None
    stripe_webhook_secret: str | None = None  # whsec_… of the Stripe endpoint; unset → Stripe callbacks refused
    # Razorpay (India: UPI and net banking collections); unset → those go to the card gateway (the
    # sandbox simulates them, Stripe refuses them).
    razorpay_key_id: str | None = None
    razorpay_key_secret: str | None = None
    razorpay_webhook_secret: str | None = None  # the Razorpay webhook's secret; unset → its callbacks refused
    # Idempotency-Key (docs/api-contract.md §6): completed keys live this long; an unfinished claim
    # goes stale after the lock.
    idempotency_ttl_seconds: int = 24 * 3600
    idempotency_lock_seconds: int = 60
    # Outbox relay: embedded mode (no Redis) relays in-process every N seconds (0 = off); events per claim.
    outbox_relay_interval_seconds: float = 2.0
    outbox_batch_size: int = 100
    # E-mail (docs/notifications.md): "file" writes var/mail/<timestamp>-<id>.eml (the embedded default),
    # "smtp" sends through the server below, "console" logs (and keeps) each message.
    mail_backend: str = "file"
    # E-mail leaves from a job (retries with backoff, never in the request); false sends in-line.
    mail_queue: bool = True
    # The console mailer keeps its latest N messages in memory (tests read them; a dev server shows them).
    console_mail_keep: int = 200
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = True  # STARTTLS required (on port 587); false: plain SMTP (a local relay)
    smtp_ca_file: str | None = None  # trust this CA for the server's certificate (else the system's)
    smtp_timeout_seconds: float = 10.0
    # SMS and WhatsApp providers: "console" logs every channel's messages (embedded default);
    # "live" sends through Twilio (provider "twilio") and the WhatsApp Cloud API (provider "meta").
    messaging: str = "console"
    # Webhook delivery (docs/webhooks.md): each attempt's whole time; messages per sweep. Loopback targets
    # are for tests only (a receiver on 127.0.0.1): refused in production.
    webhook_timeout_seconds: float = 10.0
    webhook_delivery_batch: int = 100
    webhook_allow_loopback: bool = False
    # Real time (SSE /api/v1/events, WebSocket /ws): events kept per organization for Last-Event-ID
    # resume, the heartbeat period, messages held for a slow stream before it is dropped, and how long
    # a WebSocket may take to send its auth message.
    realtime_replay_size: int = 1000
    realtime_heartbeat_seconds: float = 15.0
    realtime_max_backlog: int = 256
    realtime_auth_seconds: float = 5.0
    # Life of the real-time cookie's stream handle (POST /api/v1/events/session); never past its token's.
    realtime_session_seconds: int = 300
    # Scheduled jobs (billing run, reminders, housekeeping): embedded mode checks what is due every N s.
    jobs_tick_seconds: float = 60.0
    # CORS (docs/operations.md): the browser origins allowed to call the API, e.g.
    # PMSAAS_CORS_ORIGINS="https://app.example.com,https://admin.example.com". Empty: CORS off.
    cors_origins: tuple[str, ...] = ()
    # GET /metrics (Prometheus) wants ``Authorization: Bearer <token>``; unset in production → no route.
    metrics_token: str | None = None

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def var_path(self) -> Path:
        return Path(self.var_dir) if self.var_dir else _default_var_dir()

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.var_path / 'pmsaas.sqlite3'}"


_BOOL = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}


def _refuse_benchmark_routes(environ: dict[str, str], raw: dict[str, object]) -> None:
    """The benchmark handlers (public /bench/ routes that read and write any organization) live in the
    repository's bench/ folder and are never part of the product; a production environment that still
    asks for them (the variable of the time they were) refuses to start rather than run without a word."""
    if str(raw.get("env", "")).lower() != "production":
        return
    if environ.get("PMSAAS_BENCH_ENDPOINTS", "").strip().lower() not in ("", "0", "false", "no", "off"):
        raise ValueError(
            "PMSAAS_BENCH_ENDPOINTS is refused in production: the product has no benchmark routes (see bench/)"
        )


def load_settings(environ: dict[str, str] | None = None, **overrides: object) -> Settings:
    """Read PMSAAS_<FIELD> variables; unknown or malformed values fail loudly at start-up."""
    environ = dict(os.environ if environ is None else environ)
    raw: dict[str, object] = {}
    for name in Settings.__struct_fields__:
        value = environ.get(f"PMSAAS_{name.upper()}")
        if value is None or value == "":
            continue
        raw[name] = value
    raw.update(overrides)
    _refuse_benchmark_routes(environ, raw)
    # Environment strings → typed values (msgspec converts "900" → int with strict=False).
    for key, given in list(raw.items()):
        if (
            isinstance(given, str)
            and given.lower() in _BOOL
            and key in {"log_json", "webhook_allow_loopback", "row_level_security"}
        ):
            raw[key] = _BOOL[given.lower()]
        if isinstance(given, str) and key == "cors_origins":  # a comma-separated list in the environment
            raw[key] = tuple(origin.strip().rstrip("/") for origin in given.split(",") if origin.strip())
    return msgspec.convert(raw, Settings, strict=False)
