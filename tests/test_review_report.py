"""The review report of ``essay import --review`` on traces made by hand: what each page shows,
where every link goes, review.json, and that nothing from a source can act in the page."""

from __future__ import annotations

import io
import json
from pathlib import Path

import lxml.html
import pytest
from PIL import Image

from essay_archive.importing import review_report
from essay_archive.importing.import_trace import (
    Box,
    Flag,
    ImportTrace,
    LeftOut,
    TracedFigure,
    TracedParagraph,
)

PDF_DIR = Path(__file__).resolve().parent / "import-pdf"
HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
A4 = (595.0, 842.0)
#: Small page images keep the tests fast; the boxes do not depend on the scale.
SCALE = 0.4


def weak(page: int, line: int) -> Flag:
    return Flag("weak-break", page, line, "段落の切れ目が不確か (weak break)")


def pdf_trace(text: str = "本文の段落。", caption: str = "写真１　港の朝") -> ImportTrace:
    """Two pages: p1 on page 1, p2 (flagged) across both pages, a photo and its caption on page
    1 after p1, a running head on each page and the header on page 1."""
    return ImportTrace(
        pages=(A4, A4),
        paragraphs=(
            TracedParagraph(1, text, (Box(1, 60, 120, 530, 300),), "indent", (), 1, 3),
            TracedParagraph(2, "二つ目の段落。", (Box(1, 60, 520, 530, 800), Box(2, 60, 60, 530, 200)),
                            "end", (weak(2, 4),), 1, 20),
        ),
        figures=(TracedFigure("photo-1.jpg", caption, Box(1, 300, 320, 530, 480), (Box(1, 300, 485, 530, 500),), 1),),
        left_out=(
            LeftOut("margin", "エッセイ通信　１", Box(1, 60, 20, 300, 32)),
            LeftOut("header", "題名（５８６号）", Box(1, 60, 50, 400, 90)),
            LeftOut("caption", caption, Box(1, 300, 485, 530, 500)),
            LeftOut("margin", "－２－", Box(2, 280, 810, 320, 822)),
        ),
        flags=(Flag("caption-untied", 2, 9, "写真と結びつかない説明文 (untied caption)"),),
    )


def text_trace() -> ImportTrace:
    return ImportTrace(paragraphs=(
        TracedParagraph(1, "雨が降った。", (), "blank-line", (), None, 3),
        TracedParagraph(2, "傘を差した。風も強い。", (), "end", (Flag("guessed", None, 5, "推測 (guessed)"),), None, 5),
    ))


TEXT_LINES = ("平らな文章（９０１号）", "２０２５年 １月 石館", "雨が降った。", "", "傘を差した。", "風も強い。")


def entry(number: int = 586, trace: ImportTrace | None = None, **details: object) -> review_report.ReviewEntry:
    values: dict[str, object] = {"source": f"old/{number}.pdf", "kind": "pdf", "number": number,
                                 "title": "北朝鮮軍ウクライナ派兵", "file": f"essays/{number:04d}.md",
                                 "trace": trace or pdf_trace()}
    values.update(details)
    return review_report.ReviewEntry(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def word_like_pages() -> tuple[review_report.PageImage, ...]:
    return review_report.render_pages((PDF_DIR / "word-like.pdf").read_bytes(), SCALE)


def parse(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_text(encoding="utf-8"))


def local_targets(page: lxml.html.HtmlElement) -> tuple[list[str], set[str]]:
    """Every in-page link's fragment, and every id of the page."""
    links = [href[1:] for href in page.xpath("//@href") if href.startswith("#")]
    return links, set(page.xpath("//@id"))


# --- page images --------------------------------------------------------------------------------


def test_each_pdf_page_becomes_a_jpeg_at_the_scale_asked(word_like_pages: tuple[review_report.PageImage, ...]) -> None:
    assert [image.page for image in word_like_pages] == [1, 2]
    for image in word_like_pages:
        assert image.jpeg[:3] == b"\xff\xd8\xff"
        with Image.open(io.BytesIO(image.jpeg)) as picture:
            assert picture.size == (image.width, image.height)
        # A4 (595 × 842 points) at 0.4 pixels per point.
        assert abs(image.width - 595 * SCALE) <= 1 and abs(image.height - 842 * SCALE) <= 1


def test_a_huge_page_is_rendered_no_larger_than_the_bound() -> None:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=(14_000, 7_000))
    sheet.drawString(100, 100, "huge")
    sheet.showPage()
    sheet.save()
    (image,) = review_report.render_pages(buffer.getvalue())
    assert image.width == review_report.MAX_IMAGE_SIDE and image.height == review_report.MAX_IMAGE_SIDE // 2


