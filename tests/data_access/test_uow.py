"""Writes: the unit of work commits only when asked, records an audit row, and optimistic
locking refuses to overwrite a concurrent change."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from data_access.models import AuditEntry, Department, Project
from data_access.uow import unit_of_work
from support.factories import make_department, make_project


def _count(engine: Engine, model) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(model))


def test_commit_keeps_the_change_and_its_audit_row(engine: Engine) -> None:
    with unit_of_work(engine, "alice") as uow:
        dept = make_department(uow.session, code="FIN", name="Finance")
        uow.audit("department.create", entity="department", entity_id=dept.id,
                  after={"code": "FIN"}, detail="created by a test")
        uow.commit()
    with Session(engine) as s:
        assert s.scalars(select(Department.code)).all() == ["FIN"]
        entry = s.scalars(select(AuditEntry)).one()
    assert (entry.actor, entry.action, entry.entity, entry.entity_id) == (
        "alice", "department.create", "department", str(dept.id))
    assert entry.after == {"code": "FIN"}
    assert entry.before is None
    assert entry.at is not None


def test_no_commit_means_nothing_written(engine: Engine) -> None:
    with unit_of_work(engine, "alice") as uow:
        make_department(uow.session, code="FIN")  # flushed, but never committed
        uow.audit("department.create", entity="department")
    assert _count(engine, Department) == 0
    assert _count(engine, AuditEntry) == 0


def test_exception_rolls_back_and_propagates(engine: Engine) -> None:
    with pytest.raises(RuntimeError, match="half-way"), unit_of_work(engine, "alice") as uow:
        make_department(uow.session, code="FIN")
        uow.audit("department.create")
        raise RuntimeError("failed half-way")
    assert _count(engine, Department) == 0
    assert _count(engine, AuditEntry) == 0


def test_work_after_commit_is_not_kept_without_another_commit(engine: Engine) -> None:
    with unit_of_work(engine, "alice") as uow:
        make_department(uow.session, code="FIN")
        uow.commit()
        make_department(uow.session, code="HR")
    with Session(engine) as s:
        assert s.scalars(select(Department.code)).all() == ["FIN"]


def test_concurrent_edit_is_refused_and_first_change_kept(engine: Engine) -> None:
    """Two editors load version 1; the second save raises StaleDataError."""
    with unit_of_work(engine, "setup") as uow:
        project_id = make_project(uow.session, name="Original").id
        uow.commit()

    with Session(engine) as first, Session(engine) as second:
        mine, theirs = first.get(Project, project_id), second.get(Project, project_id)
        assert mine.version == theirs.version == 1
        mine.name = "First editor"
        theirs.name = "Second editor"
        first.commit()
        with pytest.raises(StaleDataError):
            second.commit()
        second.rollback()

    with Session(engine) as s:
        project = s.get(Project, project_id)
        assert (project.name, project.version) == ("First editor", 2)


def test_each_update_bumps_version_and_updated_at(engine: Engine) -> None:
    with unit_of_work(engine, "alice") as uow:
        project = make_project(uow.session)
        uow.commit()
        stamp = project.updated_at
        project.bac = 123.45
        uow.session.flush()
        assert project.version == 2
        assert project.updated_at >= stamp
        uow.commit()
    with Session(engine) as s:
        assert s.get(Project, project.id).bac == 123.45
