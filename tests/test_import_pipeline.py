"""Each step of the PDF reader on its own, on lines and photos laid out here point by point
(``essay_archive/importing/pdf/``: lines → blocks → reading order → paragraphs)."""

from __future__ import annotations

from types import SimpleNamespace

from essay_archive.importing.pdf import blocks, lines, order, paragraphs
from essay_archive.importing.pdf.geometry import Glyph, Line, PageImage

SIZE = 10.0


def glyphs(text: str, u: float, v: float, size: float = SIZE) -> list[Glyph]:
    """``text`` set across from ``v`` on the row whose top is ``u``, one character per ``size``."""
    return [Glyph(char, u, u + size, v + index * size, v + (index + 1) * size, size)
            for index, char in enumerate(text)]


def line(text: str, u: float, v: float = 0.0, size: float = SIZE, page: int = 1, number: int = 0) -> Line:
    return Line(page=page, glyphs=glyphs(text, u, v, size), vertical=False, number=number)


def photo(top: float, bottom: float, x0: float, x1: float, page: int = 1) -> PageImage:
    return PageImage(page, top, bottom, x0, x1, top, bottom, x0, x1, page_object=SimpleNamespace(width=400.0))


def texts(found: list[list[Glyph]]) -> list[str]:
    return ["".join(glyph.text for glyph in segment) for segment in found]


# --- lines ---


def test_a_row_is_cut_where_the_print_size_changes_across_a_gap() -> None:
    # Body text, then a caption in smaller print set 4 points to its right (a frame beside it).
    row = glyphs("本文の行", 100, 0) + glyphs("写真1", 101, 44, size=8)
    assert texts(lines.segments(sorted(row, key=lambda glyph: glyph.v0))) == ["本文の行", "写真1"]
    # The same size with the same gap is one line; a column gap cuts it.
    assert texts(lines.segments(glyphs("本文の行", 100, 0) + glyphs("続き", 100, 44))) == ["本文の行続き"]
    assert texts(lines.segments(glyphs("左の段", 100, 0) + glyphs("右の段", 100, 55))) == ["左の段", "右の段"]


def test_a_row_is_cut_where_a_photo_stands_between_two_characters() -> None:
    row = glyphs("左側", 100, 0) + glyphs("右側", 100, 25)
    assert texts(lines.segments(row)) == ["左側右側"]
    assert texts(lines.segments(row, [(90.0, 130.0, 20.0, 25.0)])) == ["左側", "右側"]
    # A photo above or below the row cuts nothing.
    assert texts(lines.segments(row, [(150.0, 200.0, 20.0, 25.0)])) == ["左側右側"]


def test_horizontal_text_of_a_vertical_page_is_what_the_stream_sets_in_a_row() -> None:
    head = glyphs("エッセイ通信", 20, 50, size=8)
    # Column tops of vertical writing, side by side a pitch apart, but set column by column:
    # in the stream each is followed by the character below it, never by its neighbour.
    columns = []
    for index in range(6):
        x = 300 - index * 14
        columns += [Glyph(char, 60 + row * 11, 71 + row * 11, x, x + 11, 11) for row, char in enumerate("縦書")]
    # A two-digit number set across inside a column (縦中横) is no wider than the column.
    across = [Glyph("1", 200, 211, 300, 305.5, 11), Glyph("2", 200, 211, 305.5, 311, 11)]
    runs = lines.set_in_rows(head + columns + across)
    assert texts(runs) == ["エッセイ通信"]


# --- reading order ---


def test_a_gutter_needs_text_on_both_sides_in_many_lines() -> None:
    left = [line("左の段の行です" * 2, 100 + 17 * index, 40) for index in range(8)]
    right = [line("右の段の行です" * 2, 100 + 17 * index, 200) for index in range(8)]
    ((low, high),) = order.find_gutters(left + right, SIZE)
    assert 180 <= low <= 182 and high == 200
    # One line with a space inside, among short lines, is no gutter.
    spaced = [line("一行目の長い行です" * 2, 100, 40), line("次の行の左" * 3, 117, 40),
              Line(1, glyphs("前半の文字です" * 2, 134, 40) + glyphs("後半", 134, 200), False)]
    assert order.find_gutters(spaced, SIZE) == []


