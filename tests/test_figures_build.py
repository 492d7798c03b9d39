"""Photos in a real build: figures with captions, resized files without metadata, cached, in the
feed and the link preview; and the image cache on its own."""

from __future__ import annotations

import gzip
import html
import json
import re
from pathlib import Path

import markdown
import pytest
from PIL import Image

from essay_archive.content.archive import read_archive
from essay_archive.site import booklet, images
from essay_archive.site.figures import FiguresExtension, PageImages

from .conftest import SITE_URL, mkdocs_build
from .figure_images import CHART_ALT, PHOTO_ALT, PHOTO_CAPTION, photo_essay_project, write_photo

PAGE = "essays/620/index.html"
PHOTO_URL = f"{SITE_URL}essays/620/harbour-1600w.jpg"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = photo_essay_project(tmp_path_factory.mktemp("figures"))
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    return project


def figures(page_html: str) -> list[str]:
    return re.findall(r"<figure>.*?</figure>", page_html, re.S)


def attributes(tag: str) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in re.findall(r'([\w-]+)="([^"]*)"', tag)}


def test_each_image_is_a_figure_with_its_caption_sizes_and_lazy_loading(project: Path) -> None:
    page = (project / "site" / PAGE).read_text(encoding="utf-8")
    photo, chart = figures(page)
    image = attributes(re.search(r"<img [^>]*>", photo)[0])  # type: ignore[index]
    assert image == {
        "src": "harbour-1600w.jpg",
        "alt": PHOTO_ALT,
        "srcset": "harbour-400w.jpg 400w, harbour-800w.jpg 800w, harbour-1600w.jpg 1600w",
        "sizes": images.SIZES,
        "width": "1600",
        "height": "1200",
        "loading": "lazy",
        "decoding": "async",
        "data-pagefind-index-attrs": "alt",
    }
    # Python-Markdown makes each run of spaces in a title one space.
    assert re.search(r"<figcaption>(.*?)</figcaption>", photo)[1] == PHOTO_CAPTION.replace("\u3000", " ")  # type: ignore[index]
    chart_image = attributes(re.search(r"<img [^>]*>", chart)[0])  # type: ignore[index]
    # The chart is 900×600: published at its own size and 400 px, never enlarged; no caption.
    assert (chart_image["alt"], chart_image["srcset"]) == (CHART_ALT, "exports-400w.png 400w, exports-900w.png 900w")
    assert (chart_image["width"], chart_image["height"]) == ("900", "600")
    assert "<figcaption>" not in chart
    # No image file name is in the essay's text (what search indexes): only alt and caption are words.
    body = page.split('<div class="essay-body">', 1)[1].split("</div>", 1)[0]
    assert "harbour" not in re.sub(r"<[^>]*>", "", body)


def test_search_indexes_descriptions_and_captions_not_file_names(project: Path) -> None:
    for fragment in (project / "site" / "pagefind" / "fragment").glob("*.pf_fragment"):
        page = json.loads(gzip.decompress(fragment.read_bytes())[len(b"pagefind_dcd"):])
        if page["url"] == "/essays/620/":
            break
    else:
        raise AssertionError("essay 620 is not in the search index")
    text = page["content"].replace("\u200b", "")
    assert PHOTO_ALT in text and CHART_ALT in text
    assert PHOTO_CAPTION.replace("\u3000", " ") in text
    assert "harbour" not in text and "exports" not in text


def test_published_files_are_resized_and_carry_no_metadata(project: Path) -> None:
    folder = project / "site" / "essays" / "620"
    published = sorted(path.name for path in folder.iterdir() if path.name != "index.html")
    assert published == ["exports-400w.png", "exports-900w.png",
                         "harbour-1600w.jpg", "harbour-400w.jpg", "harbour-800w.jpg"]
    for name, size in (("harbour-1600w.jpg", (1600, 1200)), ("harbour-800w.jpg", (800, 600)),
                       ("harbour-400w.jpg", (400, 300))):
        with Image.open(folder / name) as picture:
            assert picture.size == size
            assert dict(picture.getexif()) == {}
            assert "exif" not in picture.info and "xmp" not in picture.info
    original = project / "essays" / "0620" / "harbour.jpg"
    with Image.open(original) as picture:
        assert picture.getexif()[0x010F] == "ExampleCam"  # the original names its camera
    assert b"ExampleCam" not in (folder / "harbour-1600w.jpg").read_bytes()
    # The original, with its EXIF, is never published.
    assert not list((project / "site").rglob("harbour.jpg"))


