"""Load: N concurrent browser sessions against ONE app server, on loopback only, bounded.

    .venv/bin/python -m bench.load --users 10,25 --minutes 2 [--pg]

Seeds a demo database (SQLite in a temporary directory, or a throwaway PostgreSQL with
``--pg``); for each N in ``--users`` starts ONE ``streamlit run app.py`` on a free 127.0.0.1
port (a fresh one per level, so that no level inherits the previous one's sessions) and drives N headless Chromium contexts (one browser, asyncio Playwright): each signs in
as a demo user (exec, pmo, head, manager, viewer in turn) and clicks through its role's pages
in the sidebar for ``--minutes``. A page is *finished* when its title heading is visible and
Streamlit's running indicator is gone; the time from the click to that is one sample. An error
is any exception element, any error alert or a page that does not finish within 60 s.
Server memory per session = (server RSS with N sessions signed in - RSS before them) / N, with
the RSS read from /proc (mean of samples taken every 2 s during the run).

Prints a markdown table and writes bench/results/load-<date>.json. Bounded: at most 30 users
and 5 minutes per run.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "tests"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from components.access import pages_for  # noqa: E402
from support.servers import (CHROMIUM, CHROMIUM_ARGS, RestartablePostgres, seed_demo,  # noqa: E402
                             start_app)

MAX_USERS, MAX_MINUTES = 30, 5.0
ACCOUNTS = (("exec", "executive"), ("pmo", "pmo"), ("head", "executive"),
            ("manager", "manager"), ("viewer", "viewer"))
PAGE_TIMEOUT_MS = 60_000
RAMP_S = 1.0
RUNNING = "[data-testid='stStatusWidget']"
ERRORS = "[data-testid='stException'], [data-testid='stAlertContentError']"


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` in MiB (/proc/PID/status VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


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


async def _session(browser, base: str, n: int, deadline: list[float], times: list[float],
                   errors: list[str], signed_in: asyncio.Event, ready: list[int]) -> None:
    username, role = ACCOUNTS[n % len(ACCOUNTS)]
    titles = [spec.title for spec in pages_for(role)]
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
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
        i = 0
        while time.monotonic() < deadline[0]:
            i += 1
            title = titles[i % len(titles)]
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
                times.append(time.perf_counter() - started)
            except Exception as exc:  # a timeout or a dead page: counted, then go on
                errors.append(f"{where}: {type(exc).__name__}: {str(exc).splitlines()[0]}")
            await _check_errors(page, where, errors)
    except Exception as exc:
        errors.append(f"{username}#{n} sign-in: {type(exc).__name__}: {str(exc).splitlines()[0]}")
        ready.append(n)
    finally:
        await context.close()


async def _sample_rss(pid: int, stop: asyncio.Event, out: list[float]) -> None:
    while not stop.is_set():
        out.append(rss_mb(pid))
        try:
            await asyncio.wait_for(stop.wait(), timeout=2)
        except asyncio.TimeoutError:
            pass


async def run_level(base: str, pid: int, users: int, minutes: float) -> dict:
    """One load level: ``users`` sessions for ``minutes``; the row of the table."""
    from playwright.async_api import async_playwright

    times: list[float] = []
    errors: list[str] = []
    idle = rss_mb(pid)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            signed_in, ready = asyncio.Event(), []
            deadline = [time.monotonic() + 3600]  # set when every session is signed in
            tasks = [asyncio.create_task(_session(browser, base, n, deadline, times, errors,
                                                  signed_in, ready)) for n in range(users)]
            login_started = time.monotonic()
            while len(ready) < users:
                await asyncio.sleep(0.2)
            login_s = time.monotonic() - login_started
            deadline[0] = time.monotonic() + minutes * 60
            stop, samples = asyncio.Event(), []
            sampler = asyncio.create_task(_sample_rss(pid, stop, samples))
            signed_in.set()
            await asyncio.gather(*tasks)
            stop.set()
            await sampler
        finally:
            await browser.close()
    loaded = statistics.fmean(samples) if samples else idle
    return {
        "users": users, "minutes": minutes, "pages": len(times), "errors": len(errors),
        "error_samples": errors[:20], "sign_in_all_s": round(login_s, 1),
        "p50_s": round(percentile(times, 50), 3) if times else None,
        "p95_s": round(percentile(times, 95), 3) if times else None,
        "max_s": round(max(times), 3) if times else None,
        "rss_idle_mb": round(idle, 1), "rss_loaded_mb": round(loaded, 1),
        "rss_peak_mb": round(max(samples, default=idle), 1),
        "mb_per_session": round((loaded - idle) / users, 1),
    }



def _table(rows: list[dict], backend: str) -> str:
    lines = [f"Load on one server ({backend} demo database, loopback, headless Chromium)", "",
             "| users | minutes | pages | p50 s | p95 s | max s | errors | RSS idle MiB "
             "| RSS loaded MiB | MiB / session |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['users']} | {r['minutes']:g} | {r['pages']} | {r['p50_s']} "
                     f"| {r['p95_s']} | {r['max_s']} | {r['errors']} | {r['rss_idle_mb']} "
                     f"| {r['rss_loaded_mb']} | {r['mb_per_session']} |")
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=_levels, default=[10, 25])
    parser.add_argument("--minutes", type=_minutes, default=2.0)
    parser.add_argument("--pg", action="store_true", help="a throwaway PostgreSQL, not SQLite")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        parser.error(f"{CHROMIUM} is missing: install the OS chromium package")
    pg = None
    with tempfile.TemporaryDirectory(prefix="pmo-load-") as tmp:
        try:
            if args.pg:
                pg = RestartablePostgres()
                url = pg.create_database("pmo_load")
            else:
                url = f"sqlite:///{Path(tmp) / 'demo.db'}"
            seed_demo(url)
            rows = []
            for users in args.users:  # a fresh server per level: no level inherits another's
                app = start_app(url, log=Path(tmp) / f"app-{users}.log")  # sessions or caches
                try:
                    rows.append(asyncio.run(run_level(app.url, app.pid, users, args.minutes)))
                finally:
                    app.stop()
                print(f"{users} users: {rows[-1]['pages']} pages, p95 {rows[-1]['p95_s']} s, "
                      f"{rows[-1]['errors']} errors", file=sys.stderr)
        finally:
            if pg is not None:
                pg.stop()
    backend = "PostgreSQL" if args.pg else "SQLite"
    print(_table(rows, backend))
    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out / f"load-{dt.date.today().isoformat()}.json"
    out.write_text(json.dumps({"backend": backend, "cpus": _cpus(), "levels": rows}, indent=2))
    print(f"\nwritten {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 1 if any(r["errors"] for r in rows) else 0


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    sys.exit(main())