def test_bytes_pdfium_cannot_read_give_no_images() -> None:
    assert review_report.render_pages(b"%PDF-1.7\nnot really a pdf") == ()


# --- an essay from a PDF ------------------------------------------------------------------------


def test_a_pdf_essay_page_draws_every_box_over_its_page_and_links_both_ways(
    tmp_path: Path, word_like_pages: tuple[review_report.PageImage, ...]
) -> None:
    report = review_report.ReviewReport(tmp_path / "review")
    assert report.add(entry(), word_like_pages) == "0586.html"
    report.finish()
    page = parse(tmp_path / "review" / "0586.html")
    images = page.xpath("//section[@class='page']//img/@src")
    assert images == ["0586/page-1.jpg", "0586/page-2.jpg"]
    assert all((tmp_path / "review" / src).read_bytes()[:3] == b"\xff\xd8\xff" for src in images)
    # Boxes in PDF points over each page: the SVG's viewBox is the page's size.
    overlays = page.xpath("//svg[@class='overlay']")
    assert [svg.get("viewbox") or svg.get("viewBox") for svg in overlays] == ["0 0 595.0 842.0"] * 2
    first, second = (svg.xpath(".//*[contains(@class, 'box')]") for svg in overlays)
    kinds = [box.get("class") for box in first]
    assert kinds == ["box paragraph", "box flagged", "box photo", "box caption", "box left-out", "box left-out"]
    # Paragraph boxes are numbered as the site numbers paragraphs, and link to their text.
    p1 = first[0]
    assert p1.get("id") == "box-p1-1" and p1.get("href") == "#p1"
    assert p1.xpath("string(.//text)") == "p1"
    rect = p1.xpath(".//rect")[0]
    assert [float(rect.get(name)) for name in ("x", "y", "width", "height")] == [60, 120, 470, 180]
    assert first[1].get("id") == "box-p2-1" and first[1].xpath("string(.//text)") == "p2 !"
    assert [box.get("id") for box in second if box.get("href") == "#p2"] == ["box-p2-2"]
    # The caption is drawn once, as the photo's; what was left out carries its text as a tooltip.
    assert first[3].get("href") == "#fig-1"
    assert [box.xpath("string(title)") for box in first[4:]] == [
        "柱・ノンブル・題字 (running head, page number, masthead): エッセイ通信　１",
        "題名・日付・著者 (header): 題名（５８６号）",
    ]
    # The flag of p2 (on page 2) leads to p2's box on page 2; the essay's own flag to its page.
    assert page.xpath("//li[@id='flag-2-1']/a/@href") == ["#box-p2-2"]
    assert page.xpath("//section[@id='flags']//a/@href") == ["#page-2", "#box-p2-2", "#p2"]
    # Each paragraph starts in the column beside the page it starts on, the photo after p1.
    columns = page.xpath("//section[@class='page']/div[@class='imported']")
    assert [item.get("id") for item in columns[0]] == ["p1", "fig-1", "p2"]
    assert page.xpath("//article[@id='p1']//a[@class='para-number']/@href") == ["#box-p1-1"]
    links, ids = local_targets(page)
    assert links and set(links) <= ids
    assert page.xpath("//*[contains(@class, 'legend')]//span[contains(@class, 'key-left-out')]")


def test_pages_without_images_still_show_the_boxes(tmp_path: Path) -> None:
    report = review_report.ReviewReport(tmp_path)
    report.add(entry())
    page = parse(tmp_path / "0586.html")
    assert page.xpath("//img") == []
    assert len(page.xpath("//svg//rect[@class='paper']")) == 2
    # p1, p2, the photo and its caption on page 1; p2 again on page 2.
    assert len(page.xpath("//svg//a[contains(@class, 'box')]")) == 5


