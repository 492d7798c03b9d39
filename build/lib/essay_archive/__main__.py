"""``python -m essay_archive``: the same as the ``essay`` command."""

from essay_archive.cli import main

raise SystemExit(main())
