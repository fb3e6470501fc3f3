"""The command line: list, export, import, and clear refusals of bad arguments."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from workbook.cli import main
from workbook.store import PlanStore


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "plans.sqlite"
    with PlanStore(path) as store:
        store.ensure_example()
    return path


def test_list_export_import(db, tmp_path, capsys):
    assert main(["list", "--db", str(db)]) == 0
    assert "example-northwind" in capsys.readouterr().out
    out = tmp_path / "plan.json"
    assert (
        main(["export", "example-northwind", "--format", "json", "-o", str(out), "--db", str(db)])
        == 0
    )
    assert json.loads(out.read_text())["name"].startswith("Northwind")
    assert main(["import", str(out), "--db", str(db)]) == 0
    assert "imported" in capsys.readouterr().out
    with PlanStore(db) as store:
        assert len(store.list_plans()) == 2


def test_export_by_name_to_stdout(db, capsys):
    name = "Northwind Logistics: fleet telematics renewal 2027-2029"
    assert main(["export", name, "--db", str(db)]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == "example-northwind"


def test_bad_import_names_the_field_and_exits_1(db, tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"name": "x", "deal_value": -1}')
    assert main(["import", str(bad), "--db", str(db)]) == 1
    assert "deal_value: must be at least 0" in capsys.readouterr().err
    assert main(["import", str(tmp_path / "missing.json"), "--db", str(db)]) == 1
    assert "No such file" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["serve", "--port", "0"], "port 0 is outside 1..65535"),
        (["serve", "--port", "http"], "'http' is not a port number"),
        (["serve", "--max-kernels", "0"], "0 is less than 1"),
        (["serve", "--max-kernels", "many"], "'many' is not a whole number"),
        (["serve", "--pool-size", "-1"], "-1 is less than 0"),
        (["serve", "--ip", "example.org"], "'example.org' is not an IP address"),
        (["serve", "--ip", "10.0.0.300"], "'10.0.0.300' is not an IP address"),
        (["export", "x", "--format", "pdf"], "invalid choice: 'pdf'"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
    ],
)
def test_bad_arguments_are_refused_with_a_message(args, message, capsys):
    with pytest.raises(SystemExit) as info:
        main(args)
    assert info.value.code == 2
    assert message in capsys.readouterr().err


def test_serve_options_reach_the_server(db, monkeypatch, capsys):
    import workbook.serve

    calls: list[dict[str, object]] = []
    monkeypatch.setattr(workbook.serve, "serve", lambda **kw: calls.append(kw))
    args = ["serve", "--db", str(db), "--no-browser", "--port", "9999"]
    assert main([*args, "--max-kernels", "5", "--pool-size", "3"]) == 0
    assert main(args) == 0
    assert calls[0]["max_kernels"] == 5 and calls[0]["pool_size"] == 3
    assert calls[1]["ip"] == "127.0.0.1"  # this machine only, unless asked
    assert main([*args, "--ip", "0.0.0.0"]) == 0
    assert calls[2]["ip"] == "0.0.0.0"
    assert "max_kernels" not in calls[1] and calls[1]["pool_size"] == 1  # serve's own default
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert f"(default: {workbook.serve.MAX_KERNELS}," in help_text


def test_db_that_is_a_folder_is_refused(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["list", "--db", str(tmp_path)])
    assert "is a folder" in capsys.readouterr().err


def test_unknown_plan_exits_1(db, capsys):
    assert main(["export", "nope", "--db", str(db)]) == 1
    assert "no plan with id or name 'nope'" in capsys.readouterr().err


def test_console_script_runs():
    result = subprocess.run(
        [sys.executable, "-m", "workbook.cli", "--help"], capture_output=True, text=True, check=True
    )
    assert "serve" in result.stdout and "export" in result.stdout
