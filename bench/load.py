"""Load: N concurrent sessions against ONE app server, on loopback only, bounded.

    .venv/bin/python -m bench.load --users 10,25 --minutes 2 [--clients browser|protocol]
                                   [--think 10] [--nice 10] [--pg]

Seeds a demo database (SQLite in a temporary directory, or a throwaway PostgreSQL with
``--pg``); for each N in ``--users`` starts ONE ``streamlit run app.py`` on a free 127.0.0.1
port (a fresh one per level, so that no level inherits the previous one's sessions). N users
arrive 3 s apart, each signs in as a demo user (exec, pmo, head, manager, viewer in turn) and
opens its role's pages in menu order for ``--minutes``, reading each page for a think time
drawn uniformly from 0.5-1.5 x ``--think`` seconds (seeded) before the next click.

- ``--clients browser``: N headless Chromium contexts (one browser, asyncio Playwright) click
  the sidebar; a page is *finished* when its title heading is visible and Streamlit's running
  indicator is gone. The browsers run at ``--nice`` (a low-share CPU cgroup where the machine
  allows it): on one machine they share the CPUs with the server, where in production they run
  on the users' machines, and a Chromium tab costs 2-3x the server's CPU per page.
- ``--clients protocol``: N WebSocket sessions (bench/load_protocol.py) send what the browser
  sends and render nothing; a page is finished when the server's run of it finishes with its
  title drawn. This measures the server under N users, not the browsers.

The time from the click to the finished page is one sample. An error is any exception element,
any error alert, or a page that does not finish within 60 s. Server CPU per page = the server's
user + system CPU seconds during the run (/proc/PID/stat) / pages finished. Server memory per
session = (server RSS with N sessions signed in - RSS before them) / N (mean of samples taken
every 2 s). The machine's load average is printed at the start and the end and sampled every
2 s during each level (its 1-minute range is a column of the table; the server under test is
part of it). Prints a markdown table and writes bench/results/load-<clients>-<date>.json; keeps
the server log and, for browsers, screenshots of failures. Bounded: at most 30 users and 5
minutes per level.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "tests"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from bench import loadavg  # noqa: E402
from bench.load_os import (browser_group, cpu_seconds, low_priority_chromium,  # noqa: E402
                           remove_group, rss_mb)
from bench.load_protocol import click_through, protocol_user  # noqa: E402
from components.access import pages_for  # noqa: E402
from support.servers import (CHROMIUM, CHROMIUM_ARGS, RestartablePostgres, seed_demo,  # noqa: E402
                             start_app)

MAX_USERS, MAX_MINUTES, MAX_THINK = 30, 5.0, 120.0
ACCOUNTS = (("exec", "executive"), ("pmo", "pmo"), ("head", "executive"),
            ("manager", "manager"), ("viewer", "viewer"))
PAGE_TIMEOUT_MS = 60_000
RAMP_S = 3.0  # one user arrives every 3 s (a browser context starting is heavy)
RUNNING = "[data-testid='stStatusWidget']"
ERRORS = "[data-testid='stException'], [data-testid='stAlertContentError']"


def think_times(mean_s: float, seed: int):
    """Endless think times, uniform in [0.5, 1.5] x mean_s (none when mean_s is 0), seeded."""
    rng = random.Random(seed)
    while True:
        yield mean_s * rng.uniform(0.5, 1.5)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of ``values``."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


async def _finished(page, title: str) -> None:
    await page.get_by_role("heading", name=title, exact=True).wait_for(timeout=PAGE_TIMEOUT_MS)
    await page.locator(RUNNING).wait_for(state="hidden", timeout=PAGE_TIMEOUT_MS)


async def _check_errors(page, where: str, errors: list[str]) -> None:
    found = page.locator(ERRORS)
    if await found.count():
        text = (await found.first.inner_text())[:300]
        errors.append(f"{where}: {text}")


async def _screenshot(page, shots: Path | None, name: str) -> None:
    """Keep what the user saw when a page failed (at most 10 a level)."""
    if shots is None or page is None or len(list(shots.glob("*.png"))) >= 10:
        return
    try:
        shots.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=shots / f"{name}.png", timeout=10_000)
    except Exception as exc:  # the page may be dead: the error is already counted
        print(f"no screenshot {name}: {type(exc).__name__}", file=sys.stderr)


async def _session(browser, base: str, n: int, deadline: list[float], times: dict[str, list],
                   errors: list[str], signed_in: asyncio.Event, ready: list[int],
                   think_s: float, shots: Path | None) -> None:
    username, role = ACCOUNTS[n % len(ACCOUNTS)]
    pauses = think_times(think_s, seed=n)
    titles = [spec.title for spec in pages_for(role)]
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = None
    try:
        page = await context.new_page()
        await asyncio.sleep(RAMP_S * n)  # users arrive one after another, not in one instant
        await page.goto(base, wait_until="commit", timeout=PAGE_TIMEOUT_MS)
        await page.wait_for_selector("text=Sign in to PMO Cockpit", timeout=PAGE_TIMEOUT_MS)
        await page.get_by_label("Username").fill(username)
        await page.get_by_label("Password", exact=True).and_(
            page.get_by_role("textbox")).fill(f"{username}-demo-2026")
        await page.get_by_role("button", name="Sign in").click()
        await _finished(page, titles[0])
        ready.append(n)
        await signed_in.wait()  # every session is signed in before the clock starts

        async def visit(i: int, title: str) -> None:
            where = f"{username}#{n} {title}"
            started = time.perf_counter()
            try:
                if len(titles) == 1:
                    await page.reload()
                else:
                    nav = page.get_by_test_id("stSidebarNav")
                    await nav.get_by_role("link", name=title, exact=True).click(
                        timeout=PAGE_TIMEOUT_MS)
                await _finished(page, title)
                times.setdefault(title, []).append(time.perf_counter() - started)
            except Exception as exc:  # a timeout or a dead page: counted, then go on
                errors.append(f"{where}: {type(exc).__name__}: {str(exc).splitlines()[0]}")
                await _screenshot(page, shots, f"{username}-{n}-{i}")
            await _check_errors(page, where, errors)

        await click_through(titles, deadline, pauses, visit)
    except Exception as exc:
        errors.append(f"{username}#{n} sign-in: {type(exc).__name__}: {str(exc).splitlines()[0]}")
        await _screenshot(page, shots, f"{username}-{n}-sign-in")
        ready.append(n)
    finally:
        await context.close()


async def _sample_rss(pid: int, stop: asyncio.Event, out: list[float],
                      loads: list[dict] | None = None) -> None:
    while not stop.is_set():
        out.append(rss_mb(pid))
        if loads is not None:
            loads.append(loadavg.snapshot())
        try:
            await asyncio.wait_for(stop.wait(), timeout=2)
        except asyncio.TimeoutError:
            pass


async def run_level(base: str, pid: int, users: int, minutes: float, *, think_s: float = 10.0,
                    chromium: str = CHROMIUM, shots: Path | None = None,
                    clients: str = "browser") -> dict:
    """One load level: ``users`` sessions (``clients``: 'browser' or 'protocol') for
    ``minutes``; the row of the table."""
    from playwright.async_api import async_playwright

    by_page: dict[str, list[float]] = {}
    errors: list[str] = []
    idle = rss_mb(pid)
    async with contextlib.AsyncExitStack() as stack:
        browser = None
        if clients == "browser":
            p = await stack.enter_async_context(async_playwright())
            browser = await p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            stack.push_async_callback(browser.close)
        signed_in, ready = asyncio.Event(), []
        deadline = [time.monotonic() + 3600]  # set when every session is signed in

        def user(n: int):
            if browser is not None:
                return _session(browser, base, n, deadline, by_page, errors, signed_in, ready,
                                think_s, shots)
            username, role = ACCOUNTS[n % len(ACCOUNTS)]
            return protocol_user(base, n, username, [s.title for s in pages_for(role)],
                                 arrive_s=RAMP_S * n, pauses=think_times(think_s, seed=n),
                                 deadline=deadline, times=by_page, errors=errors,
                                 signed_in=signed_in, ready=ready, timeout_s=PAGE_TIMEOUT_MS / 1000)

        tasks = [asyncio.create_task(user(n)) for n in range(users)]
        login_started = time.monotonic()
        while len(ready) < users:
            await asyncio.sleep(0.2)
        login_s = time.monotonic() - login_started
        deadline[0] = time.monotonic() + minutes * 60
        cpu_before = cpu_seconds(pid)
        stop, samples, loads = asyncio.Event(), [], []
        sampler = asyncio.create_task(_sample_rss(pid, stop, samples, loads))
        signed_in.set()
        await asyncio.gather(*tasks)
        server_cpu = cpu_seconds(pid) - cpu_before
        stop.set()
        await sampler
        loads.append(loadavg.snapshot())
    loaded = statistics.fmean(samples) if samples else idle
    times = [t for page_times in by_page.values() for t in page_times]
    return {
        "clients": clients, "users": users, "minutes": minutes, "think_s": think_s,
        "pages": len(times),
        "errors": len(errors),
        "error_samples": errors[:20], "sign_in_all_s": round(login_s, 1),
        "p50_s": round(percentile(times, 50), 3) if times else None,
        "p95_s": round(percentile(times, 95), 3) if times else None,
        "max_s": round(max(times), 3) if times else None,
        "rss_idle_mb": round(idle, 1), "rss_loaded_mb": round(loaded, 1),
        "rss_peak_mb": round(max(samples, default=idle), 1),
        "mb_per_session": round((loaded - idle) / users, 1),
        "server_cpu_s": round(server_cpu, 1),
        "server_cpu_per_page_s": round(server_cpu / len(times), 3) if times else None,
        "p50_by_page_s": {title: round(statistics.median(ts), 3)
                          for title, ts in sorted(by_page.items())},
        "load_1m_range": loadavg.span(*loads),
        "load_average_start": loads[0], "load_average_end": loads[-1],
    }



def _table(rows: list[dict], backend: str) -> str:
    lines = [f"Load on one server ({backend} demo database, loopback)", "",
             "| clients | users | minutes | think s | pages | p50 s | p95 s | max s | errors "
             "| server CPU s / page | RSS idle MiB | RSS loaded MiB | MiB / session "
             "| load avg 1 min |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['clients']} | {r['users']} | {r['minutes']:g} | {r['think_s']:g} "
                     f"| {r['pages']} "
                     f"| {r['p50_s']} | {r['p95_s']} | {r['max_s']} | {r['errors']} "
                     f"| {r['server_cpu_per_page_s']} | {r['rss_idle_mb']} "
                     f"| {r['rss_loaded_mb']} | {r['mb_per_session']} "
                     f"| {r['load_1m_range']} |")
    return "\n".join(lines)


def _levels(text: str) -> list[int]:
    levels = [int(x) for x in text.split(",") if x.strip()]
    if not levels or any(not 1 <= n <= MAX_USERS for n in levels):
        raise argparse.ArgumentTypeError(f"--users: 1 to {MAX_USERS} each, e.g. 10,25")
    return levels


def _minutes(text: str) -> float:
    value = float(text)
    if not 0 < value <= MAX_MINUTES:
        raise argparse.ArgumentTypeError(f"--minutes: more than 0, at most {MAX_MINUTES:g}")
    return value


def _think(text: str) -> float:
    value = float(text)
    if not 0 <= value <= MAX_THINK:
        raise argparse.ArgumentTypeError(f"--think: 0 to {MAX_THINK:g} seconds")
    return value


def _nice(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 19:
        raise argparse.ArgumentTypeError("--nice: 0 (the server's priority) to 19")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=_levels, default=[10, 25])
    parser.add_argument("--minutes", type=_minutes, default=2.0)
    parser.add_argument("--think", type=_think, default=10.0,
                        help="mean seconds a user reads a page before the next click (0: none)")
    parser.add_argument("--nice", type=_nice, default=10,
                        help="CPU priority of the browsers (0 = the server's)")
    parser.add_argument("--clients", choices=("browser", "protocol"), default="browser",
                        help="headless Chromium tabs, or WebSocket sessions that render nothing "
                             "(bench/load_protocol.py)")
    parser.add_argument("--pg", action="store_true", help="a throwaway PostgreSQL, not SQLite")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.clients == "browser" and not Path(CHROMIUM).exists():
        parser.error(f"{CHROMIUM} is missing: install the OS chromium package")
    pg, group = None, None
    start = loadavg.snapshot()
    print(loadavg.line("start", start), file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="pmo-load-") as tmp:
        try:
            if args.pg:
                pg = RestartablePostgres()
                url = pg.create_database("pmo_load")
            else:
                url = f"sqlite:///{Path(tmp) / 'demo.db'}"
            seed_demo(url)
            group = browser_group(args.nice) if args.nice and args.clients == "browser" else None
            if args.nice and args.clients == "browser" and group is None:
                print("no CPU cgroup for the browsers (needs root and cgroup v1's cpu "
                      "controller): nice alone, which Chromium partly undoes", file=sys.stderr)
            chromium = low_priority_chromium(Path(tmp), args.nice, group)
            rows = []
            for users in args.users:  # a fresh server per level: no level inherits another's
                app = start_app(url, log=args.out / f"load-{users}-server.log")  # sessions, caches
                try:
                    rows.append(asyncio.run(run_level(app.url, app.pid, users, args.minutes,
                                                      think_s=args.think, chromium=chromium,
                                                      shots=args.out / f"load-{users}-failures",
                                                      clients=args.clients)))
                finally:
                    app.stop()
                print(f"{users} users: {rows[-1]['pages']} pages, p95 {rows[-1]['p95_s']} s, "
                      f"{rows[-1]['errors']} errors", file=sys.stderr)
        finally:
            if pg is not None:
                pg.stop()
            remove_group(group)
    backend = "PostgreSQL" if args.pg else "SQLite"
    end = loadavg.snapshot()
    print(_table(rows, backend))
    print(f"\n{loadavg.line('start', start)}\n{loadavg.line('end', end)}")
    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out / f"load-{args.clients}-{dt.date.today().isoformat()}.json"
    out.write_text(json.dumps({"backend": backend, "cpus": _cpus(), "browser_nice": args.nice,
                               "browser_cgroup": group is not None,
                               "load_average_start": start, "load_average_end": end,
                               "levels": rows}, indent=2))
    print(f"\nwritten {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 1 if any(r["errors"] for r in rows) else 0


def _cpus() -> int:
    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    sys.exit(main())
