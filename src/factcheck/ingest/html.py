"""HTML: the article text of a page (stdlib html.parser), mapped back into the HTML source."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from .dates import parse_date
from .textmap import Builder, Mapped

# Elements whose content is never article text.
SKIP = frozenset(
    {
        "script",
        "style",
        "nav",
        "footer",
        "aside",
        "form",
        "noscript",
        "iframe",
        "svg",
        "template",
        "button",
        "select",
        "option",
        "textarea",
        "label",
        "menu",
        "dialog",
        "object",
        "embed",
        "canvas",
        "video",
        "audio",
        "map",
        "head",
        "math",
    }
)
VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
        "keygen",
    }
)
PARAGRAPH = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "figcaption"})
BLOCK = PARAGRAPH | frozenset(
    {
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "tr",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "section",
        "article",
        "main",
        "header",
        "hr",
        "address",
        "figure",
        "caption",
        "center",
        "details",
        "summary",
        "fieldset",
        "hgroup",
    }
)
CELL = frozenset({"td", "th"})
SKIP_ROLES = frozenset(
    {
        "navigation",
        "banner",
        "contentinfo",
        "complementary",
        "search",
        "dialog",
        "alertdialog",
        "menu",
        "menubar",
        "toolbar",
        "tablist",
    }
)
# class/id words that mark widgets across sites (the same words readability-style extractors use).
SKIP_CLASS_WORDS = frozenset(
    {
        "nav",
        "navbar",
        "navigation",
        "menu",
        "breadcrumb",
        "breadcrumbs",
        "sidebar",
        "share",
        "sharing",
        "social",
        "comments",
        "comment",
        "related",
        "newsletter",
        "cookie",
        "cookies",
        "advert",
        "advertisement",
        "ads",
        "ad",
        "promo",
        "sponsored",
        "popup",
        "modal",
        "subscribe",
        "paywall",
        "skip",
        "skiplink",
        "toolbar",
        "pagination",
        "byline-share",
        "tags",
        "footer",
    }
)
_CLASS_SPLIT = re.compile(r"[\s_\-]+")
_WS = re.compile(r"[ \t\n\r\f\v]+")
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?")

PUBLISHED_KEYS = (
    "article:published_time",
    "datepublished",
    "og:published_time",
    "published_time",
    "pubdate",
    "publishdate",
    "publish-date",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "dcterms.date",
    "sailthru.date",
    "parsely-pub-date",
)
TITLE_KEYS = ("og:title", "twitter:title", "dc.title", "headline")
AUTHOR_KEYS = ("author", "article:author", "dc.creator", "byl", "parsely-author")


@dataclass
class _Piece:
    text: str
    o: int
    oe: int
    article: bool
    headline: bool


@dataclass
class HtmlResult:
    text: Mapped
    meta: dict[str, Any] = field(default_factory=dict)


class _Extractor(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.pieces: list[_Piece] = []
        self.skip: list[tuple[str, int]] = []  # (tag, depth of same-named tags) while skipping
        self.article = 0
        self.h1 = 0
        self.pre = 0
        self.title_parts: list[str] | None = None
        self.title = ""
        self.ldjson: list[str] | None = None
        self.meta: dict[str, str] = {}
        self.time_published: str | None = None
        self.lang: str | None = None
        self.canonical: str | None = None

    # ------------------------------------------------------------------ positions

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _emit(self, text: str, o: int, oe: int) -> None:
        self.pieces.append(_Piece(text, o, oe, self.article > 0, self.h1 > 0))

    def _break(self, tag: str, o: int, oe: int) -> None:
        if self.skip:
            return
        if tag not in PARAGRAPH:
            for piece in reversed(self.pieces):
                if piece.text.strip():
                    break
                if "\n" in piece.text:
                    return  # adjacent blocks: one line break, not a paragraph break
        self._emit("\n\n" if tag in PARAGRAPH else "\n", o, oe)

    # ------------------------------------------------------------------ tags

    def _skips(self, tag: str, attrs: list[tuple[str, str | None]]) -> bool:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag in SKIP or "hidden" in values:
            return True
        if values.get("aria-hidden", "").lower() == "true":
            return True
        if values.get("role", "").lower() in SKIP_ROLES:
            return True
        if tag in ("html", "body", "article", "main"):
            return False
        words = set(
            _CLASS_SPLIT.split((values.get("class", "") + " " + values.get("id", "")).lower())
        )
        return bool(words & SKIP_CLASS_WORDS)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        o = self._offset()
        raw = self.get_starttag_text() or ""
        oe = o + len(raw)
        values = {k.lower(): (v or "") for k, v in attrs}
        self._head_metadata(tag, values)
        if tag == "title":
            self.title_parts = []
        if tag == "script" and values.get("type", "").lower() == "application/ld+json":
            self.ldjson = []
        if self.skip:
            name, depth = self.skip[-1]
            if tag == name and tag not in VOID:
                self.skip[-1] = (name, depth + 1)
            return
        if tag not in VOID and self._skips(tag, attrs):
            self.skip.append((tag, 1))
            return
        if tag in ("article", "main"):
            self.article += 1
        elif tag == "h1":
            self.h1 += 1
        elif tag == "pre":
            self.pre += 1
        if tag in BLOCK:
            self._break(tag, o, oe)
        elif tag in CELL:
            self._emit(" ", o, oe)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        o = self._offset()
        raw = self.get_starttag_text() or ""
        self._head_metadata(tag, {k.lower(): (v or "") for k, v in attrs})
        if not self.skip and tag in BLOCK:
            self._break(tag, o, o + len(raw))

    def handle_endtag(self, tag: str) -> None:
        o = self._offset()
        close = self.source.find(">", o)
        oe = close + 1 if close >= 0 else len(self.source)
        if tag == "title" and self.title_parts is not None:
            self.title = html.unescape("".join(self.title_parts))
            self.title_parts = None
        if tag == "script" and self.ldjson is not None:
            self.meta.update(_ldjson("".join(self.ldjson)))
            self.ldjson = None
        if self.skip:
            name, depth = self.skip[-1]
            if tag == name:
                if depth <= 1:
                    self.skip.pop()
                else:
                    self.skip[-1] = (name, depth - 1)
            return
        if tag in ("article", "main"):
            self.article = max(0, self.article - 1)
        elif tag == "h1":
            self.h1 = max(0, self.h1 - 1)
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
        if tag in BLOCK:
            self._break(tag, o, oe)
        elif tag in CELL:
            self._emit(" ", o, oe)

    def _head_metadata(self, tag: str, values: dict[str, str]) -> None:
        if tag == "meta":
            key = (
                values.get("property") or values.get("name") or values.get("itemprop") or ""
            ).lower()
            if key and "content" in values and key not in self.meta:
                self.meta[key] = values["content"].strip()
            if values.get("http-equiv", "").lower() == "content-language" and values.get("content"):
                self.meta.setdefault("content-language", values["content"].strip())
        elif tag == "html" and values.get("lang"):
            self.lang = values["lang"].strip()
        elif tag == "link" and "canonical" in values.get("rel", "").lower().split():
            self.canonical = values.get("href") or None
        elif (
            tag == "time"
            and values.get("datetime")
            and ("pubdate" in values or values.get("itemprop", "").lower() == "datepublished")
        ):
            self.time_published = self.time_published or values["datetime"]

    # ------------------------------------------------------------------ text

    def handle_data(self, data: str) -> None:
        if self.title_parts is not None:
            self.title_parts.append(data)
        if self.ldjson is not None:
            self.ldjson.append(data)
        if self.skip or self.title_parts is not None or not data:
            return
        o = self._offset()
        if self.pre:
            self._emit(data, o, o + len(data))
            return
        last = 0
        for m in _WS.finditer(data):
            if m.start() > last:
                self._emit(data[last : m.start()], o + last, o + m.start())
            self._emit(" ", o + m.start(), o + m.end())
            last = m.end()
        if last < len(data):
            self._emit(data[last:], o + last, o + len(data))

    def _ref(self) -> None:
        o = self._offset()
        m = _ENTITY.match(self.source, o)
        raw = m.group() if m else "&"
        if self.title_parts is not None:
            self.title_parts.append(raw)
            return
        if self.skip:
            return
        self._emit(html.unescape(raw), o, o + len(raw))

    def handle_entityref(self, name: str) -> None:
        self._ref()

    def handle_charref(self, name: str) -> None:
        self._ref()


def _ldjson(raw: str) -> dict[str, str]:
    """datePublished, headline, author, publisher and the article's URL from JSON-LD, when
    the block parses. Publisher and URL are read from article items only (those with a
    headline or a publication date), so a page's WebSite or Organization item does not name
    the article; `{"@id": ...}` references are looked up in the block's @graph."""
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    items: list[Any] = data if isinstance(data, list) else [data]
    if isinstance(data, dict) and isinstance(data.get("@graph"), list):
        items = data["@graph"]
    nodes = {
        item["@id"]: item
        for item in items
        if isinstance(item, dict) and isinstance(item.get("@id"), str)
    }

    def name_of(value: Any) -> str | None:
        if isinstance(value, list) and value:
            value = value[0]
        if isinstance(value, dict) and "name" not in value and isinstance(value.get("@id"), str):
            value = nodes.get(value["@id"], value)
        name = value.get("name") if isinstance(value, dict) else value
        return name.strip() if isinstance(name, str) and name.strip() else None

    out: dict[str, str] = {}
    for item in items:
        if not isinstance(item, dict):
            continue
        for key in ("datePublished", "headline"):
            if isinstance(item.get(key), str):
                out.setdefault(key.lower(), item[key])
        if (author := name_of(item.get("author"))) is not None:
            out.setdefault("author", author)
        if not any(isinstance(item.get(k), str) for k in ("datePublished", "headline")):
            continue
        if (publisher := name_of(item.get("publisher"))) is not None:
            out.setdefault("ld:publisher", publisher)
        page = item.get("mainEntityOfPage")
        for url in (item.get("url"), page.get("@id") if isinstance(page, dict) else page):
            if isinstance(url, str) and re.match(r"https?://\S+$", url.strip(), re.I):
                out.setdefault("ld:url", url.strip())
                break
    return out


