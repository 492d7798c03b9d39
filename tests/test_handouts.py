"""PDF handouts printed by the build: files beside the pages, their text, metadata, contents, cache.

One small archive (586 and 585, which share the tag 北朝鮮) is built once with PDFs turned on;
every other test build in the suite runs with ``ESSAY_PDF=off``. Page images of the PDFs go to
``test-output/handouts/`` to be looked at.
"""

from __future__ import annotations

import importlib.util
import io
import re
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

from essay_archive.content.essay import Essay
from essay_archive.content.schema import EssayDate
from essay_archive.site import handouts

from .conftest import FIXTURES, REPO, make_project, mkdocs_build
from .pictures import Pictures

pytestmark = pytest.mark.browser

TITLE_586 = "第586号\u3000北朝鮮軍ウクライナ派兵"
LAYOUTS = ("yoko", "tate", "kakikomi")


def _make(root: Path) -> Path:
    project = make_project(root, {"0585.md": (FIXTURES / "essays" / "0585.md").read_text(encoding="utf-8")},
                           with_fixtures=False)
    result = mkdocs_build(project, ESSAY_PDF="on")
    assert result.returncode == 0, result.stderr
    assert "PDF: 9 printed, 0 from the cache" in result.stderr, result.stderr
    return project / "site"


@pytest.fixture(scope="module")
def pdf_site(shared_build: Callable[[str, Callable[[Path], Path]], Path]) -> Path:
    """The site of 585 and 586 with every PDF, built once a test run."""
    return shared_build("handouts", _make)


def read(path: Path) -> PdfReader:
    return PdfReader(io.BytesIO(path.read_bytes()))


def flat(text: str) -> str:
    """Text as copied, without the spaces and line ends a PDF puts between lines and columns.

    Nothing else is forgiven: copying must give the essay's own characters (西, not the radical
    ⻄ the font shares its glyph with; 。 and “ ”, not the vertical forms ︒ 〝 〟 the page draws).
    """
    return "".join(text.split())


def paragraphs_586() -> list[str]:
    # The body follows the front matter's closing line.
    body = (REPO / "essays" / "0586.md").read_text(encoding="utf-8").split("\n---\n", 1)[1]
    paragraphs = [flat(block) for block in re.split(r"\n\s*\n", body) if block.strip()]
    assert len(paragraphs) > 10
    return paragraphs


def body_text(reader: PdfReader, running_header: str) -> str:
    """The pages' text run together, without what the page margins repeat (header, 「n / N」)."""
    pages = [flat(page.extract_text()) for page in reader.pages]
    total = len(pages)
    kept = []
    for number, text in enumerate(pages, start=1):
        assert f"{number}/{total}" in text, f"page {number} has no 「{number} / {total}」"
        text = text.replace(f"{number}/{total}", "", 1)
        if number > 1:
            assert running_header in text, f"page {number} has no running header"
            text = text.replace(running_header, "", 1)
        # A paragraph's number is drawn after its lines on the page: when the paragraph runs on to
        # the next page, the number ends this page's text (essays' own digits are full-width).
        kept.append(re.sub(r"[0-9]+$", "", text) if number < total else text)
    return "".join(kept)


