"""Handouts as files: every essay in three PDF layouts and every booklet part, printed by the build.

Study groups pass handouts around as files (to a convenience store's net print, into a LINE
group), and a phone's print dialog cannot make a vertical two-段 A4 handout. So once MkDocs has
written the site, the build serves it on loopback to Debian's Chromium, which prints each page
exactly as a reader's browser prints it: the same ``print.css``, the layouts ``print.js`` sets from
``?layout=vertical`` and ``?layout=notes``. Paper from the browser and the file agree.

- ``essays/586/586-yoko.pdf``, ``586-tate.pdf``, ``586-kakikomi.pdf`` beside each essay page;
- ``tags/北朝鮮/print/北朝鮮.pdf`` beside each booklet page (``print/2/北朝鮮-2.pdf`` for the
  parts of a split booklet), whose contents give the page where each essay starts: the numbers
  are first guessed from the page counts of the essays' own PDFs, then the page of each essay is
  read from the printed PDF's named destinations (Chromium writes one for every in-page link
  target, and each contents line links to its essay); where they differ, the booklet is printed
  again with the pages found, and checked again.

Chromium is driven with Playwright rather than ``chromium --print-to-pdf``: one browser prints
every file, several pages print at once (one per core), the build can wait until every photo has
its pixels, and a script error on a page stops the build instead of printing a broken page.

Each file gets its title (「第586号　北朝鮮軍ウクライナ派兵」), author, subject and language
(``ja``) with pikepdf; Chromium embeds the fonts (Noto Serif CJK JP, as Type 3 glyphs carrying their
Unicode text), tags the PDF (reading order for copying and screen readers) and writes an outline.

Printing is the slow part of a build, so every PDF is kept in ``.cache/pdf/`` under a key made of
the page's HTML as built, the handout (layout, file name, metadata), this module's source and the
engine (Chromium's version, Playwright's, the font files). Beside it the cache records every file
the page loaded while it was printed (stylesheets, scripts, photos) with its SHA-256: a later
build reuses the PDF only if the page and each of those files are the same, so a rebuild prints
only what changed.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import http.server
import io
import json
import os
import posixpath
import re
import shutil
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from essay_archive.content.essay import Essay
from essay_archive.importing import normalise
from essay_archive.site import booklet as print_booklet

#: ``ESSAY_PDF=off`` builds the site without printing PDFs (the test suite's builds, benchmarks).
SWITCH = "ESSAY_PDF"
_OFF = frozenset({"0", "off", "no", "false"})
#: ``ESSAY_PDF_WORKERS=N``: pages printed at once (default: one per core, at most four).
WORKERS_SWITCH = "ESSAY_PDF_WORKERS"
#: Debian's Chromium, as the browser tests use it (Playwright's own browser download is not used).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)
#: Where the cache lives, relative to the repository root (ignored by git).
CACHE_FOLDER = Path(".cache") / "pdf"
#: Cache entries no build has used for this long are removed (CI keeps ``.cache/`` between runs).
CACHE_KEEP_SECONDS = 14 * 24 * 3600
#: A photo that has not loaded after this long is printed without it. (print.js asks the reader
#: instead; the build has no one to ask, and a local file this late is a broken one.)
IMAGE_TIMEOUT_MS = 15_000
#: A booklet's contents are printed again until their page numbers are right, at most this often.
CONTENTS_PASSES = 3


class HandoutError(RuntimeError):
    """A page could not be printed; the message names the page and what to do."""


@dataclass(frozen=True)
class Layout:
    """One way of printing a page, as print.js names it in the address."""

    #: ``tate``: the end of the file name.
    slug: str
    #: ``?layout=vertical``: what the page's address asks print.js for.
    query: str
    #: ``縦書き``: how links and the PDF's subject name it.
    name: str


YOKO = Layout("yoko", "", "横書き")
TATE = Layout("tate", "?layout=vertical", "縦書き")
KAKIKOMI = Layout("kakikomi", "?layout=notes", "書き込み用")
#: The layouts every essay is printed in, in the order its links list them.
ESSAY_LAYOUTS = (YOKO, TATE, KAKIKOMI)


@dataclass(frozen=True)
class Handout:
    """One PDF the build prints: a page of the site in one layout, and the file's metadata."""

    #: The printed page's address below the site root: ``essays/586/``.
    page_url: str
    layout: Layout
    #: ``586-tate.pdf``: the file, beside the page.
    file_name: str
    title: str
    author: str
    subject: str
    keywords: str
    #: A booklet: its contents get the page where each essay starts.
    booklet: bool = False
    #: The numbers of the essays a booklet prints, in order (for a first guess of their pages).
    essays: tuple[int, ...] = ()

    @property
    def url(self) -> str:
        """The PDF's address below the site root: ``essays/586/586-tate.pdf``."""
        return self.page_url + self.file_name

    @property
    def label(self) -> str:
        """``PDF（縦書き）``: the link's text."""
        return f"PDF（{self.layout.name}）"


