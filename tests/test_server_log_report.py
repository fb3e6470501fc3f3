"""A failed test that made a server write shows the tail of that server's log in its report."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

CONFTEST = Path(__file__).with_name("conftest.py")

INNER = """
SERVER = (
    "import http.server\\n"
    "print('NAME is listening', flush=True)\\n"
    "http.server.HTTPServer(('127.0.0.1', {port}), http.server.SimpleHTTPRequestHandler)"
    ".serve_forever()\\n"
)


def test_starts_a_quiet_server(start_server):
    start_server(code=SERVER.replace("NAME", "quiet-server"))


def test_fails_after_a_request(start_server):
    app = start_server(code=SERVER.replace("NAME", "loud-server"))
    app.request("/asked-for-by-the-failing-test")
    assert False, "the test fails"


def test_fails_while_no_server_writes(start_server):
    assert False, "the test fails"


def test_fails_after_many_requests(start_server):
    app = start_server(code=SERVER.replace("NAME", "busy-server"))
    for n in range(200):
        app.request(f"/request-{n}")
    assert False, "the test fails"
"""


def test_failed_test_shows_the_tail_of_the_logs_its_servers_wrote(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(CONFTEST.read_text("utf-8"))
    pytester.makeini("[pytest]\nmarkers =\n    served\n    browser\n")
    pytester.makepyfile(test_inner=INNER)
    run = pytester.inline_run("-p", "no:cacheprovider")
    reports = {
        r.nodeid.split("::")[-1]: r
        for r in run.getreports("pytest_runtest_logreport")
        if r.when == "call"
    }
    assert [n for n, r in reports.items() if r.failed] == [
        "test_fails_after_a_request",
        "test_fails_while_no_server_writes",
        "test_fails_after_many_requests",
    ]

    def logs(test: str) -> list[tuple[str, str]]:
        return [(t, text) for t, text in reports[test].sections if t.startswith("server log")]

    # the loud server's log, from its start to the request the test made, and only it
    ((title, text),) = logs("test_fails_after_a_request")
    assert "last 150 lines" in title
    assert "loud-server is listening" in text
    assert "GET /asked-for-by-the-failing-test" in text
    # no server wrote while this one ran: no log, though earlier tests started servers
    assert logs("test_fails_while_no_server_writes") == []
    assert logs("test_starts_a_quiet_server") == []  # it passed
    # a long log: its last 150 lines
    ((_, text),) = logs("test_fails_after_many_requests")
    lines = text.splitlines()
    assert len(lines) == 150
    assert "GET /request-199 " in lines[-1]
    assert "busy-server is listening" not in text
