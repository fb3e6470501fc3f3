"""The ``negotiation-workbook`` command: serve the app, list, export and import plans.

negotiation-workbook serve [--port N] [--ip ADDRESS] [--read-only] [--db PATH|URL] [--no-browser]
                           [--max-kernels N] [--pool-size N] [--password-file FILE]
                           [--members FILE] [--allow-host NAME] [--no-sign-in-on-network]
negotiation-workbook serve --hub [--db URL] [--max-kernels N] [--pool-size N]
negotiation-workbook list [--db PATH|URL] [--read-only] [--user NAME]
negotiation-workbook export PLAN [-o FILE] [--format json|html|md|xlsx] [--db PATH|URL]
                            [--read-only] [--user NAME]
negotiation-workbook import FILE [--db PATH|URL]
negotiation-workbook password
"""

from __future__ import annotations

import argparse
import ipaddress
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from workbook.brief import EXPORT_FORMATS, ExportFormatError, export_brief, export_format
from workbook.errors import WorkbookError


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port {port} is outside 1..65535")
    return port


def _address(text: str) -> str:
    """An IP address to listen on ("localhost" too); host names are refused."""
    if text == "localhost":
        return text
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an IP address (such as 127.0.0.1, or 0.0.0.0 for every network)"
        ) from None


def _count(low: int) -> Any:
    def parse(text: str) -> int:
        try:
            number = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if number < low:
            raise argparse.ArgumentTypeError(f"{number} is less than {low}")
        return number

    return parse


