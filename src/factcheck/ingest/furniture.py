"""Page furniture: lines of a web page that are not article content (widgets, credits, labels)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

import yaml

from ..extract.lexicon import in_order
from .dates import is_date_line

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})
_HAS_ALNUM = re.compile(r"\w")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_TIME_TOKEN = re.compile(
    r"\d[\d:.,/\-]*|[ap]\.?m\.?|gmt|utc|z|[a-z]{1,2}[sd]t|et|pt|ct|mt|hrs?|h|min|s",
    re.I,
)
_SENTENCE_END = re.compile(r"[.!?…][\"”’')\]]*$")
# Captions shorter than this with a credit are labels for a picture, not statements.
CAPTION_WORDS = 12
REPEAT_WORDS = 12
_LABEL = re.compile(r"^[^:]{1,30}:\s*")


@dataclass(frozen=True)
class FurnitureRules:
    phrases: frozenset[tuple[str, ...]]
    longest: int
    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    max_words: int
    boilerplate: re.Pattern[str]
    name_glue: frozenset[str]
    credit_words: frozenset[str]
    # A parenthetical at the end of a line that credits a photo: '(State Department Photo by
    # X)', '(File)', '(AP Photo/Jane Doe)', '(Photo courtesy of ...)', '(Getty Images)'.
    credit: re.Pattern[str]
    # Only a picture's label can introduce its description: "VIDEO: Watch the full briefing"
    # and "Source: ..." stay furniture however many ordinary words follow.
    picture_label: re.Pattern[str]
    byline: re.Pattern[str]


@functools.cache
def load_rules() -> FurnitureRules:
    """The generic furniture vocabulary of data/furniture.yaml."""
    raw = resources.files("factcheck").joinpath("data/furniture.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(raw)
    phrases = frozenset(tokens(p) for p in data["phrases"])
    patterns = tuple(
        (reason, re.compile(rf"(?:{pattern})\s*", re.I))
        for reason, pattern in data["patterns"].items()
    )
    return FurnitureRules(
        phrases=phrases,
        longest=max(len(p) for p in phrases),
        patterns=patterns,
        max_words=int(data["max_words"]),
        boilerplate=re.compile(data["boilerplate"], re.I),
        name_glue=frozenset(str(w) for w in data["name_glue"]),
        credit_words=frozenset(str(w) for w in [*data["name_glue"], *data["credit_words"]]),
        credit=re.compile(
            rf"\s*\((?=[^()]*\b{in_order(data['credit_parenthetical'])}\b)[^()]{{1,80}}\)\s*$",
            re.I,
        ),
        picture_label=re.compile(rf"^\(?{in_order(data['picture_labels'])}\s*:", re.IGNORECASE),
        byline=re.compile(
            rf"^[Bb][Yy]\s+(?:[A-Z][\w.'’\-]*\.?(?:\s+|$)|{in_order(data['byline_glue'])}\s+)+"
            r"(?:[|,\-–—]\s*.{0,60})?$",
        ),
    )


def is_boilerplate(text: str) -> bool:
    """Whether `text` holds words of site chrome anywhere ('Subscribe to our newsletter',
    '© 2021 ...'): never a claim nor a headline, even on a line that was kept."""
    return load_rules().boilerplate.search(text) is not None


def tokens(line: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(line.lower().translate(_APOSTROPHES)))


def _covered(words: tuple[str, ...], rules: FurnitureRules) -> bool:
    """True when `words` split entirely into known interface phrases."""
    if not words or len(words) > 3 * rules.longest:
        return False
    ok = [True] + [False] * len(words)
    for i in range(1, len(words) + 1):
        for j in range(max(0, i - rules.longest), i):
            if ok[j] and words[j:i] in rules.phrases:
                ok[i] = True
                break
    return ok[-1]


def classify(line: str, *, rules: FurnitureRules | None = None) -> str | None:
    """Why `line` is page furniture, or None when it may be content.

    Only lines that cannot be prose are dropped: no letters at all, a date or time stamp on its
    own, nothing but interface words, or a short line matching a generic furniture pattern.
    Repetitions and credits are handled by the caller, which sees the whole document.
    """
    rules = rules or load_rules()
    stripped = line.strip()
    if not stripped:
        return None
    if not _HAS_ALNUM.search(stripped):
        return "punctuation"
    if is_date_line(stripped):
        return "dateline"
    if re.search(r"\d", stripped) and all(
        _TIME_TOKEN.fullmatch(t) for t in re.findall(r"[^\s|•·()\[\],;/–—]+", stripped)
    ):
        return "timestamp" if re.search(r"\d[:.]\d\d", stripped) else "numbers"
    words = stripped.split()
    if len(words) <= rules.max_words:
        for reason, pattern in rules.patterns:
            if pattern.fullmatch(stripped):
                if (
                    reason == "credit"
                    and rules.picture_label.match(stripped)
                    and describes(_LABEL.sub("", stripped, count=1))
                ):
                    break  # "Photo: X, the US secretary of state, in Tokyo."
                return reason
    if _covered(tokens(stripped), rules):
        return "widget"
    if len(words) <= 12 and rules.byline.match(stripped) and not _SENTENCE_END.search(stripped):
        return "byline"
    return None


def credit(line: str) -> tuple[int, str] | None:
    """Where a trailing photo credit starts in `line`, and whether the whole line is a caption.

    Returns (start, reason): reason 'photo caption' when what precedes the credit is a short
    label (drop the line), 'photo credit' when it is a statement (drop only the credit); None
    when there is no credit, or when the label names an office holder ("Secretary of State
    Jane Doe."): that line is a caption claim, kept whole for the claim layer to read as one.
    """
    m = load_rules().credit.search(line)
    if not m:
        return None
    caption = line[: m.start()].strip()
    words = re.findall(r"[^\W\d_][\w'’.\-]*", caption)
    # A caption of names and titles only ('Secretary of State Jane Doe.') labels the picture;
    # one with ordinary lower-case words says something and is kept.
    if len(words) <= CAPTION_WORDS and all(
        w[0].isupper() or w in load_rules().name_glue for w in words
    ):
        if names_office(caption):
            return None  # "Secretary of State Jane Doe.": who holds an office, a claim to check
        return 0, "photo caption"
    return m.start(), "photo credit"


def describes(text: str) -> bool:
    """Whether text after a 'Photo:' label describes the picture rather than crediting it."""
    lower = [w for w in re.findall(r"[^\W\d_][\w'’\-]*", text) if w[0].islower()]
    credit = load_rules().credit_words
    return len([w for w in lower if w.lower() not in credit]) >= 2 or names_office(text)


def names_office(text: str) -> bool:
    """Whether text names a title of office ('Secretary of State', 'Defense Minister')."""
    from ..extract.aliases import load_tables  # the title table lives with the entity tables

    tables = load_tables()
    return any(
        (t := tables.title(m.group())) is not None and not t.generic
        for m in tables.title_regex.finditer(text)
    )


def is_short_label(line: str) -> bool:
    """A short line with no sentence punctuation (a heading, a widget title)."""
    return len(line.split()) <= REPEAT_WORDS and not _SENTENCE_END.search(line.strip())


def has_letters(line: str) -> bool:
    return bool(_HAS_LETTER.search(line))
