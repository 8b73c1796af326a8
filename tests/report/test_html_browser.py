"""report.html in a real headless Chromium: it loads, its filters work, and document markup stays text."""

from __future__ import annotations

import html
import os
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from factcheck.models import Document, Report
from factcheck.report.render import render_html

from .test_render import evidence, finding, make_doc, make_report, sample

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("FACTCHECK_CHROMIUM", "/usr/bin/chromium"))
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--virtual-time-budget=5000",
]


def chromium() -> Path:
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} not found: the browser tests need Debian's chromium "
            "(apt-get install -y chromium chromium-driver; .ci/run installs it)",
            pytrace=False,
        )
    return CHROMIUM


def dump_dom(page: Path, tmp_path: Path, suffix: str = "") -> str:
    """The DOM after the page's scripts ran, serialised by the browser."""
    profile = tmp_path / "profile"
    result = subprocess.run(
        [
            str(chromium()),
            *FLAGS,
            f"--user-data-dir={profile}",
            "--dump-dom",
            page.as_uri() + suffix,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "<html" in result.stdout, result.stderr[-2000:]
    return result.stdout


class Elements(HTMLParser):
    """Attributes of every element, in document order, by tag name."""

    def __init__(self, dom: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.feed(dom)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))

    def tags(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for t, attrs in self.found if t == tag]

    def visible_findings(self) -> list[str]:
        return [
            str(a["data-rule"])
            for a in self.tags("article")
            if "finding" in (a.get("class") or "") and "hidden" not in a
        ]


def write_page(
    tmp_path: Path, report: Report, documents: list[Document], extra_script: str = ""
) -> Path:
    page = render_html(report, documents)
    if extra_script:
        page = page.replace("</body>", f"<script>{extra_script}</script>\n</body>")
    path = tmp_path / "report.html"
    path.write_text(page, encoding="utf-8")
    return path


def test_page_loads_with_every_finding_shown(tmp_path: Path) -> None:
    docs, report = sample()
    dom = dump_dom(write_page(tmp_path, report, docs), tmp_path)
    elements = Elements(dom)
    # The page's script ran to its end and revealed the filter bar.
    assert elements.tags("html")[0].get("data-filters-ready") == "1"
    form = next(a for a in elements.tags("form") if a.get("id") == "filters")
    assert "hidden" not in form
    assert sorted(elements.visible_findings()) == ["AG001", "DC001", "UN001"]
    text = html.unescape(dom)
    for f in report.findings:
        assert f.message in text
    assert len(elements.tags("mark")) == 5


@pytest.mark.parametrize(
    ("suffix", "visible"),
    [
        ("#kind=discrepancy", ["DC001"]),
        ("#kind=agreement", ["AG001"]),
        ("#rule=UN001", ["UN001"]),
        ("#doc=b", ["DC001", "AG001"]),
        ("#doc=c&kind=unsupported", ["UN001"]),
        ("#doc=c&kind=agreement", []),
        ("?kind=unsupported", ["UN001"]),
        ("#q=wednesday", ["DC001"]),
        ("#kind=no-such-kind", ["DC001", "UN001", "AG001"]),  # unknown values fall back to all
    ],
)
def test_url_preselects_filters(tmp_path: Path, suffix: str, visible: list[str]) -> None:
    docs, report = sample()
    dom = dump_dom(write_page(tmp_path, report, docs), tmp_path, suffix)
    elements = Elements(dom)
    assert elements.visible_findings() == visible
    status = next(a for a in elements.tags("span") if a.get("id") == "status")
    assert status.get("data-shown") == str(len(visible))
    # A section left with nothing visible is hidden as a whole.
    shown_sections = [
        a["data-kind"]
        for a in elements.tags("section")
        if "kind-section" in (a.get("class") or "") and "hidden" not in a
    ]
    assert len(shown_sections) == len(visible)


def test_changing_a_select_filters_the_findings(tmp_path: Path) -> None:
    docs, report = sample()
    # Drives the page as a person would: pick a rule, then reset with the button.
    script = """
    var form = document.getElementById("filters");
    form.elements.rule.value = "AG001";
    form.elements.rule.dispatchEvent(new Event("change", {bubbles: true}));
    var after = document.querySelectorAll("article.finding:not([hidden])").length;
    document.body.setAttribute("data-after-change", String(after));
    document.body.setAttribute("data-hash", location.hash);
    document.getElementById("show-all").click();
    var afterReset = document.querySelectorAll("article.finding:not([hidden])").length;
    document.body.setAttribute("data-after-reset", String(afterReset));
    """
    dom = dump_dom(write_page(tmp_path, report, docs, script), tmp_path)
    body = Elements(dom).tags("body")[0]
    assert body.get("data-after-change") == "1"
    assert body.get("data-hash") == "#rule=AG001"
    assert body.get("data-after-reset") == "3"


def test_markup_in_documents_is_shown_as_text(tmp_path: Path) -> None:
    hostile = (
        'He wrote <script>document.body.setAttribute("data-pwned", "1")</script> and '
        '<img src="x" onerror="document.title=\'pwned\'"> and <b>bold</b>.'
    )
    doc = make_doc("evil", f"Intro.\n\n{hostile}\n", title="<i>title</i>")
    report = make_report(
        [doc], [finding("unsupported", "UN001", "Says <b>x</b>.", [evidence(doc, hostile)])]
    )
    dom = dump_dom(write_page(tmp_path, report, [doc]), tmp_path)
    elements = Elements(dom)
    assert "data-pwned" not in (elements.tags("body")[0])
    assert "<title>factcheck consistency report</title>" in dom
    assert len(elements.tags("script")) == 1
    assert not elements.tags("img") and not elements.tags("b") and not elements.tags("i")
    # The literal markup is there as text for a reader to see.
    assert '&lt;script&gt;document.body.setAttribute("data-pwned", "1")&lt;/script&gt;' in dom
    assert "&lt;b&gt;bold&lt;/b&gt;" in dom and "&lt;i&gt;title&lt;/i&gt;" in dom
    assert "Says &lt;b&gt;x&lt;/b&gt;." in dom


def test_readable_at_500_px_with_a_screenshot(tmp_path: Path) -> None:
    """At 500 px nothing scrolls sideways, the conflicts come first and the long lists are folded."""
    docs, report = sample()
    script = """
    var root = document.documentElement;
    root.setAttribute("data-overflow", String(root.scrollWidth - window.innerWidth));
    root.setAttribute("data-width", String(window.innerWidth));
    var glance = document.getElementById("glance").getBoundingClientRect();
    var summary = document.getElementById("summary").getBoundingClientRect();
    root.setAttribute("data-glance-first", String(glance.top < summary.top));
    var folds = document.querySelectorAll("details.fold");
    root.setAttribute("data-folds", String(folds.length));
    root.setAttribute("data-open", String(document.querySelectorAll("details.fold[open]").length));
    // Slot tables: a slot name or verdict on one line (not cut letter by letter into a
    // narrow column), and every value cell wide enough to read.
    var shown = function (sel) {
      return Array.from(document.querySelectorAll(sel)).filter(function (c) {
        return c.getClientRects().length > 0 && c.textContent.trim();
      });
    };
    var words = shown("table.slots tbody th, table.slots td.verdict");
    var broken = words.filter(function (c) {
      var r = document.createRange(); r.selectNodeContents(c);
      return r.getClientRects().length !== 1;
    });
    root.setAttribute("data-slot-words", String(words.length));
    root.setAttribute("data-broken-words", broken.map(function (c) { return c.textContent; }).join("|"));
    var values = shown("table.slots td:not(.verdict)");
    root.setAttribute("data-slot-values", String(values.length));
    root.setAttribute("data-narrowest-value", String(Math.min.apply(null, values.map(function (c) {
      return c.getBoundingClientRect().width; }))));
    """
    page = write_page(tmp_path, report, docs, script)
    size = ["--window-size=500,1600", "--hide-scrollbars"]
    dom = subprocess.run(
        [
            str(chromium()),
            *FLAGS,
            *size,
            f"--user-data-dir={tmp_path / 'p1'}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    ).stdout
    root = Elements(dom).tags("html")[0]
    assert root.get("data-width") == "500", root
    assert int(root.get("data-overflow") or "1") <= 0, root
    assert root.get("data-glance-first") == "true"
    # Unsupported findings and the documents table start folded.
    assert root.get("data-folds") == "2" and root.get("data-open") == "0"
    assert int(root.get("data-slot-words") or "0") >= 2, root
    assert root.get("data-broken-words") == "", root
    assert int(root.get("data-slot-values") or "0") >= 2, root
    assert float(root.get("data-narrowest-value") or "0") >= 200, root
    # The visual summary is inline SVG: a bar per document.
    assert len(Elements(dom).tags("rect")) >= 3
    shot = Path(os.environ.get("FACTCHECK_SCREENSHOT", tmp_path / "report-500px.png"))
    shot.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [
            str(chromium()),
            *FLAGS,
            *size,
            f"--user-data-dir={tmp_path / 'p2'}",
            f"--screenshot={shot}",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(png[16:20], "big") == 500


def test_a_jump_to_an_unsupported_finding_opens_its_fold(tmp_path: Path) -> None:
    docs, report = sample()
    unsupported = next(f for f in report.findings if f.kind == "unsupported")
    dom = dump_dom(write_page(tmp_path, report, docs), tmp_path, f"#f-{unsupported.fingerprint}")
    folds = [a for a in Elements(dom).tags("details") if "fold" in (a.get("class") or "")]
    assert ["open" in a for a in folds] == [False, True]