def test_a_rebuild_with_unchanged_images_encodes_nothing(project: Path, tmp_path: Path) -> None:
    cache = project / images.CACHE_FOLDER
    before = {path: path.stat().st_mtime_ns for path in cache.rglob("*") if path.is_file() and path.suffix != ".json"}
    assert len(before) == 5
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    after = {path: path.stat().st_mtime_ns for path in cache.rglob("*") if path.is_file() and path.suffix != ".json"}
    assert after == before
    assert (tmp_path / "site" / "essays" / "620" / "harbour-800w.jpg").is_file()


def test_the_feed_carries_the_figures_with_absolute_addresses(project: Path) -> None:
    feed = (project / "site" / "feed.xml").read_text(encoding="utf-8")
    entry = html.unescape(feed.split(f"<id>{SITE_URL}essays/620/</id>", 1)[1].split("</entry>", 1)[0])
    assert f'src="{PHOTO_URL}"' in entry
    assert (f'srcset="{SITE_URL}essays/620/harbour-400w.jpg 400w, {SITE_URL}essays/620/harbour-800w.jpg 800w, '
            f'{PHOTO_URL} 1600w"') in entry
    assert f"<figcaption>{PHOTO_CAPTION.replace(chr(0x3000), ' ')}</figcaption>" in entry


def test_the_first_figure_is_the_link_preview_image(project: Path) -> None:
    page = (project / "site" / PAGE).read_text(encoding="utf-8")
    assert f'<meta property="og:image" content="{PHOTO_URL}">' in page
    assert '<meta property="og:image:width" content="1600">' in page
    assert '<meta property="og:image:height" content="1200">' in page
    assert f'<meta property="og:image:alt" content="{PHOTO_ALT}">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)[1])  # type: ignore[index]
    assert data["image"] == {"@type": "ImageObject", "url": PHOTO_URL, "width": 1600, "height": 1200}
    # An essay without figures keeps the small card and has no image.
    plain = (project / "site" / "essays" / "586" / "index.html").read_text(encoding="utf-8")
    assert "og:image" not in plain and '<meta name="twitter:card" content="summary">' in plain


def test_booklets_point_the_figures_at_the_essays_folder(project: Path) -> None:
    page = (project / "site" / "tags" / "経済" / "print" / "index.html").read_text(encoding="utf-8")
    image = attributes(re.search(r"<figure><img [^>]*>", page)[0])  # type: ignore[index]
    assert image["src"] == "../../../essays/620/harbour-1600w.jpg"
    assert image["srcset"].startswith("../../../essays/620/harbour-400w.jpg 400w, ")
    essay = next(essay for essay in read_archive(project / "essays").essays if essay.number == 620)
    moved = booklet.booklet_html('<img src="a-800w.jpg" srcset="a-400w.jpg 400w, a-800w.jpg 800w">', essay, "x/y/")
    assert moved == (
        '<img src="../../essays/620/a-800w.jpg"'
        ' srcset="../../essays/620/a-400w.jpg 400w, ../../essays/620/a-800w.jpg 800w">'
    )


# ---- The cache on its own ---------------------------------------------------------------------