def wanted(environ: Mapping[str, str]) -> bool:
    """False when ``ESSAY_PDF`` says ``off`` (or ``0``, ``no``, ``false``); PDFs are made by default."""
    return environ.get(SWITCH, "").strip().lower() not in _OFF


def essay_title(essay: Essay) -> str:
    """``第586号　北朝鮮軍ウクライナ派兵``: the PDF's title, as the running header names the essay."""
    return print_booklet.running_header(essay)


def essay_handouts(essay: Essay, site_name: str) -> tuple[Handout, ...]:
    """The three PDFs of ``essay``: across, vertical (縦書き) and with a margin for notes."""
    return tuple(
        Handout(
            page_url=essay.url,
            layout=layout,
            file_name=f"{essay.number}-{layout.slug}.pdf",
            title=essay_title(essay),
            author=essay.author,
            subject=f"{site_name}（{layout.name}）",
            keywords="、".join(essay.tags),
        )
        for layout in ESSAY_LAYOUTS
    )


def booklet_handouts(booklet: print_booklet.Booklet, site_name: str) -> tuple[Handout, ...]:
    """One PDF per printed page of a booklet: the whole booklet, or each part of a split one.

    A split booklet's cover only lists the parts; each part's page has a cover of its own. A tag
    without essays has nothing to print.
    """
    if not booklet.essays:
        return ()
    # The tag as it stands in the address, so the file name is as safe as the folder it sits in.
    stem = posixpath.basename(booklet.url.rstrip("/").removesuffix("/print"))
    handouts = []
    for part in booklet.parts:
        authors = "・".join(dict.fromkeys(essay.author for essay in part.essays))
        title = f"{booklet.tag}（小冊子）" if not booklet.is_split else f"{booklet.tag}（小冊子・{part.label}）"
        handouts.append(Handout(
            page_url=part.url,
            layout=YOKO,
            file_name=f"{stem}.pdf" if not booklet.is_split else f"{stem}-{part.number}.pdf",
            title=title,
            author=authors,
            subject=f"{site_name}（{part.essays[0].label}〜{part.essays[-1].label}）",
            keywords=booklet.tag,
            booklet=True,
            essays=tuple(essay.number for essay in part.essays),
        ))
    return tuple(handouts)


def archive_handouts(
    essays: Sequence[Essay], booklets: Iterable[print_booklet.Booklet], site_name: str
) -> list[Handout]:
    """Every PDF of the site: each essay's three, then each booklet's."""
    handouts = [handout for essay in essays for handout in essay_handouts(essay, site_name)]
    handouts.extend(handout for booklet in booklets for handout in booklet_handouts(booklet, site_name))
    return handouts


# ---- The engine and the cache ------------------------------------------------------------------


