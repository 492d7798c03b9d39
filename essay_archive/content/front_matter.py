"""Front matter the project writes for MkDocs: generated pages, and essays as MkDocs reads them.

Every page's front matter goes through :func:`dump`, so a title or description holding YAML
syntax (a tag ``[試験]`` or ``!重要``, ``: ``, ``#``, quotes, a date-like ``2024-02-30``) stays one
string. MkDocs swallows YAML errors and then renders the whole front matter as Markdown with
no template: hand-formatted front matter lost such pages without a warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from essay_archive.content.essay import Essay

FENCE = "---"
#: libyaml's emitter when PyYAML has it: five times faster, and it escapes C1 controls such as
#: U+0085 (NEL), which the pure-Python emitter writes raw inside quotes, where a reader takes
#: them for a line break.
_DUMPER: type = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
#: One line per value however long: libyaml takes the width as a C int.
_NO_WRAP = 2**31 - 1


def dump(data: Mapping[str, Any], body: str = "", *, flow_lists: bool = False) -> str:
    """``---``, ``data`` as safe YAML (one line per key), ``---``, then ``body``.

    ``flow_lists`` writes lists of plain values on one line, ``tags: [北朝鮮, ロシア]``, the way
    contributors write essay files.
    """
    text = yaml.dump(
        dict(data), Dumper=_DUMPER, allow_unicode=True, sort_keys=False,
        default_flow_style=None if flow_lists else False, width=_NO_WRAP,
    )
    return f"{FENCE}\n{text}{FENCE}\n{body}"


def essay_meta(essay: Essay) -> dict[str, Any]:
    """An essay's checked front matter as MkDocs' ``page.meta`` gets it: plain strings and lists."""
    meta: dict[str, Any] = {
        "number": essay.number,
        "title": essay.title,
        "date": essay.date.iso(),
        "author": essay.author,
        "tags": list(essay.tags),
    }
    if essay.summary:
        meta["summary"] = essay.summary
    return meta
