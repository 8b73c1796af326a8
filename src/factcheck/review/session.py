"""Interactive review: walk unreviewed findings in the terminal and save a verdict after every answer."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.markup import escape as escape_markup
from rich.table import Table
from rich.text import Text

from ..gate.annotations import backslash_controls
from ..models import (
    KIND_ORDER,
    DocumentRecord,
    Evidence,
    Finding,
    Report,
    Review,
    ReviewsFile,
    Verdict,
)
from ..report.readable import readable, source_names
from .fingerprint import normalise_text
from .store import (
    Outcome,
    ReviewIndex,
    load_reviews,
    migrate_reviews,
    new_documents,
    record_verdict,
    update_reviews,
)

__all__ = ["ReviewSession", "SessionStats", "review_queue"]

Ask = Callable[[str], str]

PROMPT = "[c]onfirm [d]ismiss [n]ote [s]kip [b]ack [q]uit > "
HELP = (
    "c  confirm: the sources really disagree (the gate stops failing on it)\n"
    "d  dismiss: not a real problem (the gate never fails on it)\n"
    "n  write a note, then confirm or dismiss\n"
    "s  skip for now    b  back to the previous finding    q  quit (everything answered is saved)"
)
# Context shown around a claim when its line is long (one-paragraph-per-line files).
CONTEXT_CHARS = 240


def review_queue(
    report: Report, reviews: ReviewsFile, *, include_agreements: bool = False
) -> list[Finding]:
    """Unreviewed findings, discrepancies first, then unsupported (then agreements when asked);
    after them the reviewed findings that gained evidence since their review, to look at again."""
    index = ReviewIndex.of(reviews, report.findings)
    wanted = [f for f in report.findings if include_agreements or f.kind != "agreement"]
    todo = [f for f in wanted if index.review_of(f) is None]
    gained = [f for f in wanted if new_documents(index.review_of(f), f)]

    # Stable sort: within a kind, the report's own order (rule, then place in the corpus).
    def by_kind(f: Finding) -> int:
        return -KIND_ORDER[f.kind]

    return sorted(todo, key=by_kind) + sorted(gained, key=by_kind)


@dataclass
class SessionStats:
    """What one session did; a finding answered twice (after [b]ack) counts once, as its last answer."""

    total: int = 0
    quit: bool = False
    answers: dict[str, Verdict] = field(default_factory=dict)
    skipped_keys: set[str] = field(default_factory=set)
    by_others: set[str] = field(default_factory=set)

    @property
    def confirmed(self) -> int:
        return sum(1 for v in self.answers.values() if v == "confirmed")

    @property
    def dismissed(self) -> int:
        return sum(1 for v in self.answers.values() if v == "dismissed")

    @property
    def skipped(self) -> int:
        return len(self.skipped_keys - set(self.answers) - self.by_others)

    @property
    def answered(self) -> list[str]:
        return list(self.answers)


def _verdict_of(review: Review) -> tuple[str, str, str, object]:
    """What a person decided in a review (not under which fingerprint it is stored)."""
    return (review.verdict, review.note, review.reviewer, review.time)


def shown(text: str) -> str:
    """`text` (a file name, a source's name, another reviewer's name or note) as the terminal
    should show it: CR, LF and the other control characters as `\\r`, `\\n`, `\\x1b`..., so that
    ESC in a name cannot colour, hide or rewrite what the reviewer sees."""
    return backslash_controls(text.replace("\r", "\\r").replace("\n", "\\n"))


def escape(text: str) -> str:
    """`text` for rich markup: its control characters shown (see `shown`), its markup escaped."""
    return escape_markup(shown(text))


class ReviewSession:
    """The review loop over one report; reads answers through `ask` (default: input())."""

    def __init__(
        self,
        report: Report,
        *,
        reviews_path: Path,
        reviewer: str,
        console: Console | None = None,
        ask: Ask = input,
        include_agreements: bool = False,
        base: Path | None = None,
    ) -> None:
        self.report = report
        self.reviews_path = reviews_path
        self.reviewer = reviewer
        self.console = console or Console(highlight=False)
        self.ask = ask
        self.base = base or Path.cwd()
        self.reviews = load_reviews(reviews_path)
        self._at_start = ReviewIndex.of(self.reviews, report.findings).matched
        self.queue = review_queue(report, self.reviews, include_agreements=include_agreements)
        self.documents = {d.id: d for d in report.documents}
        # Sources by the name a reader knows them (outlet, title, file), as the report shows them.
        self.names = {d: shown(n) for d, n in source_names(report.documents).items()}
        self._texts: dict[str, str | None] = {}

    # ----------------------------------------------------------------- loop

    def run(self) -> SessionStats:
        stats = SessionStats(total=len(self.queue))
        if not self.queue:
            self.console.print("Nothing to review: every finding has a verdict.")
            return stats
        i = 0
        # [b]ack steps over findings that others reviewed meanwhile (they are skipped), so
        # `step` is the direction of travel and `resume` where to stay when nothing lies back.
        step, resume = 1, 0
        while 0 <= i < len(self.queue):
            finding = self.queue[i]
            if self._reviewed_meanwhile(finding, stats):
                i += step
                if i < 0:
                    self.console.print("Already at the first finding.")
                    i, step = resume, 1
                continue
            step = 1
            self.show(finding, i)
            key = self._read(PROMPT)
            if key is None or key == "q":
                stats.quit = True
                break
            if key in ("c", "d"):
                self._answer(finding, "confirmed" if key == "c" else "dismissed", "", stats)
                i += 1
            elif key == "n":
                note = self._read("note: ")
                if note is None:
                    stats.quit = True
                    break
                verdict = self._ask_verdict()
                if verdict is None:
                    stats.quit = True
                    break
                self._answer(finding, verdict, note, stats)
                i += 1
            elif key == "s":
                stats.skipped_keys.add(finding.fingerprint)
                i += 1
            elif key == "b":
                if i == 0:
                    self.console.print("Already at the first finding.")
                else:
                    i, step, resume = i - 1, -1, i
            else:
                self.console.print(HELP)
        index = ReviewIndex.of(self.reviews, self.report.findings)
        left = sum(1 for f in self.queue if index.review_of(f) is None)
        others = f", {len(stats.by_others)} reviewed by others meanwhile" if stats.by_others else ""
        self.console.print(
            f"{self.reviews_path}: {stats.confirmed} confirmed, {stats.dismissed} dismissed, "
            f"{stats.skipped} skipped{others}, {left} of {len(self.queue)} left unreviewed.",
            soft_wrap=True,
        )
        return stats

    def _reviewed_meanwhile(self, finding: Finding, stats: SessionStats) -> bool:
        """Whether someone else saved a verdict on `finding` since the session started (skip it)."""
        if finding.fingerprint in stats.answers:
            return False
        self.reviews = load_reviews(self.reviews_path)
        current = ReviewIndex.of(self.reviews, self.report.findings).review_of(finding)
        start = self._at_start.get(finding.fingerprint)
        # A review moved to the finding's fingerprint since (a migration) is still the same one.
        if (
            current is None
            or current.reviewer == self.reviewer
            or (start is not None and _verdict_of(current) == _verdict_of(start))
        ):
            return False
        if finding.fingerprint not in stats.by_others:  # said once, not again on [b]ack
            self.console.print(
                f"{finding.fingerprint}: {current.verdict} by {escape(current.reviewer)} "
                "meanwhile; skipped."
            )
        stats.by_others.add(finding.fingerprint)
        return True

    def _read(self, prompt: str) -> str | None:
        """One line of input, lower-cased and stripped for keys; None at end of input."""
        try:
            line = self.ask(prompt)
        except EOFError:
            return None
        return line.strip() if prompt == "note: " else line.strip().lower()[:1]

    def _ask_verdict(self) -> Verdict | None:
        while True:
            key = self._read("[c]onfirm or [d]ismiss with this note > ")
            if key is None:
                return None
            if key in ("c", "d"):
                return "confirmed" if key == "c" else "dismissed"

    def _answer(self, finding: Finding, verdict: Verdict, note: str, stats: SessionStats) -> None:
        for force in (False, True):
            self.reviews, outcome, before = self._save(finding, verdict, note, force=force)
            if outcome != "refused" or before is None:
                break
            said = f": {before.note}" if before.note else ""
            self.console.print(
                f"{escape(before.reviewer)} marked this {before.verdict} "
                f"on {before.time:%Y-%m-%d}{escape(said)}."
            )
            key = self._read(f"Replace {shown(before.reviewer)}'s verdict with {verdict}? [y/N] > ")
            if key != "y":
                self.console.print(f"kept {before.verdict} by {escape(before.reviewer)}")
                return
        stats.answers[finding.fingerprint] = verdict
        self.console.print(f"{verdict} {finding.fingerprint}")

    def _save(
        self, finding: Finding, verdict: Verdict, note: str, *, force: bool
    ) -> tuple[ReviewsFile, Outcome, Review | None]:
        # Saved at once under the lock, merged with what others saved meanwhile, so quitting or
        # a crash later loses no answer and no one else's.
        def change(
            current: ReviewsFile,
        ) -> tuple[ReviewsFile, tuple[ReviewsFile, Outcome, Review | None]]:
            migrated, _ = migrate_reviews(current, self.report.findings)
            result = record_verdict(
                migrated,
                finding.fingerprint,
                verdict,
                note=note,
                reviewer=self.reviewer,
                finding=finding,
                force=force,
            )
            return result[0], result

        return update_reviews(self.reviews_path, change)

    # ----------------------------------------------------------------- display

    def show(self, finding: Finding, i: int) -> None:
        c = self.console
        c.rule(f"[{i + 1}/{len(self.queue)}] {finding.kind}")
        c.print(
            f"[bold]{escape(finding.rule)}[/bold] {escape(finding.name)} "
            f"({finding.severity})  fingerprint [cyan]{finding.fingerprint}[/cyan]"
        )
        c.print(Text(backslash_controls(readable(finding.message, self.names)), style="bold"))
        current = ReviewIndex.of(self.reviews, self.report.findings).review_of(finding)
        if current is not None:
            c.print(
                f"current verdict: {current.verdict} by {escape(current.reviewer)}: {escape(current.note)}"
            )
            gained = new_documents(current, finding)
            if gained:
                added = ", ".join(self.names.get(d, d) for d in gained)
                c.print(f"new evidence since the review: {escape(added)}")
        c.print()
        for ev in finding.evidence:
            self._show_evidence(finding, ev)
        if finding.slots:
            c.print(self._slot_table(finding))

    def _document_text(self, doc: DocumentRecord | None) -> str | None:
        if doc is None:
            return None
        if doc.id not in self._texts:
            path = Path(doc.path)
            text: str | None = None
            for candidate in (path, self.base / path):
                try:
                    text = candidate.read_text(encoding="utf-8", errors="replace")
                    break
                except OSError:
                    continue
            self._texts[doc.id] = text
        return self._texts[doc.id]

    def _show_evidence(self, finding: Finding, ev: Evidence) -> None:
        doc = self.documents.get(ev.document)
        where = f"{shown(doc.path if doc else ev.document)}:{ev.line}"
        # The source's name (outlet or title) where it says more than the file name does.
        name = self.names.get(ev.document, ev.document)
        parts = [Text(where, style="bold blue")]
        if doc is None or name != shown(Path(doc.path).name):
            parts.append(Text(f"({name})", style="dim"))
        self.console.print(*parts)
        values = [
            (v, s.verdict in ("conflict", "update"))
            for s in finding.slots
            for k, v in s.values.items()
            if k == ev.claim and v.strip()
        ]
        text = self._document_text(doc)
        found = text is not None and normalise_text(text[ev.start : ev.end]) == normalise_text(
            ev.text
        )
        if text is not None and found:
            line_start = text.rfind("\n", 0, ev.start) + 1
            line_end = text.find("\n", ev.end)
            line_end = len(text) if line_end < 0 else line_end
            lo = max(line_start, ev.start - CONTEXT_CHARS)
            hi = min(line_end, ev.end + CONTEXT_CHARS)
            body = self._marked(text[lo:hi], ev.start - lo, ev.end - lo, values)
            prefix = Text("… " if lo > line_start else "")
            suffix = Text(" …" if hi < line_end else "")
            self.console.print(Text("  ") + prefix + body + suffix)
        else:
            note = "" if text is None else " (the file changed since the report)"
            body = self._marked(ev.text, 0, len(ev.text), values)
            self.console.print(Text("  ") + body + Text(note, style="dim"))
        self.console.print()

    def _marked(self, text: str, start: int, end: int, values: Sequence[tuple[str, bool]]) -> Text:
        """`text` with [start:end] (the claim's sentence) and the slot values inside it marked.

        `values` are (value, conflicting) pairs; conflicting values stand out in red. Without
        colour (a pipe, NO_COLOR) the marks are brackets: »sentence« and [[value]].
        """
        plain = self.console.no_color or not self.console.is_terminal
        spans: list[tuple[int, int, bool]] = []
        for value, conflict in sorted(set(values), key=lambda v: (-len(v[0]), v)):
            for m in re.finditer(re.escape(value), text[start:end], flags=re.IGNORECASE):
                a, b = start + m.start(), start + m.end()
                if all(b <= x or a >= y for x, y, _ in spans):
                    spans.append((a, b, conflict))
        spans.sort()
        out = Text()
        out.append(text[:start], style="dim")
        if plain:
            out.append("»")
        pos = start
        for a, b, conflict in spans:
            out.append(text[pos:a], style="bold")
            mark = ("[[", "]]") if plain else ("", "")
            style = "bold reverse red" if conflict else "bold underline yellow"
            out.append(mark[0] + text[a:b] + mark[1], style=style)
            pos = b
        out.append(text[pos:end], style="bold")
        if plain:
            out.append("«")
        out.append(text[end:], style="dim")
        return out

    def _slot_table(self, finding: Finding) -> Table:
        claims = [ev.claim for ev in finding.evidence]
        table = Table(title="Slot by slot", show_lines=False)
        table.add_column("slot")
        table.add_column("verdict")
        for ev in finding.evidence:
            table.add_column(f"{self.names.get(ev.document, ev.document)}:{ev.line}")
        table.add_column("note")
        colour = {"conflict": "red", "agree": "green", "update": "yellow", "compatible": "cyan"}
        for s in finding.slots:
            style = colour.get(s.verdict, "")
            table.add_row(
                s.slot,
                Text(s.verdict, style=style),
                *(readable(s.values.get(c, "")) for c in claims),
                readable(s.note or "", self.names),
            )
        return table
