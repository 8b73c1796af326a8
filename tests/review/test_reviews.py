"""The reviews file: canonical merge-friendly layout, validation, stale entries, and `review` scripting."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import jsonschema
import pytest

from factcheck.cli import main
from factcheck.errors import InputError
from factcheck.io import model_json, write_model
from factcheck.models import Review, ReviewsFile
from factcheck.review.store import (
    default_reviewer,
    dumps_reviews,
    load_reviews,
    prune_stale,
    save_reviews,
    set_verdict,
    stale_reviews,
)
from factcheck.schema import schema_for
from tests.gate.test_gate import commit_all, git, init_repo, two_doc_report

T0 = dt.datetime(2024, 5, 1, 12, 30, 45, tzinfo=dt.UTC)


def review(fp: str, verdict: str = "dismissed", note: str = "") -> Review:
    return Review(fingerprint=fp, verdict=verdict, note=note, reviewer="ann", time=T0)  # type: ignore[arg-type]


def test_layout_is_one_sorted_line_per_review_and_canonical_json() -> None:
    reviews = ReviewsFile(
        reviews=[review("ccc"), review("aaa", "confirmed", 'real, "quoted"\nnote')]
    )
    text = dumps_reviews(reviews)
    lines = text.splitlines()
    assert lines[0] == "{" and lines[1] == '  "reviews": [' and lines[-1] == "}"
    body = [line for line in lines[2:-3] if line.strip() != ","]
    assert [json.loads(line)["fingerprint"] for line in body] == ["aaa", "ccc"]
    assert json.loads(text) == json.loads(
        model_json(ReviewsFile(reviews=sorted(reviews.reviews, key=lambda r: r.fingerprint)))
    )
    assert '"time": "2024-05-01T12:30:45Z"' in text
    assert dumps_reviews(load_reviews_text(text)) == text


def load_reviews_text(text: str) -> ReviewsFile:
    return ReviewsFile.model_validate(json.loads(text))


def test_written_file_validates_against_the_reviews_schema(tmp_path: Path) -> None:
    path = tmp_path / "reports" / "reviews.json"
    save_reviews(path, ReviewsFile(reviews=[review("bbb", note="<<<<<<< quoted"), review("aaa")]))
    jsonschema.validate(json.loads(path.read_text()), schema_for("reviews"))
    assert load_reviews(path) == ReviewsFile(
        reviews=[review("aaa"), review("bbb", note="<<<<<<< quoted")]
    )
    assert [p.name for p in path.parent.iterdir()] == ["reviews.json"]  # no temporary left


def test_empty_file_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "reviews.json"
    save_reviews(path, ReviewsFile())
    assert load_reviews(path) == ReviewsFile()
    assert load_reviews(tmp_path / "missing.json") == ReviewsFile()
    with pytest.raises(InputError, match=r"missing\.json: path does not exist"):
        load_reviews(tmp_path / "missing.json", missing_ok=False)


@pytest.mark.parametrize(
    ("text", "code", "detail"),
    [
        ("{not json", "E040", "invalid JSON"),
        ('{"reviews": [{"fingerprint": "a"}], "version": "1"}', "E041", "reviews.0.verdict"),
        ('{"reviews": [], "version": "1", "extra": 1}', "E041", "extra"),
        ('{"reviews": [], "version": "9"}', "E041", "version '9'"),
        (
            '{"reviews": [{"fingerprint": "a", "verdict": "maybe", "time": "2024-01-01T00:00:00Z"}]}',
            "E041",
            "verdict",
        ),
        (
            '{"reviews": [{"fingerprint": "a", "verdict": "confirmed", "time": "2024-01-01T00:00:00Z"},'
            '{"fingerprint": "a", "verdict": "dismissed", "time": "2024-01-01T00:00:00Z"}]}',
            "E041",
            "reviewed twice",
        ),
        ("<<<<<<< HEAD\n{}\n=======\n{}\n>>>>>>> other\n", "E040", "merge conflict"),
        ('{"reviews": [], "version": "1"\n<<<<<<< HEAD\n}', "E040", "merge conflict"),
    ],
)
def test_bad_reviews_file_is_input_error_naming_it(
    tmp_path: Path, text: str, code: str, detail: str
) -> None:
    path = tmp_path / "reviews.json"
    path.write_text(text)
    with pytest.raises(InputError) as info:
        load_reviews(path)
    assert info.value.code == code
    assert str(info.value).startswith(f"{path}: ")
    assert detail in str(info.value)


def test_set_verdict_replaces_and_records_time_in_utc_seconds() -> None:
    reviews = ReviewsFile(reviews=[review("aaa", "confirmed")])
    when = dt.datetime(2024, 5, 1, 14, 0, 0, 999_999, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    out = set_verdict(reviews, "aaa", "dismissed", note="n", reviewer="bob", time=when)
    (only,) = out.reviews
    assert (only.verdict, only.note, only.reviewer) == ("dismissed", "n", "bob")
    assert only.time == dt.datetime(2024, 5, 1, 12, 0, 0, tzinfo=dt.UTC)
    assert reviews.reviews[0].verdict == "confirmed"  # the input is left alone


def test_stale_reviews_are_listed_and_pruned(tmp_path: Path) -> None:
    report, place, _ = two_doc_report(tmp_path)
    reviews = ReviewsFile(reviews=[review(place.fingerprint), review("0000gone")])
    assert [r.fingerprint for r in stale_reviews(reviews, report)] == ["0000gone"]
    kept, removed = prune_stale(reviews, report)
    assert [r.fingerprint for r in kept.reviews] == [place.fingerprint]
    assert [r.fingerprint for r in removed] == ["0000gone"]


def test_default_reviewer_prefers_git_user_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = init_repo(tmp_path / "repo")
    assert default_reviewer(cwd=repo) == "Gate Tester"
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / "none"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("USER", "shell-user")
    assert default_reviewer(cwd=tmp_path) == "shell-user"


# --------------------------------------------------------------------------- git merges


@pytest.mark.parametrize(
    ("base", "ours", "theirs"),
    [
        (["m0"], ["a1"], ["z9"]),  # before and after the only one: no line gains a comma
        (["c0", "m0"], ["a1"], ["z9"]),  # before the first / after the last
        (["c0", "m0", "x0"], ["z9"], ["d5"]),  # after the last / in the middle
        (["c0", "m0", "x0"], ["d1", "y1"], ["n5", "a0"]),  # several each, interleaved
    ],
)
def test_two_branches_adding_reviews_merge_cleanly(
    tmp_path: Path, base: list[str], ours: list[str], theirs: list[str]
) -> None:
    # Additions into the same gap between two existing reviews (or into an empty file) still
    # conflict, as any line-based merge would; additions anywhere else merge.
    repo = init_repo(tmp_path / "repo")
    path = repo / "reports" / "reviews.json"

    def add(names: list[str]) -> None:
        current = load_reviews(path)
        for fp in names:
            current = set_verdict(
                current, fp, "dismissed", note=f"note {fp}", reviewer="r", time=T0
            )
        save_reviews(path, current)

    add(base)
    commit_all(repo, "base")
    git(repo, "checkout", "-q", "-b", "theirs")
    add(theirs)
    commit_all(repo, "theirs")
    git(repo, "checkout", "-q", "main")
    add(ours)
    commit_all(repo, "ours")
    merged = subprocess.run(
        ["git", "merge", "--no-edit", "-q", "theirs"],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    assert merged.returncode == 0, merged.stdout + merged.stderr
    result = load_reviews(path)
    assert [r.fingerprint for r in result.reviews] == sorted([*base, *ours, *theirs])
    assert path.read_text() == dumps_reviews(result)  # the merge result is already canonical


# --------------------------------------------------------------------------- scripted review CLI


@pytest.fixture
def report_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[str]]:
    monkeypatch.chdir(tmp_path)
    report, place, lone = two_doc_report(Path("seeds"))
    write_model("reports/report.json", report)
    return Path("reports/report.json"), [place.fingerprint, lone.fingerprint]


def test_review_confirm_and_dismiss_by_fingerprint_and_prefix(
    report_file: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    _, (place, lone) = report_file
    assert main(["review", "--confirm", place, "--note", "checked", "--reviewer", "ann"]) == 0
    assert main(["review", "--dismiss", lone[:8]]) == 0
    assert capsys.readouterr().out.splitlines() == [f"confirmed {place}", f"dismissed {lone}"]
    reviews = {r.fingerprint: r for r in load_reviews("reports/reviews.json").reviews}
    assert (reviews[place].verdict, reviews[place].note, reviews[place].reviewer) == (
        "confirmed",
        "checked",
        "ann",
    )
    assert reviews[place].rule == "DC003" and reviews[place].message is not None
    assert reviews[lone].verdict == "dismissed"
    assert reviews[lone].time.tzinfo is not None and reviews[lone].time.microsecond == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["review", "--dismiss", "ffffffffffffffffffff"], "no finding has fingerprint"),
        (["review", "--dismiss", "abc"], "no finding has fingerprint"),
        (["review", "--note", "x"], "--note needs --confirm, --dismiss or --accept-all"),
        (["review", "--dismiss", "ffff", "--stale"], "cannot be combined"),
        (["review", "--report", "nope.json", "--stale"], "nope.json: path does not exist [E001]"),
    ],
)
def test_review_errors_exit_2_and_write_nothing(
    report_file: tuple[Path, list[str]],
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    assert main(args) == 2
    assert message in capsys.readouterr().err
    assert not Path("reports/reviews.json").exists()


def test_review_force_records_an_unknown_fingerprint(
    report_file: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["review", "--dismiss", "FFFF0000", "--force"]) == 0
    assert [r.fingerprint for r in load_reviews("reports/reviews.json").reviews] == ["ffff0000"]


def test_review_stale_and_prune(
    report_file: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    _, (place, _) = report_file
    save_reviews("reports/reviews.json", ReviewsFile(reviews=[review(place), review("0000gone")]))
    assert main(["review", "--stale"]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines() == ["0000gone dismissed"]
    assert "1 stale review(s)" in captured.err
    assert len(load_reviews("reports/reviews.json").reviews) == 2
    assert main(["review", "--prune"]) == 0
    assert capsys.readouterr().out.splitlines() == ["pruned 0000gone dismissed"]
    assert [r.fingerprint for r in load_reviews("reports/reviews.json").reviews] == [place]
