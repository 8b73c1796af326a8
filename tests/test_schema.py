"""The committed JSON Schemas match the models, and `factcheck schema --check` says so."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from factcheck.cli import main
from factcheck.schema import SCHEMAS, schema_for, stale_schemas, write_schemas
from tests.conftest import SCHEMAS as SCHEMA_DIR


def test_committed_schemas_are_fresh() -> None:
    assert stale_schemas(SCHEMA_DIR) == [], "run `factcheck schema --write`"


def test_schema_check_command_passes_on_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["schema", "--check", "--dir", str(SCHEMA_DIR)]) == 0


def test_schema_check_fails_when_stale(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_schemas(tmp_path)
    assert main(["schema", "--check", "--dir", str(tmp_path)]) == 0
    target = tmp_path / "report.schema.json"
    data = json.loads(target.read_text())
    data["title"] = "edited by hand"
    target.write_text(json.dumps(data))
    assert main(["schema", "--check", "--dir", str(tmp_path)]) == 1
    assert "report.schema.json" in capsys.readouterr().err


def test_schema_check_fails_when_missing(tmp_path: Path) -> None:
    assert main(["schema", "--check", "--dir", str(tmp_path)]) == 1


def test_schema_write_is_idempotent(tmp_path: Path) -> None:
    assert len(write_schemas(tmp_path)) == len(SCHEMAS)
    assert write_schemas(tmp_path) == []


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_schema_is_a_valid_json_schema(name: str) -> None:
    schema = schema_for(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"].endswith("2020-12/schema")


SIDECARS = [
    ({"title": "Talks in Tokyo", "published": "2021-03-16", "url": "https://example.org/a"}, True),
    ({"source": "Wire", "author": "A. Writer", "language": "en"}, True),
    ({"titel": "misspelt key"}, False),
    ({"published": "2021-02-30"}, False),
    ({"url": "not a url", "title": ""}, False),
]


@pytest.mark.parametrize(("meta", "valid"), SIDECARS)
def test_sidecar_metadata_schema_agrees_with_ingest(
    tmp_path: Path, meta: dict[str, object], valid: bool
) -> None:
    """meta.schema.json describes sidecars: what validates is read; these invalid ones are refused by both.

    (Ingest is a little more lenient than the schema: key aliases such as `date`, and dates
    written out like "March 16, 2021", are read too.)
    """
    from factcheck.errors import InputError
    from factcheck.ingest import read_document
    from factcheck.settings import Settings

    checker = jsonschema.Draft202012Validator(
        schema_for("meta"), format_checker=jsonschema.FormatChecker()
    )
    assert checker.is_valid(meta) == valid
    doc = tmp_path / "story.txt"
    doc.write_text("Ministers met in Tokyo on Tuesday to discuss the alliance.\n", encoding="utf-8")
    (tmp_path / "story.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    if valid:
        record = read_document(doc, settings=Settings())
        assert record.title == meta.get("title")
    else:
        with pytest.raises(InputError, match=r"story\.meta\.json"):
            read_document(doc, settings=Settings())
