"""DC004: sources name different people as holder of the same role at the same time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from itertools import combinations

from ..models import Claim, Entity, Finding, SlotComparison
from .base import ConfigKey, Rule, RuleContext, join_names, list_of_str
from .identity import Identity
from .places import Setting, level, meeting_setting, settings_differ
from .slots import country_name, normalise_title, resolved_intervals

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
        hold at once (`shared_titles`) and roles the extractor did not find current
        (`Role.tenure`: "former", "then-", "incoming", "acting" ...) are left out. Holders whose times are known and further apart than the window are no
        conflict: the role changed hands, reported as an update of severity info. The message
        also notes how each side describes the meeting's setting when
        the sides differ (a virtual meeting vs one in a city): the setting is a mode ("met
        virtually", "an online meeting") or a place attached to a meeting word ("talks ... in
        Tokyo"), read from the claims naming the holder, else their neighbours, else the
        document's lead; places that are topics ("measures in the Indo-Pacific") do not count.

    Why it matters:
        Naming the wrong office holder usually means a story was written from an old template or
        confuses two different events; either way readers are misled.

    Example:
        doc a: "...talks with Foreign Minister Toshimitsu Motegi in Tokyo."
        doc b: "...met virtually with Japanese Foreign Minister Yoshimasa Hayashi."
        -> DC004: Sources disagree on who was foreign minister of Japan: a says Toshimitsu
           Motegi; b says Yoshimasa Hayashi. They also differ on the setting: the sources
           describe a virtual meeting (b) and one in Tokyo (a). Their dates do not tell
           whether they report the same event: check which meeting each describes.
    """

    code = "DC004"
    name = "discrepancy.person-in-role"
    kind = "discrepancy"
    default_severity = "error"
    config_keys = (
        ConfigKey(
            "window_days",
            30,
            "Days either side of a claim's date that still overlap.",
            (int,),
            lambda v: v >= 0,
            "a non-negative integer",
        ),
        ConfigKey(
            "context_claims",
            2,
            "Neighbouring claims of the same document read for the setting.",
            (int,),
            lambda v: v >= 0,
            "a non-negative integer",
        ),
        ConfigKey(
            "shared_titles",
            [
                "member",
                "official",
                "senator",
                "representative",
                "lawmaker",
                "legislator",
                "ambassador",
                "spokesperson",
                "spokesman",
                "spokeswoman",
                "adviser",
                "advisor",
                "aide",
                "officer",
                "deputy",
                "assistant",
                "envoy",
                "delegate",
                "diplomat",
                "staff",
                "analyst",
                "expert",
                "correspondent",
                "reporter",
                "professor",
                "researcher",
                "director general",
                "vice minister",
                "minister of state",
                "judge",
                "justice",
                "mp",
                "councillor",
                "councilor",
                "general",
                "colonel",
                "governor",
            ],
            "Title words that several people hold at once; such roles are not checked.",
            (list,),
            list_of_str,
            "a list of strings",
        ),
    )

    def _shared(self, title: str) -> bool:
        words = f" {title} "
        return any(f" {w} " in words for w in self.options["shared_titles"])

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
                if not title or self._shared(title) or e.role.tenure != "current":
                    continue
                out.setdefault((title, e.role.org), {}).setdefault(e.id, []).append((claim, e))
        return out

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        names = _entity_names(ctx)
        for (title, org), by_person in sorted(self.holdings(ctx).items()):
            if len(by_person) < 2:
                continue
            clashing: set[str] = set()
            changed: set[str] = set()
            for pa, pb in combinations(sorted(by_person), 2):
                independent = [
                    (ca, cb)
                    for ca, _ in by_person[pa]
                    for cb, _ in by_person[pb]
                    if ctx.source_of(ca.document) != ctx.source_of(cb.document)
                ]
                if any(self._overlap(ctx, ca, cb) for ca, cb in independent):
                    clashing.update((pa, pb))
                elif independent:
                    changed.update((pa, pb))
            if clashing:
                yield self._finding(ctx, title, names.get(org, org), by_person, sorted(clashing))
            elif changed:
                yield self._update(ctx, title, names.get(org, org), by_person, sorted(changed))

    def _update(
        self,
        ctx: RuleContext,
        title: str,
        org_name: str,
        by_person: dict[str, list[Holding]],
        people: list[str],
    ) -> Finding:
        """Different holders at known times far apart: the role changed hands (info)."""
        chosen = [min(by_person[pid], key=_role_evidence_key) for pid in people]
        dated = sorted(
            ((self._time(ctx, c), c, e) for c, e in chosen),
            key=lambda t: (t[0] or (dt.date.min, dt.date.min), t[1].id),
        )
        sides = [
            f"{c.document} ({_when_text(t)}) says {e.name}" for t, c, e in dated if t is not None
        ]
        message = (
            f"The {title} of {org_name} differs between sources dated apart: "
            f"{'; '.join(sides)}. Not a conflict: a role held by different people at "
            f"different known times is an update."
        )
        role_slot = SlotComparison(
            slot="role",
            verdict="update",
            values={c.id: _holder(e, title, org_name) for c, e in chosen},
            note=f"holders more than {self.options['window_days']} days apart",
        )
        identity = Identity(
            slot="role",
            subject=f"{title} of {org_name} (update)",
            value_of={c.id: e.id for c, e in chosen},
        )
        return self.finding(
            [c for c, _ in chosen], message, slots=[role_slot], severity="info", identity=identity
        )

    def _finding(
        self,
        ctx: RuleContext,
        title: str,
        org_name: str,
        by_person: dict[str, list[Holding]],
        people: list[str],
    ) -> Finding:
        # One claim per person and document: enough evidence, and a stable fingerprint.
        chosen: list[Holding] = []
        for pid in people:
            seen: set[str] = set()
            for claim, entity in sorted(by_person[pid], key=_role_evidence_key):
                if claim.document not in seen:
                    seen.add(claim.document)
                    chosen.append((claim, entity))
        sides = []
        for pid in sorted(people, key=lambda p: (min(c.document for c, _ in by_person[p]), p)):
            docs = sorted({c.document for c, _ in by_person[pid]})
            name = by_person[pid][0][1].name
            sides.append(f"{join_names(docs)} {'says' if len(docs) == 1 else 'say'} {name}")
        message = f"Sources disagree on who was {title} of {org_name}: {'; '.join(sides)}."
        setting, where_slot = self._setting(ctx, chosen, people, by_person)
        if setting:
            message += f" They also differ on the setting: {setting}."
        role_slot = SlotComparison(
            slot="role",
            verdict="conflict",
            values={c.id: _holder(e, title, org_name) for c, e in chosen},
            note=f"{len(people)} different holders of {title} of {org_name}",
        )
        when_values = {c.id: _when_text(self._time(ctx, c)) for c, _ in chosen}
        when_slot = SlotComparison(
            slot="when",
            verdict="unknown" if "unknown" in when_values.values() else "compatible",
            values=dict(sorted(when_values.items())),
            note="time evidence overlaps or is unknown",
        )
        if when_slot.verdict == "unknown" or setting:
            # Event identity: different holders are an error only if both sides report the same
            # event. When no date separates the events, say that this is the open question.
            message += " Their dates do not tell whether they report the same event" + (
                ": check which meeting each describes." if setting else "."
            )
        slots = [role_slot, when_slot] + ([where_slot] if where_slot else [])
        # Identity: the role of the organisation and the set of holders, never the documents.
        identity = Identity(
            slot="role", subject=f"{title} of {org_name}", value_of={c.id: e.id for c, e in chosen}
        )
        return self.finding([c for c, _ in chosen], message, slots=slots, identity=identity)

    def _setting_of(
        self, ctx: RuleContext, document: str, holder_claims: list[Claim]
    ) -> Setting | None:
        """How a document says the meeting took place, read nearest the role holder first.

        Tiers, first hit wins: the claims naming the holder; their neighbours in the document
        (`context_claims` either side); the document's lead (its first `context_claims` + 1
        claims), which in news style states the main event. Within a tier the settings found are
        merged; a mode ("virtual") and the most specific places (cities over countries over
        regions) are kept.
        """
        doc_claims = ctx.by_document.get(document, [])
        index = {c.id: i for i, c in enumerate(doc_claims)}
        k = int(self.options["context_claims"])
        holders = sorted({c.id for c in holder_claims})
        near: set[str] = set()
        for cid in holders:
            i = index.get(cid)
            if i is not None:
                near.update(c.id for c in doc_claims[max(0, i - k) : i + k + 1])
        lead = {c.id for c in doc_claims[: k + 1]}
        tiers = [holders, sorted(near - set(holders)), sorted(lead - near - set(holders))]
        by_id = {c.id: c for c in doc_claims} | {c.id: c for c in holder_claims}
        for tier in tiers:
            found = [st for cid in tier if (st := meeting_setting(by_id[cid])) is not None]
            if found:
                return _merge(found)
        return None

    def _setting(
        self,
        ctx: RuleContext,
        chosen: list[Holding],
        people: list[str],
        by_person: dict[str, list[Holding]] | None = None,
    ) -> tuple[str, SlotComparison | None]:
        holder_claims: dict[tuple[str, str], list[Claim]] = {}
        for pid, holdings in (by_person or {}).items():
            for claim, _ in holdings:
                holder_claims.setdefault((pid, claim.document), []).append(claim)
        per_doc: dict[str, Setting] = {}
        side_of: dict[str, str] = {}
        values: dict[str, str] = {}
        for claim, entity in chosen:
            side_of[claim.document] = entity.id
            own = holder_claims.get((entity.id, claim.document), [claim])
            setting = self._setting_of(ctx, claim.document, own)
            if setting is None:
                continue
            per_doc[claim.document] = setting
            values[claim.id] = ", ".join(
                ([setting.mode] if setting.mode else []) + [p.name for p in setting.places]
            )
        by_side: dict[str, list[Setting]] = {}
        for doc, st in per_doc.items():
            by_side.setdefault(side_of[doc], []).append(st)
        if len(by_side) < 2:
            return "", None
        # The sides differ when no setting of one side could describe a meeting of the other.
        sides = list(by_side.values())
        if not all(
            settings_differ(x, y) for sa, sb in combinations(sides, 2) for x in sa for y in sb
        ):
            return "", None
        labels: dict[str, list[str]] = {}
        for doc, st in sorted(per_doc.items()):
            labels.setdefault(st.label(), []).append(doc)
        # Settings in the order of their labels, not of the documents' names.
        text = "the sources describe " + join_names(
            [f"{label} ({join_names(labels[label])})" for label in sorted(labels)]
        )
        slot = SlotComparison(
            slot="where",
            verdict="conflict",
            values=dict(sorted(values.items())),
            note="meeting setting read from the claims naming the holder, their neighbours and the lead",
        )
        return text, slot


