"""Claims from a parsed document: clause splitting, slots, polarity, modality, quotes and attribution."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
from dataclasses import dataclass
from typing import Any

from ..ingest.furniture import is_boilerplate
from ..ingest.headline import ends_like_a_sentence, headline
from ..models import (
    Attribution,
    Claim,
    Document,
    Entity,
    Modality,
    Polarity,
    Predicate,
    TimeExpression,
)
from .aliases import Tables
from .annotate import annotate
from .entities import DocEntities, EntityLinker, Mention
from .lexicon import read_lexicon
from .places import place_words
from .quantities import quantities as find_quantities
from .stance import cues
from .syntax import FUTURE_AUX, FUTURE_VERBS, is_scheduled, tense_of, verb_tense
from .timex import Discourse, Found, Tense, find_time_expressions, resolve_sentence

Token = Any
Span = Any

# Word lists of the clause reader, from data/clauses.yaml (its comments say what each is for).
_WORDS = read_lexicon("clauses.yaml")
SPEECH_VERBS: frozenset[str] = _WORDS["speech_verbs"]
# Parse-level cue words, from the data files (data/cues.yaml, data/places.yaml).
NEGATING_SPEECH = cues().negating_speech
NEGATING_VERBS = cues().negating_verbs
HEDGE_ADVERBS = cues().parse_hedge_adverbs
HEDGE_MODALS = cues().parse_hedge_modals
HEDGE_VERBS = cues().parse_hedge_verbs
PLAN_VERBS = FUTURE_VERBS  # data/clauses.yaml future_verbs: the same verbs as the tense's
LOCATIVE = place_words().parse_locative
MOTION = place_words().parse_motion
# Verbs whose infinitive complement carries the claim's content: "plan to criticize".
LIGHT_VERBS = HEDGE_VERBS | PLAN_VERBS | _WORDS["light_verbs"]
_CAPTION: re.Pattern[str] = _WORDS["caption"]  # data/clauses.yaml
_CREDIT = re.compile(r"\([^()]*\)")
_QUOTES_OPEN = "“«„"
_QUOTES_CLOSE = "”»"
PRONOUNS_SING: frozenset[str] = _WORDS["singular_pronouns"]
HEDGE_ADJECTIVES: frozenset[str] = _WORDS["hedge_adjectives"]
PRONOUNS_PLUR: frozenset[str] = _WORDS["plural_pronouns"]


@dataclass
class Clause:
    """A clause chosen as a claim: its head verb, token range and speech context."""

    head: Token
    content: Token
    tokens: list[Token]
    speech: Token | None


def quote_regions(text: str) -> list[tuple[int, int]]:
    """Character ranges inside quotation marks (curly pairs; straight quotes paired in order)."""
    regions: list[tuple[int, int]] = []
    stack: int | None = None
    for i, ch in enumerate(text):
        if ch in _QUOTES_OPEN:
            stack = i
        elif ch in _QUOTES_CLOSE and stack is not None:
            regions.append((stack, i + 1))
            stack = None
    straight = [m.start() for m in re.finditer(r'(?<![\w])"|"(?![\w])', text)]
    for a, b in zip(straight[::2], straight[1::2], strict=False):
        regions.append((a, b + 1))
    return sorted(regions)


class ClaimBuilder:
    """Builds the claims of one document from its spaCy parse."""

    def __init__(self, tables: Tables, linker: EntityLinker) -> None:
        self.tables = tables
        self.linker = linker

    # ------------------------------------------------------------------ document

    def build(self, doc: Document, sdoc: Any) -> list[Claim]:
        text = doc.text
        ents = self.linker.link(sdoc, text)
        quotes = quote_regions(text)
        paragraphs = [m.start() for m in re.finditer(r"(?m)^(?=\S)", text)] or [0]
        sents = list(sdoc.sents)
        headline_idx = _headline_sentence(text, sents)
        claims: list[Claim] = []
        ctx = _Context(doc, sdoc, ents, quotes, paragraphs, sents, self.tables)
        for idx, sent in enumerate(sents):
            stripped = sent.text.strip()
            if not _worth_keeping(stripped) or _CREDIT.fullmatch(stripped):
                continue
            kind = "statement"
            # The sentence's own line: a parse can carry the blank lines after it.
            line_end = text.find("\n", sent.start_char + len(sent.text.rstrip()))
            line = text[
                text.rfind("\n", 0, sent.start_char) + 1 : line_end if line_end >= 0 else len(text)
            ]
            if idx == headline_idx:
                kind = "headline"
            elif _CAPTION.search(line):
                kind = "caption"
            elif stripped.endswith("?"):
                continue
            has_verb = any(t.pos_ in {"VERB", "AUX"} for t in sent)
            if not has_verb and kind == "statement":
                continue
            if kind == "statement" and ctx.quoted_share(sent) >= 0.6:
                kind = "quote"
            for clause in self._clauses(sent):
                claims.append(annotate(ctx.claim(len(claims), sent, clause, kind), sent))
        return claims

    # ------------------------------------------------------------------ clauses

    def _clauses(self, sent: Span) -> list[Clause]:
        root = sent.root
        speech = (
            root
            if root.lemma_ in SPEECH_VERBS and any(c.dep_ == "ccomp" for c in root.children)
            else None
        )
        content_root = (
            next((c for c in root.children if c.dep_ == "ccomp"), root) if speech else root
        )
        heads = [content_root] + [
            c
            for c in _conj_chain(content_root)
            if c.pos_ in {"VERB", "AUX"}
            and any(g.dep_ in {"nsubj", "nsubjpass"} for g in c.children)
        ]
        if speech is None:
            # Verbs coordinated with the root that have their own subject are separate claims.
            heads = [root] + [
                c
                for c in _conj_chain(root)
                if c.pos_ in {"VERB", "AUX"}
                and any(g.dep_ in {"nsubj", "nsubjpass"} for g in c.children)
            ]
        heads = heads + _propositions(heads, sent)
        out: list[Clause] = []
        others = heads[1:]
        for i, h in enumerate(heads):
            base = speech if (i == 0 and speech is not None) else h
            drop: set[int] = set()
            for o in others:
                # A head coordinated under another ("A, and B, and that is why C": C hangs on
                # B) is cut out of B's clause, but B's words are not cut out of C's.
                if o.i != h.i and not o.is_ancestor(h):
                    drop.update(t.i for t in o.subtree)
                    drop.update(
                        c.i for c in o.head.children if c.dep_ == "cc" and c.i < o.i and c.i > h.i
                    )
            toks = [t for t in base.subtree if t.i not in drop] if i > 0 or others else list(sent)
            if i == 0 and others:
                toks = [t for t in sent if t.i not in drop]
            toks = [t for t in toks if sent.start <= t.i < sent.end]
            if i > 0:
                # "because ...", "while ...": the connective is not part of the proposition.
                toks = [t for t in toks if not (t.dep_ in {"mark", "cc"} and t.head.i == h.i)]
            if i > 0 and not any(t.is_alpha for t in toks):
                continue  # nothing of its own is left: the sentence is not repeated as a claim
            out.append(Clause(head=base, content=h, tokens=toks, speech=speech))
        return out


# Subordinating words that introduce a clause stating a fact of its own ("because for 60 years
# the alliance has been ..."); temporal and conditional ones ("when", "if") only qualify theirs.
_OWN_FACT_MARKS: frozenset[str] = _WORDS["own_fact_marks"]
# What a coordinated verb needs to state something by itself ("and vowed to work with Japan").
_COMPLEMENTS = {"dobj", "xcomp", "ccomp", "attr", "acomp", "oprd", "dative", "prep"}
# Fewest words a split-off proposition, and what is left of its sentence, must keep.
_MIN_PROPOSITION_WORDS = 5


def _propositions(heads: list[Token], sent: Span) -> list[Token]:
    """Heads of further propositions in a sentence beyond its independent clauses.

    A verb coordinated with a clause head that shares its subject ("X called A and vowed B"),
    and an adverbial clause with a subject of its own introduced by a causal or concessive word
    ("..., because our alliance has been ...") each state a fact that can be matched on its
    own. A split is made only when both the proposition and what is left of the sentence keep
    at least `_MIN_PROPOSITION_WORDS` words.
    """
    taken = {h.i for h in heads}
    found: list[Token] = []
    for h in heads:
        for c in _conj_chain(h):
            if (
                c.i not in taken
                and c.pos_ == "VERB"
                and not any(g.dep_ in {"nsubj", "nsubjpass"} for g in c.children)
                and any(g.dep_ in _COMPLEMENTS for g in c.children)
            ):
                found.append(c)
        for c in h.children:
            if (
                c.dep_ == "advcl"
                and c.pos_ in {"VERB", "AUX"}
                and any(g.dep_ in {"nsubj", "nsubjpass"} for g in c.children)
                and any(g.dep_ == "mark" and g.lower_ in _OWN_FACT_MARKS for g in c.children)
            ):
                found.append(c)
    out: list[Token] = []
    removed: set[int] = set()
    for c in sorted(found, key=lambda t: t.i):
        own = {t.i for t in c.subtree} - removed
        words = sum(1 for t in sent if t.i in own and t.is_alpha)
        rest = sum(1 for t in sent if t.i not in own and t.i not in removed and t.is_alpha)
        if words >= _MIN_PROPOSITION_WORDS and rest >= _MIN_PROPOSITION_WORDS:
            out.append(c)
            removed |= own
    return out


def _run_around(clause: Clause, toks: list[Token]) -> list[Token]:
    """The clause's tokens up to the gaps that other propositions left, around its head.

    When a proposition is taken out of the middle or the end of a sentence, what is left is
    the words around the head, not a span that still runs over the part taken out.
    """
    if len(toks) < 2:
        return toks
    runs: list[list[Token]] = [[toks[0]]]
    for t in toks[1:]:
        if t.i == runs[-1][-1].i + 1 or all(x.is_space for x in t.doc[runs[-1][-1].i + 1 : t.i]):
            runs[-1].append(t)
        else:
            runs.append([t])
    if len(runs) == 1:
        return toks
    for anchor in (clause.content.i, clause.head.i):
        for run in runs:
            if run[0].i <= anchor <= run[-1].i:
                return run
    return toks


def _conj_chain(tok: Token) -> list[Token]:
    out = []
    for c in tok.children:
        if c.dep_ == "conj":
            out.append(c)
            out.extend(_conj_chain(c))
    return out


def _worth_keeping(text: str) -> bool:
    words = re.findall(r"[A-Za-z]{2,}", text)
    return len(words) >= 2 and not is_boilerplate(text)


def _headline_sentence(text: str, sents: list[Span]) -> int | None:
    """The sentence that is the document's headline (ingest.headline, the rule Document.title
    follows): of the sentences the parse finds in the headline's line, the first that does not
    end like a sentence ('Alleged New Audio ...' after 'REPORT:'), else the first. A parse
    that runs the headline into the next line gives none: that sentence is body text."""
    found = headline(text)
    if found is None:
        return None
    start, end = found
    inside: list[int] = []
    for i, s in enumerate(sents):
        t = s.text.strip()
        if s.end_char <= start or not t:
            continue
        if s.start_char >= end:
            break
        at = s.start_char + len(s.text) - len(s.text.lstrip())
        if at < start or at + len(t) > end:
            return None
        inside.append(i)
    chosen = next((i for i in inside if not ends_like_a_sentence(sents[i].text.strip())), None)
    return chosen if chosen is not None else (inside[0] if inside else None)


class _Context:
    """Per-document state the claim slots need: entities, quotes, paragraphs, sentences."""

    def __init__(
        self,
        doc: Document,
        sdoc: Any,
        ents: DocEntities,
        quotes: list[tuple[int, int]],
        paragraphs: list[int],
        sents: list[Span],
        tables: Tables,
    ) -> None:
        self.doc = doc
        self.sdoc = sdoc
        self.ents = ents
        self.quotes = quotes
        self.paragraphs = paragraphs
        self.sents = sents
        self.tables = tables
        self.dct: dt.date | None = doc.published
        # Sorted keys for bisection, so each lookup is logarithmic in the document's length
        # (a scan per sentence or token made a 2 MB document quadratic). Sentences are
        # contiguous and in order; quote regions are sorted by start and may overlap, so
        # `_quote_reach[i]` is the furthest end among the first i + 1 regions.
        self._sent_starts = [s.start_char for s in sents]
        self._sent_ends = [s.end_char for s in sents]
        self._sent_index = {s.start: i for i, s in enumerate(sents)}
        self._quote_starts = [a for a, _ in quotes]
        self._quote_reach = list(itertools.accumulate((b for _, b in quotes), max))
        self._mention_starts: list[int] | None = None  # built on the first pronoun
        # Time expressions of each sentence, and what the text had named before it ("the day",
        # "that year" refer to it); filled in document order on first use.
        self._found: dict[int, list[Found]] = {}
        self._discourse: dict[int, Discourse] = {}

    # ------------------------------------------------------------------ helpers

    def in_quote(self, pos: int) -> tuple[int, int] | None:
        """The first region (in sorted order) that holds `pos`, if any."""
        # Regions with a start at or before pos come before `opened`; the first of them that
        # ends after pos is the first whose running furthest end passes pos.
        opened = bisect.bisect_right(self._quote_starts, pos)
        first = bisect.bisect_right(self._quote_reach, pos, 0, opened)
        return self.quotes[first] if first < opened else None

    def quoted_share(self, sent: Span) -> float:
        chars = [t for t in sent if not t.is_space]
        if not chars:
            return 0.0
        inside = sum(len(t.text) for t in chars if self.in_quote(t.idx) is not None)
        return inside / max(1, sum(len(t.text) for t in chars))

    def paragraph_start(self, pos: int) -> int:
        """Where the paragraph holding `pos` starts (0 before the first one)."""
        i = bisect.bisect_right(self.paragraphs, pos)
        return self.paragraphs[i - 1] if i else 0

    # ------------------------------------------------------------------ the claim

    def claim(self, index: int, sent: Span, clause: Clause, kind: str) -> Claim:
        doc = self.doc
        s_start = sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
        s_end = sent.start_char + len(sent.text.rstrip())
        toks = _run_around(clause, [t for t in clause.tokens if not t.is_space])
        c_start = min((t.idx for t in toks), default=s_start)
        c_end = max((t.idx + len(t.text) for t in toks), default=s_end)
        clause_text = doc.text[c_start:c_end].strip().rstrip(",;:—–-").strip()
        content = _content_verb(clause.content)
        attribution = self.attribution(sent, clause, kind)
        polarity = self.polarity(clause, content)
        modality = self.modality(sent, clause, content, kind, attribution)
        who, where = self.participants(sent, clause, content, (c_start, c_end))
        when = self.times(sent, (c_start, c_end), modality)
        non_duration = [
            (t.start, t.end)
            for t in when
            if t.start is not None
            and t.end is not None
            and not ((t.value or "").startswith("P") and t.granularity == "unknown")
        ]
        quants = [
            q
            for q in find_quantities(sent, exclude=non_duration, text=doc.text)
            if q.start is not None and c_start <= q.start < c_end
        ]
        return Claim(
            id=f"{doc.id}:{index}",
            document=doc.id,
            text=clause_text or sent.text.strip(),
            sentence=doc.text[s_start:s_end],
            span=doc.locate(s_start, s_end),
            kind=kind,  # type: ignore[arg-type]
            who=who,
            what=self.predicate(content, polarity),
            when=when,
            where=where,
            quantities=quants,
            polarity=polarity,
            modality=modality,
            attribution=attribution,
        )

    # ------------------------------------------------------------------ what

    def predicate(self, verb: Token, polarity: Polarity) -> Predicate:
        obj = None
        for dep in ("dobj", "attr", "acomp", "oprd", "dative"):
            o = next((c for c in verb.children if c.dep_ == dep), None)
            if o is not None:
                obj = _phrase(o)
                break
        if obj is None:
            prep = next(
                (
                    c
                    for c in verb.children
                    if c.dep_ == "prep" and any(g.dep_ == "pobj" for g in c.children)
                ),
                None,
            )
            if prep is not None:
                obj = _phrase(prep)
            else:
                comp = next((c for c in verb.children if c.dep_ in {"xcomp", "ccomp"}), None)
                if comp is not None:
                    obj = _phrase(comp)
        written = sorted(
            [verb, *[c for c in verb.children if c.dep_ in {"aux", "auxpass", "neg"}]],
            key=lambda t: t.i,
        )
        return Predicate(
            lemma=verb.lemma_.lower(),
            object=obj,
            text=" ".join(t.text for t in written),
            negated=polarity == "negative",
        )

    # ------------------------------------------------------------------ polarity and modality

    def polarity(self, clause: Clause, content: Token) -> Polarity:
        negations = 0
        chain = _chain(clause.content, content)
        for v in chain:
            if any(_negator(c) and not _not_a_denial(v, c, content) for c in v.children):
                negations += 1
            if _no_longer(v):
                negations += 1
            if v.i != content.i and v.lemma_ in NEGATING_VERBS:
                negations += 1
        # "No agreement was reached", "reached no agreement" -- but "nothing is more important
        # than X" and "no country has done more than X" state a superlative, not a denial.
        superlative = _comparative_predicate(content)
        for c in content.children:
            if c.dep_ in {"nsubj", "nsubjpass", "dobj", "attr"} and any(
                g.dep_ == "det" and g.lower_ == "no" for g in c.children
            ):
                if _positive_idiom(content, c) or (
                    c.dep_ in {"nsubj", "nsubjpass"} and superlative
                ):
                    continue
                negations += 1
            if c.dep_ in {"nsubj", "nsubjpass"} and c.lower_ in {
                "nobody",
                "nothing",
                "none",
                "neither",
            }:
                if superlative or any(g.lower_ == "other" for g in c.children):
                    continue  # "nobody is better placed than", "none other than"
                negations += 1
        if clause.speech is not None:
            if clause.speech.lemma_ in NEGATING_SPEECH:
                negations += 1
            if any(c.dep_ == "neg" for c in clause.speech.children):
                negations += 1
        return "negative" if negations % 2 else "positive"

    def modality(
        self, sent: Span, clause: Clause, content: Token, kind: str, attribution: Attribution | None
    ) -> Modality:
        chain = _chain(clause.content, content)
        words = {t.lower_ for t in clause.tokens}
        hedged = bool(words & HEDGE_ADVERBS)
        planned = False
        for v in chain:
            auxes = {c.lower_ for c in v.children if c.dep_ in {"aux", "auxpass"}}
            if auxes & HEDGE_MODALS:
                hedged = True
            if auxes & FUTURE_AUX:
                planned = True
            if (
                v.i != content.i
                and v.lemma_ in HEDGE_VERBS
                and (v.lemma_ != "think" or v.tag_ == "VBN")
            ):
                hedged = True
            if v.lemma_ == "say" and v.tag_ == "VBN" and v.i != content.i:
                hedged = True  # "is said to"
            if v.i != content.i and v.lemma_ in PLAN_VERBS:
                planned = True
            if is_scheduled(v):
                planned = True
        for v in chain:
            if v.lemma_ in HEDGE_ADJECTIVES:
                hedged = True
        if not planned and verb_tense(content) == "future":
            planned = True
        if hedged:
            return "hedged"
        if planned:
            return "planned"
        if attribution is not None:
            return "reported"
        return "asserted"

    # ------------------------------------------------------------------ attribution

    def attribution(self, sent: Span, clause: Clause, kind: str) -> Attribution | None:
        quote = kind == "quote"
        if clause.speech is not None and self.in_quote(clause.speech.idx) is None:
            return self._speaker_of(clause.speech, quote=quote)
        acc = self._according_to(sent)
        if acc is not None:
            return acc.model_copy(update={"quote": quote})
        if not quote:
            return None
        for s in self._quote_context(sent):
            for t in s:
                if t.lemma_ in SPEECH_VERBS and t.pos_ == "VERB" and self.in_quote(t.idx) is None:
                    att = self._speaker_of(t, quote=True)
                    if att.speaker is not None or att.text:
                        return att
            acc = self._according_to(s)
            if acc is not None:
                return acc.model_copy(update={"quote": True})
        return Attribution(speaker=None, text="", quote=True)

    def _quote_context(self, sent: Span) -> list[Span]:
        """The sentence itself, the sentences its quotation spans, and the ones just around the quotation."""
        idx = self._sent_index[sent.start]
        region = None
        for t in sent:
            region = self.in_quote(t.idx)
            if region:
                break
        lo = hi = idx
        if region is not None:
            # The sentences that overlap the region: sentences are contiguous and in order, so
            # they run from the first that ends after its start to the last that starts before
            # its end (the sentence itself is among them).
            lo = min(idx, bisect.bisect_right(self._sent_ends, region[0]))
            hi = max(idx, bisect.bisect_left(self._sent_starts, region[1]) - 1)
        order = [idx] + [i for i in range(lo, hi + 1) if i != idx]
        para = self.paragraph_start(self.sents[lo].start_char)
        if lo - 1 >= 0:
            before = self.sents[lo - 1]
            # "... warned Secretary Blinken:" introduces the quotation, even across a line break.
            if self.paragraph_start(before.start_char) == para or before.text.rstrip().endswith(
                ":"
            ):
                order.append(lo - 1)
        if hi + 1 < len(self.sents) and self.paragraph_start(
            self.sents[hi + 1].start_char
        ) == self.paragraph_start(self.sents[hi].start_char):
            order.append(hi + 1)
        return [self.sents[i] for i in order]

    def _according_to(self, sent: Span) -> Attribution | None:
        for t in sent:
            if (
                t.lower_ == "according"
                and t.i + 1 < len(self.sdoc)
                and self.sdoc[t.i + 1].lower_ == "to"
            ):
                to = self.sdoc[t.i + 1]
                pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
                if pobj is None:
                    pobj = next((c for c in t.children if c.dep_ == "pobj"), None)
                if pobj is None:
                    continue
                sub = list(pobj.subtree)
                text = self.doc.text[t.idx : sub[-1].idx + len(sub[-1].text)]
                return Attribution(speaker=self._entity_in(sub, pobj), text=text, quote=False)
        return None

    def _speaker_of(self, verb: Token, *, quote: bool) -> Attribution:
        # The speaker is the active subject or the passive agent, never the passive subject.
        subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if subj is None:
            agent = next((c for c in verb.children if c.dep_ == "agent"), None)
            subj = (
                next((c for c in agent.children if c.dep_ == "pobj"), None)
                if agent is not None
                else None
            )
        if subj is None:
            # Inverted attribution the parser missed: "..., warned Secretary Blinken:".
            for t in self.sdoc[verb.i + 1 : min(verb.i + 7, verb.sent.end)]:
                m = self.ents.at(t.i)
                if m is not None and m.entity.kind == "person":
                    text = self.doc.text[verb.idx : m.end]
                    return Attribution(speaker=m.entity, text=text, quote=quote)
        if subj is None:
            return Attribution(speaker=None, text=verb.text, quote=quote)
        sub = _core(subj)
        lo = min(sub[0].i, verb.i)
        hi = max(sub[-1].i, verb.i)
        span = self.sdoc[lo : hi + 1]
        return Attribution(speaker=self._entity_in(sub, subj), text=span.text, quote=quote)

    # ------------------------------------------------------------------ entities

    def _entity_in(self, toks: list[Token], head: Token) -> Entity | None:
        """The entity a phrase names: a linked mention, a resolved pronoun, or a title ('the secretary of state')."""
        found = self._mentions_in(toks)
        if found:
            persons = [m for m in found if m.entity.kind == "person"]
            return (persons or found)[0].entity
        if head.lower_ in PRONOUNS_SING | PRONOUNS_PLUR:
            res = self.resolve_pronoun(head)
            return res[0] if res else None
        return self._title_phrase(toks)

    def _mentions_in(self, toks: list[Token]) -> list[Mention]:
        seen: dict[int, Mention] = {}
        for t in toks:
            for m in self.ents.all_at(t.i):
                seen.setdefault(m.start, m)
        return [seen[k] for k in sorted(seen)]

    def _title_phrase(self, toks: list[Token]) -> Entity | None:
        if not toks:
            return None
        text = self.doc.text[toks[0].idx : toks[-1].idx + len(toks[-1].text)]
        m = self.tables.title_regex.search(text)
        if m is None:
            return None
        title = self.tables.title(m.group())
        if title is None or title.generic:
            return None
        country = None
        for t in toks:
            c = self.tables.country(t.text) or self.tables.country_of_demonym(t.text)
            if c is not None:
                country = c.entity_id
        info = self.ents.person_with_title(title.title, country) or self.ents.person_with_title(
            title.title, None
        )
        if info is None:
            return None
        role = next((r for r in info.roles if r.title == title.title), None)
        return Entity(
            id=info.id,
            name=info.name,
            kind="person",
            mention=text,
            start=toks[0].idx,
            end=toks[-1].idx + len(toks[-1].text),
            role=role,
        )

    def mentions_between(self, start: int, end: int) -> list[Mention]:
        """The mentions that start in [start, end), in document order (by bisection: the
        mentions are sorted by start, and a scan of all of them per pronoun was quadratic)."""
        if self._mention_starts is None:
            self._mention_starts = [m.start for m in self.ents.mentions]
        lo = bisect.bisect_left(self._mention_starts, start)
        hi = bisect.bisect_left(self._mention_starts, end, lo)
        return self.ents.mentions[lo:hi]

    def resolve_pronoun(self, tok: Token) -> list[Entity]:
        """Persons a pronoun refers to, when exactly one candidate precedes it in the paragraph."""
        para = self.paragraph_start(tok.idx)
        if tok.lower_ in PRONOUNS_SING:
            ids: dict[str, Mention] = {}
            for m in self.mentions_between(para, tok.idx):
                if m.entity.kind == "person":
                    ids[m.entity.id] = m
            if len(ids) != 1:
                return []
            m = next(iter(ids.values()))
            return [_through_pronoun(m.entity, tok)]
        # "They": one coordinated group of people in the previous sentence of the paragraph.
        sent = tok.sent
        i = self._sent_index.get(sent.start)
        prev = self.sents[i - 1] if i else None
        if prev is None or prev.start_char < para:
            return []
        persons = [
            m for m in self.mentions_between(prev.start_char, tok.idx) if m.entity.kind == "person"
        ]
        distinct = {m.entity.id: m for m in persons}
        if len(distinct) < 2:
            return []
        # The people must be written as one coordination: "X and Defense Secretary Y".
        ordered = sorted(distinct.values(), key=lambda m: m.start)
        for a, b in itertools.pairwise(ordered):
            between = self.tables.title_regex.sub(
                "", self.doc.text[a.end : b.title_start or b.start]
            )
            if not re.fullmatch(r"\s*(?:,\s*(?:and\s+)?|and\s+)\s*", between):
                return []
        return [_through_pronoun(m.entity, tok) for m in distinct.values()]

    def participants(
        self, sent: Span, clause: Clause, content: Token, rng: tuple[int, int]
    ) -> tuple[list[Entity], list[Entity]]:
        who: dict[str, Entity] = {}
        where: dict[str, Entity] = {}
        # The actor first (see the package docstring): the subject of the content verb, else of
        # the verbs above it ("X plans to ..."); in the passive, the agent ("by X") before the
        # grammatical subject, so that "police arrested X" and "X was arrested by police" agree.
        agent = next((c for c in content.children if c.dep_ == "agent"), None)
        if agent is not None:
            for m in self._mentions_in(_core(agent)):
                if m.entity.kind in {"person", "org", "gpe", "norp"}:
                    who.setdefault(m.entity.id, m.entity)
        chain = _chain(clause.content, content)[::-1]
        # A verb coordinated with another shares its subject ("X called A and vowed B").
        up = clause.content
        while up.dep_ == "conj" and up.head.i != up.i:
            up = up.head
            chain.append(up)
        for v in chain:
            subj = next((c for c in v.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
            if subj is None:
                continue
            found = False
            for s in [subj, *_conj_chain(subj)]:
                for e in self._subject_entities(s):
                    who.setdefault(e.id, e)
                    found = True
            if found:
                break
        # The speaker of reported speech is the attribution, not an actor of the claim.
        speaker_toks: set[int] = set()
        if clause.speech is not None:
            for ch in clause.speech.children:
                if ch.dep_ in {"nsubj", "agent"}:
                    speaker_toks.update(t.i for t in ch.subtree)
        for m in self._mentions_in(clause.tokens):
            e = m.entity
            if not (rng[0] <= m.start < rng[1]) or m.tok_start in speaker_toks:
                continue
            root = self.sdoc[m.tok_end - 1]
            if any(a.lower_ == "according" for a in root.ancestors) and e.id not in who:
                continue
            head = root.head
            locative = root.dep_ == "pobj" and (
                head.lower_ in LOCATIVE or (head.lower_ == "to" and head.head.lemma_ in MOTION)
            )
            if e.kind in {"loc", "facility"} or (e.kind == "gpe" and locative):
                where.setdefault(e.id, e)
            elif e.kind in {"person", "org", "gpe", "norp"} and e.id not in where:
                who.setdefault(e.id, e)
        return list(who.values()), list(where.values())

    def _subject_entities(self, subj: Token) -> list[Entity]:
        if subj.lower_ in PRONOUNS_SING | PRONOUNS_PLUR:
            return self.resolve_pronoun(subj)
        # "Moscow's buildup on Ukraine's borders": the actor is Moscow, not Ukraine; "of" phrases
        # still name it ("the ministers of Japan and Australia").
        skip: set[int] = set()
        for t in subj.subtree:
            if t.i != subj.i and (
                t.dep_ in {"relcl", "acl", "appos"} or (t.dep_ == "prep" and t.lower_ != "of")
            ):
                skip.update(x.i for x in t.subtree)
        toks = [t for t in subj.subtree if t.i not in skip]
        found = self._mentions_in(toks)
        if found:
            return [m.entity for m in found if m.entity.kind in {"person", "org", "gpe", "norp"}]
        e = self._title_phrase(toks)
        return [e] if e is not None else []

    # ------------------------------------------------------------------ when

    def _time_discourse(self) -> None:
        """Find every sentence's time expressions, in order, with the discourse before each."""
        text = self.doc.text
        discourse = Discourse()
        for s in self.sents:
            found = find_time_expressions(text[s.start_char : s.end_char], offset=s.start_char)
            self._found[s.start_char] = found
            self._discourse[s.start_char] = discourse
            if found:
                _, discourse = resolve_sentence(
                    found,
                    [self._tense(f) for f in found],
                    dct=self.dct,
                    discourse=discourse,
                    text=text,
                )

    def _tense(self, f: Found) -> Tense:
        span = self.sdoc.char_span(f.start, f.end, alignment_mode="expand")
        return tense_of(span.root) if span is not None else "unknown"

    def times(self, sent: Span, rng: tuple[int, int], modality: Modality) -> list[TimeExpression]:
        if not self._found:
            self._time_discourse()
        found = self._found.get(sent.start_char)
        if found is None:  # a span that is not one of the document's sentences
            text = self.doc.text
            found = find_time_expressions(
                text[sent.start_char : sent.end_char], offset=sent.start_char
            )
        if not found:
            return []
        tenses = [self._tense(f) for f in found]
        if modality == "planned":
            tenses = [t if t != "unknown" else "future" for t in tenses]
        out, _ = resolve_sentence(
            found,
            tenses,
            dct=self.dct,
            discourse=self._discourse.get(sent.start_char, Discourse()),
            text=self.doc.text,
        )
        inside = [e for e in out if e.start is not None and rng[0] <= e.start < rng[1]]
        if inside:
            return inside
        # A time written outside every clause ("On Sunday, A did X and B did Y") applies to all.
        return out


