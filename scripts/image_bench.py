"""Measure what essay photos cost the build: first build (every photo encoded), then a rebuild.

Usage:
    python scripts/image_bench.py [--essays 50] [--photos 200] [--size 4000x3000] [--keep DIR]

A throwaway copy of the site with ``--essays`` synthetic essays (scripts/synthetic_archive.py)
is written, and ``--photos`` camera-sized JPEGs (a gradient, a coloured block and noise, about
1.6 MB like a phone photo) are spread over the newest essays in turn (four each for 200 photos
in 50 essays), each referenced from its essay with a caption. One picture is drawn; each file
is made distinct by a JPEG comment, so the cache sees 200 different originals. The site
is built with ``mkdocs build --strict`` as ``make build`` does:

1. without photos (the same essays, for comparison);
2. with photos and an empty image cache (``.cache/images/``): every published size is encoded;
3. again into a new site folder, with the cache of build 2: nothing may be encoded (the script
   checks that no cached file was written again).

One Markdown table is printed: wall and CPU seconds and peak memory of each build, the published
files, their total size against the originals'. Figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))

import bench  # noqa: E402
import site_harness  # noqa: E402
import synthetic_archive  # noqa: E402


def write_photo(path: Path, size: tuple[int, int], index: int) -> None:
    """A camera-sized JPEG unlike every other: a gradient, a block where the index puts it, noise."""
    from PIL import Image, ImageDraw

    width, height = size
    noise = Image.effect_noise(size, 12)
    picture = Image.merge("RGB", (
        Image.linear_gradient("L").resize(size),
        Image.blend(Image.linear_gradient("L").rotate(90).resize(size), noise, 0.4),
        noise,
    ))
    left = (index * 97) % (width - width // 5)
    top = (index * 53) % (height - height // 5)
    ImageDraw.Draw(picture).rectangle((left, top, left + width // 5, top + height // 5),
                                      fill=(index * 37 % 256, 40, 200))
    path.parent.mkdir(parents=True, exist_ok=True)
    picture.save(path, format="JPEG", quality=85)


def add_photos(project: Path, photos: int, size: tuple[int, int]) -> int:
    """Put ``photos`` photos into the newest essays' folders and reference them; return their bytes.

    One photo is drawn and encoded; each file is that JPEG with its own comment segment, so every
    file is a different original to the cache (another content hash), decoded and encoded in full
    by the build, while writing 200 of them takes a second instead of minutes.
    """
    essays = sorted(project.glob("essays/[0-9]*.md"), reverse=True)
    base = project / "base-photo.jpg"
    write_photo(base, size, 1)
    data = base.read_bytes()
    base.unlink()
    total = 0
    for index in range(photos):
        essay = essays[index % len(essays)]
        folder = essay.with_suffix("")
        name = f"photo-{index // len(essays) + 1}.jpg"
        comment = f"photo {index + 1}".encode()
        folder.mkdir(exist_ok=True)
        # SOI, then a COM segment (marker, big-endian length including itself), then the rest.
        (folder / name).write_bytes(data[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + data[2:])
        total += (folder / name).stat().st_size
        with essay.open("a", encoding="utf-8") as stream:
            stream.write(f'\n\n![港の風景 {index + 1}]({folder.name}/{name} "写真{index + 1}　港の風景")\n')
    return total


def build(project: Path, site: Path) -> tuple[float, float, float]:
    """Build as ``make build`` does; return wall seconds, CPU seconds (user + system, the build
    and the processes it waited for) and peak resident MB. CPU time depends far less than wall
    time on what else the machine is running."""
    log = project / "build.log"
    with log.open("w", encoding="utf-8") as output:
        start = time.perf_counter()
        process = subprocess.Popen(site_harness.build_command(project, site), stdout=output,
                                   stderr=subprocess.STDOUT, env=site_harness.build_environment())
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    # Waited for with os.wait4 (for its rusage): tell Popen, or it warns the process still runs.
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"the build failed:\n{log.read_text(encoding='utf-8')}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def cached_files(project: Path) -> dict[Path, int]:
    """Every encoded file in the project's image cache, with its modification time."""
    cache = project / ".cache" / "images"
    return {path: path.stat().st_mtime_ns for path in cache.rglob("*") if path.is_file() and path.suffix != ".json"}


def published(site: Path) -> tuple[int, int]:
    """Count and total bytes of the published photo files."""
    files = [path for path in site.glob("essays/*/*") if re.search(r"-\d+w\.jpg$", path.name)]
    return len(files), sum(path.stat().st_size for path in files)


def main(argv: list[str] | None = None) -> int:
    """Write the archive, build it three times, print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--essays", type=int, default=50, help="synthetic essays in the archive")
    parser.add_argument("--photos", type=int, default=200, help="photos spread over the newest essays")
    parser.add_argument("--size", default="4000x3000", help="each photo's size in pixels, WIDTHxHEIGHT")
    parser.add_argument("--keep", type=Path, help="write the archive here and keep it (default: a temporary folder)")
    args = parser.parse_args(argv)
    size = tuple(int(part) for part in args.size.lower().split("x"))
    workspace = args.keep or Path(tempfile.mkdtemp(prefix="image-bench-"))
    try:
        project = synthetic_archive.write_archive(workspace / "archive", args.essays)
        # The cache must start empty: the environment must not point it elsewhere.
        os.environ.pop("ESSAY_IMAGE_CACHE", None)
        print(f"  build without photos ({args.essays} essays)", file=sys.stderr, flush=True)
        plain = build(project, workspace / "site-plain")
        print(f"  writing {args.photos} photos of {size[0]}×{size[1]}", file=sys.stderr, flush=True)
        started = time.perf_counter()
        original_bytes = add_photos(project, args.photos, size)  # type: ignore[arg-type]
        print(f"  ({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
        print("  first build (empty cache)", file=sys.stderr, flush=True)
        first = build(project, workspace / "site-first")
        encoded = cached_files(project)
        count, published_bytes = published(workspace / "site-first")
        print("  second build (warm cache)", file=sys.stderr, flush=True)
        second = build(project, workspace / "site-second")
        if cached_files(project) != encoded:
            raise RuntimeError("the second build encoded photos again")
        print(f"\n{args.photos} photos ({size[0]}×{size[1]} JPEG, {original_bytes / 1048576:,.0f} MB) "
              f"in {args.essays} essays; {count} files published ({published_bytes / 1048576:,.1f} MB), "
              f"{len(encoded)} encoded by the first build, 0 by the second.\n")
        print("| build | wall (s) | CPU (s) | peak RSS (MB) |")
        print("|---|---:|---:|---:|")
        for name, (wall, cpu, peak) in (("without photos", plain), ("first, empty cache", first),
                                        ("second, cache kept", second)):
            print(f"| {name} | {wall:.1f} | {cpu:.1f} | {peak:.0f} |")
        print(f"\n{bench.machine()}")
    finally:
        if args.keep is None:
            shutil.rmtree(workspace, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