def checked_image(essays_dir: Path, size: tuple[int, int], orientation: int = 1) -> images.EssayImage:
    essays_dir.mkdir()
    (essays_dir / "tags.yml").write_text("北朝鮮: {reading: きたちょうせん, description: 説明}\n", encoding="utf-8")
    (essays_dir / "0730.md").write_text(
        "---\nnumber: 730\ntitle: 写真\ndate: 2025-01\nauthor: 石館\ntags: [北朝鮮]\n---\n\n![港](0730/photo.jpg)\n",
        encoding="utf-8",
    )
    write_photo(essays_dir / "0730" / "photo.jpg", size, orientation=orientation)
    archive = read_archive(essays_dir)
    assert archive.ok, archive.problem_lines(essays_dir)
    return archive.essays[0].images[0]


def test_the_cache_encodes_each_image_once_and_again_only_when_it_changes(tmp_path: Path) -> None:
    image = checked_image(tmp_path / "essays", (2000, 1500))
    cache = images.ImageCache(tmp_path / "cache")
    first = cache.publish(image)
    assert cache.encoded == 3
    assert cache.publish(image) == first and cache.encoded == 3
    cache.save()
    # A later build (a new cache object) reuses the files, without even reading the original again.
    later = images.ImageCache(tmp_path / "cache")
    assert later.publish(image) == first and later.encoded == 0
    # A changed photo under the same name is a new key: encoded again.
    write_photo(image.path, (2000, 1500), gps=True)  # other bytes, same size
    changed = images.ImageCache(tmp_path / "cache")
    assert changed.publish(image).files != first.files and changed.encoded == 3


def test_the_camera_orientation_is_applied_before_resizing(tmp_path: Path) -> None:
    # Stored 1200×900 with orientation 6 (turned a quarter): shown, and published, 900×1200.
    image = checked_image(tmp_path / "essays", (1200, 900), orientation=6)
    assert (image.width, image.height) == (900, 1200)
    published = images.ImageCache(tmp_path / "cache").publish(image)
    assert [(variant.name, variant.width, variant.height) for variant in published.variants] == [
        ("photo-900w.jpg", 900, 1200), ("photo-600w.jpg", 600, 800), ("photo-300w.jpg", 300, 400),
    ]
    with Image.open(published.files[0]) as picture:
        assert picture.size == (900, 1200)
        # The red block the camera stored at its top left is now at the top right.
        # (The block alone is red: blue is 140 everywhere else.)
        assert picture.getpixel((880, 20))[2] < 60 and picture.getpixel((20, 20))[2] > 100


def test_a_small_image_is_never_enlarged(tmp_path: Path) -> None:
    image = checked_image(tmp_path / "essays", (320, 240))
    assert [(variant.width, variant.height) for variant in images.variants(image)] == [(320, 240)]


def test_a_photo_that_passes_the_check_but_cannot_be_decoded_is_not_published(tmp_path: Path) -> None:
    image = checked_image(tmp_path / "essays", (1200, 900))
    # Cut short after the header: Pillow still opens it, but decoding it fails.
    image.path.write_bytes(image.path.read_bytes()[:2000])
    other = checked_image(tmp_path / "more", (600, 450))
    results = images.publish_all(images.ImageCache(tmp_path / "cache"), [image, other, image])
    assert list(results) == [image, other]
    assert results[image] is None
    assert results[other] is not None and results[other].largest.width == 600


def test_only_a_figure_near_the_top_loads_at_once(tmp_path: Path) -> None:
    image = checked_image(tmp_path / "essays", (1200, 900))
    published = images.PublishedImage(image, images.variants(image), ())
    extension = FiguresExtension()
    extension.set_page(PageImages({image.reference: published}))
    render = markdown.Markdown(extensions=[extension]).convert

    def loading(body: str) -> list[str]:
        return re.findall(r'loading="(\w+)"', render(body))

    figure = f'![港]({image.reference} "写真1")'
    assert loading(f"短い前文。\n\n{figure}\n\n本文。\n\n{figure}") == ["eager", "lazy"]
    assert loading(f"{'長い前文。' * 60}\n\n{figure}") == ["lazy"]
    # An image the build did not publish (not this essay's) is left to MkDocs, untouched.
    assert "<figure>" not in render("![港](0731/other.jpg)")
    extension.set_page(None)
    assert "<figure>" not in render(figure)
