"""The essay archive: the essay model, its one schema, and the ``essay`` command."""

from pathlib import Path

#: The repository root, for commands run from anywhere inside a checkout.
REPO_ROOT = Path(__file__).resolve().parent.parent
ESSAYS_DIR = REPO_ROOT / "essays"
