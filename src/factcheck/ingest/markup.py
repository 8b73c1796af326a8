"""Light Markdown stripping and line unwrapping, keeping every kept character's place in the file."""

from __future__ import annotations

import re

from .textmap import Mapped

_M = re.MULTILINE
_FENCE = re.compile(r"^ {0,3}(?:`{3,}|~{3,})[^\n]*\n?", _M)
_REFERENCE = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]+\S[^\n]*\n?", _M)
_RULE = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}|=+[ \t]*)$", _M)
_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(?P<text>[^\n]*?)(?:[ \t]+#+)?[ \t]*$", _M)
_QUOTE = re.compile(r"^(?: {0,3}>[ \t]?)+", _M)
_LIST = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?", _M)
_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_LINK = re.compile(r"\[(?P<text>[^\]\n]+)\](?:\([^)\n]*\)|\[[^\]\n]*\])")
_AUTOLINK = re.compile(r"<(?P<url>(?:https?|mailto):[^>\s]+)>")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
# Markers preceded by a backslash are escaped: the escape pass turns them into text last.
_STRONG = re.compile(r"(?<!\\)(?P<mark>\*\*|__)(?=\S)(?P<text>[^\n]+?)(?<=[^\s\\])(?P=mark)")
_EM_STAR = re.compile(r"(?<![\w*\\])\*(?=[^\s*])(?P<text>[^\n*]+?)(?<=[^\s*\\])\*(?![\w*])")
_EM_UNDER = re.compile(r"(?<![\w_\\])_(?=[^\s_])(?P<text>[^\n_]+?)(?<=[^\s_\\])_(?![\w_])")
_STRIKE = re.compile(r"~~(?P<text>[^\n]+?)~~")
_CODE = re.compile(r"`(?P<text>[^`\n]+)`")
_ESCAPE = re.compile(r"\\(?P<char>[\\`*_{}\[\]()#+\-.!>~|])")
_EMPTY_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]*$", _M)

# A line ends a sentence (or a heading) when it ends in one of these; otherwise a following line
# that starts in lower case continues it.
_OPEN_END = re.compile(r"[^.!?:;…\"”’)\]]$")
_CONTINUES = re.compile(r"^[a-z0-9(“\"‘']")


def strip_markdown(text: Mapped) -> Mapped:
    """Markdown to plain text: markers removed, link and emphasis text kept in place."""
    text = text.sub(_FENCE, "")
    text = text.sub(_REFERENCE, "")
    text = text.sub(_RULE, "")
    text = text.sub(_EMPTY_HEADING, "")
    text = text.keep_groups(_HEADING, "text")
    text = text.sub(_QUOTE, "")
    text = text.sub(_LIST, "")
    text = text.sub(_IMAGE, "")
    text = text.keep_groups(_LINK, "text")
    text = text.keep_groups(_AUTOLINK, "url")
    text = text.sub(_TAG, "")
    text = text.keep_groups(_CODE, "text")
    for pattern in (_STRONG, _EM_STAR, _EM_UNDER, _STRIKE):
        text = text.keep_groups(pattern, "text")
    return text.keep_groups(_ESCAPE, "char")


def unwrap(text: Mapped) -> Mapped:
    """Join hard-wrapped lines: a line that stops mid-sentence and a next line in lower case.

    Headlines and one-paragraph-per-line texts are left alone, since their next line starts
    with a capital; only the newline becomes a space, so offsets stay exact.
    """
    s = text.text
    joins: list[int] = []
    for m in re.finditer("\n", s):
        i = m.start()
        before = s[s.rfind("\n", 0, i) + 1 : i]
        after = s[i + 1 : i + 3]
        if before and after and _OPEN_END.search(before) and _CONTINUES.match(after):
            joins.append(i)
    if not joins:
        return text
    wanted = set(joins)
    return text.sub(re.compile("\n"), lambda m: " " if m.start() in wanted else "\n")
