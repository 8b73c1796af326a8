"""DC004: sources name different people as holder of the same role at the same time."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from itertools import combinations

from ..models import Claim, Entity, Finding, SlotComparison
from .base import ConfigKey, Rule, RuleContext, join_names, list_of_str
from .slots import country_name, is_country, meeting_mode, normalise_title, resolved_intervals

# Words before a title that mean the person does not hold it now.
_NOT_NOW = re.compile(
    r"\b(former|ex|then|late|previous|predecessor|outgoing|incoming|designate|nominee|"
    r"would-be|future|new|acting|interim)\b[\s-]*$",
    re.IGNORECASE,
)

Holding = tuple[Claim, Entity]


class PersonInRole(Rule):
    """Sources name different people as holder of the same role at the same time.

    What it does:
        Works over the whole corpus, not only matched groups: collects every (role title,
        organisation) -> holder from the roles the extractor attached to people ("Foreign
        Minister Toshimitsu Motegi" -> foreign minister of Japan). When two independent sources
        give different holders (by canonical id, so name variants agree) and their time evidence
        overlaps or is unknown, the sources disagree. Time evidence is a claim's resolved dates,
        else its document's publication date, widened by `window_days`. Titles several people
        hold at once (`shared_titles`) and holders marked "former", "then-", "incoming" etc. are
        left out. The message also notes where the claims involved (and their neighbours in the
        same document) place the event, when the sides differ (a virtual meeting vs a city).

    Why it matters:
        Naming the wrong office holder usually means a story was written from an old template or
        confuses two different events; either way readers are misled.

    Example:
        doc a: "...talks with Foreign Minister Toshimitsu Motegi in Tokyo."
        doc b: "...met virtually with Japanese Foreign Minister Yoshimasa Hayashi."
        -> DC004: Sources disagree on who was foreign minister of Japan: a says Toshimitsu
           Motegi; b says Yoshimasa Hayashi.
    """

    code = "DC004"
    name = "discrepancy.person-in-role"
    kind = "discrepancy"
    default_severity = "error"
    config_keys = (
        ConfigKey("window_days", 30, "Days either side of a claim's date that still overlap.",
                  (int,), lambda v: v >= 0, "a non-negative integer"),
        ConfigKey("context_claims", 2,
                  "Neighbouring claims of the same document read for the setting.", (int,),
                  lambda v: v >= 0, "a non-negative integer"),
        ConfigKey(
            "shared_titles",
            ["member", "official", "senator", "representative", "lawmaker", "legislator",
             "ambassador", "spokesperson", "spokesman", "spokeswoman", "adviser", "advisor",
             "aide", "officer", "deputy", "assistant", "envoy", "delegate", "diplomat",
             "staff", "analyst", "expert", "correspondent", "reporter", "professor",
             "researcher", "director general", "vice minister", "minister of state", "judge",
             "justice", "mp", "councillor", "councilor", "general", "colonel", "governor"],
            "Title words that several people hold at once; such roles are not checked.",
            (list,), list_of_str, "a list of strings",
        ),
    )

    def _shared(self, title: str) -> bool:
        words = f" {title} "
        return any(f" {w} " in words for w in self.options["shared_titles"])

    def _not_current(self, ctx: RuleContext, claim: Claim, entity: Entity, title: str) -> bool:
        if _NOT_NOW.search(title + " "):
            return True
        doc = ctx.doc_by_id.get(claim.document)
        if doc is not None and entity.start is not None:
            before = doc.text[max(0, entity.start - 60):entity.start]
        else:
            i = claim.sentence.find(entity.mention)
            before = claim.sentence[max(0, i - 60):max(i, 0)]
        # Look just before the title when it precedes the name, else just before the name.
        j = before.lower().rfind(title)
        window = before[:j] if j >= 0 else before
        return bool(_NOT_NOW.search(window[-20:]))

    def _time(self, ctx: RuleContext, claim: Claim) -> tuple[dt.date, dt.date] | None:
        spans = resolved_intervals(claim)
        if spans:
            return min(b for b, _, _ in spans), max(f for _, f, _ in spans)
        published = ctx.published(claim.document)
        return (published, published) if published else None

    def _overlap(self, ctx: RuleContext, a: Claim, b: Claim) -> bool:
        ta, tb = self._time(ctx, a), self._time(ctx, b)
        if ta is None or tb is None:
            return True  # unknown time evidence cannot rule the conflict out
        pad = dt.timedelta(days=int(self.options["window_days"]))
        return ta[0] - pad <= tb[1] and tb[0] - pad <= ta[1]

    def holdings(self, ctx: RuleContext) -> dict[tuple[str, str], dict[str, list[Holding]]]:
        out: dict[tuple[str, str], dict[str, list[Holding]]] = {}
        for claim in sorted(ctx.claims, key=lambda c: c.id):
            for e in claim.who:
                if e.kind != "person" or e.role is None or not e.role.org:
                    continue
                title = normalise_title(e.role.title)
                if not title or self._shared(title) or self._not_current(ctx, claim, e, title):
                    continue
                out.setdefault((title, e.role.org), {}).setdefault(e.id, []).append((claim, e))
        return out

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        names = _entity_names(ctx)
        for (title, org), by_person in sorted(self.holdings(ctx).items()):
            if len(by_person) < 2:
                continue
            clashing: set[str] = set()
            for pa, pb in combinations(sorted(by_person), 2):
                if any(
                    ctx.source_of(ca.document) != ctx.source_of(cb.document)
                    and self._overlap(ctx, ca, cb)
                    for ca, _ in by_person[pa] for cb, _ in by_person[pb]
                ):
                    clashing.update((pa, pb))
            if not clashing:
                continue
            yield self._finding(ctx, title, names.get(org, org), by_person, sorted(clashing))

    def _finding(
        self, ctx: RuleContext, title: str, org_name: str,
        by_person: dict[str, list[Holding]], people: list[str],
    ) -> Finding:
        # One claim per person and document: enough evidence, and a stable fingerprint.
        chosen: list[Holding] = []
        for pid in people:
            seen: set[str] = set()
            for claim, entity in by_person[pid]:
                if claim.document not in seen:
                    seen.add(claim.document)
                    chosen.append((claim, entity))
        sides = []
        for pid in sorted(people, key=lambda p: (min(c.document for c, _ in by_person[p]), p)):
            docs = sorted({c.document for c, _ in by_person[pid]})
            name = by_person[pid][0][1].name
            sides.append(f"{join_names(docs)} {'says' if len(docs) == 1 else 'say'} {name}")
        message = f"Sources disagree on who was {title} of {org_name}: {'; '.join(sides)}."
        setting, where_slot = self._setting(ctx, chosen, people)
        if setting:
            message += f" They also differ on the setting: {setting}."
        role_slot = SlotComparison(
            slot="role", verdict="conflict",
            values={c.id: f"{e.name}: {title} of {org_name}" for c, e in chosen},
            note=f"{len(people)} different holders of {title} of {org_name}",
        )
        when_values = {}
        for c, _ in chosen:
            t = self._time(ctx, c)
            when_values[c.id] = (
                "unknown" if t is None else t[0].isoformat() if t[0] == t[1]
                else f"{t[0].isoformat()}/{t[1].isoformat()}"
            )
        when_slot = SlotComparison(
            slot="when", verdict="unknown" if "unknown" in when_values.values() else "compatible",
            values=dict(sorted(when_values.items())),
            note="time evidence overlaps or is unknown",
        )
        slots = [role_slot, when_slot] + ([where_slot] if where_slot else [])
        return self.finding([c for c, _ in chosen], message, slots=slots)

    def _context(self, ctx: RuleContext, claim: Claim) -> list[Claim]:
        """The claim, same-document claims matched with it, and its neighbours in the document."""
        out = {claim.id: claim}
        for group in ctx.groups_of.get(claim.id, []):
            for cid in group.claims:
                other = ctx.by_id[cid]
                if other.document == claim.document:
                    out.setdefault(cid, other)
        doc_claims = ctx.by_document.get(claim.document, [])
        k = int(self.options["context_claims"])
        idx = next((i for i, c in enumerate(doc_claims) if c.id == claim.id), None)
        if idx is not None and k:
            for c in doc_claims[max(0, idx - k):idx + k + 1]:
                out.setdefault(c.id, c)
        return [out[i] for i in sorted(out)]

    def _setting(
        self, ctx: RuleContext, chosen: list[Holding], people: list[str]
    ) -> tuple[str, SlotComparison | None]:
        per_doc: dict[str, tuple[str | None, list[str]]] = {}
        side_of: dict[str, str] = {}
        values: dict[str, str] = {}
        for claim, entity in chosen:
            side_of[claim.document] = entity.id
            context = self._context(ctx, claim)
            mode = next((m for c in context if (m := meeting_mode(c))), None)
            specific: list[str] = []
            countries: list[str] = []
            for c in context:
                for e in c.where:
                    if e.kind not in ("gpe", "loc", "facility"):
                        continue
                    target = countries if is_country(e) else specific
                    if e.name not in target:
                        target.append(e.name)
            places = specific or countries
            per_doc[claim.document] = (mode, places)
            shown = ([mode] if mode else []) + places
            if shown:
                values[claim.id] = ", ".join(shown)
        described: dict[str, str] = {}
        for doc, (mode, places) in sorted(per_doc.items()):
            if mode == "virtual":
                described[doc] = "describes it as virtual"
            elif places:
                described[doc] = f"places it in {join_names(places)}"
            elif mode:
                described[doc] = f"describes it as {mode}"
        by_side: dict[str, set[str]] = {}
        for doc, text in described.items():
            by_side.setdefault(side_of[doc], set()).add(text)
        if len(by_side) < 2 or len({frozenset(v) for v in by_side.values()}) < 2:
            return "", None
        if all(not (a & b) for a, b in combinations(by_side.values(), 2)):
            text = "; ".join(f"{doc} {d}" for doc, d in sorted(described.items()))
            slot = SlotComparison(
                slot="where", verdict="conflict", values=dict(sorted(values.items())),
                note="setting read from the claims and their neighbours",
            )
            return text, slot
        return "", None


def _entity_names(ctx: RuleContext) -> dict[str, str]:
    """Display names of canonical ids: from the corpus's entities, else the country table."""
    names: dict[str, str] = {}
    orgs: set[str] = set()
    for claim in sorted(ctx.claims, key=lambda c: c.id):
        for e in [*claim.who, *claim.where]:
            names.setdefault(e.id, e.name)
            if e.role is not None and e.role.org:
                orgs.add(e.role.org)
    for org in sorted(orgs - set(names)):
        names[org] = country_name(org) or org
    return names
