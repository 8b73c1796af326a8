"""`factcheck extract`: print the claims extracted from some files."""

from __future__ import annotations

from pathlib import Path

import click

from .options import CONTEXT, State


@click.command(context_settings=CONTEXT)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["json", "table"]), default="table", show_default=True
)
@click.pass_obj
def extract(state: State, files: tuple[Path, ...], fmt: str) -> None:
    """Print the claims extracted from FILES (JSON validates against schemas/claims.schema.json)."""
    from ..extract import Extractor, link_entities
    from ..extract.show import claims_table
    from ..ingest import load_documents
    from ..io import model_json
    from ..models import ClaimSet

    settings = state.settings()
    documents = load_documents(files, settings=settings)
    extractor = Extractor(settings=settings)
    # The same extraction as the report: per document, then corpus-level entity linking.
    claims = link_entities([c for batch in extractor.extract_many(documents) for c in batch])
    if fmt == "json":
        click.echo(
            model_json(ClaimSet(documents=[d.record() for d in documents], claims=claims)), nl=False
        )
    else:
        claims_table(claims)
