"""Application settings, read from the environment (prefix ``PMO_``) and an optional ``.env``."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "data" / "pmo.db"


class Settings(BaseSettings):
    """Runtime configuration; every field can be set as ``PMO_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="PMO_", env_file=".env", extra="ignore")

    database_url: str = Field(default=f"sqlite:///{DEFAULT_SQLITE_PATH}")
    cookie_key: str | None = None
    cookie_name: str = "pmo_cockpit_auth"
    cookie_expiry_days: float = Field(default=0.5, gt=0, le=30)
    """Lifetime of the sign-in cookie in days (fractions allowed: 0.25 = 6 hours)."""
    throttle_window_seconds: int = Field(default=900, ge=1, le=86_400)
    """Sliding window over which failed sign-ins are counted."""
    throttle_max_per_user: int = Field(default=5, ge=1)
    """Failed sign-ins allowed per username within the window."""
    throttle_max_per_client: int = Field(default=20, ge=1)
    """Failed sign-ins allowed per client address within the window."""
    trust_proxy: int = Field(default=0, ge=0, le=5)
    """Reverse proxies in front of the app whose X-Forwarded-For may be believed (0: none)."""
    currency: str = "EUR"
    currency_symbol: str = "€"
    sqlite_busy_timeout_ms: int = Field(default=5000, ge=0)
    reader: str = Field(default="auto", pattern="^(auto|dbapi|sqlalchemy|connectorx|adbc)$")
    today: dt.date | None = None
    """The date the app takes as today (YYYY-MM-DD): a fixed status date for a demo, a training
    session or a test run; unset or empty (``PMO_TODAY=``), the machine's date."""

    @field_validator("today", mode="before")
    @classmethod
    def _empty_today_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached; call ``get_settings.cache_clear()`` in tests)."""
    return Settings()


def today() -> dt.date:
    """Today for the whole app: ``PMO_TODAY`` when set, else the machine's date."""
    return get_settings().today or dt.date.today()


MIN_COOKIE_KEY_BYTES = 32
WELL_KNOWN_KEYS = frozenset({
    "some_key", "some_signature_key", "random_signature_key", "abcdef", "secret", "changeme",
    "change-me", "key", "cookie_key", "your-secret-key", "supersecret", "password",
})


def cookie_key_problem(key: str | None) -> str | None:
    """Why ``key`` may not sign login cookies (None when it is fine)."""
    if not key:
        return "no cookie key is configured: set PMO_COOKIE_KEY or run `pmo secrets ensure`"
    if key.strip().lower() in WELL_KNOWN_KEYS or any(k in key.lower() for k in ("some_signature", "random_signature")):
        return "the cookie key is a well-known example value: generate one with `pmo secrets ensure`"
    if len(key.encode("utf-8")) < MIN_COOKIE_KEY_BYTES:
        return f"the cookie key is too short: at least {MIN_COOKIE_KEY_BYTES} bytes are needed"
    if len(set(key)) < 8:
        return "the cookie key is too repetitive to be secret: generate one with `pmo secrets ensure`"
    return None
