"""What a finding is about, as the input of its fingerprint: slot, subject and each claim's value."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..models import Claim
from ..review.fingerprint import normalise_text

__all__ = ["Identity", "majority", "text_identity"]


@dataclass(frozen=True)
class Identity:
    """The disputed (or agreed, or lone) fact of a finding, never who says it.

    `slot` is the slot in dispute (None for agreements and unsupported claims), `subject` the
    thing it is about (a role and its organisation, an event's predicate, a claim text), and
    `value_of` each claim's value of that slot. The fingerprint hashes the rule code, slot,
    subject and the set of values of the claims kept as evidence.

    Where the subject is read off the claims (one claim's text, the claims' usual predicate),
    `subject_of` gives each claim's own reading. Which one is picked can change when a document
    joins (its text sorts first, its predicate tips the majority); every reading of a claim
    kept as evidence is an alias of the finding, under which a review made earlier still
    applies (see `review.store.match_reviews`).

    A rule supplies one to `Rule.finding(..., identity=...)`:

    >>> Identity(slot="role", subject="foreign minister of gpe:JP",
    ...          value_of={"a:1": "person:motegi", "b:4": "person:hayashi"}).values()
    ['person:hayashi', 'person:motegi']
    """

    slot: str | None
    subject: str
    value_of: Mapping[str, str]
    subject_of: Mapping[str, str] = field(default_factory=dict)

    def values(self, claims: Iterable[str] | None = None) -> list[str]:
        """The distinct normalised values (of `claims` only, when given), sorted."""
        keep = None if claims is None else set(claims)
        return sorted(
            {normalise_text(v) for c, v in self.value_of.items() if keep is None or c in keep}
        )


def majority(values: Iterable[str]) -> str:
    """The most frequent non-empty normalised value, ties to the smallest ('' when none).

    Used for subjects read off several claims (their predicate): a document that joins with
    the usual wording leaves the subject as it was.
    """
    counts = Counter(normalise_text(v) for v in values if v.strip())
    if not counts:
        return ""
    return min(counts, key=lambda v: (-counts[v], v))


def text_identity(claims: Sequence[Claim]) -> Identity:
    """Identity of a finding about a statement itself (an agreement, a lone claim).

    The subject is the first of the claims' normalised texts in sorted order, so copies and
    restatements that join later keep the fingerprint unless they sort first; then every
    claim's text is an alias under which the review made before still applies.
    """
    texts = {c.id: normalise_text(c.text) for c in claims}
    return Identity(slot=None, subject=min(texts.values()), value_of={}, subject_of=texts)
