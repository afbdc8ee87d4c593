import bcrypt
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access import users as u
from data_access.models import AuditEntry, Department, User


@pytest.fixture
def departments(engine):
    with Session(engine) as s:
        s.add_all([Department(code="FIN", name="Finance"), Department(code="IT", name="IT")])
        s.commit()
        return {d.code: d.id for d in s.scalars(select(Department))}


def audit_actions(engine):
    with Session(engine) as s:
        return [a.action for a in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_add_user_hashes_with_bcrypt_and_audits(engine, departments):
    uid = u.add_user(engine, username="alice", password="correct horse battery", role="executive",
                     actor="tester", department_codes=["FIN"])
    with Session(engine) as s:
        user = s.get(User, uid)
        assert user.password_hash.startswith("$2b$12$")
        assert bcrypt.checkpw(b"correct horse battery", user.password_hash.encode())
        assert [d.code for d in user.departments] == ["FIN"]
    assert audit_actions(engine) == ["user.create"]
    current = u.current_user(engine, "alice")
    assert current.scope.department_ids == frozenset({departments["FIN"]})
    assert current.scope.role == "executive"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"username": "Alice"}, "invalid username"),
    ({"username": "a b"}, "invalid username"),
    ({"password": "short"}, "too short"),
    ({"password": "x" * 129}, "too long"),
    ({"password": " leading-space-pw"}, "spaces"),
    ({"role": "admin"}, "unknown role"),
    ({"department_codes": ["NOPE"]}, "unknown department"),
])
def test_add_user_rejects_bad_input_and_writes_nothing(engine, departments, kwargs, message):
    args = {"username": "bob", "password": "a long enough pass", "role": "viewer", "actor": "t"} | kwargs
    with pytest.raises(u.UserError, match=message):
        u.add_user(engine, **args)
    with Session(engine) as s:
        assert s.scalars(select(User)).all() == []
    assert audit_actions(engine) == []


def test_passwords_have_no_composition_rules_and_allow_long_passphrases(engine):
    u.add_user(engine, username="p1", password="aaaaaaaa", role="viewer", actor="t")
    u.add_user(engine, username="p2", password="x" * 64, role="viewer", actor="t")
    assert {r["username"] for r in u.list_users(engine)} == {"p1", "p2"}


def test_duplicate_username_is_refused(engine):
    u.add_user(engine, username="carol", password="password-1", role="pmo", actor="t")
    with pytest.raises(u.UserError, match="already exists"):
        u.add_user(engine, username="carol", password="password-2", role="pmo", actor="t")


def test_role_change_disable_and_password_change_bump_the_session_epoch(engine):
    u.add_user(engine, username="dave", password="password-1", role="viewer", actor="t")
    epoch0 = u.current_user(engine, "dave").session_epoch
    u.set_role(engine, "dave", "pmo", actor="t")
    after_role = u.current_user(engine, "dave")
    assert (after_role.role, after_role.session_epoch) == ("pmo", epoch0 + 1)
    u.set_password(engine, "dave", "password-2", actor="t")
    assert u.current_user(engine, "dave").session_epoch == epoch0 + 2
    u.set_disabled(engine, "dave", True, actor="t")
    assert u.current_user(engine, "dave") is None
    assert "dave" not in u.credentials(engine)["usernames"]
    assert audit_actions(engine)[-3:] == ["user.set_role", "user.set_password", "user.disable"]


def test_unknown_user_operations_fail_clearly(engine):
    with pytest.raises(u.UserError, match="no user named 'ghost'"):
        u.set_role(engine, "ghost", "pmo", actor="t")


def test_credentials_are_in_streamlit_authenticator_shape(engine):
    u.add_user(engine, username="erin", password="password-1", role="manager", actor="t",
               display_name="Erin E.")
    creds = u.credentials(engine)["usernames"]["erin"]
    assert creds["name"] == "Erin E."
    assert creds["roles"] == ["manager"]
    assert creds["password"].startswith("$2b$")


def test_auth_events_are_audited(engine):
    u.record_auth_event(engine, "mallory", "login.failure")
    with Session(engine) as s:
        entry = s.scalars(select(AuditEntry)).one()
        assert (entry.actor, entry.action, entry.entity_id) == ("mallory", "login.failure", "mallory")


def test_passwords_of_128_characters_are_accepted(engine):
    u.add_user(engine, username="long", password="p" * 128, role="viewer", actor="t")
    assert "long" in u.credentials(engine)["usernames"]


@pytest.mark.parametrize(("password", "bcrypt_input"), [
    ("short-pass", "short-pass"),
    ("x" * 72, "x" * 72),
    ("x" * 100, "x" * 72),                       # bcrypt reads 72 bytes; bcrypt 5 refuses more
    ("é" * 40, "é" * 36),                        # 2 bytes each: 36 fit in 72
    ("a" * 71 + "é" + "z" * 10, "a" * 71),       # never half a character
    ("a" * 71 + " " + "b" * 10, "a" * 71),       # the form trims: so does the cut
    ("  padded-pass  ", "padded-pass"),
])
def test_bcrypt_input_is_the_first_72_bytes(password, bcrypt_input):
    assert u.bcrypt_input(password) == bcrypt_input
    assert len(u.bcrypt_input(password).encode("utf-8")) <= 72


def test_a_long_multibyte_passphrase_hashes_and_checks(engine):
    """bcrypt 5 raises on more than 72 bytes: hashing and checking both cut first."""
    passphrase = "météo à Genève, déjà vu " * 4  # 96 characters, more than 72 bytes
    u.add_user(engine, username="fr", password=passphrase.strip(), role="viewer", actor="t")
    stored = u.credentials(engine)["usernames"]["fr"]["password"].encode()
    assert bcrypt.checkpw(u.bcrypt_input(passphrase.strip()).encode(), stored)
    assert not bcrypt.checkpw(u.bcrypt_input("météo à Genève").encode(), stored)


@pytest.mark.parametrize(("typed", "normalised"), [
    ("Alice", "alice"), ("  bob ", "bob"), ("", ""), (None, ""), ("X" * 80, "x" * 64),
])
def test_usernames_are_normalised_like_the_login_form(typed, normalised):
    assert u.normalise_username(typed) == normalised


def test_the_dummy_hash_costs_as_much_as_a_real_one_and_matches_nothing():
    assert u._DUMMY_HASH.startswith(b"$2b$12$")
    assert not bcrypt.checkpw(b"password", u._DUMMY_HASH)
    assert u.spend_a_password_check("any password at all" * 10) is None


def test_sign_out_bumps_the_session_epoch_and_is_audited(engine):
    u.add_user(engine, username="gina", password="password-1", role="viewer", actor="t")
    epoch0 = u.current_user(engine, "gina").session_epoch
    u.sign_out(engine, "gina")
    assert u.current_user(engine, "gina").session_epoch == epoch0 + 1
    assert u.credentials(engine)["usernames"]["gina"]["session_epoch"] == epoch0 + 1
    with Session(engine) as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert (entry.actor, entry.action, entry.entity_id) == ("gina", "logout", "gina")


def test_credentials_never_carry_a_password_hint(engine):
    u.add_user(engine, username="hal", password="password-1", role="viewer", actor="t")
    assert set(u.credentials(engine)["usernames"]["hal"]) == {
        "name", "email", "password", "roles", "session_epoch"}
