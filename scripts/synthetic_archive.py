"""Make a throwaway copy of the site holding N synthetic essays, for benchmarks and scale tests.

Usage:
    python scripts/synthetic_archive.py DEST --count 1000 [--seed 586]

The essays are made from essay 586's paragraphs, shuffled: distinct numbers 1..N, distinct dates
spread over decades, 2 to 4 tags each from a 30-tag vocabulary. The result builds with
``mkdocs build -f DEST/mkdocs.yml`` exactly like the real archive.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
SEED_ESSAY = REPO / "essays" / "0586.md"
FIRST_DAY = dt.date(1960, 1, 1)
LAST_DAY = dt.date(2024, 12, 31)

#: Each tag's description and its reading (the tag index sorts by reading).
TAGS: dict[str, dict[str, str]] = {
    "北朝鮮": {"reading": "きたちょうせん", "description": "金正恩体制の内政と軍事、人権、周辺国との関係"},
    "ロシア": {"reading": "ろしあ", "description": "プーチン政権の内政と外交"},
    "ウクライナ戦争": {"reading": "うくらいなせんそう", "description": "ロシアのウクライナ侵攻とその影響"},
    "中国": {"reading": "ちゅうごく", "description": "中国の政治と経済、対外政策"},
    "韓国": {"reading": "かんこく", "description": "韓国の政治と社会、日韓関係"},
    "米国": {"reading": "べいこく", "description": "アメリカの政治と外交"},
    "日本政治": {"reading": "にほんせいじ", "description": "国会と内閣、選挙"},
    "安全保障": {"reading": "あんぜんほしょう", "description": "防衛と同盟、抑止"},
    "人権": {"reading": "じんけん", "description": "人権と自由をめぐる問題"},
    "歴史": {"reading": "れきし", "description": "近現代史と記憶"},
    "外交": {"reading": "がいこう", "description": "各国の外交と国際関係"},
    "核兵器": {"reading": "かくへいき", "description": "核開発と軍縮"},
    "拉致問題": {"reading": "らちもんだい", "description": "北朝鮮による日本人拉致"},
    "中東": {"reading": "ちゅうとう", "description": "中東の紛争と政治"},
    "欧州": {"reading": "おうしゅう", "description": "ヨーロッパの政治と統合"},
    "環境": {"reading": "かんきょう", "description": "環境問題と気候変動"},
    "エネルギー": {"reading": "えねるぎー", "description": "資源とエネルギー政策"},
    "科学技術": {"reading": "かがくぎじゅつ", "description": "科学と技術の進歩"},
    "医療": {"reading": "いりょう", "description": "医療と健康"},
    "高齢化": {"reading": "こうれいか", "description": "高齢社会と年金"},
    "教育": {"reading": "きょういく", "description": "学校と教育制度"},
    "経済": {"reading": "けいざい", "description": "景気と財政、金融"},
    "文化": {"reading": "ぶんか", "description": "文学と芸術、暮らし"},
    "宗教": {"reading": "しゅうきょう", "description": "宗教と社会"},
    "言論の自由": {"reading": "げんろんのじゆう", "description": "報道と表現の自由"},
    "国際法": {"reading": "こくさいほう", "description": "条約と国際秩序"},
    "メディア": {"reading": "めでぃあ", "description": "新聞とテレビ、ネット"},
    "農業": {"reading": "のうぎょう", "description": "農業と食料"},
    "地方": {"reading": "ちほう", "description": "地方の暮らしと自治"},
    "戦後": {"reading": "せんご", "description": "戦後日本のあゆみ"},
}


def seed_paragraphs() -> list[str]:
    """The 22 paragraphs of essay 586's body."""
    body = SEED_ESSAY.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    return [paragraph.strip() for paragraph in body.split("\n\n") if paragraph.strip()]


def essay_text(number: int, date: dt.date, tags: list[str], paragraphs: list[str]) -> str:
    """One synthetic essay file, front matter and body."""
    title = f"{tags[0]}と{tags[-1]}を考える（その{number}）"
    front = {
        "number": number,
        "title": title,
        "date": date.isoformat(),
        "author": "石館",
        "tags": tags,
        "summary": paragraphs[0][:80],
    }
    header = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, default_flow_style=None)
    return f"---\n{header}---\n\n" + "\n\n".join(paragraphs) + "\n"


def write_archive(dest: Path, count: int, seed: int = 586) -> Path:
    """Copy the site's sources to ``dest`` and fill ``dest/essays`` with ``count`` essays."""
    randomness = random.Random(seed)
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    for folder in ("docs", "overrides"):
        shutil.copytree(REPO / folder, dest / folder, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__"))
    essays = dest / "essays"
    if essays.exists():
        shutil.rmtree(essays)
    essays.mkdir()
    (essays / "tags.yml").write_text(yaml.safe_dump(TAGS, allow_unicode=True, sort_keys=False, default_flow_style=None),
                                     encoding="utf-8")
    paragraphs = seed_paragraphs()
    span = (LAST_DAY - FIRST_DAY).days
    for number in range(1, count + 1):
        date = FIRST_DAY + dt.timedelta(days=(number - 1) * span // max(count - 1, 1))
        tags = randomness.sample(list(TAGS), randomness.randint(2, 4))
        chosen = randomness.sample(paragraphs, randomness.randint(8, 16))
        (essays / f"{number:04d}.md").write_text(essay_text(number, date, tags, chosen), encoding="utf-8")
    return dest


def add_essay(dest: Path, seed: int = 586) -> Path:
    """Add the next essay to the archive in ``dest`` (one number past the highest, dated after the
    last), as a maintainer merges the month's essay; returns its file."""
    randomness = random.Random(seed * 7919)
    essays = dest / "essays"
    numbers = [int(path.stem) for path in essays.glob("*.md") if path.stem.isdigit()]
    number = max(numbers, default=0) + 1
    tags = randomness.sample(list(TAGS), randomness.randint(2, 4))
    chosen = randomness.sample(seed_paragraphs(), randomness.randint(8, 16))
    path = essays / f"{number:04d}.md"
    path.write_text(essay_text(number, LAST_DAY + dt.timedelta(days=15), tags, chosen), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    """Write the synthetic archive and print where it is."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dest", type=Path, help="folder to write the site copy into")
    parser.add_argument("--count", type=int, default=1000, help="number of essays (default 1000)")
    parser.add_argument("--seed", type=int, default=586, help="random seed, for repeatable archives")
    args = parser.parse_args(argv)
    print(write_archive(args.dest, args.count, args.seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
