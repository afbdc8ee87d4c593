"""`pmo export xlsx|csv|pptx` and `pmo snapshot` through typer's CliRunner, on a seeded demo
SQLite database: files written and read back, scope respected, snapshots idempotent."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import polars as pl
import pytest
import typer
from pptx import Presentation
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from cli.exports import register, write_atomically
from data_access.bulk import seed_database
from data_access.demo_accounts import ensure_demo_accounts
from data_access.engine import create_pmo_engine, get_engine
from data_access.migrate import upgrade
from data_access.models import AuditEntry, Department, KpiSnapshot, Project
from data_access.scope import SYSTEM
from data_access.settings import today as app_today
from data_access.snapshots import read_snapshots

TODAY = app_today()
runner = CliRunner()
app = typer.Typer()
register(app)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli-exports') / 'demo.db'}"
    engine = create_pmo_engine(url)
    upgrade(engine)
    seed_database(engine, scale="demo", seed=7, today=TODAY)
    ensure_demo_accounts(engine)
    engine.dispose()
    return url


@pytest.fixture
def db(seeded, monkeypatch) -> str:
    monkeypatch.setenv("PMO_DATABASE_URL", seeded)
    return seeded


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def _codes_of(url: str, department_code: str | None = None) -> list[str]:
    with Session(get_engine(url)) as s:
        stmt = select(Project.code).join(Department).order_by(Project.code)
        if department_code:
            stmt = stmt.where(Department.code == department_code)
        return list(s.scalars(stmt))


def _head_department(url: str) -> str:
    with Session(get_engine(url)) as s:
        return s.scalar(select(Department.code).order_by(Department.id).limit(1))


def test_xlsx_has_one_sheet_per_kpi_table(db, tmp_path):
    out = tmp_path / "kpis.xlsx"
    result = invoke("export", "xlsx", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames[:4] == ["portfolio", "departments", "objectives", "projects"]
    projects = list(book["projects"].iter_rows(values_only=True))
    header = projects[0]
    assert [r[header.index("code")] for r in projects[1:]] == _codes_of(db)


def test_a_scoped_users_export_has_only_their_rows(db, tmp_path):
    out = tmp_path / "head.xlsx"
    assert invoke("export", "xlsx", "--out", str(out), "--user", "head").exit_code == 0
    rows = list(openpyxl.load_workbook(out, read_only=True)["projects"].iter_rows(values_only=True))
    codes = [r[rows[0].index("code")] for r in rows[1:]]
    mine = _codes_of(db, _head_department(db))
    assert codes == mine and 0 < len(mine) < len(_codes_of(db))
    csv_out = tmp_path / "head.csv"
    assert invoke("export", "csv", "--table", "projects", "--out", str(csv_out),
                  "--user", "head").exit_code == 0
    assert pl.read_csv(csv_out)["code"].to_list() == mine


def test_csv_to_stdout_and_to_a_file(db, tmp_path):
    result = invoke("export", "csv", "--table", "departments", "--out", "-")
    assert result.exit_code == 0
    frame = pl.read_csv(io.BytesIO(result.stdout_bytes))
    assert frame.height == 7 and "cpi" in frame.columns
    out = tmp_path / "alerts.csv"
    result = invoke("export", "csv", "--table", "drift_alerts", "--out", str(out))
    assert result.exit_code == 0 and out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_pptx_pack(db, tmp_path):
    out = tmp_path / "pack.pptx"
    result = invoke("export", "pptx", "--out", str(out))
    assert result.exit_code == 0, result.output
    deck = Presentation(str(out))
    titles = [s.shapes.title.text for s in deck.slides]
    assert titles[:4] == ["Steering committee", "Portfolio summary", "Health", "Top risks"]
    subtitle = deck.slides[0].placeholders[1].text
    assert f"Status date {TODAY:%d %b %Y} · All projects" in subtitle
    head = tmp_path / "head.pptx"
    assert invoke("export", "pptx", "--out", str(head), "--user", "head").exit_code == 0
    assert "· Departments: " in Presentation(str(head)).slides[0].placeholders[1].text


@pytest.mark.parametrize(("args", "message"), [
    (["export", "csv", "--table", "nope", "--out", "x.csv"],
     "unknown --table 'nope': choose one of"),
    (["export", "xlsx", "--out", "x.xlsx", "--as-of", "03/04/2026"],
     "--as-of must be a date as YYYY-MM-DD, not '03/04/2026'"),
    (["export", "xlsx", "--out", "x.xlsx", "--user", "ghost"], "no enabled user named 'ghost'"),
    (["export", "xlsx", "--out", "/no/such/folder/x.xlsx"],
     "folder /no/such/folder does not exist"),
    (["snapshot", "--as-of", "2999-01-01"], "--as-of 2999-01-01 is in the future"),
])
def test_errors_are_one_clear_line(db, args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def _snapshot_state(url: str):
    with Session(get_engine(url)) as s:
        rows = s.scalar(select(func.count()).select_from(KpiSnapshot))
        audits = s.scalar(select(func.count()).select_from(AuditEntry)
                          .where(AuditEntry.action == "snapshot.take"))
    return rows, audits


def test_snapshot_is_idempotent_per_date(db):
    rows0, audits0 = _snapshot_state(db)
    day = (TODAY - dt.timedelta(days=14)).isoformat()
    first = invoke("snapshot", "--as-of", day)
    assert first.exit_code == 0, first.output
    projects, departments = len(_codes_of(db)), 7
    expected = 1 + departments + projects
    assert first.output.strip() == f"snapshot {day}: {expected} rows"
    again = invoke("snapshot", "--as-of", day)
    assert again.output.strip() == f"snapshot {day}: {expected} rows, replacing {expected}"
    rows1, audits1 = _snapshot_state(db)
    assert (rows1 - rows0, audits1 - audits0) == (expected, 2)
    today = invoke("snapshot")
    assert today.exit_code == 0 and today.output.startswith(f"snapshot {TODAY.isoformat()}")
    stored = read_snapshots(get_engine(db), SYSTEM, grains=("portfolio",))
    assert stored["as_of"].to_list()[-2:] == [dt.date.fromisoformat(day), TODAY]


def test_snapshot_refuses_an_unmigrated_database(tmp_path, monkeypatch):
    monkeypatch.setenv("PMO_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    result = runner.invoke(app, ["snapshot"])
    assert result.exit_code == 1 and "run `pmo init` first" in result.output


def test_write_atomically_replaces_and_leaves_no_partial_file(tmp_path):
    target = tmp_path / "f.bin"
    target.write_bytes(b"old")
    write_atomically(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["f.bin"]