def extract(source: str) -> HtmlResult:
    """Article text of an HTML page and what its head says about it."""
    parser = _Extractor(source)
    parser.feed(source)
    parser.close()
    pieces = parser.pieces
    # A page that marks its article (<article>, <main>) keeps only that, plus a headline
    # outside it; otherwise everything that is not furniture is kept.
    if any(p.article and p.text.strip() for p in pieces):
        has_inner_h1 = any(p.article and p.headline and p.text.strip() for p in pieces)
        pieces = [p for p in pieces if p.article or (p.headline and not has_inner_h1)]
    builder = Builder()
    for p in pieces:
        builder.put(p.text, p.o, p.oe)
    return HtmlResult(text=builder.build(), meta=_metadata(parser))


def _metadata(parser: _Extractor) -> dict[str, Any]:
    meta = parser.meta
    out: dict[str, Any] = {}
    title = next((meta[k] for k in TITLE_KEYS if meta.get(k)), None) or parser.title.strip()
    if title:
        out["title"] = _WS.sub(" ", title).strip()
    published: dt.date | None = None
    for value in [*(meta.get(k) for k in PUBLISHED_KEYS), parser.time_published]:
        if value and (published := parse_date(value)) is not None:
            break
    if published is not None:
        out["published"] = published
    author = next((meta[k] for k in AUTHOR_KEYS if meta.get(k) and "://" not in meta[k]), None)
    if author:
        out["author"] = author
    source = meta.get("og:site_name") or meta.get("ld:publisher")
    if source:
        out["source"] = source
    url = meta.get("og:url") or parser.canonical or meta.get("ld:url")
    if url:
        out["url"] = url
    language = parser.lang or meta.get("content-language")
    if language:
        out["language"] = language
    return out
