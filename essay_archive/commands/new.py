"""``essay new "題名"``: start the next essay, with placeholders ``essay check`` rejects until filled.

Only the essay file is made. Its photo folder (``essays/0587/``) is needed only once the essay
shows a photo, and git keeps no empty folder: it is made with the first photo (``mkdir``, or an
uploaded folder in GitHub's web editor; see CONTRIBUTING.md), which the command says.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from essay_archive.commands.import_essays import shown
from essay_archive.content import schema
from essay_archive.content.archive import essay_paths, read_archive
from essay_archive.content.messages import bilingual
from essay_archive.importing.text_import import essay_text, markdown_body

NAME = "new"
HELP = "次の号のエッセイを作る (create the next essay with placeholders to fill in)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    parser.add_argument("title", metavar="題名",
                        help="エッセイの題名（号数は付けない） (the essay's title, without its number)")
    parser.add_argument("--author",
                        help="著者（既定: 最新のエッセイの著者） (author; default: the newest essay's author)")
    parser.add_argument("--essays-dir", type=Path, default=None,
                        help="エッセイのフォルダ (the essays folder)")


def today() -> dt.date:
    """Today's date (a function so tests can fix the day)."""
    return dt.date.today()


def highest_number(essays_dir: Path) -> int:
    """The highest essay number among the file names, valid essays or not (0 when there is none)."""
    numbers = [int(match["number"]) for path in essay_paths(essays_dir)
               if (match := schema.FILE_NAME.match(path.name))]
    return max(numbers, default=0)


def new_essay_text(number: int, title: str, author: str, today: dt.date) -> str:
    """The new essay file: front matter in schema order with empty tags, placeholders for the rest."""
    return essay_text({
        "number": number,
        "title": title,
        "date": schema.EssayDate(today.year, today.month),
        "author": author,
        "tags": [],
        "summary": schema.placeholder("要約"),
    }, markdown_body([schema.placeholder("本文")]))


def run(args: argparse.Namespace) -> int:
    """Create ``essays/NNNN.md`` for the next number and print its path; never overwrite."""
    essays_dir: Path = args.essays_dir
    title = " ".join(args.title.split())
    if not title:
        print(bilingual("題名が空です", "the title is empty"), file=sys.stderr)
        return 2
    author = args.author
    if author is None:
        archive = read_archive(essays_dir)
        if not archive.essays:
            print(bilingual(
                f"{shown(essays_dir)} に正しいエッセイがないので著者が分かりません。--author で指定してください",
                f"no valid essay in {shown(essays_dir)} to take the author from; give --author",
            ), file=sys.stderr)
            return 2
        author = archive.essays[-1].author
    number = highest_number(essays_dir) + 1
    path = essays_dir / schema.file_name(number)
    text = new_essay_text(number, title, author, today())
    try:
        with path.open("xb") as stream:
            stream.write(text.encode("utf-8"))
    except FileExistsError:
        print(bilingual(f"{shown(path)} はすでにあります。上書きはしません",
                        f"{shown(path)} already exists; it is not overwritten"), file=sys.stderr)
        return 1
    except OSError as error:
        print(bilingual(f"{shown(path)} を作れません（{error.strerror or error}）",
                        f"cannot create {shown(path)} ({error})"), file=sys.stderr)
        return 1
    print(shown(path))
    folder = path.with_suffix("")
    print(bilingual(
        f"写真を入れるときは、フォルダ {shown(folder)}/ を作って置き、"
        f"本文に ![説明]({folder.name}/photo-1.jpg) と書きます",
        f"to add photos, make the folder {shown(folder)}/, put them there and write "
        f"![description]({folder.name}/photo-1.jpg)",
    ), file=sys.stderr)
    return 0