def engine_fingerprint(chromium: str = CHROMIUM) -> str:
    """What else decides how a page prints: Chromium's version, Playwright's, the fonts, this code.

    Raises HandoutError when Chromium is missing.
    """
    if not os.access(chromium, os.X_OK):
        raise HandoutError(
            f"PDF を作るには Chromium ({chromium}) が要ります。sh scripts/install-system-deps.sh で入れるか、"
            f"{SWITCH}=off で PDF なしにビルドしてください "
            f"(Chromium is needed to print the PDFs: install it with sh scripts/install-system-deps.sh, "
            f"or build without PDFs with {SWITCH}=off)"
        )
    version = subprocess.run(
        [chromium, "--version"], capture_output=True, text=True, check=False, timeout=60
    ).stdout.strip()
    from importlib.metadata import version as package_version

    fonts = []
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        # The serif the print stylesheet names first among the fonts Debian has.
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", "Noto Serif CJK JP"], capture_output=True, text=True, check=False, timeout=60
        ).stdout.strip()
        if found:
            stat = Path(found).stat()
            fonts.append(f"{found}:{stat.st_size}:{stat.st_mtime_ns}")
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    return json.dumps([version, package_version("playwright"), package_version("pikepdf"), fonts, code])


class SiteFiles:
    """The built site's files by address, each read and hashed at most once a build."""

    def __init__(self, site_dir: Path) -> None:
        self.site_dir = site_dir
        self._digests: dict[str, str | None] = {}
        self._lock = threading.Lock()

    def path_of(self, address: str) -> Path:
        """The file the loopback server sends for ``address`` (``/essays/586/``)."""
        relative = urllib.parse.unquote(urllib.parse.urlsplit(address).path).lstrip("/")
        path = self.site_dir / relative
        if relative == "" or relative.endswith("/"):
            path = path / "index.html"
        return path

    def digest(self, address: str) -> str | None:
        """SHA-256 of what the site holds at ``address`` now; None for nothing."""
        with self._lock:
            if address in self._digests:
                return self._digests[address]
        try:
            value = hashlib.sha256(self.path_of(address).read_bytes()).hexdigest()
        except OSError:
            value = None
        with self._lock:
            self._digests[address] = value
        return value