# ---------------------------------------------------------------------- polarity traps

_NEGATORS: frozenset[str] = _WORDS["negators"]
_FOCUS: frozenset[str] = _WORDS["focus"]
_UNTIL: frozenset[str] = _WORDS["until"]
_RECURRENCE: frozenset[str] = _WORDS["recurrence"]
_CLAUSAL_IDIOM_NOUNS: frozenset[str] = _WORDS["clausal_idiom_nouns"]
_COMPARATIVE_TAGS = {"JJR", "RBR"}
# "wasted no time", "spared no effort", "there is no doubt that": a "no" that asserts.
POSITIVE_NO_IDIOMS: dict[str, frozenset[str]] = {
    str(verb): frozenset(str(n) for n in nouns)
    for verb, nouns in _WORDS["positive_no_idioms"].items()
}


def _negator(tok: Token) -> bool:
    return bool(tok.dep_ == "neg" or (tok.lower_ in _NEGATORS and tok.dep_ in {"neg", "advmod"}))


def _is_comparative(tok: Token) -> bool:
    """'stronger', 'better', or 'more/less X'; 'longer' in 'no longer' is a time adverb, not a comparison."""
    if tok.tag_ in _COMPARATIVE_TAGS and not any(g.lower_ == "no" for g in tok.children):
        return True
    return any(g.lower_ in {"more", "less"} and g.dep_ in {"advmod", "amod"} for g in tok.children)


