"""Options and state shared by the commands, declared once so every command agrees on name, type and help."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    # Imported where used: `factcheck --help` and `--version` load neither pydantic nor settings.
    from ..settings import Settings

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class State:
    """Options shared by every command."""

    def __init__(self, config: Path | None, quiet: bool) -> None:
        self.config = config
        self.quiet = quiet

    def settings(self, paths: Sequence[str | Path] = (), **overrides: Any) -> Settings:
        """Settings from --config, else from the config file nearest the first of `paths`."""
        from ..settings import load_settings

        return load_settings(self.config, paths=paths, **overrides)


# Review-file options, declared once so every command taking them agrees on name, type and help.
reviews_option = click.option(
    "--reviews",
    "reviews_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Reviews file. [default: setting reviews, reports/reviews.json]",
)
report_option = click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("reports/report.json"),
    show_default=True,
    help="The report to review.",
)


# Input options of the commands that read documents; each turns on the setting of its name
# (pass `True if flag else None` as the override, so that an absent flag leaves the config's value).
follow_symlinks_option = click.option(
    "--follow-symlinks",
    is_flag=True,
    help="Read symlinks that lead out of a folder given in PATHS. [default: setting "
    "follow_symlinks, off: they are named in a warning and left out]",
)
keep_going_option = click.option(
    "--keep-going",
    is_flag=True,
    help="Skip, with a warning, a document or folder that cannot be read instead of stopping "
    "with exit code 2: the run goes on, writes its reports without them, lists them there, "
    "and still exits 2. [default: setting keep_going, off]",
)


CONFIG_HELP = "Config file (factcheck.toml or pyproject.toml); default: the nearest one."
QUIET_HELP = "No progress bars or summary, only errors."


def _state(ctx: click.Context) -> State | None:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, State) else None


def _set_config(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
    state = _state(ctx)
    if value is not None and state is not None:
        state.config = value


def _set_quiet(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    state = _state(ctx)
    if value and state is not None:
        state.quiet = True


def global_options() -> list[click.Parameter]:
    """`--config` and `-q` for a subcommand, so that they work after it as well as before it
    (`factcheck report seeds -q`, as ruff takes them); given there, they set the group's State.
    Eager, so the config is known before any other option's callback reads settings."""
    return [
        click.Option(
            ["--config"],
            type=click.Path(dir_okay=False, path_type=Path),
            expose_value=False,
            is_eager=True,
            callback=_set_config,
            help=CONFIG_HELP,
        ),
        click.Option(
            ["-q", "--quiet"],
            is_flag=True,
            expose_value=False,
            is_eager=True,
            callback=_set_quiet,
            help=QUIET_HELP,
        ),
    ]


def _codes(
    _ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]
) -> list[str] | None:
    # Repeatable and comma-separated, as ruff's --select E,W --select F.
    codes = [c.strip() for v in value for c in v.split(",") if c.strip()]
    return codes or None


# Rule selection on the command line: each replaces the config's list of its name.
select_option = click.option(
    "--select",
    multiple=True,
    callback=_codes,
    metavar="CODES",
    help="Rules to run: codes, prefixes or names, comma-separated or repeated (DC,UN001). "
    "[default: setting select, all rules]",
)
ignore_option = click.option(
    "--ignore",
    multiple=True,
    callback=_codes,
    metavar="CODES",
    help="Rules to skip: codes, prefixes or names, comma-separated or repeated. "
    "[default: setting ignore]",
)


def settings_of(ctx: click.Context, **overrides: Any) -> Settings:
    # The group's State (above) knows the --config file; used directly the command loads its own.
    obj = ctx.find_root().obj
    if obj is not None and hasattr(obj, "settings"):
        settings: Settings = obj.settings(**overrides)
        return settings
    from ..settings import load_settings

    return load_settings(None, **overrides)


def quiet_of(ctx: click.Context) -> bool:
    return bool(getattr(ctx.find_root().obj, "quiet", False))