def _role_evidence_key(holding: Holding) -> tuple[int, int]:
    """Prefer the claim whose sentence states the role ("Foreign Minister X", `Role.stated`)
    over a later one that only names the person, then the earliest in the document."""
    claim, entity = holding
    stated = entity.role is not None and entity.role.stated
    return (0 if stated else 1, claim.span.start)


def _merge(found: list[Setting]) -> Setting:
    mode = next((st.mode for st in found if st.mode == "virtual"), None) or next(
        (st.mode for st in found if st.mode), None
    )
    places_found: dict[str, Entity] = {p.id: p for st in found for p in st.places}
    if not places_found:
        return Setting(mode=mode, places=())
    best = min(level(p) for p in places_found.values())
    return Setting(
        mode=mode,
        places=tuple(
            sorted((p for p in places_found.values() if level(p) == best), key=lambda p: p.name)
        ),
    )


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


def _when_text(t: tuple[dt.date, dt.date] | None) -> str:
    if t is None:
        return "unknown"
    return t[0].isoformat() if t[0] == t[1] else f"{t[0].isoformat()}/{t[1].isoformat()}"


def _holder(e: Entity, title: str, org_name: str) -> str:
    """ "Jane Doe: foreign minister of Japan", saying when the sentence did not name Japan."""
    inferred = e.role is not None and e.role.org_inferred
    return f"{e.name}: {title} of {org_name}" + (
        " (inferred from the document)" if inferred else ""
    )