def _comparative_predicate(verb: Token) -> bool:
    """Whether a verb's predicate is a comparison: 'is more important', 'has done more', 'better placed'."""
    if _is_comparative(verb):
        return True
    return any(
        c.dep_ in {"acomp", "attr", "dobj", "advmod", "oprd", "npadvmod"} and _is_comparative(c)
        for c in verb.children
    )


def _not_a_denial(verb: Token, neg: Token, content: Token) -> bool:
    """Negation words that do not deny the claim: 'not only ... but', 'never been stronger', 'not until'."""
    doc = neg.doc
    sent = neg.sent
    nxt = doc[neg.i + 1] if neg.i + 1 < sent.end else None
    # "not only X but (also) Y" asserts both.
    if (
        nxt is not None
        and nxt.lower_ in _FOCUS
        and any(t.lower_ == "but" for t in doc[neg.i + 2 : sent.end])
    ):
        return True
    # "has never been stronger", "could not have been more crucial": emphatic superlatives.
    if _comparative_predicate(verb) or (verb.i != content.i and _comparative_predicate(content)):
        if neg.lower_ == "never":
            return True
        if {c.lower_ for c in verb.children if c.dep_ == "aux"} & {"could", "can", "ca"}:
            return True
    # "was not announced until Friday": it was, on Friday.
    if any(c.dep_ == "prep" and c.lower_ in _UNTIL for c in verb.children):
        return True
    # "this isn't the first time", "it won't be the last": it has happened, or will again.
    if verb.lemma_ == "be":
        for c in verb.children:
            if c.dep_ in {"attr", "nsubj"} and any(g.lower_ in _RECURRENCE for g in c.children):
                return True
    return False


