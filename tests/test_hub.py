"""The workbook as every user's app behind a real JupyterHub, its plans in PostgreSQL.

The test starts JupyterHub (its dummy authenticator with one fixed password, the local
process spawner running ``negotiation-workbook serve --hub``, configurable-http-proxy from
npm) and a throwaway PostgreSQL cluster, all on free ports, and signs three people in
through the hub's own sign-in page in Chromium. Everything it starts is stopped after.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import pytest

from tests.hub import PASSWORD, Hub, free_port, missing, running_hub

READY = 240_000  # ms: a user server and its first kernel on a busy 2-core machine
PLAN = "Hub tender with Acme"


def _no_hub(reason: str) -> NoReturn:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; the hub test must run in CI (CI=true)")
    pytest.skip(f"{reason}; hub test skipped")


@pytest.fixture(scope="module")
def hub(pg_cluster: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """JupyterHub on free ports, every user's server on the same PostgreSQL database."""
    if reason := missing():
        _no_hub(reason)
    db = pg_cluster.url(pg_cluster.new_database())
    with running_hub(db, tmp_path_factory.mktemp("hub")) as running:
        yield running


def only_local(context: Any) -> None:
    """Abort every request the pages make to another host."""

    def route(r: Any) -> None:
        host = urlsplit(r.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            r.continue_()
        else:
            r.abort()

    context.route("**/*", route)


def sign_in(browser: Any, hub: Hub, user: str, query: str = "") -> Any:
    """A page of ``user``'s own, signed in through the hub's sign-in page, on the app."""
    context = browser.new_context()
    only_local(context)
    page = context.new_page()
    page.goto(hub.url + "hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", PASSWORD)
    page.click("#login_submit")
    page.wait_for_selector(".nw-ready", timeout=READY)
    assert urlsplit(page.url).path == f"/user/{user}/", page.url
    if query:
        page.goto(hub.url + f"user/{user}/?{query}")
        page.wait_for_selector(".nw-ready", timeout=READY)
    return page


def server_environment(hub: Hub, user: str) -> dict[str, str]:
    """The environment of ``user``'s workbook server, as its process has it."""
    import psutil

    for process in psutil.Process(hub.proc.pid).children(recursive=True):
        with contextlib.suppress(psutil.Error):
            env = process.environ()
            if env.get("JUPYTERHUB_USER") == user and "--hub" in process.cmdline():
                return env
    raise AssertionError(f"no server of {user} runs")


def picker_labels(page: Any) -> list[str]:
    return list(
        page.eval_on_selector_all(".nw-plan-picker select option", "os => os.map(o => o.value)")
    )


@pytest.mark.hub
@pytest.mark.served
@pytest.mark.browser
def test_the_hub_signs_people_in_and_their_plans_are_shared_as_on_one_server(
    hub: Hub, browser: Any
) -> None:
    from workbook.store import PlanStore
    from workbook.team_roles import role_name

    # A creates a plan in the app: the plan is hers, under her hub name.
    ann = sign_in(browser, hub, "ann")
    ann.click(".nw-new")
    ann.fill(".nw-new-name input", PLAN)
    ann.fill(".nw-new-counterpart input", "Acme Freight")
    ann.click(".nw-dialog-create")
    ann.wait_for_function(
        "name => document.querySelector('.nw-plan-picker select').selectedOptions[0]"
        ".value.includes(name)",
        arg=PLAN,
        timeout=60_000,
    )
    ann.fill(".nw-field-summary textarea", "Ann's opening position.")
    ann.wait_for_selector(".nw-save-status :text-matches('^Saved \\\\d')", timeout=60_000)
    # Her server holds the address of her own database role, and no other address.
    env = server_environment(hub, "ann")
    addresses = [value for value in env.values() if "postgresql://" in value]
    assert addresses == [env["NEGOTIATION_WORKBOOK_DB"]]
    assert urlsplit(addresses[0]).username == role_name(urlsplit(hub.db).path[1:], "ann")
    with PlanStore(hub.db, user="ann") as store:
        plan = next(p for p in store.list_plans() if p.name == PLAN)
        assert store.members(plan.id) == [("ann", "owner")]
        assert store.history(plan.id)[-1].author == "ann"
        store.share(plan.id, "bob", "viewer")  # as Ann, the owner

    # B sees it, read-only; C does not see it at all.
    bob = sign_in(browser, hub, "bob", f"plan={plan.id}")
    assert any(PLAN in label for label in picker_labels(bob))
    bob.wait_for_function(
        "name => document.querySelector('.nw-plan-picker select').selectedOptions[0]"
        ".value.includes(name)",
        arg=PLAN,
        timeout=60_000,
    )
    assert bob.input_value(".nw-field-summary textarea") == "Ann's opening position."
    assert bob.is_disabled(".nw-field-summary textarea")
    assert bob.is_disabled(".nw-rename button, button.nw-rename")
    cat = sign_in(browser, hub, "cat", f"plan={plan.id}")
    labels = picker_labels(cat)
    assert labels and not any(PLAN in label for label in labels)
    assert "Ann's opening position." not in cat.content()

    # Nothing but the app on a user's server: no notebook, code or file browser.
    for path in (
        "lab",
        "tree",
        "notebooks",
        "edit/app.ipynb",
        "api/contents",
        "voila/tree",
        "terminals/1",
        "api/sessions",
        "api/kernels",
    ):
        answer = ann.request.get(hub.url + f"user/ann/{path}")  # redirects followed
        assert answer.status in (403, 404, 405), (path, answer.status)

    # Each server answers its own user only: Bob is not let into Ann's.
    response = bob.goto(hub.url + "user/ann/")
    assert response is not None and response.status == 403
    assert urlsplit(bob.url).path == "/hub/api/oauth2/authorize"
    assert "nw-ready" not in bob.content()
    # A workshop across servers: Ann runs it on hers; Bob joins by the address on her
    # screen, which the hub turns into his own server's; his answer reaches her page.
    with PlanStore(hub.db, user="ann") as store:
        deal = store.duplicate("example-northwind", name="Ann's workshop deal", author="ann")
    ann.goto(hub.url + f"user/ann/?plan={deal.plan.id}&section=workshop")
    ann.wait_for_selector(".nw-ready", timeout=READY)
    ann.click(".nw-workshop-open")
    code = ann.inner_text(".nw-join-code-value").strip()
    ann.locator(".nw-workshop-prompt", has_text="Values · Contract term").locator("input").check()
    ann.wait_for_selector(".nw-result:has-text('Contract term')", timeout=30_000)
    address = ann.inner_text(".nw-join-address").strip()
    assert address == f"{urlsplit(hub.url).netloc}/hub/user-redirect/join/{code}", address
    bob.goto(f"http://{address}")
    bob.wait_for_selector("input.nw-join-name", timeout=READY)  # the name the team sees
    assert urlsplit(bob.url).path == "/user/bob/", bob.url  # on his own server
    assert bob.locator(".nw-plan-picker").count() == 0  # the participant page only
    bob.fill("input.nw-join-name", "Bob")
    bob.click(".nw-join-submit")
    bob.wait_for_selector(".nw-answer", timeout=READY)
    bob.fill(".nw-answer-values input >> nth=0", "70")
    bob.click(".nw-answer-values .nw-answer-send")
    bob.wait_for_selector(".nw-answer-values .nw-answer-saved :text('saved')", timeout=30_000)
    ann.wait_for_function(
        "() => document.querySelector('.nw-result-values')?.innerText.includes('70')",
        timeout=5_000,
    )
    with PlanStore(hub.db, user="ann") as store:
        assert [(a.participant, a.answer) for a in store.workshops.answers(code)] == [
            ("Bob", {"values": {"op-t1": 70.0}})
        ]

    for page in (ann, bob, cat):
        page.context.close()

    # The shipped configuration's idle culler runs, with the rights to list the servers.
    assert re.search(r"200 GET /hub/api/users\S* \(idle-culler@", hub.log()), hub.log()


# --- serve --hub on its own ------------------------------------------------------------------

HUB_VARIABLES = {
    "JUPYTERHUB_API_TOKEN": "not-a-real-token",
    "JUPYTERHUB_SERVICE_PREFIX": "/user/ann/",
    "JUPYTERHUB_SERVICE_URL": "http://127.0.0.1:{port}/user/ann/",
}


def _serve_hub(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("NEGOTIATION_", "JUPYTERHUB_"))
    }
    return subprocess.run(
        [sys.executable, "-m", "workbook.cli", "serve", "--hub", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_serve_hub_outside_a_hub_says_what_is_missing(tmp_path: Path) -> None:
    done = _serve_hub({}, "--db", str(tmp_path / "plans.sqlite"))
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "negotiation-workbook: --hub: JUPYTERHUB_API_TOKEN, JUPYTERHUB_SERVICE_PREFIX, "
        "JUPYTERHUB_SERVICE_URL not set; the hub's spawner sets them (run `serve --hub` as "
        "the spawner's command)"
    ]
    assert not (tmp_path / "plans.sqlite").exists()


def test_serve_hub_without_jupyterhub_installed_says_how_to_add_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from workbook.cli import main

    for name in [m for m in sys.modules if m == "workbook.hub" or m.startswith("jupyterhub")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "jupyterhub", None)  # as if it were not installed
    assert main(["serve", "--hub", "--db", str(tmp_path / "plans.sqlite")]) == 1
    assert capsys.readouterr().err.strip().splitlines() == [
        "negotiation-workbook: --hub needs JupyterHub installed beside the workbook: "
        "pip install 'negotiation-workbook[hub]'"
    ]


@pytest.mark.parametrize("option", [["--port", "9000"], ["--ip", "0.0.0.0"], ["--members", "m"]])
def test_serve_hub_takes_no_address_nor_sign_in_of_its_own(option: list[str]) -> None:
    from workbook.cli import main

    with pytest.raises(SystemExit) as info:
        main(["serve", "--hub", *option])
    assert info.value.code == 2


def test_serve_hub_with_an_unreachable_database_fails_at_start_in_one_line() -> None:
    from tests.postgres import SECRET_PASSWORD

    port = free_port()
    url = f"postgresql://ann:{SECRET_PASSWORD}@127.0.0.1:{free_port()}/plans"
    env = {k: v.format(port=port) for k, v in HUB_VARIABLES.items()}
    done = _serve_hub({**env, "NEGOTIATION_WORKBOOK_DB": url})
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("negotiation-workbook: cannot reach"), lines
    assert SECRET_PASSWORD not in done.stderr + done.stdout


def test_hub_settings_come_from_the_spawners_environment() -> None:
    from workbook.errors import WorkbookError
    from workbook.hub import hub_settings

    env = {k: v.format(port=20123) for k, v in HUB_VARIABLES.items()}
    settings = hub_settings({**env, "JUPYTERHUB_SERVICE_URL": "http://:20123/user/ann/"})
    assert (settings.ip, settings.port, settings.base_url) == ("0.0.0.0", 20123, "/user/ann/")
    with pytest.raises(WorkbookError, match="JUPYTERHUB_SERVICE_PREFIX must start with /"):
        hub_settings({**env, "JUPYTERHUB_SERVICE_PREFIX": "user/ann/"})
