"""Front matter is read with libyaml for speed, yet contributors see the same messages as before."""

from __future__ import annotations

from essay_archive.content import essay_file


def test_valid_front_matter_reads_the_same_with_either_loader() -> None:
    source = essay_file.split("---\nnumber: 7\ntitle: 題\ndate: 2024-12\ntags: [北朝鮮, ロシア]\n---\n\n本文\n")
    assert source.problems == []
    assert source.data == {"number": 7, "title": "題", "date": "2024-12", "tags": ["北朝鮮", "ロシア"]}
    assert source.key_lines == {"number": 2, "title": 3, "date": 4, "tags": 5}


def test_a_yaml_mistake_is_reported_at_the_pure_python_loaders_line_and_words() -> None:
    # libyaml would place this one line later, on the closing fence, and word it differently.
    [problem] = essay_file.split("---\nnumber: 1\ntitle: [題\n---\n\n本文\n").problems
    assert problem.line == 3
    assert "expected ',' or ']', but got '<stream end>'" in problem.message


def test_the_fast_loader_keeps_the_front_matter_rules() -> None:
    # Both loaders read zero-padded numbers as decimal and keep dates as text for the schema.
    text = "number: 0587\ndate: 2024-02-30\n"
    for loader in (essay_file._FAST_LOADER, essay_file._FrontMatterLoader):
        assert essay_file._load(loader, text)[1] == {"number": 587, "date": "2024-02-30"}
    if hasattr(__import__("yaml"), "CSafeLoader"):
        assert essay_file._FAST_LOADER is not essay_file._FrontMatterLoader
