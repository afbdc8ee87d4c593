"""User accounts: bcrypt hashes, roles, department scope, and the reads the login needs."""

from __future__ import annotations

import re
from dataclasses import dataclass

import bcrypt
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, selectinload

from data_access.models import Department, Project, User
from data_access.models.enums import ROLES
from data_access.scope import Scope
from data_access.uow import unit_of_work

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD, MAX_PASSWORD = 8, 128


class UserError(ValueError):
    """A user-management request that cannot be carried out; the message says why."""


@dataclass(frozen=True)
class CurrentUser:
    id: int
    username: str
    display_name: str
    role: str
    department_ids: frozenset[int]
    person_id: int | None
    session_epoch: int

    @property
    def scope(self) -> Scope:
        return Scope(username=self.username, role=self.role,
                     department_ids=self.department_ids, person_id=self.person_id)


BCRYPT_MAX_BYTES = 72
_DUMMY_HASH = b"$2b$12$419PZ5ZvnXkhv6czKmvIFesqMq9XWXCw7ASnSgiZybDBocg77tq72"
"""A cost-12 hash of a random string nobody knows: checked for unknown usernames."""


def bcrypt_input(password: str) -> str:
    """The trimmed ``password`` cut to its longest prefix whose UTF-8 fits bcrypt's 72 bytes.

    bcrypt only ever read the first 72 bytes; bcrypt >= 5 refuses longer input instead of
    ignoring the rest, so hashing and checking both cut here (at a character boundary, and
    trimmed again because the login form trims what it is given).
    """
    encoded = password.strip().encode("utf-8")
    if len(encoded) <= BCRYPT_MAX_BYTES:
        return password.strip()
    return encoded[:BCRYPT_MAX_BYTES].decode("utf-8", errors="ignore").rstrip()


def hash_password(password: str) -> str:
    """bcrypt hash (cost 12) of a password that passed :func:`check_password_rules`."""
    check_password_rules(password)
    return bcrypt.hashpw(bcrypt_input(password).encode("utf-8"),
                         bcrypt.gensalt(rounds=12)).decode("ascii")


def spend_a_password_check(password: str) -> None:
    """Check ``password`` against a dummy hash: an unknown username costs the same time as a
    known one, so response times do not reveal which usernames exist."""
    bcrypt.checkpw(bcrypt_input(password).encode("utf-8"), _DUMMY_HASH)


def normalise_username(username: str | None) -> str:
    """The form's username as the login compares it: trimmed, lower-case, at most 64 chars."""
    return (username or "").strip().lower()[:64]


def check_password_rules(password: str) -> None:
    """8 to 128 characters, no composition rules (NIST SP 800-63B); no surrounding spaces.

    bcrypt reads at most 72 bytes; longer passphrases are accepted and only their first 72
    bytes count (see :func:`bcrypt_input`).
    """
    if len(password) < MIN_PASSWORD:
        raise UserError(f"password too short: at least {MIN_PASSWORD} characters are needed")
    if len(password) > MAX_PASSWORD:
        raise UserError(f"password too long: at most {MAX_PASSWORD} characters")
    if password != password.strip():
        raise UserError("password must not start or end with spaces (the login form trims them)")


def check_username(username: str) -> str:
    if not USERNAME_RE.fullmatch(username):
        raise UserError(f"invalid username {username!r}: use 2-64 lowercase letters, digits, '.', '_' or '-'")
    return username


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    return role


def _departments(session: Session, codes: list[str]) -> list[Department]:
    found = {d.code: d for d in session.scalars(select(Department).where(Department.code.in_(codes)))}
    missing = [c for c in codes if c not in found]
    if missing:
        raise UserError(f"unknown department code(s): {', '.join(missing)}")
    return [found[c] for c in codes]


def add_user(engine: Engine, *, username: str, password: str, role: str, actor: str,
             display_name: str | None = None, department_codes: list[str] | None = None,
             person_id: int | None = None, email: str | None = None) -> int:
    """Create a user (transaction + audit entry); returns its id."""
    check_username(username)
    _check_role(role)
    password_hash = hash_password(password)
    with unit_of_work(engine, actor) as uow:
        s = uow.session
        if s.scalar(select(func.count()).select_from(User).where(User.username == username)):
            raise UserError(f"user {username!r} already exists")
        user = User(username=username, display_name=display_name or username, email=email,
                    password_hash=password_hash, role=role, person_id=person_id,
                    departments=_departments(s, department_codes or []))
        s.add(user)
        s.flush()
        uow.audit("user.create", entity="user", entity_id=user.id,
                  after={"username": username, "role": role, "departments": department_codes or []})
        uow.commit()
        return user.id


