"""The deployment files (deploy/) say what the README promises: PostgreSQL 15, two replicas
behind nginx with TLS, sticky sessions and WebSockets, health checks, and no secret values."""

from __future__ import annotations

import configparser
import re
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

from data_access.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SECRET_NAME = re.compile(r"PASSWORD|SECRET|KEY|TOKEN", re.IGNORECASE)
INTERPOLATION = re.compile(r"^\$\{[A-Z_][A-Z0-9_]*(:?[-?][^}]*)?\}$")
URL_PASSWORD = re.compile(r"^[a-z][a-z0-9+]*://[^:/@]+:(?P<password>[^@]*)@")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def nginx() -> str:
    return (DEPLOY / "nginx.conf").read_text(encoding="utf-8")


def block(text: str, header: str) -> str:
    """The body of the first ``header { ... }`` block of an nginx configuration."""
    match = re.search(re.escape(header) + r"\s*\{", text)
    assert match, f"no `{header} {{` block"
    depth, start = 1, match.end()
    for i in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            return text[start:i]
    raise AssertionError(f"unbalanced braces after `{header}`")


def directives(body: str, name: str) -> list[str]:
    """Arguments of every ``name ...;`` directive in ``body`` (comments removed)."""
    clean = re.sub(r"#[^\n]*", "", body)
    pattern = rf'(?m)^\s*{name}(?:\s+((?:[^;"]|"[^"]*")*))?;'  # quoted values may hold ";"
    return [(m.group(1) or "").strip() for m in re.finditer(pattern, clean)]


