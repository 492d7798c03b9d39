"""Pictures to look at (tests/pictures.py) are made only when asked, and then made whole."""

from __future__ import annotations

from pathlib import Path

from .pictures import Pictures

PDF = Path(__file__).resolve().parent / "import-pdf" / "two-columns.pdf"


class _Page:
    """Stands in for a Playwright page: records each screenshot asked of it and writes its file."""

    def __init__(self) -> None:
        self.taken: list[tuple[str, bool]] = []

    def screenshot(self, *, path: str, full_page: bool) -> None:
        self.taken.append((path, full_page))
        Path(path).write_bytes(b"\x89PNG")


def test_nothing_is_taken_or_written_unless_asked(tmp_path: Path) -> None:
    look, page = Pictures(False, tmp_path / "out"), _Page()
    look.screenshot(page, "reading-essay-375-light", full_page=True)
    look.printed(PDF.read_bytes(), "handouts/586-tate")
    look.printed(PDF, "print-586")
    assert page.taken == []
    assert not (tmp_path / "out").exists()


def test_asked_for_they_land_in_the_folder_under_their_names(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    look, page = Pictures(True, folder), _Page()
    look.screenshot(page, "reading-essay-375-light", full_page=True)
    look.screenshot(page, "figures-1280-light")
    assert page.taken == [(str(folder / "reading-essay-375-light.png"), True),
                          (str(folder / "figures-1280-light.png"), False)]
    # A printout given as bytes is kept as a PDF beside its pages; a file is only drawn.
    look.printed(PDF.read_bytes(), "handouts/586-tate")
    look.printed(PDF, "print-586", resolution=30)
    drawn = sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file())
    assert "handouts/586-tate.pdf" in drawn and "print-586.pdf" not in drawn
    assert [name for name in drawn if name.startswith("handouts/586-tate-")] != []
    assert [name for name in drawn if name.startswith("print-586-") and name.endswith(".png")] != []