def _db(text: str) -> Path | str:
    from workbook.errors import StoreError
    from workbook.store import store_location

    try:
        return store_location(text)
    except StoreError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with one sub-command per action."""
    parser = argparse.ArgumentParser(
        prog="negotiation-workbook",
        description="Prepare strategic negotiations: a workbook app and its plan store.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add_db(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--db",
            type=_db,
            default=None,
            metavar="PATH|URL",
            help="the plan store: an SQLite file, or a postgresql://user@host/database "
            "address (default: $NEGOTIATION_WORKBOOK_DB, else a file in your user data folder)",
        )

    serve = sub.add_parser("serve", help="run the workbook app in Voilà")
    serve.add_argument("--port", type=_port, default=None, help="port to listen on (8866)")
    serve.add_argument(
        "--read-only", action="store_true", help="show everything, let nothing be edited"
    )
    serve.add_argument("--no-browser", action="store_true", help="do not open a browser window")
    serve.add_argument(
        "--ip",
        type=_address,
        default="127.0.0.1",
        metavar="ADDRESS",
        help="address to listen on (127.0.0.1: this machine only, no sign-in). For a "
        "workshop where participants join from their laptops, this machine's address on "
        "the room's network (or 0.0.0.0); visitors then sign in with the token printed in "
        "the log, or with the password",
    )
    serve.add_argument(
        "--password-file",
        type=Path,
        default=None,
        metavar="FILE",
        help="file holding the sign-in password's hash, made by `negotiation-workbook "
        "password` (default: $NEGOTIATION_WORKBOOK_PASSWORD_HASH); without one, a "
        "token is printed in the log",
    )
    serve.add_argument(
        "--members",
        type=Path,
        default=None,
        metavar="FILE",
        help="people who sign in under their own name: one NAME:HASH a line, each hash made "
        "by `negotiation-workbook password`. Each sees only the plans they own or that "
        "were shared with them; the token or --password-file signs in the host, who sees all",
    )
    serve.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a further name this server answers to (such as its name on the room's "
        "network); requests for any other name are refused. Repeat for several",
    )
    serve.add_argument(
        "--no-sign-in-on-network",
        action="store_true",
        help="serve on a network address WITHOUT sign-in: anyone who reaches it can open, "
        "change and export every plan",
    )
    serve.add_argument(
        "--hub",
        action="store_true",
        help="run as a JupyterHub user's server: the hub signs people in, each under "
        "their hub name, and its spawner sets the address and prefix (no --port, --ip, "
        "--password-file, --members); the store is $NEGOTIATION_WORKBOOK_DB or --db",
    )
    serve.add_argument(
        "--max-kernels",
        type=_count(1),
        default=None,
        metavar="N",
        help="pages open at once; further visitors are asked to retry shortly "
        "(default: 48, room for a workshop of 30)",
    )
    serve.add_argument(
        "--pool-size",
        type=_count(0),
        default=1,
        metavar="N",
        help="kernels started ahead of the next visitors, so pages open faster (1)",
    )
    add_db(serve)

    def add_read_only(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--read-only",
            action="store_true",
            help="open the store read-only (a store file you may not write to)",
        )
        p.add_argument(
            "--user",
            default=None,
            metavar="NAME",
            help="see only the plans this user (the name they sign in with) is a member of; "
            "without it, every plan, as the local user who owns them",
        )

    listing = sub.add_parser("list", help="list the plans in the store")
    add_db(listing)
    add_read_only(listing)

    export = sub.add_parser("export", help="write a plan to a file or to standard output")
    export.add_argument("plan", metavar="PLAN", help="plan id or name")
    export.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        help="file to write; its extension (.json, .html, .md, .xlsx) sets the format "
        "(default: the plan as JSON on standard output)",
    )
    export.add_argument(
        "--format",
        choices=EXPORT_FORMATS,
        default=None,
        help="json (the plan, for import), html (the brief, offline, with charts, prints "
        "as one page plus details), md (the brief as Markdown), xlsx (the brief's summary "
        "and every table); needed only when the file's extension does not say",
    )
    add_db(export)
    add_read_only(export)

    imp = sub.add_parser("import", help="add a plan from a JSON file")
    imp.add_argument("file", metavar="FILE", type=Path, help="plan file (JSON)")
    add_db(imp)

    sub.add_parser(
        "password",
        help="ask for a sign-in password and print its hash, for serve's --password-file "
        "or $NEGOTIATION_WORKBOOK_PASSWORD_HASH",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "no_sign_in_on_network", False) and args.password_file is not None:
        parser.error("--no-sign-in-on-network and --password-file contradict each other")
    if getattr(args, "no_sign_in_on_network", False) and args.members is not None:
        parser.error("--no-sign-in-on-network and --members contradict each other")
    if getattr(args, "hub", False):
        given = [
            flag
            for flag, value in (
                ("--port", args.port),
                ("--ip", args.ip if args.ip != "127.0.0.1" else None),
                ("--password-file", args.password_file),
                ("--members", args.members),
                ("--allow-host", args.allow_host or None),
                ("--no-sign-in-on-network", args.no_sign_in_on_network or None),
            )
            if value is not None
        ]
        if given:
            parser.error(f"--hub takes its address and sign-in from the hub, not {given[0]}")
    try:
        return _run(args)
    except KeyboardInterrupt:  # a second Ctrl-C, or one while the server was starting
        print("negotiation-workbook: stopped.", file=sys.stderr)
        return 130
    except WorkbookError as exc:
        print(f"negotiation-workbook: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"negotiation-workbook: {exc.strerror or exc}: {exc.filename or ''}", file=sys.stderr)
        return 1


def _password() -> int:
    import getpass

    from workbook.access import hash_password

    first = getpass.getpass("Sign-in password: ")
    if getpass.getpass("The same again: ") != first:
        print("negotiation-workbook: the two passwords differ", file=sys.stderr)
        return 1
    print(hash_password(first))
    return 0


def _check_store(db: Path | str, *, read_only: bool) -> None:
    """Refuse a ``--db`` that is no plan store, or cannot be reached, in one line before
    the server and what it needs are loaded (seconds); :func:`workbook.serve.serve`
    checks it again for those who call it directly."""
    from workbook.store import PlanStore

    with PlanStore(db, read_only=read_only) as store:
        store.check()


def _run(args: argparse.Namespace) -> int:
    if args.command == "password":
        return _password()
    from workbook.store import PlanStore, default_db_path, read_plan_file

    db = args.db or default_db_path()
    if args.command == "serve" and args.hub:
        import os

        try:
            from workbook.hub import hub_settings
        except ModuleNotFoundError as exc:
            if not (exc.name or "").startswith("jupyterhub"):
                raise
            raise WorkbookError(
                "--hub needs JupyterHub installed beside the workbook: "
                "pip install 'negotiation-workbook[hub]'"
            ) from None
        hub = hub_settings(os.environ)
        _check_store(db, read_only=args.read_only)
        from workbook.serve import serve

        serve(
            port=hub.port,
            db=db,
            read_only=args.read_only,
            open_browser=False,
            ip=hub.ip,
            pool_size=args.pool_size,
            hub=True,
            base_url=hub.base_url,
            **({} if args.max_kernels is None else {"max_kernels": args.max_kernels}),
        )
        print("negotiation-workbook: the server has stopped.", file=sys.stderr)
        return 0
    if args.command == "serve":
        from workbook.access import read_members, read_password_hash

        _check_store(db, read_only=args.read_only)
        from workbook.serve import serve

        serve(
            port=8866 if args.port is None else args.port,
            db=db,
            read_only=args.read_only,
            open_browser=not args.no_browser,
            ip=args.ip,
            pool_size=args.pool_size,
            password_hash=read_password_hash(args.password_file),
            members=read_members(args.members) if args.members else None,
            members_file=args.members,
            sign_in=False if args.no_sign_in_on_network else None,
            allow_hosts=args.allow_host,
            **({} if args.max_kernels is None else {"max_kernels": args.max_kernels}),
        )
        print("negotiation-workbook: the server has stopped.", file=sys.stderr)
        return 0
    if args.command == "import":
        text = read_plan_file(args.file)
        with PlanStore(db) as store:
            store.check()
            stored = store.import_json(text, author="import")
        print(f"imported {stored.plan.name!r} as plan {stored.plan.id}")
        return 0
    if args.command == "export":  # the arguments are checked before the store is opened
        try:
            fmt = export_format(args.output, args.format)
        except ExportFormatError as exc:
            print(f"negotiation-workbook: {exc}", file=sys.stderr)
            return 2
        if fmt == "xlsx" and args.output is None:
            print("negotiation-workbook: the xlsx format needs -o FILE", file=sys.stderr)
            return 2
    with PlanStore(db, read_only=args.read_only, user=args.user) as store:
        store.check()
        if args.command == "list":
            plans = store.list_plans()
            if not plans:
                print("no plans yet")
            for s in plans:
                print(f"{s.id}\t{s.updated_at[:16].replace('T', ' ')}\trev {s.revision}\t{s.name}")
            return 0
        if args.command == "export":
            plan = store.load(store.resolve(args.plan)).plan
            data = export_brief(plan, fmt, store.load_strategic_plan(plan.company).objectives)
            if args.output is None:
                sys.stdout.buffer.write(data)
                sys.stdout.flush()
            else:
                args.output.write_bytes(data)
                print(f"wrote {args.output}")
            return 0
    raise AssertionError(args.command)  # argparse only lets known commands through


if __name__ == "__main__":
    sys.exit(main())
