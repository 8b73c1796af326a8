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