def test_a_text_essay_shows_its_numbered_lines_beside_the_paragraphs(tmp_path: Path) -> None:
    report = review_report.ReviewReport(tmp_path)
    report.add(entry(901, text_trace(), kind="text", source="flat.txt", source_lines=TEXT_LINES))
    page = parse(tmp_path / "0901.html")
    lines = page.xpath("//ol[@class='source-lines']/li")
    assert [line.get("id") for line in lines] == ["L1", "L2", "L3", "L4", "L5", "L6"]
    assert lines[4].xpath("string(.//span[@class='line-text'])") == "傘を差した。"
    assert lines[2].xpath(".//a/@href") == ["#p1"] and "flagged" in lines[4].get("class")
    assert page.xpath("//li[@id='flag-2-1']/a/@href") == ["#L5"]
    assert page.xpath("//article[@id='p2']//a[@class='para-number']/@href") == ["#L5"]
    assert page.xpath("//img") == [] and page.xpath("//svg") == []
    links, ids = local_targets(page)
    assert set(links) <= ids


# --- the index and review.json ------------------------------------------------------------------


def test_the_index_lists_essays_needing_a_look_first_with_the_totals(tmp_path: Path) -> None:
    clean = ImportTrace(pages=(A4,), paragraphs=(TracedParagraph(1, "問題なし。", (Box(1, 60, 60, 530, 90),)),))
    report = review_report.ReviewReport(tmp_path)
    report.add(entry(585, clean))
    report.add(entry(586))
    report.add(entry(901, text_trace(), kind="text", source="flat.txt", source_lines=TEXT_LINES))
    report.add_not_imported("old/587.pdf", "skipped", "old/587.pdf: essays/0587.md はすでにあります")
    report.add_not_imported("scan.pdf", "failed", "scan.pdf:0: PDF に文字がありません")
    report.finish()
    index = parse(tmp_path / "index.html")
    rows = index.xpath("//table[@class='essays']/tbody/tr")
    assert [row.xpath("string(td[1])") for row in rows] == ["586", "901", "585"]
    assert [row.get("class") for row in rows] == ["needs-look", "needs-look", "clean"]
    assert [row.xpath("td[2]/a/@href")[0] for row in rows] == ["0586.html", "0901.html", "0585.html"]
    assert rows[0].xpath("string(td[6])").strip() == "段落 1 · 印 2"
    assert index.xpath("string(//strong[@class='count-essays'])") == "2"
    assert index.xpath("string(//strong[@class='count-paragraphs'])") == "2"
    not_imported = index.xpath("//section[@class='not-imported']//li")
    assert [item.get("class") for item in not_imported] == ["skipped", "failed"]
    assert (tmp_path / "review.css").is_file()
    assert report.totals() == {"essays": 3, "essays_to_check": 2, "paragraphs_to_check": 2, "flags": 3}


def test_review_json_has_each_essay_in_source_order_with_its_flags(tmp_path: Path) -> None:
    report = review_report.ReviewReport(tmp_path)
    report.add(entry(586))
    report.add(entry(901, text_trace(), kind="text", source="flat.txt", file=None, source_lines=TEXT_LINES))
    report.finish()
    data = json.loads((tmp_path / "review.json").read_text(encoding="utf-8"))
    first, second = data["essays"]
    assert first == {
        "file": "essays/0586.md", "number": 586, "title": "北朝鮮軍ウクライナ派兵", "source": "old/586.pdf",
        "kind": "pdf", "review": "0586.html", "paragraphs": 2, "photos": 1,
        "flagged": [
            {"paragraph": 2, "page": 2, "line": 4, "kind": "weak-break", "reason": "段落の切れ目が不確か (weak break)"},
            {"paragraph": 0, "page": 2, "line": 9, "kind": "caption-untied",
             "reason": "写真と結びつかない説明文 (untied caption)"},
        ],
    }
    assert second["file"] is None and second["flagged"] == [
        {"paragraph": 2, "page": None, "line": 5, "kind": "guessed", "reason": "推測 (guessed)"}]
    assert data["totals"]["paragraphs_to_check"] == 2