def seconds(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([smh]?)", value).groups()
    return int(number) * {"": 1, "s": 1, "m": 60, "h": 3600}[unit]


# --------------------------------------------------------------------------- docker-compose.yml


def test_compose_has_postgres_migrations_two_replicas_and_a_proxy(compose):
    services = compose["services"]
    assert set(services) == {"postgres", "migrate", "app1", "app2", "nginx", "backup"}
    assert services["postgres"]["image"] == "postgres:15"
    assert services["backup"]["image"] == "postgres:15"  # pg_dump of the server's major version
    for name in ("migrate", "app1", "app2"):
        assert services[name]["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
    assert services["migrate"]["command"] == ["pmo", "init"]
    for name in ("app1", "app2"):
        assert services[name]["depends_on"] == {
            "postgres": {"condition": "service_healthy"},
            "migrate": {"condition": "service_completed_successfully"},
        }
        assert services[name]["environment"]["PMO_TRUST_PROXY"] == "1"
        assert services[name]["environment"]["PMO_DATABASE_URL"].endswith("@postgres:5432/pmo")
    assert services["backup"]["profiles"] == ["backup"]  # not started by `up`


def test_only_the_proxy_publishes_ports(compose):
    published = {name for name, svc in compose["services"].items() if svc.get("ports")}
    assert published == {"nginx"}
    assert compose["services"]["nginx"]["ports"] == ["80:80", "443:443"]
    assert compose["networks"]["backend"]["internal"] is True


@pytest.mark.parametrize(("service", "needle"), [
    ("postgres", "pg_isready -U pmo -d pmo"),
    ("app1", "http://127.0.0.1:8501/_stcore/health"),
    ("app2", "http://127.0.0.1:8501/_stcore/health"),
    ("app1", "/app/deploy/healthcheck.py"),
])
def test_healthchecks(compose, service, needle):
    test = compose["services"][service]["healthcheck"]["test"]
    assert needle in " ".join(test)


def test_proxy_waits_for_healthy_replicas_and_mounts_config_and_certificates(compose):
    nginx = compose["services"]["nginx"]
    assert nginx["depends_on"] == {"app1": {"condition": "service_healthy"},
                                   "app2": {"condition": "service_healthy"}}
    assert "./nginx.conf:/etc/nginx/nginx.conf:ro" in nginx["volumes"]
    assert "./certs:/etc/nginx/certs:ro" in nginx["volumes"]


def _environment_values(compose):
    for name, svc in compose["services"].items():
        for key, value in (svc.get("environment") or {}).items():
            yield name, key, str(value)


def test_no_secret_value_in_compose(compose):
    checked = 0
    for service, key, value in _environment_values(compose):
        if SECRET_NAME.search(key):
            assert INTERPOLATION.match(value), f"{service}.{key} holds a value, not ${{VAR}}"
            checked += 1
        url = URL_PASSWORD.match(value)
        if url:
            assert INTERPOLATION.match(url["password"]), f"{service}.{key}: password in URL"
            checked += 1
    # postgres: POSTGRES_PASSWORD; migrate/app1/app2: cookie key, XSRF secret, URL; backup: URL
    assert checked == 1 + 3 * 3 + 1


@pytest.mark.parametrize("value, is_interpolation", [
    ("${POSTGRES_PASSWORD}", True),
    ("${PMO_COOKIE_KEY:?set it}", True),
    ("${BACKUP_KEEP:-14}", True),
    ("s3cr3t-${X}", False),
    ("CHANGE_ME", False),
])
def test_interpolation_pattern(value, is_interpolation):
    assert bool(INTERPOLATION.match(value)) is is_interpolation


# --------------------------------------------------------------------------- .env.example


def _env_example() -> dict[str, str]:
    pairs = {}
    for line in (DEPLOY / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def test_env_example_lists_every_pmo_setting():
    names = {f"PMO_{field.upper()}" for field in Settings.model_fields}
    assert names - set(_env_example()) == set()


def test_env_example_secrets_are_placeholders():
    env = _env_example()
    secrets = {k: v for k, v in env.items() if SECRET_NAME.search(k)}
    assert secrets == {"POSTGRES_PASSWORD": "CHANGE_ME", "PMO_COOKIE_KEY": "CHANGE_ME",
                       "STREAMLIT_SERVER_COOKIE_SECRET": "CHANGE_ME"}
    assert URL_PASSWORD.match(env["PMO_DATABASE_URL"])["password"] == "CHANGE_ME"
    assert env["PMO_TRUST_PROXY"] == "1"


def test_env_example_values_are_valid_settings():
    env = {k[4:].lower(): v for k, v in _env_example().items()
           if k.startswith("PMO_") and k not in ("PMO_COOKIE_KEY",)}
    settings = Settings(_env_file=None, **env)
    assert (settings.trust_proxy, settings.throttle_max_per_user,
            settings.cookie_expiry_days) == (1, 5, 0.5)


@pytest.mark.parametrize("path", ["deploy/.env", "deploy/certs/privkey.pem",
                                  "deploy/backups/x.dump"])
def test_local_secrets_are_git_ignored(path):
    result = subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT, check=False)
    assert result.returncode == 0, f"{path} is not ignored by git"


@pytest.mark.parametrize("pattern", ["deploy/.env", ".env", ".streamlit/secrets.toml", ".venv",
                                     "data"])
def test_image_build_ignores_secrets_and_local_state(pattern):
    lines = (DEPLOY / "Dockerfile.dockerignore").read_text(encoding="utf-8").splitlines()
    assert pattern in lines


# --------------------------------------------------------------------------- nginx.conf


def test_nginx_sticky_upstream_lists_the_replicas(nginx, compose):
    upstream = block(nginx, "upstream pmo_cockpit")
    assert directives(upstream, "ip_hash") == [""]
    servers = [d.split()[0] for d in directives(upstream, "server")]
    assert servers == ["app1:8501", "app2:8501"]
    assert {s.split(":")[0] for s in servers} == {"app1", "app2"} <= set(compose["services"])


def test_nginx_upgrades_the_websocket_with_a_long_timeout(nginx):
    stream = block(nginx, "location /_stcore/stream")
    headers = directives(stream, "proxy_set_header")
    assert "Upgrade           $http_upgrade".split() == headers[0].split()
    assert ["Connection", "$connection_upgrade"] == headers[1].split()
    # a location with its own proxy_set_header inherits none: Host and X-Forwarded-For repeated
    assert ["Host", "$host"] in [h.split() for h in headers]
    assert ["X-Forwarded-For", "$proxy_add_x_forwarded_for"] in [h.split() for h in headers]
    assert seconds(directives(stream, "proxy_read_timeout")[0]) >= 300
    assert directives(stream, "proxy_pass") == ["http://pmo_cockpit"]
    mapping = block(nginx, "map $http_upgrade $connection_upgrade")
    assert "default upgrade;" in mapping


def test_nginx_terminates_tls_redirects_http_and_sets_hsts(nginx):
    servers = re.split(r"\n    server\s*\{", nginx)
    plain = next(s for s in servers if re.search(r"listen 80;", s))
    tls = next(s for s in servers if re.search(r"listen 443 ssl;", s))
    assert "return 301 https://$host$request_uri;" in plain
    assert directives(tls, "ssl_certificate") == ["/etc/nginx/certs/fullchain.pem"]
    assert directives(tls, "ssl_certificate_key") == ["/etc/nginx/certs/privkey.pem"]
    hsts = [d for d in directives(tls, "add_header") if d.startswith("Strict-Transport-Security")]
    assert hsts == ['Strict-Transport-Security "max-age=31536000; includeSubDomains" always']
    assert ["X-Forwarded-For", "$proxy_add_x_forwarded_for"] in [
        d.split() for d in directives(tls, "proxy_set_header")]


def test_nginx_accepts_uploads_as_large_as_streamlit(nginx):
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    limit = directives(nginx, "client_max_body_size")[0]
    assert int(limit.rstrip("m")) >= config["server"]["maxUploadSize"]


# --------------------------------------------------------------------------- Dockerfile, systemd


def test_dockerfile_builds_a_non_root_image_with_java_and_a_healthcheck():
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert re.findall(r"(?m)^FROM\s+(\S+)", text) == ["python:3.11-slim"]
    assert "default-jre-headless" in text and "RUN pip install ." in text
    users = re.findall(r"(?m)^USER\s+(\S+)", text)
    assert users == ["pmo"]
    assert re.search(r"(?m)^HEALTHCHECK .*\n.*_stcore/health", text)
    entry = (DEPLOY / "docker-entrypoint.sh").read_text(encoding="utf-8")
    assert entry.index("pmo init") < entry.index("exec streamlit run app.py")


def test_systemd_template_runs_one_replica_per_port():
    unit = configparser.ConfigParser(interpolation=None, strict=True)
    unit.optionxform = str
    unit.read(DEPLOY / "systemd" / "pmo-cockpit@.service", encoding="utf-8")
    service = unit["Service"]
    assert "--server.port %i" in service["ExecStart"]
    assert "--server.address 127.0.0.1" in service["ExecStart"]
    assert service["User"] == "pmo" and service["EnvironmentFile"] == "/etc/pmo-cockpit/pmo.env"
    assert unit["Unit"]["Requires"] == "pmo-cockpit-migrate.service"
    migrate = configparser.ConfigParser(interpolation=None)
    migrate.optionxform = str
    migrate.read(DEPLOY / "systemd" / "pmo-cockpit-migrate.service", encoding="utf-8")
    assert migrate["Service"]["ExecStart"].endswith("/pmo init")
    assert migrate["Service"]["Type"] == "oneshot"
