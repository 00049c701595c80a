"""The `tthc` group: every command is registered by the module `COMMANDS` names, and running one imports only
that module (start-up is paid on every `tthc reanalyze --change`)."""

from __future__ import annotations

import importlib
import subprocess
import sys

import typer
from typer.main import get_command
from typer.testing import CliRunner

from catalogue.cli import COMMANDS, app


def test_each_command_comes_from_the_module_named_for_it() -> None:
    for module in dict.fromkeys(COMMANDS.values()):
        one = typer.Typer()
        one.callback()(lambda: None)
        importlib.import_module(module).register(one)
        names = set(get_command(one).commands)  # type: ignore[attr-defined]
        assert names == {name for name, owner in COMMANDS.items() if owner == module}, module
    assert list(get_command(app).commands) == list(COMMANDS)  # type: ignore[attr-defined]


def test_a_command_imports_only_its_own_module() -> None:
    script = (
        "import sys\n"
        "sys.argv = ['tthc', 'cache', 'info', '--help']\n"
        "from catalogue.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('networkx', 'matplotlib', 'catalogue.commands.analyze') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert "Usage: tthc cache info" in " ".join(done.stdout.split())
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_messages_quote_what_was_typed_as_text() -> None:
    """A code typed with square brackets is quoted in the message, not read as terminal markup (which crashed)."""
    for args in (["analyze", "[/]"], ["show", "[/]"], ["graph", "[/]"], ["analyze", "1.001193", "--method", "[bold]x"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code in (1, 2) and isinstance(result.exception, SystemExit), (args, result.exception)
        assert args[-1] in result.output
