"""deploy/nginx.conf run for real: Debian's nginx in front of two app replicas on one database.

The file is rendered into a temporary directory with ONLY what a deployment changes (the
replicas' addresses, the listen ports, the certificate paths; `listen [::]` dropped without
IPv6) and everything else kept verbatim, so TLS, the http->https redirect, HSTS, the WebSocket
upgrade on /_stcore/stream and the sticky `ip_hash` upstream are the real file's.
"""

from __future__ import annotations

import asyncio
import http.client
import re
import socket
import ssl
import subprocess
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
import websockets

from bench.load_protocol import ProtocolSession
from support.servers import ROOT, free_port, seed_demo, start_app

pytestmark = pytest.mark.e2e

NGINX = Path("/usr/sbin/nginx")
HSTS = "max-age=31536000; includeSubDomains"


def _ipv6() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock:
            sock.bind(("::1", 0))
        return True
    except OSError:
        return False


def _version() -> tuple[int, ...]:
    out = subprocess.run([NGINX, "-v"], capture_output=True, text=True, check=True).stderr
    return tuple(int(n) for n in re.search(r"nginx/(\d+)\.(\d+)\.(\d+)", out).groups())


def render(text: str, apps, http_port: int, https_port: int, tmp: Path) -> str:
    v6 = _ipv6()
    subs = [("server app1:8501 ", f"server 127.0.0.1:{apps[0].port} "),
            ("server app2:8501 ", f"server 127.0.0.1:{apps[1].port} "),
            ("listen 80;", f"listen 127.0.0.1:{http_port};"),
            ("listen [::]:80;", f"listen [::1]:{http_port};" if v6 else ""),
            ("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;"),
            ("listen [::]:443 ssl;", f"listen [::1]:{https_port} ssl;" if v6 else ""),
            ("/etc/nginx/certs/fullchain.pem", str(tmp / "fullchain.pem")),
            ("/etc/nginx/certs/privkey.pem", str(tmp / "privkey.pem"))]
    if _version() < (1, 25, 1):  # `http2 on;` is nginx >= 1.25.1 (compose: nginx:1.27)
        subs.append(("http2 on;", "# http2 on;  (not in this nginx)"))
    for old, new in subs:
        assert text.count(old) == 1, f"deploy/nginx.conf no longer has exactly one {old!r}"
        text = text.replace(old, new)
    return text


def get(port: int, path: str, context: ssl.SSLContext | None = None):
    conn = (http.client.HTTPSConnection("127.0.0.1", port, timeout=10, context=context)
            if context else http.client.HTTPConnection("127.0.0.1", port, timeout=10))
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read().decode()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    if not NGINX.exists():
        pytest.fail(f"{NGINX} is missing: install Debian's nginx (.ci/run does)")
    tmp = tmp_path_factory.mktemp("nginx")
    url = f"sqlite:///{tmp / 'demo.db'}"
    seed_demo(url)
    apps, nginx = [], None
    try:
        for name in ("app1", "app2"):  # same database, same PMO_COOKIE_KEY (start_app sets it)
            apps.append(start_app(url, log=tmp / f"{name}.log"))
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                        "-keyout", tmp / "privkey.pem", "-out", tmp / "fullchain.pem"],
                       check=True, capture_output=True)
        http_port = free_port()
        https_port = next(p for p in iter(free_port, None) if p != http_port)
        conf = tmp / "nginx.conf"
        conf.write_text(render((ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8"),
                               apps, http_port, https_port, tmp), encoding="utf-8")
        cmd = [NGINX, "-p", str(tmp), "-c", str(conf), "-g",
               f"daemon off; pid {tmp}/nginx.pid; error_log {tmp}/error.log;"]
        check = subprocess.run([*cmd, "-t"], capture_output=True, text=True, timeout=30)
        assert check.returncode == 0, check.stderr
        nginx = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        context = ssl.create_default_context(cafile=tmp / "fullchain.pem")
        deadline = time.monotonic() + 30
        while True:
            assert nginx.poll() is None, (tmp / "error.log").read_text()
            try:
                if get(https_port, "/_stcore/health", context)[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "nginx did not answer in 30 s"
            time.sleep(0.2)
        yield SimpleNamespace(http=http_port, https=https_port, context=context, apps=apps,
                              base=f"https://127.0.0.1:{https_port}")
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait(timeout=20)
        for app in apps:
            app.stop()


def connections(app) -> int:
    """Established TCP connections to a replica's port. Streamlit keeps no access log; nginx's
    connection to the replica that serves a session (the upgraded WebSocket) stays open as long
    as the session, so the replica that holds connections is the one that answered."""
    out = subprocess.run(["ss", "-Htn", "state", "established", f"( sport = :{app.port} )"],
                         capture_output=True, text=True, check=True).stdout
    return len(out.splitlines())


async def signed_in(proxy) -> ProtocolSession:
    session = ProtocolSession(proxy.base, timeout_s=60, ssl=proxy.context)
    await session.connect()
    run = await session.sign_in("pmo", "pmo-demo-2026")
    assert run.titles[:1] == ["Executive overview"] and run.errors == [], run
    return session


def test_http_answers_the_health_check_and_redirects_everything_else_to_https(proxy):
    assert get(proxy.http, "/nginx-health")[::2] == (200, "ok\n")
    status, headers, _ = get(proxy.http, "/portfolio?tab=2")
    assert status == 301
    assert headers["Location"] == "https://127.0.0.1/portfolio?tab=2"  # $host: no port
    assert get(proxy.http, "/_stcore/health")[0] == 301  # the app only over TLS


def test_https_reaches_the_app_with_hsts(proxy):
    status, headers, body = get(proxy.https, "/_stcore/health", proxy.context)
    assert (status, body) == (200, "ok")
    assert headers["Strict-Transport-Security"] == HSTS
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "nginx/" not in headers.get("Server", "")  # server_tokens off


def test_a_websocket_session_over_wss_signs_in_and_opens_pages(proxy):
    async def walk():
        session = await signed_in(proxy)
        try:
            return [await session.open(title) for title in ("Portfolio", "Risk heatmap")]
        finally:
            await session.close()

    for title, run in zip(("Portfolio", "Risk heatmap"), asyncio.run(walk())):
        assert run.finished and run.titles[:1] == [title] and run.errors == [], (title, run)


def test_sessions_stick_to_one_replica_and_a_dead_replica_is_skipped(proxy):
    async def scenario():
        a, b = await signed_in(proxy), await signed_in(proxy)
        try:
            counts = [connections(app) for app in proxy.apps]
            # ip_hash: both sessions (same client address) on ONE replica, none on the other
            assert sorted(counts)[0] == 0 and sorted(counts)[1] >= 2, counts
            serving = proxy.apps[counts.index(max(counts))]
            other = proxy.apps[1 - proxy.apps.index(serving)]
            for s in (a, b):
                assert (await s.open("Portfolio")).errors == []
            serving.stop()  # the sessions it held are gone: their users sign in again
            with pytest.raises(websockets.ConnectionClosed):
                await a.open("Risk heatmap")
            c = await signed_in(proxy)  # nginx skips the dead replica
            try:
                assert (await c.open("Risk heatmap")).errors == []
                assert connections(other) >= 1
            finally:
                await c.close()
        finally:
            await a.close()
            await b.close()

    asyncio.run(scenario())
