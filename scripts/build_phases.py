"""Where a build's time goes: load and check, Markdown, templates, hooks, search index, the rest.

Usage:
    python scripts/build_phases.py PROJECT [--site DIR] [--json] [--cpu]

Builds ``PROJECT/mkdocs.yml`` in this process, as ``mkdocs build --strict`` does, with a timer
around each part (``time.perf_counter``; the parts never overlap in the build's own thread):

- load and check: reading the configuration and every essay, checking them (``essay_files``);
- Markdown: converting each page's Markdown to HTML (MkDocs' ``Page.render``, extensions included);
- templates: rendering each page's Jinja template;
- hooks: every other hook of ``mkdocs.yml`` (listings, tags, booklets, feed, link previews, HTML
  safety), each also shown on its own;
- search index: the search hook in the build's thread (handing pages over, taking the index,
  writing and checking it), and, apart, the CPU seconds of the Pagefind and Node.js processes,
  which run beside the build;
- the rest: MkDocs itself (files, navigation, copying assets, writing pages).

``--cpu`` times the build's thread in CPU seconds (``time.thread_time``) instead of wall seconds:
on a busy machine the wall clock mostly measures the other programs.
"""

from __future__ import annotations

import argparse
import collections
import json
import logging
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PHASES = ("load and check", "Markdown", "templates", "hooks", "search index", "rest")
_HOOK_PHASE = {"essay_files": "load and check", "search_index": "search index"}


class _Timers:
    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self.clock = clock
        self.seconds: collections.Counter[str] = collections.Counter()
        self.hooks: collections.Counter[str] = collections.Counter()

    def wrap(self, function: Callable[..., Any], phase: str, hook: str | None = None) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = self.clock()
            try:
                return function(*args, **kwargs)
            finally:
                elapsed = self.clock() - start
                self.seconds[phase] += elapsed
                if hook is not None:
                    self.hooks[hook] += elapsed

        return timed


def measure(project: Path, site: Path | None = None, *, cpu: bool = False) -> dict[str, Any]:
    """Build ``project`` once with timers; returns seconds by phase, by hook, and the helpers' CPU.

    ``cpu`` counts the build thread's CPU seconds instead of wall seconds.
    """
    import jinja2
    from mkdocs.commands import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.structure.pages import Page

    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    timers = _Timers(time.thread_time if cpu else time.perf_counter)
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = timers.clock()
    config = timers.wrap(load_config, "load and check")(
        str(project / "mkdocs.yml"), site_dir=str(site or project / "site"), strict=True)
    for event, methods in config.plugins.events.items():
        for position, method in enumerate(methods):
            # MkDocs names a hook module after its path: overrides/hooks/essay_files.py.
            hook = Path(getattr(method, "__module__", "") or "").stem
            phase = _HOOK_PHASE.get(hook, "hooks")
            methods[position] = timers.wrap(method, phase, f"{hook}.{event}")
    original_render, original_template_render = Page.render, jinja2.Template.render
    Page.render = timers.wrap(original_render, "Markdown")  # type: ignore[method-assign]
    jinja2.Template.render = timers.wrap(original_template_render, "templates")  # type: ignore[method-assign]
    try:
        mkdocs_build.build(config)
    finally:
        Page.render = original_render  # type: ignore[method-assign]
        jinja2.Template.render = original_template_render  # type: ignore[method-assign]
    total = timers.clock() - start
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    phases = {phase: timers.seconds[phase] for phase in PHASES if phase != "rest"}
    phases["rest"] = max(0.0, total - sum(phases.values()))
    helper_cpu = (children_after.ru_utime - children_before.ru_utime
                  + children_after.ru_stime - children_before.ru_stime)
    return {
        "total": total,
        "phases": phases,
        "hooks": dict(timers.hooks.most_common()),
        "search_helpers_cpu": helper_cpu,
        "essays": len(list((project / "essays").glob("*.md"))),
    }


def main(argv: list[str] | None = None) -> int:
    """Build the project with timers and print the phases."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", type=Path, help="folder holding mkdocs.yml and essays/")
    parser.add_argument("--site", type=Path, help="where to build (default PROJECT/site)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--cpu", action="store_true", help="CPU seconds of the build's thread instead of wall seconds")
    args = parser.parse_args(argv)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    figures = measure(args.project.resolve(), args.site, cpu=args.cpu)
    if args.json:
        print(json.dumps(figures))
        return 0
    for phase, seconds in figures["phases"].items():
        print(f"{phase:16} {seconds:7.2f} s")
    print(f"{'total':16} {figures['total']:7.2f} s  (+ {figures['search_helpers_cpu']:.2f} s CPU in Pagefind/Node.js)")
    for hook, seconds in figures["hooks"].items():
        print(f"  {hook:40} {seconds:7.3f} s")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    raise SystemExit(main())
