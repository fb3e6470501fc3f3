"""The PostgreSQL store: chosen by an address, its schema versioned under a lock, its
password never shown, and a clear line when it cannot start. The contract the two
backends share is tested in test_store.py and the other store tests, on both."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.postgres import SECRET_PASSWORD, SECRET_ROLE
from workbook import model as m
from workbook.cli import main
from workbook.errors import StoreError
from workbook.store import DB_ENV, SCHEMA, PlanStore, default_db_path, store_location


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("NEGOTIATION_WORKBOOK")}
    return subprocess.run(
        [sys.executable, "-m", "workbook.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env={**base, **(env or {})},
        check=False,
    )


def _one_clean_line(done: subprocess.CompletedProcess[str]) -> str:
    """The single message line of a refused command (no traceback, nothing else)."""
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("negotiation-workbook: "), done.stderr
    return lines[0]


@pytest.fixture
def secret_db(pg_cluster) -> str:
    """A database owned by the role that signs in with a password; its address with it."""
    name = pg_cluster.new_database(owner=SECRET_ROLE)
    return pg_cluster.url(name, user=SECRET_ROLE, password=SECRET_PASSWORD)


# --- chosen by an address -------------------------------------------------------------


def test_postgresql_addresses_are_taken_as_given_and_paths_stay_files(tmp_path):
    for url in ("postgresql://ana@db.example/plans", "postgres://db.example:5433/plans"):
        assert store_location(url) == url
    assert store_location(tmp_path / "plans.sqlite") == tmp_path / "plans.sqlite"
    with pytest.raises(StoreError, match="is a URL") as info:
        store_location("mysql://ana:hunter2@db.example/plans")
    assert "hunter2" not in str(info.value)


def test_the_environment_and_the_command_line_select_postgresql(pg_cluster, monkeypatch, capsys):
    url = pg_cluster.url(pg_cluster.new_database())
    monkeypatch.setenv(DB_ENV, url)
    assert default_db_path() == url
    with PlanStore() as store:  # no location given: the environment's
        assert store.path is None and store.location == url
        plan_id = store.create(m.Plan(name="Team deal")).plan.id
    assert main(["list"]) == 0
    assert plan_id in capsys.readouterr().out
    monkeypatch.delenv(DB_ENV)
    assert main(["export", "Team deal", "--db", url, "--format", "json"]) == 0
    assert '"name": "Team deal"' in capsys.readouterr().out


def test_the_analyst_api_opens_the_same_store(pg_cluster):
    import workbook

    url = pg_cluster.url(pg_cluster.new_database())
    with workbook.PlanStore(url) as store:
        plan_id = store.ensure_example()
        frame = store.plans_frame()
    assert list(frame["id"]) == [plan_id]


def test_the_served_app_reads_the_store_through_the_address_and_never_shows_it(
    start_server, pg_cluster
):
    name = pg_cluster.new_database(owner=SECRET_ROLE)
    url = pg_cluster.url(name, user=SECRET_ROLE, password=SECRET_PASSWORD)
    app = start_server(db=url)
    status, html = app.get_page()
    assert status == 200 and SECRET_PASSWORD not in html
    with PlanStore(url) as store:  # serve set the store up and brought the worked example
        assert [p.id for p in store.list_plans()] == ["example-northwind"]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # the page's kernel reached the same database
            kernels = store.database.backend.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = ? AND pid != "
                "pg_backend_pid() AND backend_type = 'client backend'",
                (name,),
            ).fetchone()[0]
            if kernels >= 1:
                break
            time.sleep(0.2)
        assert kernels >= 1
    assert SECRET_PASSWORD not in app.log()


# --- schema versions --------------------------------------------------------------------


def test_servers_starting_together_set_the_schema_up_once(pg_cluster):
    url = pg_cluster.url(pg_cluster.new_database())
    barrier = threading.Barrier(6)
    problems: list[BaseException] = []

    def start() -> None:
        barrier.wait()
        try:
            with PlanStore(url) as store:
                store.ensure_example()
        except BaseException as exc:  # collected and shown by the assertion below
            problems.append(exc)

    threads = [threading.Thread(target=start) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert problems == []
    with PlanStore(url) as store:
        rows = store.database.backend.execute("SELECT version FROM schema_version")
        versions = [r[0] for r in rows]
        assert sorted(versions) == list(range(1, len(SCHEMA) + 1))
        assert len(store.list_plans()) == 1  # the example, brought once


def test_a_schema_newer_than_the_code_is_refused_in_one_line(store_db):
    with PlanStore(store_db) as store:
        store.ensure_example()
        if store.database.backend.dialect == "sqlite":
            store.database.backend.execute(f"PRAGMA user_version = {len(SCHEMA) + 1}")
        else:
            store.database.backend.set_schema_version(len(SCHEMA) + 1, "2030-01-01")
    with pytest.raises(StoreError, match="newer version of the workbook") as info:
        PlanStore(store_db)
    assert "\n" not in str(info.value)
    done = _cli("list", "--db", str(store_db))
    assert "newer version of the workbook" in _one_clean_line(done)


def test_an_empty_database_opened_read_only_asks_to_be_set_up(pg_cluster):
    url = pg_cluster.url(pg_cluster.new_database())
    with pytest.raises(StoreError, match="is empty; open it once without --read-only"):
        PlanStore(url, read_only=True)


def test_a_database_holding_something_else_is_refused(pg_cluster):
    name = pg_cluster.new_database()
    url = pg_cluster.url(name)
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        con.execute("CREATE TABLE invoices (number INTEGER)")
    with pytest.raises(StoreError, match="is a PostgreSQL database but not a plan store"):
        PlanStore(url)


def test_a_text_with_a_nul_character_is_kept_alike_on_both_backends(store_db):
    with PlanStore(store_db) as store:
        stored = store.create(m.Plan(name="Fleet\x00deal"), author="a\x00b")
        assert store.load(stored.plan.id).plan.name == "Fleet\x00deal"  # the plan as given
        assert store.list_plans()[0].name == "Fleet\ufffddeal"
        assert store.history(stored.plan.id)[0].author == "a\ufffdb"


# --- the password is never shown -------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://ana:hunter2@db.example:5433/plans",
        "postgres://ana:hunter2@[::1]/plans?sslmode=require",
        "postgresql://ana:hunter2%40x@db.example/plans",  # an escaped @
        "postgresql://ana:hunter2/x@db.example/plans",  # a / that should have been escaped
        "postgresql:///plans?host=/run/postgresql&user=ana&password=hunter2",
        "postgresql://ana:hunter2@[::1/plans",  # not even a valid address
    ],
)
def test_addresses_are_named_without_their_password(url):
    from workbook.store.address import describe, redact

    for shown in (redact(url), describe(url), repr(StoreError(redact(url)))):
        assert "hunter2" not in shown
    assert "***" in redact(url)


def test_the_password_role_works_and_is_never_shown(secret_db, caplog):
    caplog.set_level(logging.DEBUG)
    with PlanStore(secret_db, user="ana") as store:
        store.create(m.Plan(name="Secret deal"))
        assert SECRET_PASSWORD not in repr(store)
        assert SECRET_PASSWORD not in store.location
        assert "***" in repr(store)
    assert SECRET_PASSWORD not in caplog.text


def test_the_password_can_stay_out_of_the_address(pg_cluster, monkeypatch):
    name = pg_cluster.new_database(owner=SECRET_ROLE)
    url = pg_cluster.url(name, user=SECRET_ROLE)
    monkeypatch.setenv("PGPASSWORD", SECRET_PASSWORD)  # or ~/.pgpass: libpq reads both
    with PlanStore(url) as store:
        assert store.ensure_example() == "example-northwind"
    monkeypatch.delenv("PGPASSWORD")
    with pytest.raises(StoreError, match="password"):
        PlanStore(url)


def test_a_wrong_password_names_the_database_but_not_the_password(pg_cluster, caplog):
    caplog.set_level(logging.DEBUG)
    name = pg_cluster.new_database(owner=SECRET_ROLE)
    wrong = "Not-the-" + SECRET_PASSWORD
    url = pg_cluster.url(name, user=SECRET_ROLE, password=wrong)
    with pytest.raises(StoreError) as info:
        PlanStore(url)
    message = str(info.value)
    assert wrong not in message and SECRET_PASSWORD not in message
    assert name in message and str(pg_cluster.port) in message
    assert "password authentication failed" in message
    assert wrong not in caplog.text
    line = _one_clean_line(_cli("list", "--db", url))
    assert wrong not in line and name in line


def test_an_unreachable_database_fails_at_start_in_one_line(pg_cluster, free_port):
    url = f"postgresql://ana:{SECRET_PASSWORD}@127.0.0.1:{free_port}/plans"
    for command in (["list"], ["serve", "--port", str(free_port), "--no-browser"]):
        line = _one_clean_line(_cli(*command, "--db", url))
        assert f"database plans on 127.0.0.1 port {free_port}" in line
        assert SECRET_PASSWORD not in line
    line = _one_clean_line(_cli("list", env={DB_ENV: url}))
    assert "cannot reach the plan store" in line and SECRET_PASSWORD not in line


def test_a_url_of_another_kind_is_refused_without_its_password(capsys):
    with pytest.raises(SystemExit) as info:
        main(["list", "--db", "mysql://ana:hunter2@db.example/plans"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "is a URL" in err and "hunter2" not in err


# --- the driver is optional -------------------------------------------------------------


def test_the_store_runs_without_the_driver_and_says_how_to_add_it(tmp_path: Path):
    blocked = (
        "import sys; sys.modules['psycopg'] = None; sys.modules['psycopg_pool'] = None\n"
        "from workbook.store import PlanStore\n"
        f"PlanStore({str(tmp_path / 'plans.sqlite')!r}).ensure_example()\n"
        "assert 'psycopg' not in [m for m in sys.modules if sys.modules[m] is not None]\n"
        "from workbook.cli import main\n"
        "sys.exit(main(['list', '--db', 'postgresql://ana:hunter2@127.0.0.1:1/plans']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", blocked], capture_output=True, text=True, cwd=REPO, check=False
    )
    line = _one_clean_line(done)
    assert "pip install 'negotiation-workbook[postgres]'" in line
    assert "hunter2" not in line


# --- the pool ---------------------------------------------------------------------------


def test_connections_the_server_dropped_are_replaced_at_once(pg_cluster):
    name = pg_cluster.new_database()

    def drop_every_connection() -> None:
        pg_cluster.sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{name}' AND pid != pg_backend_pid()"
        )

    with PlanStore(pg_cluster.url(name)) as store:
        plan_id = store.create(m.Plan(name="Kept")).plan.id
        drop_every_connection()
        assert [p.id for p in store.list_plans()] == [plan_id]  # a read
        drop_every_connection()
        other = store.create(m.Plan(name="Also kept")).plan.id  # a write
        assert {p.id for p in store.list_plans()} == {plan_id, other}