def test_an_empty_batch_writes_an_index_that_says_so(tmp_path: Path) -> None:
    report = review_report.ReviewReport(tmp_path / "new" / "folder")
    report.add_not_imported("scan.pdf", "failed", "scan.pdf:0: PDF に文字がありません")
    index = report.finish()
    assert "取り込んだエッセイはありません" in index.read_text(encoding="utf-8")
    data = json.loads((tmp_path / "new" / "folder" / "review.json").read_text(encoding="utf-8"))
    assert data["essays"] == [] and data["totals"]["essays"] == 0


def test_two_essays_with_one_number_get_pages_of_their_own(tmp_path: Path) -> None:
    report = review_report.ReviewReport(tmp_path)
    names = [report.add(entry(586), ()) for _ in range(3)]
    assert names == ["0586.html", "0586-2.html", "0586-3.html"]


def test_a_second_run_into_the_same_folder_replaces_the_page_images(
    tmp_path: Path, word_like_pages: tuple[review_report.PageImage, ...]
) -> None:
    first = review_report.ReviewReport(tmp_path)
    first.add(entry(), word_like_pages)
    first.finish()
    second = review_report.ReviewReport(tmp_path)
    second.add(entry(), word_like_pages[:1])
    second.finish()
    assert sorted(path.name for path in (tmp_path / "0586").iterdir()) == ["page-1.jpg"]


# --- hostile sources ----------------------------------------------------------------------------


def test_text_from_a_hostile_pdf_is_shown_and_never_acts(
    tmp_path: Path, word_like_pages: tuple[review_report.PageImage, ...]
) -> None:
    trace = pdf_trace(text=HOSTILE, caption=HOSTILE)
    trace = ImportTrace(trace.pages, trace.paragraphs, trace.figures,
                        (*trace.left_out, LeftOut("margin", HOSTILE, Box(2, 1, 1, 50, 10))),
                        (Flag("junk", 1, 1, HOSTILE),))
    report = review_report.ReviewReport(tmp_path)
    report.add(entry(586, trace, title=HOSTILE, source=f"old/{HOSTILE}.pdf", file=f"essays/{HOSTILE}.md",
                     notes=(HOSTILE,)), word_like_pages)
    report.add(entry(901, text_trace(), kind="text", title=HOSTILE, source=f"{HOSTILE}.txt",
                     source_lines=(HOSTILE, *TEXT_LINES)))
    report.add_not_imported(f"{HOSTILE}.pdf", "failed", f"{HOSTILE}.pdf:0: {HOSTILE}")
    report.finish()
    # No file of the report is named after anything in a source.
    assert sorted(path.name for path in tmp_path.rglob("*")) == [
        "0586", "0586.html", "0901.html", "index.html", "page-1.jpg", "page-2.jpg", "review.css", "review.json"]
    for name in ("index.html", "0586.html", "0901.html"):
        html = (tmp_path / name).read_text(encoding="utf-8")
        page = lxml.html.fromstring(html)
        assert page.xpath("//script") == [], name
        assert not [element for element in page.iter() if any(key.startswith("on") for key in element.attrib)]
        assert [src for src in page.xpath("//img/@src") if not src.startswith("0586/page-")] == [], name
        # The hostile text is there, as text.
        assert HOSTILE in page.text_content(), name
        policy = page.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
        assert policy and "default-src 'none'" in policy[0] and "script-src" not in policy[0]
    data = json.loads((tmp_path / "review.json").read_text(encoding="utf-8"))
    assert data["essays"][0]["title"] == HOSTILE and data["essays"][0]["source"] == f"old/{HOSTILE}.pdf"


def test_every_link_and_image_is_relative_and_inside_the_report(
    tmp_path: Path, word_like_pages: tuple[review_report.PageImage, ...]
) -> None:
    report = review_report.ReviewReport(tmp_path)
    report.add(entry(), word_like_pages)
    report.add(entry(901, text_trace(), kind="text", source="flat.txt", source_lines=TEXT_LINES))
    report.finish()
    for path in tmp_path.glob("*.html"):
        page = parse(path)
        for address in page.xpath("//@href | //@src"):
            if address.startswith("#"):
                continue
            assert ":" not in address and not address.startswith("/"), (path.name, address)
            assert (tmp_path / address.split("#")[0]).is_file(), (path.name, address)


