import pytest

from data_access.settings import Settings, cookie_key_problem


@pytest.mark.parametrize(("key", "problem"), [
    (None, "no cookie key"),
    ("", "no cookie key"),
    ("some_key", "well-known"),
    ("some_signature_key", "well-known"),
    ("random_signature_key_random_signature_key", "well-known"),
    ("short-but-random-Xq9", "too short"),
    ("a" * 40, "too repetitive"),
    ("0123456789" * 4, None),
    ("kT3v9Qw1-Zp0LmN8rS2uX7yB4cD6eF5gH_jK", None),
])
def test_cookie_key_problem(key, problem):
    result = cookie_key_problem(key)
    if problem is None:
        assert result is None
    else:
        assert problem in result


def test_settings_read_from_environment(monkeypatch):
    monkeypatch.setenv("PMO_DATABASE_URL", "sqlite:////tmp/elsewhere.db")
    monkeypatch.setenv("PMO_COOKIE_EXPIRY_DAYS", "0.25")
    settings = Settings()
    assert settings.database_url == "sqlite:////tmp/elsewhere.db"
    assert settings.cookie_expiry_days == 0.25


def test_settings_reject_invalid_reader(monkeypatch):
    monkeypatch.setenv("PMO_READER", "pandas")
    with pytest.raises(ValueError, match="reader"):
        Settings()
