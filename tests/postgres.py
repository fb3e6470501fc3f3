"""A throwaway PostgreSQL cluster: Debian's ``initdb`` and ``pg_ctl`` under a temporary
folder, on a free loopback port, its unix socket in that folder; removed when it stops.

Loopback connections are trusted, except for one role that must give its password
(:data:`SECRET_ROLE`), so that tests can check the password is never shown; a cluster
started with ``trust="postgres"`` trusts the superuser only. As root,
``initdb`` refuses to run: the binaries then run as the ``postgres`` system user.
Used by the tests' fixtures and by ``benchmarks/store_backends.py``.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

SECRET_ROLE = "keeper"
SECRET_PASSWORD = "Sw0rdf1sh-never-shown"
"""A role that signs in with a password (the rest of loopback is trusted)."""


def pg_bin() -> Path | None:
    """The folder of the newest installed PostgreSQL's server binaries, if any."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: (
            int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0
        ),
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A running PostgreSQL cluster; :meth:`new_database` gives each test its own database."""

    def __init__(self, bin_dir: Path, *, durable: bool = False, trust: str = "all"):
        self.bin = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="nw-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self._names = itertools.count(1)
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._as:
            os.chmod(self.folder, 0o755)
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-locale",
        )
        hba = self.data / "pg_hba.conf"
        hba.write_text(
            "local all all trust\n"
            f"host all {SECRET_ROLE} 127.0.0.1/32 scram-sha-256\n"
            f"host all {SECRET_ROLE} ::1/128 scram-sha-256\n"
            f"host all {trust} 127.0.0.1/32 trust\n"
            f"host all {trust} ::1/128 trust\n"
            "host all all 127.0.0.1/32 scram-sha-256\n"
            "host all all ::1/128 scram-sha-256\n"
        )
        settings = [
            f"-p {self.port}",
            f"-k {self.folder}",
            "-c listen_addresses=127.0.0.1",
            "-c max_connections=400",
        ]
        if not durable:  # the tests kill clients, never the server: no need to sync to disk
            settings += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "log"),
            "-w",
            "-o",
            " ".join(settings),
            "start",
        )
        self.sql(
            f"CREATE ROLE {SECRET_ROLE} LOGIN PASSWORD '{SECRET_PASSWORD}'",
        )

    def _run(self, tool: str, *args: str) -> None:
        done = subprocess.run(
            [*self._as, str(self.bin / tool), *args],
            capture_output=True,
            text=True,
            cwd=self.folder,
        )
        if done.returncode:
            log = self.folder / "log"
            raise RuntimeError(
                f"{tool} failed: {done.stderr or done.stdout}"
                + (log.read_text() if log.exists() else "")
            )

    def url(self, database: str = "postgres", *, user: str = "postgres", password: str = "") -> str:
        """The address of ``database`` on this cluster, over loopback TCP."""
        auth = f"{user}:{password}" if password else user
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str) -> None:
        """Run one statement as the superuser (outside a transaction)."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as con:
            con.execute(statement)

    def new_database(self, *, owner: str = "postgres") -> str:
        """A new, empty database; returns its name.

        It sorts text by a language's rules (ICU's en-US) where the server has ICU, as a
        production database usually does, so that the store cannot lean on code-point order.
        """
        import psycopg

        name = f"test_{os.getpid()}_{next(self._names)}"
        try:
            self.sql(
                f"CREATE DATABASE {name} OWNER {owner} TEMPLATE template0 "
                "LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C'"
            )
        except psycopg.Error:  # a server without ICU (or before PostgreSQL 15)
            self.sql(f"CREATE DATABASE {name} OWNER {owner}")
        return name

    def stop(self) -> None:
        """Stop the server and remove every file of the cluster."""
        with contextlib.suppress(RuntimeError):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


@contextlib.contextmanager
def cluster(*, durable: bool = False, trust: str = "all") -> Iterator[Cluster]:
    """A throwaway cluster for the block; RuntimeError when PostgreSQL is not installed.

    ``trust``: who signs in over loopback without a password ("all", or e.g. "postgres"
    so that every other role must give its own)."""
    bin_dir = pg_bin()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL's server binaries (initdb, pg_ctl) are not installed")
    running = Cluster(bin_dir, durable=durable, trust=trust)
    try:
        yield running
    finally:
        running.stop()
