"""Files made once per key (prunebook.filecache): read back, checked, made again when damaged."""
import importlib

import numpy as np
import pytest
import small_runs

from prunebook import cache
from prunebook.cache import CacheWarning
from prunebook.filecache import cached_bytes, cached_result


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("PRUNEBOOK_CACHE", str(folder))
    return folder


def model():
    return small_runs.small_model(input_dim=12, units=8, seed=0)


class Maker:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return b"converted" * 10


def test_made_once_then_read_back_and_a_new_key_for_other_inputs(cache_dir):
    make = Maker()
    args = ("thing", model(), (np.arange(3.0),), {"mode": "a"})
    assert cached_bytes(*args, make) == b"converted" * 10
    assert cached_bytes(*args, make) == b"converted" * 10 and make.calls == 1
    cached_bytes("thing", model(), (np.arange(4.0),), {"mode": "a"}, make)
    cached_bytes("thing", model(), (np.arange(3.0),), {"mode": "b"}, make)
    assert make.calls == 3 and len(list((cache_dir / "bytes").glob("*.bin"))) == 3


def test_a_damaged_file_is_made_again_with_a_warning(cache_dir):
    make = Maker()
    args = ("thing", model(), (), {})
    cached_bytes(*args, make)
    stored = next((cache_dir / "bytes").glob("*.bin"))
    stored.write_bytes(stored.read_bytes()[:5])  # truncated
    with pytest.warns(CacheWarning, match="checksum"):
        assert cached_bytes(*args, make) == b"converted" * 10
    assert make.calls == 2 and cached_bytes(*args, make) and make.calls == 2


def test_off_makes_them_every_time(monkeypatch):
    monkeypatch.setenv("PRUNEBOOK_CACHE", "off")
    make = Maker()
    for _ in range(2):
        cached_bytes("thing", model(), (), {}, make)
    assert make.calls == 2


def test_the_key_covers_the_modules_that_make_them(cache_dir, tmp_path, monkeypatch):
    source = tmp_path / "src"
    source.mkdir()
    path = source / "fake_converter.py"
    path.write_text("VERSION = 1\n")
    monkeypatch.syspath_prepend(str(source))
    importlib.invalidate_caches()
    make = Maker()
    args = ("thing", model(), (), {})
    cached_bytes(*args, make, modules=("fake_converter",))
    cached_bytes(*args, make, modules=("fake_converter",))
    assert make.calls == 1
    path.write_text("VERSION = 2\n")  # the maker's code changed: a new key
    cached_bytes(*args, make, modules=("fake_converter",))
    assert make.calls == 2
    assert "fake_converter" not in cache.TRAINING_MODULES


def test_a_result_is_computed_once_per_content_and_settings(cache_dir):
    calls = []

    def make():
        calls.append(1)
        return {"size": 3}

    assert cached_result("sizes", b"abc", {"level": 9}, make) == {"size": 3}
    assert cached_result("sizes", b"abc", {"level": 9}, make) == {"size": 3} and len(calls) == 1
    cached_result("sizes", b"abd", {"level": 9}, make)  # other content
    cached_result("sizes", b"abc", {"level": 8}, make)  # other settings
    cached_result("other", b"abc", {"level": 9}, make)  # another kind
    assert len(calls) == 4 and len(list((cache_dir / "results").glob("*.bin"))) == 4


def test_a_damaged_result_is_computed_again_and_off_computes_every_time(cache_dir, monkeypatch):
    cached_result("sizes", b"abc", {}, lambda: [1, 2])
    stored = next((cache_dir / "results").glob("*.bin"))
    stored.write_bytes(b"[1, 3]")  # changed: the checksum no longer matches
    with pytest.warns(CacheWarning, match="checksum"):
        assert cached_result("sizes", b"abc", {}, lambda: [1, 2]) == [1, 2]
    with pytest.raises(ValueError, match="content must be bytes"):
        cached_result("sizes", "abc", {}, lambda: 0)
    monkeypatch.setenv("PRUNEBOOK_CACHE", "off")
    calls = []
    for _ in range(2):
        cached_result("sizes", b"abc", {}, lambda: calls.append(1) or 0)
    assert len(calls) == 2
