"""Offset-tracked text: every transformation of a document keeps a map back to the original file."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

Replacement = str | Callable[[re.Match[str]], str]


@dataclass(frozen=True, slots=True)
class Seg:
    """`n` characters of text from text offset `t`, taken from original[o:oe].

    When `n == oe - o` the characters map 1:1; otherwise every character of the piece maps to
    the whole range (an entity, an escape, a collapsed run, an inserted line break).
    """

    t: int
    n: int
    o: int
    oe: int

    @property
    def one_to_one(self) -> bool:
        return self.n == self.oe - self.o


class Mapped:
    """A text and, for each character, the range of the original it came from."""

    __slots__ = ("_keys", "segs", "text")

    def __init__(self, text: str, segs: list[Seg]) -> None:
        self.text = text
        self.segs = segs
        self._keys = [s.t for s in segs]

    @classmethod
    def identity(cls, text: str, offset: int = 0) -> Mapped:
        return cls(text, [Seg(0, len(text), offset, offset + len(text))] if text else [])

    def __len__(self) -> int:
        return len(self.text)

    def _seg(self, i: int) -> Seg:
        return self.segs[bisect.bisect_right(self._keys, i) - 1]

    def start_of(self, i: int) -> int:
        """Original offset where the character at `i` starts."""
        s = self._seg(i)
        return s.o + (i - s.t) if s.one_to_one else s.o

    def end_of(self, i: int) -> int:
        """Original offset one past the character at `i`."""
        s = self._seg(i)
        return s.o + (i - s.t) + 1 if s.one_to_one else s.oe

    def pieces(self, a: int, b: int) -> Iterator[Seg]:
        """Segments covering text[a:b], clipped, with `t` relative to `a`."""
        if a >= b:
            return
        k = bisect.bisect_right(self._keys, a) - 1
        while k < len(self.segs):
            s = self.segs[k]
            if s.t >= b:
                break
            lo, hi = max(s.t, a), min(s.t + s.n, b)
            if lo < hi:
                if s.one_to_one:
                    yield Seg(lo - a, hi - lo, s.o + (lo - s.t), s.o + (hi - s.t))
                else:
                    yield Seg(lo - a, hi - lo, s.o, s.oe)
            k += 1

    def slice(self, a: int, b: int) -> Mapped:
        builder = Builder(self)
        builder.keep(a, b)
        return builder.build()

    # ------------------------------------------------------------------ transformations

    def sub(self, pattern: re.Pattern[str], repl: Replacement) -> Mapped:
        """Like `pattern.sub(repl, text)`; replaced text maps to the range of what it replaced."""
        builder = Builder(self)
        last = 0
        changed = False
        for m in pattern.finditer(self.text):
            new = repl if isinstance(repl, str) else repl(m)
            if new == m.group():
                continue
            builder.keep(last, m.start())
            builder.replace(new, m.start(), m.end())
            last = m.end()
            changed = True
        if not changed:
            return self
        builder.keep(last, len(self.text))
        return builder.build()

    def keep_groups(self, pattern: re.Pattern[str], *groups: int | str) -> Mapped:
        """Replace each match by the named groups it contains, their mapping untouched.

        Used to strip markup: `[text](url)` keeps `text` exactly where it stands in the file.
        """
        builder = Builder(self)
        last = 0
        changed = False
        for m in pattern.finditer(self.text):
            builder.keep(last, m.start())
            for g in groups:
                if m.start(g) >= 0:
                    builder.keep(m.start(g), m.end(g))
            last = m.end()
            changed = True
        if not changed:
            return self
        builder.keep(last, len(self.text))
        return builder.build()

    def lines(self) -> Iterator[tuple[int, int]]:
        """(start, end) of each line, `end` before its newline."""
        start = 0
        text = self.text
        while start <= len(text):
            nl = text.find("\n", start)
            if nl < 0:
                if start < len(text):
                    yield start, len(text)
                return
            yield start, nl
            start = nl + 1

    # ------------------------------------------------------------------ export

    def breakpoints(self) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        """Start and end breakpoint lists in the format of models.Document.

        Starts: (text offset, original offset of that character), advancing 1:1 to the next
        breakpoint. Ends: (text end offset e, original end of character e - 1), likewise.
        """
        starts: list[tuple[int, int]] = []
        ends: list[tuple[int, int]] = []

        def add(points: list[tuple[int, int]], t: int, o: int) -> None:
            if points and points[-1][1] + (t - points[-1][0]) == o:
                return
            points.append((t, o))

        for s in self.segs:
            if s.one_to_one:
                add(starts, s.t, s.o)
                add(ends, s.t + 1, s.o + 1)
            else:
                for k in range(s.n):
                    add(starts, s.t + k, s.o)
                    add(ends, s.t + k + 1, s.oe)
        if not starts:
            starts.append((0, 0))
        return starts, ends


class Builder:
    """Assembles a new Mapped text from pieces of a source Mapped text or of the original."""

    __slots__ = ("_parts", "_segs", "_t", "source")

    def __init__(self, source: Mapped | None = None) -> None:
        self.source = source
        self._parts: list[str] = []
        self._segs: list[Seg] = []
        self._t = 0

    @property
    def length(self) -> int:
        return self._t

    def _push(self, seg: Seg) -> None:
        if seg.n == 0:
            return
        if self._segs:
            last = self._segs[-1]
            if last.one_to_one and seg.one_to_one and last.oe == seg.o:
                self._segs[-1] = Seg(last.t, last.n + seg.n, last.o, seg.oe)
                return
        self._segs.append(seg)

    def keep(self, a: int, b: int) -> None:
        """Copy source text[a:b] with its mapping."""
        if a >= b or self.source is None:
            return
        for s in self.source.pieces(a, b):
            self._push(Seg(self._t + s.t, s.n, s.o, s.oe))
        self._parts.append(self.source.text[a:b])
        self._t += b - a

    def replace(self, text: str, a: int, b: int) -> None:
        """Put `text` in place of source text[a:b]; it maps to the original range of that slice."""
        assert self.source is not None
        if not text:
            return
        if a < b:
            self.put(text, self.source.start_of(a), self.source.end_of(b - 1))
        else:
            at = (
                self.source.start_of(a)
                if a < len(self.source)
                else (self.source.end_of(a - 1) if a > 0 else 0)
            )
            self.put(text, at, at)

    def put(self, text: str, o: int, oe: int) -> None:
        """Put `text` mapped to original[o:oe] (1:1 when the lengths agree)."""
        if not text:
            return
        self._push(Seg(self._t, len(text), o, oe))
        self._parts.append(text)
        self._t += len(text)

    def put_verbatim(self, text: str, o: int) -> None:
        self.put(text, o, o + len(text))

    def build(self) -> Mapped:
        return Mapped("".join(self._parts), self._segs)


def concat(parts: Iterable[Mapped]) -> Mapped:
    builder = Builder()
    for part in parts:
        builder.source = part
        builder.keep(0, len(part))
    return builder.build()