def test_each_essay_and_booklet_links_its_pdfs_beside_the_page(pdf_site: Path) -> None:
    for number in (585, 586):
        page = (pdf_site / "essays" / str(number) / "index.html").read_text(encoding="utf-8")
        links = re.findall(r'<a class="handout-links__link" href="([^"]+)"[^>]*>([^<]+)</a>', page)
        assert [text for _href, text in links] == ["PDF（横書き）", "PDF（縦書き）", "PDF（書き込み用）"]
        for (href, _text), layout in zip(links, LAYOUTS, strict=True):
            assert href == f"../../essays/{number}/{number}-{layout}.pdf"
            assert (pdf_site / "essays" / str(number) / f"{number}-{layout}.pdf").read_bytes()[:5] == b"%PDF-"
        assert "handout-links--later" not in page
    booklet = (pdf_site / "tags" / "北朝鮮" / "print" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'href="[./]*tags/%E5%8C%97%E6%9C%9D%E9%AE%AE/print/%E5%8C%97%E6%9C%9D%E9%AE%AE\.pdf"', booklet)
    # The tags of 585 and 586 have booklets; a tag without essays has nothing to print.
    booklets = sorted(path.relative_to(pdf_site).as_posix() for path in (pdf_site / "tags").rglob("*.pdf"))
    assert booklets == [
        "tags/ウクライナ戦争/print/ウクライナ戦争.pdf", "tags/ロシア/print/ロシア.pdf", "tags/北朝鮮/print/北朝鮮.pdf",
    ]
    assert "handout-links" not in (pdf_site / "tags" / "韓国" / "print" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("layout", LAYOUTS)
def test_copying_from_each_pdf_gives_the_essay_in_reading_order(pdf_site: Path, layout: str, look: Pictures) -> None:
    pdf = pdf_site / "essays" / "586" / f"586-{layout}.pdf"
    look.printed(pdf, f"handouts/586-{layout}")
    text = body_text(read(pdf), flat(TITLE_586))
    assert text.startswith(flat("第586号北朝鮮軍ウクライナ派兵2024年12月石館")), text[:40]
    position = 0
    for paragraph in paragraphs_586():
        found = text.find(paragraph, position)
        assert found >= 0, f"{layout}: not found in order: {paragraph[:30]}…"
        position = found + len(paragraph)
    assert "essay-archive.github.io/archive/essays/586/" in text[position:]


def test_pdfs_say_what_they_are_and_embed_their_fonts(pdf_site: Path) -> None:
    for layout, name in zip(LAYOUTS, ("横書き", "縦書き", "書き込み用"), strict=True):
        reader = read(pdf_site / "essays" / "586" / f"586-{layout}.pdf")
        meta = reader.metadata
        assert meta is not None
        assert (meta.title, meta.author) == (TITLE_586, "石館")
        assert meta.subject == f"エッセイ・アーカイブ（{name}）"
        assert meta.get("/Keywords") == "北朝鮮、ロシア、ウクライナ戦争"
        catalog = reader.trailer["/Root"]
        assert catalog["/Lang"] == "ja"
        preferences = catalog["/ViewerPreferences"]
        assert bool(preferences["/DisplayDocTitle"]) is True
        # A spread of the vertical handout reads right to left, like a book.
        assert preferences.get("/Direction") == ("/R2L" if layout == "tate" else None)
        # Tagged: viewers copy and read aloud in the order of the structure tree.
        assert catalog["/MarkInfo"]["/Marked"]
        for page in reader.pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                if font["/Subtype"] == "/Type3":
                    assert font["/CharProcs"] and font["/ToUnicode"]  # glyphs drawn from inside the file
                else:
                    if "/DescendantFonts" in font:
                        font = font["/DescendantFonts"][0].get_object()
                    descriptor = font["/FontDescriptor"]
                    assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    booklet = read(pdf_site / "tags" / "北朝鮮" / "print" / "北朝鮮.pdf").metadata
    assert booklet is not None and (booklet.title, booklet.author) == ("北朝鮮（小冊子）", "石館")


def test_booklet_contents_give_the_page_where_each_essay_starts(pdf_site: Path, look: Pictures) -> None:
    pdf = pdf_site / "tags" / "北朝鮮" / "print" / "北朝鮮.pdf"
    look.printed(pdf, "handouts/booklet-北朝鮮")
    cover = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
    contents = {
        int(match[2]): int(match[3])
        for match in re.finditer(r"^\s*(\d+)\.\s+第(\d+)号.*?\s(\d+)\s*$", unicodedata.normalize("NFKC", cover), re.M)
    }
    pages = [unicodedata.normalize("NFKC", page.extract_text()) for page in read(pdf).pages]
    starts = {}
    for number, title in ((585, "短波放送とラジオの思い出"), (586, "北朝鮮軍ウクライナ派兵")):
        starts[number] = next(index for index, text in enumerate(pages, start=1)
                              if index > 1 and title in [line.strip() for line in text.split("\n")])
    assert contents == starts, cover
    assert starts[585] == 2 and starts[586] > 2
    # Every page numbered through; each essay's pages carry its running header.
    for number, text in enumerate(pages, start=1):
        assert f"{number} / {len(pages)}" in text
    assert "2/2 第586号 北朝鮮軍ウクライナ派兵" in pages[starts[586] - 1].replace("∕", "/")


# Another build of the archive: with the slow tests (CI runs them); the cache's rules are checked in-process below.
@pytest.mark.slow
def test_a_rebuild_prints_only_what_changed(pdf_site: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(pdf_site.parent, project, ignore=shutil.ignore_patterns("site"))
    before = {layout: (pdf_site / "essays" / "586" / f"586-{layout}.pdf").read_bytes() for layout in LAYOUTS}
    essay = project / "essays" / "0585.md"
    essay.write_text(essay.read_text(encoding="utf-8") + "\n追記の段落。\n", encoding="utf-8")
    result = mkdocs_build(project, ESSAY_PDF="on")
    assert result.returncode == 0, result.stderr
    # 585's three PDFs and the one booklet holding it; 586 and the other booklets from the cache.
    assert "PDF: 4 printed, 5 from the cache" in result.stderr, result.stderr
    for layout in LAYOUTS:
        assert (project / "site" / "essays" / "586" / f"586-{layout}.pdf").read_bytes() == before[layout]
    changed = read(project / "site" / "essays" / "585" / "585-tate.pdf")
    assert flat("追記の段落。") in flat(changed.pages[0].extract_text())


def test_the_cache_is_missed_when_a_file_the_page_loaded_changes(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "essays" / "586").mkdir(parents=True)
    (site / "essays" / "586" / "index.html").write_text("<p>本文</p>", encoding="utf-8")
    (site / "print.css").write_text("p { color: black }", encoding="utf-8")
    cache = handouts.HandoutCache(tmp_path / "cache", engine="chromium 1")
    handout = handouts.essay_handouts(_essay_586(), "サイト")[1]
    files = handouts.SiteFiles(site)
    page = "<p>本文</p>".encode()
    key = cache.key(handout, page)
    assert cache.lookup(key, files) is None
    loaded = {address: files.digest(address) for address in ("/essays/586/", "/print.css")}
    cache.store(key, b"%PDF-1.4", loaded)
    assert cache.lookup(key, handouts.SiteFiles(site)) is not None
    # Another engine, another page, or a changed stylesheet: printed again.
    other_engine = handouts.HandoutCache(tmp_path / "cache", engine="chromium 2")
    assert cache.lookup(other_engine.key(handout, page), files) is None
    assert cache.lookup(cache.key(handout, "<p>本文。</p>".encode()), files) is None
    (site / "print.css").write_text("p { color: red }", encoding="utf-8")
    assert cache.lookup(key, handouts.SiteFiles(site)) is None


def _essay_586() -> Essay:
    return Essay(
        path=Path("essays/0586.md"), number=586, title="北朝鮮軍ウクライナ派兵", date=EssayDate(2024, 12),
        author="石館", tags=("北朝鮮",), summary=None, body="本文。",
    )


def test_builds_without_pdfs_say_the_full_build_makes_them(built_site: Path) -> None:
    assert not list(built_site.rglob("*.pdf"))
    page = (built_site / "essays" / "586" / "index.html").read_text(encoding="utf-8")
    assert "PDF（横書き・縦書き・書き込み用）は公開用のビルドで作られます（手元のプレビューにはありません）。" in page
    assert ".pdf" not in page


def test_the_preview_never_prints() -> None:
    spec = importlib.util.spec_from_file_location("handouts_hook_under_test", REPO / "overrides/hooks/handouts.py")
    assert spec is not None and spec.loader is not None
    hook = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = hook
    spec.loader.exec_module(hook)
    config: dict[str, object] = {}
    hook.on_startup(command="serve", dirty=True)
    assert hook.on_config(config)["handouts_made"] is False  # type: ignore[arg-type]
    hook.on_startup(command="build", dirty=False)
    assert handouts.wanted({}) and not handouts.wanted({"ESSAY_PDF": "off"}) and not handouts.wanted({"ESSAY_PDF": "0"})


def test_booklet_page_numbers_are_first_guessed_from_the_essays_own_pdfs(pdf_site: Path, tmp_path: Path) -> None:
    booklet = handouts.Handout("tags/北朝鮮/print/", handouts.YOKO, "北朝鮮.pdf", "北朝鮮（小冊子）", "石館", "", "",
                               booklet=True, essays=(585, 586))
    # After a one-page cover, each essay takes as many pages as its own handout: one printing suffices.
    assert handouts.contents_guess(booklet, pdf_site) == {"e585": 2, "e586": 3}
    starts = handouts.destination_pages((pdf_site / "tags" / "北朝鮮" / "print" / "北朝鮮.pdf").read_bytes())
    assert (starts["e585"], starts["e586"]) == (2, 3)
    # An essay not printed yet: no guess (the booklet is printed with zeros, then again).
    assert handouts.contents_guess(booklet, tmp_path) == {}
