"""A workshop with 30 participants submitting at once, against one server on this machine.

    .venv/bin/python benchmarks/workshop.py --participants 30

One run starts ``negotiation-workbook serve`` (workbook.serve.serve, preheated kernels)
on a fresh database holding the worked example, and drives real Chromium pages:

1. the facilitator's page opens the worked example's workshop panel, opens a session and
   two questions (the vote on the top two priorities, and the values of the contract-term
   options);
2. ``--participants`` pages join with the code, ``--join-batch`` at a time (the next ones
   join as soon as these are ready), each in its own browser context with its own kernel,
   and fill in both answers without sending them; every page stays open;
3. every participant presses the two "send" buttons at the same moment (one page cannot
   click two buttons at once: it clicks one, then the other); the clock starts;
4. the clock stops when the facilitator's page shows every answer to both questions
   (it polls the store once a second); the vote counts and the median are checked.

Errors counted: a participant page that is not ready in time, an answer that is not
confirmed as saved, a message under an answer, an uncaught script error in any page,
facilitator figures that are not those sent, answers missing from the store, and
tracebacks in the server's log. There must be none.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from time_to_interactive import (
    CHROMIUM_ARGS,
    Target,
    chromium,
    kernel_pid,
    memory_mb,
    start_server,
)

from workbook.store import PlanStore

PLAN = "example-northwind"
RESULTS = Path(__file__).resolve().parent / "results"
FINANCE = "Bring their finance team in before the price talk"
TRADE = "Trade every price move for term, volume or payment"


@dataclass
class Run:
    """What one run measured."""

    ready_s: list[float] = field(default_factory=list)
    saved_s: list[float] = field(default_factory=list)
    seen_s: float | None = None
    errors: list[str] = field(default_factory=list)
    kernel_uss_mb: list[float] = field(default_factory=list)


def choices(i: int) -> list[str]:
    """Participant ``i``'s vote: two thirds for trading, one in two also for finance."""
    vote = [TRADE] if i % 3 else [FINANCE]
    return vote + ([FINANCE] if i % 2 and FINANCE not in vote else [])


def term_value(i: int) -> int:
    """Participant ``i``'s value for the one-year term."""
    return 30 + 2 * i


async def open_facilitator(browser: Any, target: Target, run: Run) -> tuple[Any, str]:
    page = await (await browser.new_context(viewport={"width": 1400, "height": 2000})).new_page()
    page.on("pageerror", lambda exc: run.errors.append(f"facilitator page: {exc}"))
    await page.goto(f"{target.url}?plan={PLAN}&section=workshop")
    await page.wait_for_selector(".nw-workshop-open", timeout=120_000)
    await page.click(".nw-workshop-open")
    code = (await page.inner_text(".nw-join-code-value")).strip()
    for prompt in ("Vote", "Values · Contract term"):
        await page.locator(".nw-workshop-prompt", has_text=prompt).locator("input").check()
    await page.wait_for_selector(".nw-result:has-text('Contract term')", timeout=30_000)
    return page, code


async def open_participant(
    browser: Any, target: Target, code: str, i: int, run: Run, timeout: float
) -> tuple[int, Any] | None:
    """Join as participant ``i`` and fill in both answers, without sending them."""
    started = time.monotonic()
    page = await (await browser.new_context()).new_page()
    name = f"Participant {i:02d}"
    page.on("pageerror", lambda exc: run.errors.append(f"{name}: {exc}"))
    try:
        await page.goto(f"{target.url}?join={code}&name={name}", timeout=timeout * 1000)
        await page.wait_for_selector(".nw-answer-values", timeout=timeout * 1000)
    except Exception as exc:
        shown = await page.locator(".nw-participant").count()
        run.errors.append(
            f"{name}: not ready within {timeout:.0f} s ({type(exc).__name__}; the page "
            f"{'shows the empty participant view' if shown else 'shows no cell output'})"
        )
        return None
    run.ready_s.append(time.monotonic() - started)
    for candidate in choices(i):
        box = page.locator(".nw-answer-priorities .widget-checkbox", has_text=candidate)
        await box.locator("input").check()
    await page.fill(".nw-answer-values input >> nth=0", str(term_value(i)))
    await page.press(".nw-answer-values input >> nth=0", "Tab")
    return i, page


async def send(page: Any, start: float, run: Run) -> None:
    """Press both send buttons, one after the other; wait until both answers are saved."""
    await page.click(".nw-answer-priorities .nw-answer-send")
    await page.click(".nw-answer-values .nw-answer-send")
    try:
        for kind in ("priorities", "values"):
            await page.wait_for_selector(
                f".nw-answer-{kind} .nw-answer-saved :text('saved')", timeout=60_000
            )
    except Exception:
        run.errors.append(f"{page.url}: an answer was not confirmed as saved")
        return
    run.saved_s.append(time.monotonic() - start)
    for message in await page.locator(".nw-answer-message").all_inner_texts():
        if message.strip():
            run.errors.append(f"{page.url}: {message.strip()}")


async def facilitator_table(page: Any, css: str) -> list[list[str]]:
    return await page.evaluate(
        """css => [...document.querySelectorAll(`${css} tr`)].slice(1)
            .map(r => [...r.cells].map(c => c.innerText.trim()))""",
        css,
    )


