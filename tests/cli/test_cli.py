"""The `pmo` command: clear one-line errors, users from stdin, secrets never in arguments."""

import tomllib

import pytest
from typer.testing import CliRunner

from cli.main import app
from data_access.engine import get_engine
from data_access.settings import cookie_key_problem
from data_access.users import current_user, list_users

runner = CliRunner()


@pytest.fixture
def cli_db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("PMO_DATABASE_URL", url)
    assert runner.invoke(app, ["init"]).exit_code == 0
    return url


def test_init_creates_then_reports_up_to_date(tmp_path, monkeypatch):
    monkeypatch.setenv("PMO_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    first = runner.invoke(app, ["init"])
    from data_access.migrate import head_revision

    assert first.exit_code == 0 and f"schema migrated: empty -> {head_revision()}" in first.output
    second = runner.invoke(app, ["init"])
    assert second.exit_code == 0 and "schema up to date" in second.output


def test_users_add_reads_password_from_stdin(cli_db):
    result = runner.invoke(app, ["users", "add", "alice", "--role", "pmo", "--password-stdin"],
                           input="a fine passphrase\n")
    assert result.exit_code == 0, result.output
    assert "created user alice (pmo)" in result.output
    assert current_user(get_engine(cli_db), "alice").role == "pmo"
    listing = runner.invoke(app, ["users", "list"])
    assert "alice" in listing.output and "pmo" in listing.output


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (["users", "add", "bob", "--role", "admin", "--password-stdin"], "long enough pw\n", "unknown role 'admin'"),
    (["users", "add", "bob", "--role", "pmo", "--password-stdin"], "short\n", "password too short"),
    (["users", "add", "Bob!", "--role", "pmo", "--password-stdin"], "long enough pw\n", "invalid username"),
    (["users", "add", "bob", "--role", "pmo", "--department", "ZZZ", "--password-stdin"], "long enough pw\n",
     "unknown department code(s): ZZZ"),
    (["users", "set-role", "ghost", "pmo"], "", "no user named 'ghost'"),
    (["users", "disable", "ghost"], "", "no user named 'ghost'"),
    (["seed", "--scale", "XL"], "", "unknown scale 'XL'"),
    (["seed", "--today", "03/04/2026"], "", "--today must be a date as YYYY-MM-DD"),
])
def test_errors_are_one_clear_line_and_nonzero(cli_db, args, stdin, message):
    result = runner.invoke(app, args, input=stdin)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_unreachable_database_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("PMO_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    result = runner.invoke(app, ["users", "list"])
    assert result.exit_code == 1
    assert "cannot reach the database" in result.output


def test_password_is_never_an_argument(cli_db):
    result = runner.invoke(app, ["users", "add", "eve", "--role", "pmo", "--password", "secret123"])
    assert result.exit_code != 0
    assert "No such option" in result.output


def test_secrets_ensure_generates_once_and_keeps(tmp_path, monkeypatch):
    monkeypatch.delenv("PMO_COOKIE_KEY", raising=False)
    path = tmp_path / "secrets.toml"
    first = runner.invoke(app, ["secrets", "ensure", "--path", str(path)])
    assert first.exit_code == 0 and "generated" in first.output
    key = tomllib.loads(path.read_text())["auth"]["cookie_key"]
    assert cookie_key_problem(key) is None
    assert (path.stat().st_mode & 0o777) == 0o600
    second = runner.invoke(app, ["secrets", "ensure", "--path", str(path)])
    assert second.exit_code == 0 and "kept" in second.output
    assert tomllib.loads(path.read_text())["auth"]["cookie_key"] == key


def test_secrets_ensure_refuses_a_weak_key(tmp_path, monkeypatch):
    monkeypatch.delenv("PMO_COOKIE_KEY", raising=False)
    path = tmp_path / "secrets.toml"
    path.write_text('[auth]\ncookie_key = "some_signature_key"\n')
    result = runner.invoke(app, ["secrets", "ensure", "--path", str(path)])
    assert result.exit_code == 1 and "well-known" in result.output


def test_seed_demo_then_if_empty_is_a_no_op(cli_db):
    first = runner.invoke(app, ["seed", "--scale", "demo", "--seed", "3", "--today", "2026-06-30"])
    assert first.exit_code == 0, first.output
    assert "seeded scale demo: departments 7" in first.output
    assert "demo login: exec / exec-demo-2026" in first.output
    again = runner.invoke(app, ["seed", "--if-empty"])
    assert again.exit_code == 0 and "already holds a portfolio: not seeding" in again.output
    refused = runner.invoke(app, ["seed"])
    assert refused.exit_code == 1 and "already holds projects" in refused.output
    users = {u["username"]: u for u in list_users(get_engine(cli_db))}
    assert {"exec", "head", "pmo", "manager", "viewer"} <= set(users)
    assert users["head"]["departments"] != "*"


@pytest.fixture
def seeded_db(cli_db):
    assert runner.invoke(app, ["seed", "--seed", "5", "--today", "2026-06-30"]).exit_code == 0
    return cli_db


def test_kpis_by_department_json_matches_the_entry_point(seeded_db):
    import datetime as dt
    import json

    from analytics.kpis import KpiInputs, kpi_set
    from data_access.queries.portfolio import load_kpi_frames
    from data_access.scope import SYSTEM

    result = runner.invoke(app, ["kpis", "--by", "department", "--as-of", "2026-06-30",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    expected = kpi_set(KpiInputs.from_mapping(load_kpi_frames(get_engine(seeded_db), SYSTEM)),
                       as_of=dt.date(2026, 6, 30)).table("department")
    assert [r["department"] for r in printed] == expected["department"].to_list()
    assert printed[-1]["department"] == "Portfolio"
    assert printed[-1]["cpi"] == pytest.approx(expected["cpi"][-1])


@pytest.mark.parametrize(("args", "needle"), [
    (["kpis", "--format", "csv"], "code,name,department,status,bac"),
    (["kpis", "--by", "objective"], "KPIs by objective at"),
])
def test_kpis_formats(seeded_db, args, needle):
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert needle in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["kpis", "--by", "team"], "unknown --by 'team'"),
    (["kpis", "--format", "xml"], "unknown --format 'xml'"),
    (["kpis", "--as-of", "25/11/2026"], "--as-of must be a date as YYYY-MM-DD"),
])
def test_kpis_bad_arguments(cli_db, args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 1 and message in result.output


def test_prioritise_prints_every_candidate_computed_by_the_page_code(tmp_path, monkeypatch):
    import datetime as dt
    import json

    from analytics.prioritise import run
    from analytics.scenario import ScenarioParams
    from data_access.bulk import seed_database
    from data_access.migrate import upgrade
    from data_access.queries.portfolio import load_kpi_frames
    from data_access.scope import SYSTEM

    url = f"sqlite:///{tmp_path / 'prio.db'}"
    monkeypatch.setenv("PMO_DATABASE_URL", url)
    engine = get_engine(url)
    upgrade(engine)
    seed_database(engine, scale="demo", seed=3, today=dt.date(2026, 11, 25))
    result = runner.invoke(app, ["prioritise", "--as-of", "2026-11-25", "--budget", "9000000",
                                 "--weights", "financial=60,risk=0", "--format", "json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    params = ScenarioParams(weights={"alignment": 30, "financial": 60, "risk": 0, "urgency": 15,
                                     "compliance": 15}, budget=9_000_000.0)
    want = run(load_kpi_frames(engine, SYSTEM), as_of=dt.date(2026, 11, 25), params=params)
    assert printed["totals"]["total_score"] == want.totals["total_score"]
    assert [(p["code"], p["selected"]) for p in printed["projects"]] == \
        want.table.select("code", "selected").rows()
    table = runner.invoke(app, ["prioritise", "--as-of", "2026-11-25", "--budget", "9000000",
                                "--weights", "financial=60,risk=0"])
    assert table.exit_code == 0 and f"Total score {want.totals['total_score']:.2f}" in table.output
    for args, message in ((["--weights", "luck=3"], "--weights: 'luck=3' is not NAME=VALUE"),
                          (["--budget", "lots"], "--budget must be an amount"),
                          (["--years", "5"], "horizon years ignored"),
                          (["--format", "xml"], "unknown --format 'xml'")):
        bad = runner.invoke(app, ["prioritise", *args])
        assert bad.exit_code == 1 and message in bad.output, bad.output