def test_a_line_across_columns_below_them_is_read_in_its_place_as_a_guess() -> None:
    title = line("題名の行は段をまたいで上にある" * 2, 60, 40)
    left = [line("左の段の行です" * 2, 100 + 17 * index, 40) for index in range(20)]
    right = [line("右の段の行です" * 2, 100 + 17 * index, 200) for index in range(20)]
    across = line("段をまたぐ見出しのような行が下にある" * 2, 450, 40)
    ordered = order.reading_order([across, *right, title, *left], SIZE)
    assert [member.text[:1] for member in ordered] == ["題"] + ["左"] * 20 + ["右"] * 20 + ["段"]
    assert [member.column for member in (ordered[0], ordered[1], ordered[21], ordered[-1])] == [-1, 0, 1, -1]
    assert [member.order_guessed for member in ordered] == [False] * 41 + [True]


def test_a_page_too_short_to_show_its_gutter_takes_the_documents() -> None:
    full = [line("左の段の行です" * 2, 100 + 17 * index, 40) for index in range(20)]
    full += [line("右の段の行です" * 2, 100 + 17 * index, 200) for index in range(20)]
    short = [line("左の段の行です" * 2, 100, 40), line("左の段の終わり。", 117, 40), line("右の段の終わり。", 100, 200),
             line("- 2 -", 400, 185)]
    crossed = [line("段をまたいで続く行があるのでここに段の切れ目はない" * 2, 100, 40)]
    found = order.gutters_of_document([full, short, crossed], SIZE, [full, short[:3], crossed])
    assert len(found[0]) == 1 and found[1] == found[0] and found[2] == []
    ordered = order.reading_order(short[:3], SIZE, found[1])
    assert [member.text for member in ordered] == ["左の段の行です" * 2, "左の段の終わり。", "右の段の終わり。"]


# --- paragraphs: edges ---


def test_column_edges_are_the_farthest_several_lines_reach() -> None:
    # Most lines stand beside a photo on the right: they end at 130, short of the column's edge.
    members = [line("全幅の行" * 5, 100, 40), line("全幅の行" * 5, 117, 40), line("全幅" * 10, 134, 40)]
    members += [line("写真の左の行です。", 151 + 17 * index, 40) for index in range(6)]
    members += [line("段落の最後", 270, 40)]
    paragraphs.block_edges(members)
    assert {line.block_start for line in members} == {40.0}
    assert {line.block_end for line in members} == {240.0}


def test_lines_beside_a_photo_end_or_start_at_it() -> None:
    right = photo(100, 150, 150, 240)
    left = photo(200, 250, 40, 130)
    column = [line("写真の左の行", 100 + 17 * index, 40) for index in range(3)]  # end at 100
    column += [line("写真の右の行です", 200 + 17 * index, 140) for index in range(3)]  # start at 140
    column += [line("写真の右の", 251, 150)]  # an indented line beside the photo's foot margin
    column += [line("写真の下の全幅の行です" * 2, 300, 40)]
    column.append(line("重なる行", 120, 140))  # overlaps the right-hand photo
    for member in column:
        member.block_start, member.block_end = 40.0, 240.0
    extents = paragraphs.line_extents(column, [right, left])
    assert [extents.end(member) for member in column[:3]] == [100.0] * 3
    assert [extents.start(member) for member in column[3:7]] == [140.0] * 4
    assert extents.start(column[7]) == 40.0 and extents.end(column[7]) == 240.0
    assert extents.floats == {id(right), id(left)}
    assert list(extents.overlapping) == [id(column[8])]


# --- blocks: captions ---


def test_captions_are_tied_by_print_label_and_place() -> None:
    small = photo(100, 200, 40, 200)
    body = [line("写真の下の小さな字", 202, 40, size=8), line("本文の行が続いています" * 2, 230, 40)]
    blocks.captions(small, body, SIZE)
    assert [line.text for line in small.caption_lines] == ["写真の下の小さな字"]
    labelled = photo(100, 200, 40, 200)
    body = [line("写真2　本文と同じ大きさ", 202, 40), line("本文の行が続いています" * 2, 220, 40)]
    blocks.captions(labelled, body, SIZE)
    assert [line.text for line in labelled.caption_lines] == ["写真2　本文と同じ大きさ"]
    assert not labelled.caption_guessed