async def workshop(target: Target, participants: int, batch: int, timeout: float) -> Run:
    from playwright.async_api import async_playwright

    run = Run()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        try:
            facilitator, code = await open_facilitator(browser, target, run)
            print(f"session {code}: {participants} participants join", flush=True)
            pages = []
            for first in range(1, participants + 1, batch):
                numbers = range(first, min(first + batch, participants + 1))
                pages += await asyncio.gather(
                    *(open_participant(browser, target, code, i, run, timeout) for i in numbers)
                )
            joined = dict(pg for pg in pages if pg is not None)
            ready = list(joined.values())
            print(f"{len(ready)} participant pages ready; all send at once", flush=True)
            want = len(ready)
            start = time.monotonic()
            senders = asyncio.gather(*(send(pg, start, run) for pg in ready))
            try:
                await facilitator.wait_for_function(
                    """n => [...document.querySelectorAll('.nw-result')]
                        .filter(r => r.innerText.includes(`Answered by ${n}:`)).length === 2""",
                    arg=want,
                    timeout=120_000,
                    polling=50,
                )
                run.seen_s = time.monotonic() - start
            except Exception:
                run.errors.append(f"the facilitator did not see {want} answers to both questions")
            await senders
            await check_figures(facilitator, list(joined), run)
            for pg in [facilitator, *ready]:
                config = json.loads(await pg.locator("#jupyter-config-data").text_content() or "{}")
                kernel = str(config.get("kernelId", ""))
                pid = kernel_pid(target.proc.pid, kernel) if kernel else None
                uss, _ = memory_mb(pid) if pid else (None, None)
                if uss is not None:
                    run.kernel_uss_mb.append(uss)
        finally:
            await browser.close()
    return run


async def check_figures(facilitator: Any, sent: list[int], run: Run) -> None:
    """The facilitator's vote counts and median are those of the answers sent."""
    votes = {FINANCE: 0, TRADE: 0}
    for i in sent:
        for candidate in choices(i):
            votes[candidate] += 1
    expected = sorted(([c, str(v)] for c, v in votes.items()), key=lambda r: -int(r[1]))
    shown = await facilitator_table(facilitator, ".nw-result-priorities")
    if sorted(shown) != sorted(expected):
        run.errors.append(f"vote counts shown {shown}, sent {expected}")
    median = statistics.median(term_value(i) for i in sent)
    term = (await facilitator_table(facilitator, ".nw-result-values"))[0]
    if term[1] != str(len(sent)) or float(term[2].replace(",", "")) != median:
        run.errors.append(f"one-year term shown {term}, sent median {median} of {len(sent)}")


def server_errors(target: Target) -> list[str]:
    log = target.log_path.read_text("utf-8", errors="replace")
    return [line for line in log.splitlines() if "Traceback" in line or " ERROR " in line]


def store_answers(db: Path) -> int:
    with PlanStore(db, read_only=True) as store:
        session = store.workshops.latest(PLAN)
        return len(store.workshops.answers(session.code)) if session else 0


def summary(values: list[float]) -> str:
    if not values:
        return "n/a"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered):.1f} s, p95 {p95:.1f} s, max {ordered[-1]:.1f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=30, help="participant pages (30)")
    parser.add_argument(
        "--join-batch", type=int, default=3, help="participants joining at the same time (3)"
    )
    parser.add_argument(
        "--timeout", type=float, default=300, help="seconds for a participant page to be ready"
    )
    parser.add_argument(
        "--log", type=Path, default=RESULTS / "workshop-server.log", help="copy of the server log"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="workshop-") as tmp:
        target = start_server("app", None, Path(tmp), preheat=True)
        try:
            run = asyncio.run(workshop(target, args.participants, args.join_batch, args.timeout))
            run.errors += [f"server log: {line}" for line in server_errors(target)]
            stored = store_answers(Path(tmp) / "app.sqlite")
            if stored != 2 * len(run.ready_s):
                run.errors.append(f"the store holds {stored} answers, not {2 * len(run.ready_s)}")
        finally:
            target.proc.terminate()
            target.proc.wait(timeout=60)
            args.log.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(target.log_path, args.log)
    print(f"\nparticipants ready:           {len(run.ready_s)} of {args.participants}")
    print(f"  time to join and be ready:  {summary(run.ready_s)}")
    print(f"  send to both saved:         {summary(run.saved_s)}")
    seen = "n/a" if run.seen_s is None else f"{run.seen_s:.2f} s"
    print(f"facilitator sees all answers: {seen} after the simultaneous send")
    print(f"answers in the store:         {stored}")
    if run.kernel_uss_mb:
        print(
            f"kernel memory (USS):          {statistics.median(run.kernel_uss_mb):.0f} MB median, "
            f"{sum(run.kernel_uss_mb):,.0f} MB for {len(run.kernel_uss_mb)} kernels"
        )
    print(f"errors:                       {len(run.errors)} (server log: {args.log})")
    for error in run.errors:
        print(f"  - {error}")
    return 1 if run.errors else 0


if __name__ == "__main__":
    sys.exit(main())
