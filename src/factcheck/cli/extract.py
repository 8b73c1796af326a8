"""`factcheck extract`: print the claims extracted from some files."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import Errors, ExitCode
from .options import CONTEXT, State, follow_symlinks_option, keep_going_option


@click.command(context_settings=CONTEXT)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["json", "table"]), default="table", show_default=True
)
@follow_symlinks_option
@keep_going_option
@click.pass_obj
def extract(
    state: State,
    files: tuple[Path, ...],
    fmt: str,
    follow_symlinks: bool,
    keep_going: bool,
) -> None:
    """Print the claims extracted from FILES (JSON validates against schemas/claims.schema.json)."""
    from ..extract.show import claims_table
    from ..ingest import load_corpus
    from ..io import model_json
    from ..models import ClaimSet
    from ..pipeline import corpus_claims

    settings = state.settings(
        files,
        follow_symlinks=True if follow_symlinks else None,
        keep_going=True if keep_going else None,
    )
    corpus = load_corpus(files, settings=settings)
    documents = corpus.documents
    # The same extraction as the report: per document, corpus-level entity linking, and the
    # dates of undated documents anchored on their fact groups.
    claims = corpus_claims(documents, settings=settings)
    if fmt == "json":
        click.echo(
            model_json(ClaimSet(documents=[d.record() for d in documents], claims=claims)), nl=False
        )
    else:
        claims_table(claims)
    # As `factcheck report`: --keep-going goes on past unreadable files but still exits 2.
    unread = [s for s in corpus.skipped if s.code != Errors.E011.code]
    if unread:
        click.echo(
            f"factcheck: {len(unread)} file(s) or folder(s) could not be read and were skipped "
            "(--keep-going); exit code 2",
            err=True,
        )
        sys.exit(int(ExitCode.USAGE))
