"""The user's cache: kept between runs, keyed by what it was made from, and read only where nobody else can write."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from mappa_rules import cache
from mappa_rules.loader import load_library, shipped_rulesets_dir


@pytest.fixture()
def folder(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("MAPPA_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_an_object_is_made_once_then_read_back(folder: Path) -> None:
    made = []
    make = lambda: made.append(1) or {"value": len(made)}  # noqa: E731
    assert cache.kept("thing", "k1", make) == {"value": 1}
    assert cache.kept("thing", "k1", make) == {"value": 1} and made == [1]
    assert cache.kept("thing", "k2", make) == {"value": 2}  # another key, made again
    entry = next((folder / "objects").glob("thing-k1*"))
    assert entry.stat().st_mode & 0o777 == 0o600 and (folder / "objects").stat().st_mode & 0o777 == 0o700


def test_an_entry_others_can_write_or_a_damaged_one_is_made_again(folder: Path) -> None:
    cache.kept("thing", "k", lambda: "first")
    entry = next((folder / "objects").glob("thing-k*"))
    entry.chmod(0o666)
    assert cache.kept("thing", "k", lambda: "second") == "second"  # not read: anyone could have written it
    entry.write_bytes(b"not a pickle")
    entry.chmod(0o600)
    assert cache.kept("thing", "k", lambda: "third") == "third"
    assert cache.kept("thing", "k", lambda: "fourth") == "third"


def test_a_cache_folder_others_can_write_is_not_used(folder: Path) -> None:
    (folder / "objects").mkdir(parents=True)
    (folder / "objects").chmod(0o777)
    assert cache.kept("thing", "k", lambda: "made") == "made"
    assert cache.private_dir("objects") is None and not list((folder / "objects").iterdir())


def test_an_empty_cache_setting_keeps_nothing(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MAPPA_CACHE_DIR", "")
    assert cache.kept("thing", "k", lambda: "made") == "made" and cache.private_dir("objects") is None


def test_a_changed_ruleset_file_is_loaded_afresh(folder: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(shipped_rulesets_dir(), rules, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    first = load_library(rules)
    assert load_library(rules).current.sha256 == first.current.sha256
    risk = rules / "risk.yaml"
    risk.write_text(risk.read_text().replace("    title: Low", "    title: Changed Low", 1))
    changed = load_library(rules)
    assert changed.current.sha256 != first.current.sha256
    assert any(rule.title.startswith("Changed Low") for rule in changed.current.rules)


def test_reports_compile_their_templates_into_a_private_folder(folder: Path, results: dict[str, dict]) -> None:
    from mappa_rules.report import render

    result = next(iter(results.values()))
    first = render(result, "html", generated_at=None)
    assert list((folder / "templates").iterdir()) and os.stat(folder / "templates").st_mode & 0o777 == 0o700
    assert render(result, "html", generated_at=None) == first


def test_the_cache_is_private_whatever_the_umask(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("MAPPA_CACHE_DIR", str(tmp_path / "deep" / "cache"))
    old = os.umask(0o002)
    try:
        assert cache.private_dir("objects") == tmp_path / "deep" / "cache" / "objects"
    finally:
        os.umask(old)


def test_a_link_in_place_of_an_entry_is_not_followed(folder: Path, tmp_path: Path) -> None:
    cache.kept("thing", "k", lambda: "first")
    entry = next((folder / "objects").glob("thing-k*"))
    (tmp_path / "elsewhere.pickle").write_bytes(entry.read_bytes())
    entry.unlink()
    entry.symlink_to(tmp_path / "elsewhere.pickle")
    assert cache.kept("thing", "k", lambda: "made") == "made"


def test_a_ruleset_file_of_any_name_or_place_is_checked(folder: Path, tmp_path: Path) -> None:
    """The kept library depends on the files the loader read, wherever the index names them."""
    rules = tmp_path / "rules"
    shutil.copytree(shipped_rulesets_dir(), rules, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    (rules / "levels.yaml").rename(rules / "levels.yml")
    (rules / "index.yaml").write_text((rules / "index.yaml").read_text().replace("levels.yaml", "levels.yml"))
    first = load_library(rules)
    levels = rules / "levels.yml"
    levels.write_text(levels.read_text().replace("    title: ", "    title: Changed ", 1))
    assert load_library(rules).current.sha256 != first.current.sha256


def test_a_stray_folder_or_link_among_the_rulesets_changes_nothing(folder: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(shipped_rulesets_dir(), rules, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    (rules / "notes.yaml").mkdir()
    (rules / "gone.yaml").symlink_to(tmp_path / "nothing-here")
    assert load_library(rules).current.sha256 == load_library(shipped_rulesets_dir()).current.sha256


def test_a_version_folder_added_is_seen(folder: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(shipped_rulesets_dir(), rules, ignore=shutil.ignore_patterns("__pycache__", "*.py", "versions"))
    before = len(load_library(rules).versions)
    shutil.copytree(shipped_rulesets_dir() / "versions", rules / "versions")
    assert len(load_library(rules).versions) > before
