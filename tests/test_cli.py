"""The command line imports a command's module only when that command runs."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

import pytest

from generator.cli import build_parser
from generator.commands import COMMANDS
from tests.conftest import ROOT

HEAVY = ("mkdocs", "material", "nh3", "markdown", "sklearn")

PROBE = """
import json, sys
from generator.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def _modules_after(*argv: str) -> set[str]:
    """The modules a fresh interpreter has imported once the command line is parsed."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


def test_help_lists_every_command_without_importing_any_command_module() -> None:
    modules = _modules_after("--help")
    assert _heavy(modules) == []
    assert [m for m in modules if m.startswith("generator.commands.")] == []


@pytest.mark.parametrize("argv", [("stage", "--help"), ("build", "--help")])
def test_a_cheap_command_does_not_import_the_engine_or_the_sanitizer(argv: tuple[str, ...]) -> None:
    modules = _modules_after(*argv)
    assert _heavy(modules) == [], argv
    assert "generator.commands.stage" in modules


def test_the_help_lists_every_command_of_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--help"])
    out = " ".join(capsys.readouterr().out.split())
    for command in COMMANDS:
        assert f"{command.name} {' '.join(command.help.split())}" in out


def _registered(module_name: str) -> dict[str, str]:
    """name -> help of the parsers a command module registers."""
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    next(c for c in COMMANDS if c.module == module_name).load().register(sub)
    return {action.dest: action.help or "" for action in sub._choices_actions}


def test_the_table_says_what_each_module_registers() -> None:
    """The help kept in the table (so --help needs no import) is the help the module gives."""
    for module_name in {c.module for c in COMMANDS}:
        table = {c.name: c.help for c in COMMANDS if c.module == module_name}
        assert _registered(module_name) == table, module_name


def test_the_chosen_command_gets_its_full_parser() -> None:
    args = build_parser("validate").parse_args(["validate", "--papers", "x"])
    assert args.command == "validate" and str(args.papers) == "x" and callable(args.run)


def test_a_build_whose_staging_breaks_says_why_and_stops(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """Staging runs in a forked child that leaves with os._exit: an error there must still be
    reported, and the engine must not run on a half-written folder."""
    from generator.commands import stage as commands

    def broken(*args: object, **kwargs: object) -> int:
        raise RuntimeError("the stager broke")

    def engine(*args: object, **kwargs: object) -> None:
        raise AssertionError("the engine ran after staging failed")

    monkeypatch.setattr(commands, "_stage", broken)
    monkeypatch.setattr("generator.engine.run.build", engine)
    args = argparse.Namespace(config_file=ROOT / "mkdocs.yml", site_dir=None, engine="mkdocs")
    assert commands.run_build(args) == 3
    assert "RuntimeError: the stager broke" in capfd.readouterr().err
