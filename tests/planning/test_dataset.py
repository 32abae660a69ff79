"""A dataset as the planning layer sees it (``tuoyu.planning.dataset``): a folder's key
is its absolute path, the bundled one is ``baoshan``; the district's name comes from
``district.geojson`` as one short line, else the name given, else the folder's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tuoyu.data import BUNDLED
from tuoyu.planning.dataset import Dataset, district_name


def _with_district(folder: Path, name: object) -> Dataset:
    folder.mkdir(parents=True, exist_ok=True)
    doc = {"type": "FeatureCollection",
           "features": [{"type": "Feature", "properties": {"name": name}, "geometry": None}]}
    (folder / "district.geojson").write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    return Dataset.at(folder)


def test_a_folders_key_is_its_absolute_path(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d").mkdir()
    ds = Dataset.at("d")
    assert ds.folder == Path("d") and ds.key == str(tmp_path.resolve() / "d")


def test_the_bundled_dataset_is_baoshan() -> None:
    ds = Dataset.bundled()
    assert ds.key == "baoshan" and ds.folder == BUNDLED
    assert district_name(ds) == "宝山区"


def test_the_name_is_one_line_of_at_most_60_characters(tmp_path: Path) -> None:
    assert district_name(_with_district(tmp_path / "a", " 测试区\n=1+1 ")) == "测试区 =1+1"
    assert district_name(_with_district(tmp_path / "b", "区" * 80)) == "区" * 60


def test_the_name_holds_no_character_a_text_may_not(tmp_path: Path) -> None:
    """A NUL or a direction mark in district.geojson's name, or a line break in the
    folder's, went into the titles of pages, workbooks and calendars as it was."""
    assert district_name(_with_district(tmp_path / "a", "测试\u202e区\x00")) == "测试 区"
    assert district_name(Dataset.at(tmp_path / "徐汇\n<b>")) == "徐汇 <b>"


@pytest.mark.parametrize("content", ["not json", '{"features": []}', '{"features": [{}]}',
                                     '{"features": [{"properties": {"name": "   "}}]}'])
def test_without_a_name_the_given_name_then_the_folders(tmp_path: Path, content: str) -> None:
    folder = tmp_path / "徐汇"
    folder.mkdir()
    (folder / "district.geojson").write_text(content, "utf-8")
    ds = Dataset.at(folder)
    assert district_name(ds, fallback="  上传\t的 区 ") == "上传 的 区"
    assert district_name(ds) == "徐汇"


def test_a_folder_without_the_file_is_named_by_its_folder(tmp_path: Path) -> None:
    assert district_name(Dataset.at(tmp_path)) == tmp_path.resolve().name