def test_paragraph_labels_stand_beside_horizontal_lines_and_above_vertical_columns(tmp_path: Path) -> None:
    horizontal = pdf_trace()
    vertical = ImportTrace(pages=((842.0, 595.0),), paragraphs=(
        TracedParagraph(1, "縦の段落。", (Box(1, 700, 60, 780, 540),), "indent", (), 1, 1),
        TracedParagraph(2, "次の段落。", (Box(1, 600, 60, 690, 540),), "end", (), 1, 5),
    ))
    report = review_report.ReviewReport(tmp_path)
    report.add(entry(586, horizontal))
    report.add(entry(587, vertical))

    def label(name: str, box: str) -> tuple[float, float, str]:
        text = parse(tmp_path / name).xpath(f"//*[@id='{box}']/text")[0]
        return float(text.get("x")), float(text.get("y")), text.get("text-anchor")

    # In the left margin, ending just before the box (60, 120): the first characters stay visible.
    assert label("0586.html", "box-p1-1") == (58, 129, "end")
    # Above the column's top (700, 60), where vertical text starts.
    assert label("0587.html", "box-p1-1") == (700, 58, "start")


def test_boxes_on_pages_the_trace_lacks_are_not_drawn_and_a_pdf_without_page_sizes_lists_paragraphs(
    tmp_path: Path,
) -> None:
    stray = ImportTrace(pages=(A4,), paragraphs=(
        TracedParagraph(1, "一つ目。", (Box(1, 60, 60, 530, 90),), "indent", (), 1, 1),
        TracedParagraph(2, "二つ目。", (Box(3, 60, 60, 530, 90),), "end", (weak(3, 2),), 3, 1),
    ))
    report = review_report.ReviewReport(tmp_path)
    report.add(entry(586, stray))
    page = parse(tmp_path / "0586.html")
    assert page.xpath("//svg//a/@id") == ["box-p1-1"]
    assert [item.get("id") for item in page.xpath("//div[@class='imported']/*")] == ["p1", "p2"]
    links, ids = local_targets(page)
    assert set(links) <= ids and page.xpath("//li[@id='flag-2-1']/a/@href") == ["#p2"]
    # Without page sizes there is nothing to draw on: the paragraphs and flags are listed.
    report.add(entry(587, ImportTrace(paragraphs=stray.paragraphs)))
    plain = parse(tmp_path / "0587.html")
    assert plain.xpath("//svg") == [] and plain.xpath("//ol[@class='source-lines']") == []
    assert [item.get("id") for item in plain.xpath("//article")] == ["p1", "p2"]
    links, ids = local_targets(plain)
    assert set(links) <= ids


def test_every_break_reason_flag_kind_and_left_out_role_has_a_label() -> None:
    from essay_archive.importing.import_trace import BREAK_REASONS, FLAG_KINDS

    assert set(review_report.BREAK_LABELS) == BREAK_REASONS
    assert set(review_report.FLAG_LABELS) == FLAG_KINDS
    assert set(review_report.LEFT_OUT_LABELS) == {"margin", "header", "caption", "decoration"}


def test_an_essay_without_flags_shows_its_notes_as_notes(tmp_path: Path) -> None:
    clean = ImportTrace(pages=(A4,), paragraphs=(TracedParagraph(1, "問題なし。", (Box(1, 60, 60, 530, 90),)),))
    report = review_report.ReviewReport(tmp_path)
    report.add(entry(586, clean, notes=("写真の説明を確かめてください",)))
    report.add(entry(587, clean))
    notes = parse(tmp_path / "0586.html").xpath("//section[@id='flags']")[0]
    assert notes.get("class") == "flags notes-only" and notes.xpath("string(h2)").startswith("注意")
    assert notes.xpath(".//ol") == [] and "写真の説明を確かめてください" in notes.text_content()
    assert parse(tmp_path / "0587.html").xpath("//section[@id='flags']") == []