def _no_longer(verb: Token) -> bool:
    """'is no longer selling': a negation; 'lasts no longer than a week' is a bound, not one."""
    for c in verb.children:
        if (
            c.lower_ == "longer"
            and c.dep_ == "advmod"
            and any(g.lower_ == "no" for g in c.children)
        ):
            nxt = c.doc[c.i + 1] if c.i + 1 < len(c.doc) else None
            if not any(g.lower_ == "than" for g in c.children) and (
                nxt is None or nxt.lower_ != "than"
            ):
                return True
    return False


def _regular_forms(base: str) -> set[str]:
    stem = base[:-1] if base.endswith("e") else base
    return {base, base + "s", stem + "ed", stem + "ing"}


# The small model mislemmatises some of these ("spared" -> "spar"): match written forms too.
_IDIOM_FORMS = {form: base for base in POSITIVE_NO_IDIOMS for form in _regular_forms(base)}


def _positive_idiom(verb: Token, obj: Token) -> bool:
    nouns = POSITIVE_NO_IDIOMS.get(verb.lemma_) or POSITIVE_NO_IDIOMS.get(
        _IDIOM_FORMS.get(verb.lower_, "")
    )
    if nouns is None or obj.lemma_.lower() not in nouns:
        return False
    if obj.lemma_.lower() in _CLAUSAL_IDIOM_NOUNS:
        # "no doubt that X" asserts X; "no question of a deal" denies one.
        return any(c.dep_ in {"acl", "ccomp", "relcl"} for c in obj.children)
    return True


