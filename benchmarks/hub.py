"""Many people on one JupyterHub at once, and a workshop across their servers.

    .venv/bin/python benchmarks/hub.py [--users 10]

Starts a throwaway PostgreSQL cluster (tests/postgres.py; every role but the cluster's
owner signs in with its password) and JupyterHub with the project's own configuration
(tests/hub.py: deploy/jupyterhub/jupyterhub_config.py on free ports, the local spawner, each
user's server running ``negotiation-workbook serve --hub`` with a database role of its own).
One headless Chromium, one fresh context per person; requests to any other host are
aborted.

1. **Signing in at once.** ``--users`` people open the hub's sign-in page at the same
   moment, sign in and wait for the app to be ready (``.nw-ready``). Time to interactive
   runs from opening the sign-in page to the ready app, on a clock the script keeps; the
   hub spawns every user's server during that time. Errors are sign-ins that failed or
   timed out and responses with a 5xx status. Memory per user server is the unique set
   size of the server and its kernel, read once everyone is in.
2. **A workshop across servers.** The first person opens a workshop on a copy of the
   worked example and asks for values on one variable; every other person opens the join
   address, which the hub sends to their own server, joins and answers in turn. The time
   counted is from the click that sends an answer to the facilitator's page naming that
   participant among those who answered.

Saves per second of the PostgreSQL store against SQLite are in benchmarks/store_backends.py.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.hub import PASSWORD, Hub, missing, running_hub  # noqa: E402
from tests.postgres import cluster  # noqa: E402

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
READY_MS = 600_000


def percentile(values: list[float], p: float) -> float:
    """The ``p``-th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def spread(values: list[float], unit: str = "s") -> str:
    if not values:
        return "none"
    return (
        f"median {statistics.median(values):.2f} {unit}, p95 {percentile(values, 95):.2f} {unit}, "
        f"max {max(values):.2f} {unit} (n={len(values)})"
    )


async def new_page(browser: Any, errors: list[str]) -> Any:
    """A page in a fresh context that reaches only the loopback address."""
    context = await browser.new_context()

    async def route(r: Any) -> None:
        if urlsplit(r.request.url).hostname in ("127.0.0.1", "localhost"):
            await r.continue_()
        else:
            await r.abort()

    await context.route("**/*", route)
    page = await context.new_page()
    page.on(
        "response",
        lambda response: (
            errors.append(f"{response.status} {response.url}") if response.status >= 500 else None
        ),
    )
    return page


async def sign_in(browser: Any, hub: Hub, user: str, errors: list[str]) -> tuple[Any, float]:
    """``user`` signed in through the hub's page onto the app; the seconds it took."""
    page = await new_page(browser, errors)
    start = time.monotonic()
    await page.goto(hub.url + "hub/login")
    await page.fill("#username_input", user)
    await page.fill("#password_input", PASSWORD)
    await page.click("#login_submit")
    await page.wait_for_selector(".nw-ready", timeout=READY_MS)
    return page, time.monotonic() - start


def server_memory(hub: Hub) -> dict[str, float]:
    """Each user's server with its kernels: unique set size in MB, by user."""
    import psutil

    found: dict[str, float] = {}
    for process in psutil.Process(hub.proc.pid).children(recursive=True):
        try:
            user = process.environ().get("JUPYTERHUB_USER")
            if not user or "--hub" not in process.cmdline():
                continue
            family = [process, *process.children(recursive=True)]
            found[user] = sum(p.memory_full_info().uss for p in family) / 1e6
        except psutil.Error:
            continue
    return found


async def workshop(browser: Any, hub: Hub, pages: dict[str, Any]) -> list[float]:
    """Seconds from each participant's answer to the facilitator's page showing it."""
    from workbook.store import PlanStore

    host, *guests = pages
    with PlanStore(hub.db, user=host) as store:
        deal = store.duplicate("example-northwind", name="Hub benchmark workshop", author=host)
    page = pages[host]
    await page.goto(hub.url + f"user/{host}/?plan={deal.plan.id}&section=workshop")
    await page.wait_for_selector(".nw-ready", timeout=READY_MS)
    await page.click(".nw-workshop-open")
    prompt = page.locator(".nw-workshop-prompt", has_text="Values · Contract term")
    await prompt.locator("input").check()
    await page.wait_for_selector(".nw-result:has-text('Contract term')", timeout=60_000)
    address = (await page.inner_text(".nw-join-address")).strip()
    delays = []
    for number, user in enumerate(guests):
        guest = pages[user]
        await guest.goto(f"http://{address}")
        await guest.wait_for_selector("input.nw-join-name", timeout=READY_MS)
        name = user.capitalize()
        await guest.fill("input.nw-join-name", name)
        await guest.click(".nw-join-submit")
        await guest.wait_for_selector(".nw-answer", timeout=READY_MS)
        await guest.fill(".nw-answer-values input >> nth=0", str(50 + number))
        start = time.monotonic()
        await guest.click(".nw-answer-values .nw-answer-send")
        await page.wait_for_function(
            "name => [...document.querySelectorAll('.nw-result')].some("
            "r => r.innerText.includes('Answered by') && r.innerText.includes(name))",
            arg=name,
            timeout=60_000,
            polling=50,
        )
        delays.append(time.monotonic() - start)
    return delays


async def run(hub: Hub, users: list[str]) -> int:
    from playwright.async_api import async_playwright

    errors: list[str] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        started = time.monotonic()
        results = await asyncio.gather(
            *(sign_in(browser, hub, user, errors) for user in users), return_exceptions=True
        )
        wall = time.monotonic() - started
        pages, tti = {}, []
        for user, result in zip(users, results, strict=True):
            if isinstance(result, BaseException):
                errors.append(f"{user}: {type(result).__name__}: {str(result).splitlines()[0]}")
            else:
                pages[user], seconds = result
                tti.append(seconds)
        memory = server_memory(hub)
        print(f"{len(users)} people signing in at once ({wall:.1f} s until the last was in)")
        print(f"  time to interactive: {spread(tti)}")
        mb = list(memory.values())
        print(
            f"  memory per user server (server + kernel, USS): {spread(mb, 'MB')}, "
            f"{sum(mb):,.0f} MB in all"
        )
        delays = await workshop(browser, hub, pages) if len(pages) > 1 else []
        print(f"answer on one server to the facilitator's page on another: {spread(delays)}")
        await browser.close()
    print(f"errors: {len(errors)}")
    for line in errors:
        print(f"  {line}")
    return 1 if errors else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=10, help="people signing in at once")
    args = parser.parse_args(argv)
    if args.users < 1:
        parser.error("--users must be at least 1")
    if reason := missing():
        print(f"cannot run: {reason}", file=sys.stderr)
        return 2
    users = [f"user{n:02d}" for n in range(1, args.users + 1)]
    with tempfile.TemporaryDirectory() as folder, cluster(trust="postgres") as pg:
        db = pg.url(pg.new_database())
        with running_hub(db, Path(folder)) as hub:
            return asyncio.run(run(hub, users))


if __name__ == "__main__":
    sys.exit(main())
