"""AG001: claims from two or more independent sources agree."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from ..match.sets import merge
from ..models import Claim, ClaimGroup, Finding
from ..review.fingerprint import normalise_text
from .base import (
    ConfigKey,
    Rule,
    RuleContext,
    at_least_one,
    in_unit_interval,
    join_names,
    min_probability,
    min_similarity,
    shorten,
)
from .identity import text_identity
from .slots import PairComparison, same_predicate, summarise_slots


class Agreement(Rule):
    """Independent sources agree on a claim.

    What it does:
        Within each matched group, links two claims when they state the same fact: they come
        from different independent sources (syndicated copies count once), have the same
        modality class (a hedged or planned claim does not confirm one stated as fact, by the
        writer or attributed to a source),
        no slot conflicts or updates (who, when, where, figures, polarity), and the claim-pair
        verifier's most probable relation for them is "agree", with a probability of at least
        `min_probability`, and their similarity is at least `min_verified_similarity` (the
        verifier reads two claims about one event that share its names as agreeing; two
        statements of one fact are also close in meaning). A pair in a group only through
        others, which the verifier did not judge, links nothing. Where the verifier is off,
        the pair needs instead a
        similarity of at least `min_similarity` where the matcher recorded one, compatible
        predicates (the same lemma or a synonym, else a similarity of at least
        `paraphrase_similarity`) and, when both name actors, a shared actor (else again
        `paraphrase_similarity`). A loose topical
        group therefore makes no agreement. Linked pairs form sets, most probable first, in
        which each claim states the fact of at least `min_link_share` of the set's claims from
        other sources (a chain of claims that each restate only a neighbour is no one fact).
        Each linked set is an agreement when it spans
        at least `min_sources` independent sources (one group can hold several such facts);
        the message says how many.

    Why it matters:
        Corroboration is what makes a claim trustworthy; the report shows which facts stand on
        several independent legs.

    Example:
        doc a: "The alliance has been the cornerstone of peace for over six decades."
        doc b: "For over 60 years our alliance has been a cornerstone of peace."
        -> AG001: 2 independent sources agree that ... (quantity: agree).
    """

    code = "AG001"
    name = "agreement.same-fact"
    kind = "agreement"
    default_severity = "info"
    config_keys = (
        ConfigKey(
            "min_sources",
            2,
            "Independent sources needed for an agreement.",
            (int,),
            lambda v: v >= 2,
            "an integer of at least 2",
        ),
        min_similarity(0.7, "Pair similarity two claims need to agree."),
        min_probability(
            0.5, "Verifier probability of 'agree' two claims need, where the verifier judged them."
        ),
        ConfigKey(
            "min_verified_similarity",
            0.6,
            "Pair similarity two claims need to agree where the verifier judged them (the "
            "cosine below which its training data calls two sentences of one event different "
            "facts).",
            (float, int),
            in_unit_interval,
            "a number between 0 and 1",
        ),
        ConfigKey(
            "paraphrase_similarity",
            0.75,
            "Pair similarity at which different predicates or actors may still state one fact.",
            (float, int),
            in_unit_interval,
            "a number between 0 and 1",
        ),
        ConfigKey(
            "min_link_share",
            0.5,
            "Share of the other sources' claims of an agreement that each of its claims must "
            "state the same fact as (a chain of loosely linked claims is no agreement).",
            (float, int),
            in_unit_interval,
            "a number between 0 and 1",
        ),
        ConfigKey(
            "max_evidence",
            10,
            "Most claims listed as evidence of one agreement.",
            (int,),
            at_least_one,
            "a positive integer",
        ),
    )

    per_group = True

    def check_group(self, ctx: RuleContext, group: ClaimGroup) -> Iterable[Finding]:
        comp = ctx.comparison(group)
        linking = [p for p in comp.pairs if self.same_fact(p, verified=ctx.verified)]
        components = linked_sets(
            comp.claims,
            linking,
            source_of=lambda c: ctx.source_of(c.document),
            min_share=float(self.options["min_link_share"]),
        )
        # Every linked set that spans enough sources is an agreement of its own: one group
        # can hold two facts that several sources state. They are taken widest first, ties
        # by what the claims say, never by file names.
        ranked = sorted(
            components,
            key=lambda m: (
                -len({ctx.source_of(c.document) for c in m}),
                -len(m),
                sorted(normalise_text(c.text) for c in m),
            ),
        )
        for best in ranked:
            best_sources = len({ctx.source_of(c.document) for c in best})
            if best_sources < int(self.options["min_sources"]):
                break
            yield self._agreement(ctx, group.id, best, linking, best_sources)

    def _agreement(
        self,
        ctx: RuleContext,
        group: str,
        best: list[Claim],
        linking: list[PairComparison],
        best_sources: int,
    ) -> Finding:
        members = self._evidence(ctx, best)
        ids = {c.id for c in members}
        pairs = [p for p in linking if p.a.id in ids and p.b.id in ids]
        sources = sorted({ctx.source_of(c.document) for c in best})
        # The most concise statement leads the message (never chosen by file name).
        lead = min(best, key=lambda c: (len(c.text), normalise_text(c.text), c.document, c.id))
        return self.finding(
            members,
            f"{best_sources} independent sources agree that “{shorten(lead.text, 120)}” "
            f"({join_names(sources)}).",
            group=group,
            slots=summarise_slots(members, pairs),
            identity=text_identity(members),
        )

    def same_fact(self, p: PairComparison, *, verified: bool = False) -> bool:
        """Whether a pair states one fact: no conflicts, similar enough, compatible slots.

        `verified`: the verifier judged the corpus, so a pair it did not judge (two claims
        that are in one group only through others) states one fact only if it did say so.
        """
        if p.neutralised or p.conflicts() or p.verdict("quantity") == "update":
            return False
        agree = p.p("agree")
        sim = p.similarity
        if agree is not None:
            # The verifier read both texts whole: it outranks the lexical heuristics below. It
            # learned "agree" from claims against several sentences of a story, and reads two
            # claims about one event that share its names as agreeing; two statements of one
            # fact are also close in meaning, which is how its training data told them apart.
            return (
                p.relation == "agree"
                and agree >= float(self.options["min_probability"])
                and (sim is None or sim >= float(self.options["min_verified_similarity"]))
            )
        if verified:
            return False
        if sim is not None and sim < float(self.options["min_similarity"]):
            return False
        paraphrase = sim is not None and sim >= float(self.options["paraphrase_similarity"])
        if not (
            same_predicate(p.a, p.b)
            or paraphrase
            or (sim is None and not (p.a.what.lemma and p.b.what.lemma))
        ):
            return False
        who_a, who_b = {e.id for e in p.a.who}, {e.id for e in p.b.who}
        return not (who_a and who_b and not who_a & who_b and not paraphrase)

    def _evidence(self, ctx: RuleContext, claims: list[Claim]) -> list[Claim]:
        # One claim per source first, so a long group still shows every source.
        limit = int(self.options["max_evidence"])
        by_source: dict[str, Claim] = {}
        for c in sorted(claims, key=lambda c: c.id):
            by_source.setdefault(ctx.source_of(c.document), c)
        chosen = list(by_source.values())
        rest = [c for c in sorted(claims, key=lambda c: c.id) if c not in chosen]
        return sorted((chosen + rest)[: max(limit, len(chosen))], key=lambda c: c.id)


def linked_sets(
    claims: Sequence[Claim],
    linking: Sequence[PairComparison],
    *,
    source_of: Callable[[Claim], str],
    min_share: float,
) -> list[list[Claim]]:
    """The sets of claims that state one fact, from the pairs that do (`linking`).

    Pairs are taken most probable first (then by ids), in passes until none merges; two sets
    join only if afterwards each claim states the fact of at least `min_share` of the set's
    claims from other sources, so a chain a~b~c~d of claims that each restate a neighbour, but
    not the others, stays apart.
    """
    # Items are indices in id order, so the lower index names a merged set as the lower id would.
    ordered = sorted(claims, key=lambda c: c.id)
    index = {c.id: n for n, c in enumerate(ordered)}
    sources = [source_of(c) for c in ordered]
    linked: list[set[int]] = [set() for _ in ordered]
    for p in linking:
        linked[index[p.a.id]].add(index[p.b.id])
        linked[index[p.b.id]].add(index[p.a.id])
    of = list(range(len(ordered)))
    members: dict[int, list[int]] = {n: [n] for n in range(len(ordered))}

    def fits(group: list[int]) -> bool:
        inside = set(group)
        for m in group:
            others = sum(1 for o in group if sources[o] != sources[m])
            if len(linked[m] & inside) < min_share * others:
                return False
        return True

    def strength(p: PairComparison) -> tuple[float, str, str]:
        return (-(p.p("agree") or 0.0), *sorted((p.a.id, p.b.id)))  # type: ignore[return-value]

    # Passes until nothing merges: a link refused while one side was still a lone claim may
    # fit once that side has joined its own restatements.
    merged = True
    while merged:
        merged = False
        for p in sorted(linking, key=strength):
            ga, gb = of[index[p.a.id]], of[index[p.b.id]]
            if ga == gb or not fits(members[ga] + members[gb]):
                continue
            merge(of, members, ga, gb)
            merged = True
    return [[ordered[m] for m in group] for group in members.values()]
