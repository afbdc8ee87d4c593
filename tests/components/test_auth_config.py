"""The server configuration the login relies on (.streamlit/config.toml): issue 6 item 5."""

from __future__ import annotations

import tomllib
from pathlib import Path

CONFIG = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml")
                       .read_text())


def test_xsrf_protection_is_on():
    assert CONFIG["server"]["enableXsrfProtection"] is True


def test_uploads_are_limited_to_50_mb():
    assert CONFIG["server"]["maxUploadSize"] == 50


def test_error_details_are_hidden_from_users():
    assert CONFIG["client"]["showErrorDetails"] == "none"


def test_usage_statistics_are_off():
    assert CONFIG["browser"]["gatherUsageStats"] is False


def test_no_static_file_serving_and_no_secret_in_the_file():
    assert CONFIG["server"]["enableStaticServing"] is False
    assert "cookieSecret" not in CONFIG["server"]
