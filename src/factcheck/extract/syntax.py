"""Small helpers over spaCy parses: the verb governing a token and its tense."""

from __future__ import annotations

from typing import Any

from .lexicon import read_lexicon
from .timex import Tense

Token = Any  # spacy.tokens.Token; spaCy ships no type information

# Tense words, from data/clauses.yaml (its comments say what each list is for).
_WORDS = read_lexicon("clauses.yaml")
FUTURE_AUX: frozenset[str] = _WORDS["future_auxiliaries"]
FUTURE_VERBS: frozenset[str] = _WORDS["future_verbs"]
SCHEDULED: frozenset[str] = _WORDS["scheduled"]


def is_scheduled(verb: Token) -> bool:
    """Whether `verb` is a participle that puts its clause ahead: "slated", "scheduled", "due"."""
    return (verb.lemma_ in SCHEDULED or verb.lower_ in SCHEDULED) and verb.tag_ in {
        "VBN",
        "VBD",
        "JJ",
    }


def governing_verb(token: Token) -> Token | None:
    """The nearest verb (or copula) above `token` in the parse, or None."""
    cur = token
    for _ in range(12):
        if cur.pos_ in {"VERB", "AUX"} and cur.i != token.i:
            return cur
        if cur.head.i == cur.i:
            return cur if cur.pos_ in {"VERB", "AUX"} else None
        cur = cur.head
    return None


def verb_tense(verb: Token, depth: int = 0) -> Tense:
    """Tense of a clause from its verb: auxiliaries, morphology and future-oriented governors."""
    if depth > 6:
        return "unknown"
    auxes = [c for c in verb.children if c.dep_ in {"aux", "auxpass"}]
    words = {a.lower_ for a in auxes}
    if words & FUTURE_AUX:
        return "future"
    if "to" in words or (verb.tag_ == "VB" and not words):
        head = verb.head
        if head.i != verb.i and head.lemma_ == "be" and "Past" in head.morph.get("Tense"):
            return "unknown"  # "they were to arrive Monday": future seen from the past
        if head.i != verb.i and (head.lemma_ in FUTURE_VERBS or head.lemma_ == "be"):
            return "future"
        if verb.dep_ in {"relcl", "acl"} and "to" in words:
            return "future"
        if head.i != verb.i and head.pos_ in {"VERB", "AUX"}:
            return verb_tense(head, depth + 1)
        if verb.dep_ == "ROOT":
            return "future"  # headline infinitive: "Leaders to meet Tuesday"
    if is_scheduled(verb):
        return "future"
    if verb.lemma_ == "go" and verb.tag_ == "VBG" and any(c.dep_ == "xcomp" for c in verb.children):
        return "future"
    for a in auxes:
        if "Past" in a.morph.get("Tense"):
            return "past"
        if a.lemma_ == "have":
            return "past"
    if verb.tag_ == "VBN" and auxes:
        # A participle after a modal or a present auxiliary is no past: "the sale should be
        # completed in October", "the plant is expected to reopen".
        if any(a.tag_ == "MD" for a in auxes):
            return "unknown"
        if any(a.tag_ in {"VBZ", "VBP"} for a in auxes):
            return "present"
    if "Past" in verb.morph.get("Tense"):
        if verb.tag_ == "VBN" and verb.dep_ in {"acl", "amod"} and not auxes:
            return verb_tense(verb.head, depth + 1) if verb.head.pos_ in {"VERB", "AUX"} else "past"
        return "past"
    if verb.tag_ in {"VBZ", "VBP"} or words & {"is", "are", "am", "'s", "'re"}:
        return "present"
    return "unknown"


def tense_of(token: Token) -> Tense:
    """Tense of the clause a token (e.g. the head of a time expression) belongs to."""
    verb = governing_verb(token)
    if verb is None:
        # Noun phrases such as "talks slated for Tuesday" or headlines without a verb.
        return "unknown"
    tense = verb_tense(verb)
    if tense in {"past", "present"} and _end_of_a_state_now(token, verb):
        return "future"
    return tense


_PRESENT_HAVE: frozenset[str] = _WORDS["present_have"]
_UNTIL: frozenset[str] = _WORDS["until"]


def _end_of_a_state_now(token: Token, verb: Token) -> bool:
    """Whether `token` ends, with "until" or "till", a state that holds now: a present or a
    present perfect clause ("markets have been closed until Friday", "the road remains shut
    till Monday"). That end lies ahead; in a simple past ("were closed until Friday") it may not."""
    if not (token.dep_ == "pobj" and token.head.lower_ in _UNTIL):
        return False
    cur = verb
    for _ in range(4):
        if cur.tag_ in {"VBZ", "VBP"}:
            return True
        auxes = [c for c in cur.children if c.dep_ in {"aux", "auxpass"}]
        auxes += [g for a in auxes for g in a.children if g.dep_ in {"aux", "auxpass"}]
        if any(a.lower_ in _PRESENT_HAVE and a.tag_ in {"VBZ", "VBP"} for a in auxes):
            return True
        past = any(a.tag_ in {"VBD", "MD"} for a in auxes) or "Past" in cur.morph.get("Tense")
        if past and cur.tag_ != "VBN":
            return False
        if cur.dep_ not in {"xcomp", "ccomp", "acomp", "oprd", "conj"} or cur.head.i == cur.i:
            return False
        cur = cur.head
    return False