@dataclass
class HandoutCache:
    """Printed PDFs in ``folder``, each with the files its page loaded (see the module's docstring)."""

    folder: Path
    engine: str
    #: The keys this build looked up or stored: the ones pruning keeps.
    used: set[str] = field(default_factory=set)

    def key(self, handout: Handout, page_html: bytes) -> str:
        """The entry of ``handout`` printed from a page holding ``page_html``."""
        digest = hashlib.sha256()
        for part in (self.engine, repr(handout)):
            digest.update(part.encode("utf-8"))
            digest.update(b"\0")
        digest.update(page_html)
        return digest.hexdigest()

    def lookup(self, key: str, files: SiteFiles) -> Path | None:
        """The cached PDF for ``key`` if every file its page loaded is unchanged, else None."""
        self.used.add(key)
        manifest, pdf = self.folder / f"{key}.json", self.folder / f"{key}.pdf"
        try:
            loaded: dict[str, str] = json.loads(manifest.read_text(encoding="utf-8"))["loaded"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not pdf.is_file() or any(files.digest(address) != digest for address, digest in loaded.items()):
            return None
        now = time.time()
        with contextlib.suppress(OSError):
            os.utime(manifest, (now, now))
        return pdf

    def store(self, key: str, pdf: bytes, loaded: Mapping[str, str | None]) -> Path:
        """Keep ``pdf`` with the digests of the files its page loaded; returns the cached file."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self.used.add(key)
        target = self.folder / f"{key}.pdf"
        # Written whole, then renamed: a build stopped halfway leaves no half file behind.
        temporary = target.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(pdf)
        temporary.replace(target)
        manifest = {"loaded": {address: digest for address, digest in sorted(loaded.items()) if digest}}
        (self.folder / f"{key}.json").write_text(json.dumps(manifest), encoding="utf-8")
        return target

    def prune(self, keep_seconds: float = CACHE_KEEP_SECONDS) -> int:
        """Remove entries this build did not use and no build used for ``keep_seconds``."""
        if not self.folder.is_dir():
            return 0
        removed = 0
        cutoff = time.time() - keep_seconds
        for manifest in self.folder.glob("*.json"):
            if manifest.stem in self.used:
                continue
            with contextlib.suppress(OSError):
                if manifest.stat().st_mtime < cutoff:
                    manifest.unlink()
                    (self.folder / f"{manifest.stem}.pdf").unlink(missing_ok=True)
                    removed += 1
        return removed


def cache_for(root: Path, engine: str) -> HandoutCache:
    """The cache of the archive at ``root``."""
    return HandoutCache(root / CACHE_FOLDER, engine)


# ---- Finishing a PDF -----------------------------------------------------------------------------


#: What print.js draws in vertical text in place of what the essay says (“ ” as 〝 〟); copying
#: from the vertical PDF gives the essay's own characters back.
_VERTICAL_SUBSTITUTES = str.maketrans({"\u301d": "\u201c", "\u301f": "\u201d"})
_CMAP_BLOCK = re.compile(rb"beginbf(char|range)(.*?)endbf\1", re.S)
_HEX = re.compile(rb"<([0-9A-Fa-f]+)>|\[([^\]]*)\]")


def _unicode(hex_text: bytes) -> str:
    return bytes.fromhex(hex_text.decode("ascii")).decode("utf-16-be", errors="replace")


def _hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def readable_cmap(cmap: bytes, vertical: bool) -> bytes | None:
    """A font's ToUnicode map giving the characters the essay was written with, or None if it does.

    The fonts' glyphs for 西 or 月 are shared with radicals (⻄, ⽉), and vertical punctuation
    has glyphs of its own (︒ for 。); Chromium names each glyph by the first character the font
    maps to it, so copying from a PDF gave ⻄ and ︒. The map is rewritten with the same table
    ``essay import`` reads PDFs with (``importing/normalise.py``).
    """
    entries: list[tuple[bytes, str]] = []
    for kind, body in _CMAP_BLOCK.findall(cmap):
        tokens = _HEX.findall(body)
        step = 2 if kind == b"char" else 3
        for index in range(0, len(tokens) - step + 1, step):
            group = tokens[index:index + step]
            if kind == b"char":
                entries.append((group[0][0], _unicode(group[1][0])))
                continue
            low, high = int(group[0][0], 16), int(group[1][0], 16)
            width = len(group[0][0])
            if group[2][1]:  # [<dst> <dst> …]: one destination per code
                targets = [_unicode(item) for item in re.findall(rb"<([0-9A-Fa-f]+)>", group[2][1])]
            else:
                first = _unicode(group[2][0])
                targets = [first[:-1] + chr(ord(first[-1]) + offset) for offset in range(high - low + 1)]
            for offset, target in enumerate(targets[:high - low + 1]):
                entries.append((f"{low + offset:0{width}X}".encode("ascii"), target))
    mapped = []
    changed = False
    for code, text in entries:
        readable = normalise.characters(text)
        if vertical:
            readable = readable.translate(_VERTICAL_SUBSTITUTES)
        changed = changed or readable != text
        mapped.append((code, readable))
    if not changed:
        return None
    blocks = []
    for start in range(0, len(mapped), 100):  # at most 100 entries a block
        chunk = mapped[start:start + 100]
        lines = "\n".join(f"<{code.decode('ascii')}> <{_hex(text)}>" for code, text in chunk)
        blocks.append(f"{len(chunk)} beginbfchar\n{lines}\nendbfchar")
    head = cmap[:_CMAP_BLOCK.search(cmap).start()]  # type: ignore[union-attr]
    # The count before the first block belongs to it; every block now carries its own.
    head = re.sub(rb"\d+\s*$", b"", head)
    tail = cmap[[*_CMAP_BLOCK.finditer(cmap)][-1].end():]
    return head + "\n".join(blocks).encode("ascii") + tail


def finish_pdf(data: bytes, handout: Handout, creator: str) -> bytes:
    """Chromium's PDF with the handout's metadata: title, author, subject, keywords, language.

    Viewers show the title instead of the file name; the vertical handout opens right to left
    when shown as a spread; copying gives the essay's characters (see :func:`readable_cmap`).
    pikepdf (qpdf) rewrites a 500 KB handout in about 60 ms of CPU; pypdf took eight times as long.
    """
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        seen: set[tuple[int, int]] = set()
        for page in pdf.pages:
            fonts = page.obj.get("/Resources", pikepdf.Dictionary()).get("/Font", pikepdf.Dictionary())
            for _name, font in fonts.items():
                to_unicode = font.get("/ToUnicode")
                if to_unicode is None or to_unicode.objgen in seen:
                    continue
                seen.add(to_unicode.objgen)
                readable = readable_cmap(to_unicode.read_bytes(), vertical=handout.layout is TATE)
                if readable is not None:
                    to_unicode.write(readable)
        # The XMP packet and the document information dictionary both, as PDF/A readers expect.
        with pdf.open_metadata(set_pikepdf_as_editor=False) as metadata:
            metadata["dc:title"] = handout.title
            metadata["dc:creator"] = [handout.author]
            metadata["dc:description"] = handout.subject
            metadata["pdf:Keywords"] = handout.keywords
            metadata["xmp:CreatorTool"] = creator
            metadata["dc:language"] = ["ja"]
        pdf.Root.Lang = pikepdf.String("ja")
        preferences = pdf.Root.get("/ViewerPreferences", pikepdf.Dictionary())
        preferences.DisplayDocTitle = True
        if handout.layout is TATE:
            preferences.Direction = pikepdf.Name.R2L
        pdf.Root.ViewerPreferences = preferences
        output = io.BytesIO()
        pdf.save(output, compress_streams=True)
    return output.getvalue()


def destination_pages(data: bytes) -> dict[str, int]:
    """The page (from 1) of each named destination of a PDF: ``{"e586": 3}``."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        page_numbers = {page.obj.objgen: number for number, page in enumerate(pdf.pages, start=1)}
        if "/Dests" in pdf.Root:  # Chromium writes the old-style dictionary
            named = dict(pdf.Root.Dests.items())
        elif "/Names" in pdf.Root and "/Dests" in pdf.Root.Names:
            named = dict(pikepdf.NameTree(pdf.Root.Names.Dests).items())
        else:
            named = {}
        pages = {}
        for name, destination in named.items():
            target = destination.get("/D") if isinstance(destination, pikepdf.Dictionary) else destination
            number = page_numbers.get(target[0].objgen) if target is not None and len(target) else None
            if number is not None:
                pages[str(name).lstrip("/")] = number
        return pages


# ---- Printing ------------------------------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


@contextlib.contextmanager
def serve(site_dir: Path) -> Iterator[str]:
    """Serve ``site_dir`` on a free loopback port; yields the site's address (``http://127.0.0.1:N/``)."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


#: Loads every photo now, including lazy ones below the fold, and waits for their pixels (or
#: gives up on one after the timeout): paper must not get empty boxes.
_LOAD_IMAGES = """async (timeout) => {
  const images = [...document.querySelectorAll('img')];
  images.forEach((image) => { image.loading = 'eager'; });
  await Promise.all(images.map((image) => (image.complete && image.naturalWidth > 0) ? null :
    new Promise((resolve) => {
      image.addEventListener('load', resolve, {once: true});
      image.addEventListener('error', resolve, {once: true});
      setTimeout(resolve, timeout);
    })));
  await document.fonts.ready;
}"""

#: Writes the page where each essay starts into the booklet's contents (``{"e586": 3}``).
_FILL_CONTENTS = """(pages) => {
  document.querySelectorAll('.booklet-contents__page[data-target]').forEach((slot) => {
    slot.textContent = String(pages[slot.dataset.target] ?? 0);
  });
}"""
_CONTENTS_TARGETS = """() => [...document.querySelectorAll('.booklet-contents__page[data-target]')]
  .map((slot) => slot.dataset.target)"""


def contents_guess(handout: Handout, site_dir: Path) -> dict[str, int]:
    """Where each essay of a booklet should start, from the page counts of the essays' own PDFs.

    A booklet prints each essay from a new page as its own handout does, after a one-page cover;
    an essay whose PDF is not written yet leaves the guess empty.
    """
    guess = {}
    page = 2
    for number in handout.essays:
        pages = _page_count(site_dir / "essays" / str(number) / f"{number}-{YOKO.slug}.pdf")
        if pages is None:
            return {}
        guess[f"e{number}"] = page
        page += pages
    return guess


def _page_count(path: Path) -> int | None:
    import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            return len(pdf.pages)
    except (OSError, pikepdf.PdfError):
        return None


@dataclass
class _Printed:
    pdf: bytes
    loaded: dict[str, str | None]
    #: Times Chromium printed the page (a booklet whose first guess was wrong: two or three).
    printings: int = 1


async def _print_page(  # type: ignore[no-untyped-def]
    page, base_url: str, handout: Handout, files: SiteFiles, creator: str, guess: dict[str, int] | None = None
) -> _Printed:
    loaded: list[str] = []
    errors: list[str] = []
    address = base_url + urllib.parse.quote(handout.page_url) + handout.layout.query

    def on_request(request) -> None:  # type: ignore[no-untyped-def]
        if request.url.startswith(base_url):
            loaded.append("/" + request.url[len(base_url):])

    def on_error(error) -> None:  # type: ignore[no-untyped-def]
        errors.append(str(error))

    page.on("request", on_request)
    page.on("pageerror", on_error)
    try:
        await page.emulate_media(media="screen")
        response = await page.goto(address, wait_until="load")
        if response is None or not response.ok:
            raise HandoutError(f"{handout.page_url}: {response.status if response else 'no response'}")
        await page.emulate_media(media="print")
        await page.evaluate(_LOAD_IMAGES, IMAGE_TIMEOUT_MS)

        printings = 0

        async def print_once() -> bytes:
            nonlocal printings
            printings += 1
            return await page.pdf(prefer_css_page_size=True, print_background=False, tagged=True, outline=True)

        if handout.booklet:
            pdf = await _number_contents(page, handout, print_once, guess or {})
        else:
            pdf = await print_once()
        if errors:
            raise HandoutError(f"{handout.page_url}{handout.layout.query}: {'; '.join(errors)}")
    finally:
        page.remove_listener("request", on_request)
        page.remove_listener("pageerror", on_error)
    page_address = "/" + handout.page_url
    dependencies = {address: files.digest(address) for address in {page_address, *loaded}}
    return _Printed(finish_pdf(pdf, handout, creator), dependencies, printings)


async def _number_contents(page, handout: Handout, print_once, guess: dict[str, int]) -> bytes:  # type: ignore[no-untyped-def]
    """Print until the contents give the page where each essay starts.

    The first printing has the numbers of ``guess`` (from the essays' own PDFs), zeros where it
    has none; the page of each essay is read from the PDF, and while the numbers printed differ
    from it, the booklet is printed again with the numbers found. A good guess costs one printing.
    """
    targets: list[str] = await page.evaluate(_CONTENTS_TARGETS)
    filled = {target: guess.get(target, 0) for target in targets}
    await page.evaluate(_FILL_CONTENTS, filled)
    pdf = await print_once()
    for _ in range(CONTENTS_PASSES):
        starts = destination_pages(pdf)
        found = {target: starts.get(target, 0) for target in targets}
        missing = [target for target, number in found.items() if not number]
        if missing:
            raise HandoutError(f"{handout.page_url}: no page found for {', '.join(missing)} in the printed booklet")
        if found == filled:
            return pdf
        await page.evaluate(_FILL_CONTENTS, found)
        filled = found
        pdf = await print_once()
    raise HandoutError(
        f"{handout.page_url}: 目次のページ番号が {CONTENTS_PASSES} 回印刷しても定まりません "
        f"(the contents' page numbers did not settle after {CONTENTS_PASSES} printings)"
    )


async def _print_all(
    jobs: Sequence[Handout], site_dir: Path, files: SiteFiles, workers: int, creator: str,
    on_printed,  # type: ignore[no-untyped-def]
) -> None:
    from playwright.async_api import async_playwright

    queue: asyncio.Queue[Handout] = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)
    with serve(site_dir) as base_url:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
            try:
                async def worker() -> None:
                    # A context of its own: Chromium gives it a renderer process of its own, so
                    # the workers really print side by side.
                    context = await browser.new_context()
                    page = await context.new_page()
                    try:
                        while True:
                            try:
                                job = queue.get_nowait()
                            except asyncio.QueueEmpty:
                                return
                            guess = contents_guess(job, site_dir) if job.booklet else None
                            printed = await _print_page(page, base_url, job, files, creator, guess)
                            # Writing files is quick; the other workers' pages go on meanwhile.
                            on_printed(job, printed)
                    finally:
                        await context.close()

                await asyncio.gather(*(worker() for _ in range(max(1, min(workers, len(jobs))))))
            finally:
                await browser.close()


@dataclass
class PublishReport:
    """What a build did about its PDFs."""

    printed: int = 0
    cached: int = 0
    #: Chromium's printings: one per PDF, more for a booklet whose contents needed another.
    printings: int = 0
    seconds: float = 0.0
    bytes: int = 0


def default_workers(environ: Mapping[str, str] = os.environ) -> int:
    """Pages printed at once: ``ESSAY_PDF_WORKERS``, or one per core (each page's renderer keeps a
    core busy), at most four."""
    asked = environ.get(WORKERS_SWITCH, "").strip()
    if asked.isdigit() and int(asked) > 0:
        return int(asked)
    return max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


def publish(
    site_dir: Path, handouts: Sequence[Handout], cache: HandoutCache, *, creator: str, workers: int | None = None
) -> PublishReport:
    """Write every handout's PDF beside its page in ``site_dir``: from the cache, or printed now."""
    started = time.monotonic()
    report = PublishReport()
    files = SiteFiles(site_dir)
    keys: dict[Handout, str] = {}
    to_print: list[Handout] = []
    for handout in handouts:
        try:
            html = files.path_of("/" + handout.page_url).read_bytes()
        except OSError as error:
            raise HandoutError(f"{handout.page_url}: the page to print is missing ({error})") from error
        keys[handout] = key = cache.key(handout, html)
        cached = cache.lookup(key, files)
        if cached is None:
            to_print.append(handout)
            continue
        report.bytes += _place(cached, site_dir, handout)
        report.cached += 1

    def on_printed(handout: Handout, printed: _Printed) -> None:
        cached = cache.store(keys[handout], printed.pdf, printed.loaded)
        report.bytes += _place(cached, site_dir, handout)
        report.printed += 1
        report.printings += printed.printings

    if to_print:
        asyncio.run(_print_all(to_print, site_dir, files, workers or default_workers(), creator, on_printed))
    cache.prune()
    report.seconds = time.monotonic() - started
    return report


def _place(cached: Path, site_dir: Path, handout: Handout) -> int:
    target = site_dir / handout.url
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cached, target)
    return target.stat().st_size