def _get(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise UserError(f"no user named {username!r}")
    return user


def set_role(engine: Engine, username: str, role: str, *, actor: str) -> None:
    """Change a user's role; bumps the session epoch so existing sessions are re-checked."""
    _check_role(role)
    with unit_of_work(engine, actor) as uow:
        user = _get(uow.session, username)
        before = user.role
        user.role = role
        user.session_epoch += 1
        uow.audit("user.set_role", entity="user", entity_id=user.id,
                  before={"role": before}, after={"role": role})
        uow.commit()


def set_disabled(engine: Engine, username: str, disabled: bool, *, actor: str) -> None:
    with unit_of_work(engine, actor) as uow:
        user = _get(uow.session, username)
        user.disabled = disabled
        user.session_epoch += 1
        uow.audit("user.disable" if disabled else "user.enable", entity="user", entity_id=user.id)
        uow.commit()


def set_password(engine: Engine, username: str, password: str, *, actor: str) -> None:
    password_hash = hash_password(password)
    with unit_of_work(engine, actor) as uow:
        user = _get(uow.session, username)
        user.password_hash = password_hash
        user.session_epoch += 1
        uow.audit("user.set_password", entity="user", entity_id=user.id)
        uow.commit()


def list_users(engine: Engine) -> list[dict]:
    with Session(engine) as s:
        users = s.scalars(select(User).options(selectinload(User.departments)).order_by(User.username))
        return [{"username": u.username, "display_name": u.display_name, "role": u.role,
                 "departments": ",".join(d.code for d in u.departments) or "*",
                 "disabled": u.disabled} for u in users]


def credentials(engine: Engine) -> dict:
    """The enabled users in the shape streamlit-authenticator expects (pre-hashed), with the
    session epoch read in the same query as the hash (a cookie issued after a password check
    carries the epoch that password belonged to); never a password hint."""
    with Session(engine) as s:
        users = s.scalars(select(User).where(User.disabled.is_(False)))
        return {"usernames": {u.username: {"name": u.display_name, "email": u.email or "",
                                           "password": u.password_hash, "roles": [u.role],
                                           "session_epoch": u.session_epoch}
                              for u in users}}


def current_user(engine: Engine, username: str) -> CurrentUser | None:
    """The enabled user named ``username`` as of now (role and scope re-read on every call)."""
    with Session(engine) as s:
        user = s.scalar(select(User).options(selectinload(User.departments))
                        .where(User.username == username, User.disabled.is_(False)))
        if user is None:
            return None
        return CurrentUser(id=user.id, username=user.username, display_name=user.display_name,
                           role=user.role, department_ids=frozenset(d.id for d in user.departments),
                           person_id=user.person_id, session_epoch=user.session_epoch)


def sign_out(engine: Engine, username: str, detail: str | None = None) -> None:
    """Log out: bump the session epoch, so every cookie and session issued before is refused
    on its next rerun (this browser's and any copy of its cookie), and audit ``logout``."""
    with unit_of_work(engine, username or "anonymous") as uow:
        user = uow.session.scalar(select(User).where(User.username == username))
        if user is not None:
            user.session_epoch += 1
        uow.audit("logout", entity="user", entity_id=username, detail=detail)
        uow.commit()


def record_auth_event(engine: Engine, username: str, action: str, detail: str | None = None) -> None:
    """Append a sign-in event (``login.success``, ``login.failure``...) to the audit log."""
    with unit_of_work(engine, username or "anonymous") as uow:
        uow.audit(action, entity="user", entity_id=username, detail=detail)
        uow.commit()


def busiest_manager(engine: Engine) -> int | None:
    """The person managing the most projects (the demo manager account is bound to them)."""
    with Session(engine) as s:
        row = s.execute(select(Project.manager_id, func.count().label("n"))
                        .where(Project.manager_id.is_not(None))
                        .group_by(Project.manager_id).order_by(func.count().desc(), Project.manager_id)
                        .limit(1)).first()
        return None if row is None else int(row[0])