def _through_pronoun(entity: Entity, tok: Token) -> Entity:
    """The person a pronoun refers to, at the pronoun; a role it has is not stated there."""
    update: dict[str, Any] = {"mention": tok.text, "start": tok.idx, "end": tok.idx + len(tok.text)}
    if entity.role is not None and entity.role.stated:
        update["role"] = entity.role.model_copy(update={"stated": False})
    return entity.model_copy(update=update)


def _core(tok: Token) -> list[Token]:
    """A noun phrase without its relative clauses, participles and appositions."""
    skip: set[int] = set()
    for t in tok.subtree:
        if t.dep_ in {"relcl", "acl", "appos", "punct"} and t.i != tok.i:
            skip.update(x.i for x in t.subtree)
    toks = [t for t in tok.subtree if t.i not in skip]
    return toks or [tok]


def _content_verb(head: Token) -> Token:
    """Follow light verbs to their complement: 'plan to criticize' -> criticize, 'were to arrive' -> arrive.

    An adjective passes its infinitive on as a light verb does, also as a copula's complement:
    'are due to start' -> start (through "due"), 'is likely to collapse' -> collapse.
    """
    cur = head
    for _ in range(4):
        if cur.lemma_ not in LIGHT_VERBS and cur.pos_ != "ADJ":
            break
        comp = _infinitive(cur)
        if comp is None:
            # "be" + adjective + infinitive: the adjective is the copula's complement (acomp).
            adjective = next(
                (c for c in cur.children if c.dep_ == "acomp" and c.pos_ == "ADJ"), None
            )
            comp = _infinitive(adjective) if adjective is not None else None
        if comp is None:
            break
        cur = comp
    return cur


def _infinitive(token: Token) -> Token | None:
    """The verb `token` takes as its open complement ("plan to criticize": criticize), or None."""
    return next(
        (c for c in token.children if c.dep_ == "xcomp" and c.pos_ in {"VERB", "AUX"}), None
    )


def _chain(top: Token, content: Token) -> list[Token]:
    """Verbs from the clause head down to the content verb."""
    out = [content]
    cur = content
    while cur.i != top.i and cur.head.i != cur.i and len(out) < 6:
        cur = cur.head
        out.append(cur)
    return out


def _phrase(tok: Token) -> str:
    words = [
        t.lemma_.lower() if t.pos_ not in {"PROPN"} else t.text
        for t in tok.subtree
        if t.dep_ not in {"det", "punct", "relcl", "acl", "appos"} and not t.is_space
    ]
    return " ".join(words[:10])