def test_a_plain_line_under_a_photo_is_its_caption_only_where_text_runs_beside_it() -> None:
    inline = photo(100, 200, 40, 200)
    under = [line("改装前の閲覧室", 202, 40), line("本文の行が続いています" * 2, 220, 40)]
    blocks.captions(inline, under, SIZE)
    assert inline.caption_lines == [] and under[0].role == "body"
    centred = photo(100, 200, 40, 200)
    under = [line("改装前の閲覧室", 202, 85), line("本文の行が続いています" * 2, 220, 40)]
    blocks.captions(centred, under, SIZE)
    assert [line.text for line in centred.caption_lines] == ["改装前の閲覧室"] and centred.caption_guessed
    sentence = photo(100, 200, 40, 200)
    under = [line("短い文です。", 202, 90), line("本文の行が続いています" * 2, 220, 40)]
    blocks.captions(sentence, under, SIZE)
    assert sentence.caption_lines == []
    floated = photo(100, 200, 40, 200)
    beside = [line("改装前の閲覧室", 202, 40), line("写真の右に続く本文の行", 203, 212),
              line("本文の行が続いています" * 2, 222, 40)]
    blocks.captions(floated, beside, SIZE)
    assert [line.text for line in floated.caption_lines] == ["改装前の閲覧室"] and floated.caption_guessed


# --- paragraphs: breaks and flags ---


def numbered(members: list[Line]) -> list[Line]:
    for number, member in enumerate(members, start=1):
        member.number = number
    paragraphs.block_edges(members)
    return members


def test_breaks_keep_their_reason_and_weak_ones_are_flagged_on_both_sides() -> None:
    full = "本文の行が端まで続く行。"  # 12 characters: the block is 120 points wide
    members = numbered([
        line(full[:11], 100, 10), line(full, 117, 0), line("短く終わる。", 134, 0),
        line(full[:11], 151, 10), line(full, 168, 0), line("短く終わる。", 185, 0),
        line("字下げのない行が続き、", 202, 0), line("写真1　説明文のような行", 219, 0), line(full, 236, 0),
        line("終わりのない断片", 253, 0),
    ])
    found, doubtful, _ = paragraphs.find_paragraphs(members, [], SIZE)
    assert [paragraph.break_reason for paragraph in found] == ["indent", "short-line", "end"]
    kinds = [sorted({flag.kind for flag in paragraph.flags}) for paragraph in found]
    # The second break has no indent after it in a document that indents its paragraphs: weak,
    # flagged where the paragraph ends and where the next one starts; the caption-like line and
    # the fragment at the end are flagged too.
    assert kinds == [[], ["weak-break"], ["caption-untied", "junk", "weak-break"]]
    assert [(flag.page, flag.line) for flag in found[1].flags] == [(1, 6)]
    assert (1, 7) in [(flag.page, flag.line) for flag in found[2].flags]
    assert doubtful == []


def test_a_full_line_ending_a_sentence_is_joined_and_flagged_without_paragraph_marks() -> None:
    full = "端まで詰まった行で終わる。"
    members = numbered([line(full, 100, 0), line(full, 117, 0), line(full, 134, 0), line("短い行。", 151, 0),
                        line(full, 168, 0)])
    found, doubtful, _ = paragraphs.find_paragraphs(members, [], SIZE)
    assert len(found) == 2 and found[0].break_reason == "short-line"
    assert [(item.page, item.line) for item in doubtful] == [(1, 2), (1, 3), (1, 4)]
    assert [flag.line for flag in found[0].flags] == [2, 3, 4] and not found[1].flags


def test_a_photo_beside_a_paragraph_goes_after_it() -> None:
    members = numbered([line("一つ目の段落の行です。", 100, 0), line("二つ目の段落、", 117, 10),
                        line("写真の横の行です。", 134, 0), line("三つ目の段落です。", 151, 10)])
    beside = photo(118, 145, 100, 160)
    for member in members:
        member.block_end = 160.0
    _, _, slots = paragraphs.find_paragraphs(members, [beside], SIZE)
    assert [slot.after for slot in slots] == [2]


def test_characters_printed_over_one_another_flag_their_paragraph() -> None:
    over = Line(1, glyphs("重なった行", 100, 0) + glyphs("別の行です", 100, 3), False)
    over.glyphs.sort(key=lambda glyph: glyph.v0)
    members = numbered([line("普通の行で終わる。", 83, 0), over, line("次の段落の行です。", 134, 10)])
    found, _, _ = paragraphs.find_paragraphs(members, [], SIZE)
    assert not found[0].flags
    assert [(flag.kind, flag.line) for flag in found[1].flags if flag.reason == paragraphs.OVERPRINTED] == [
        ("order-guessed", 2)]
