"""Files made once per key (prunebook.filecache): read back, checked, made again when damaged."""
import importlib

import numpy as np
import pytest
import small_runs

from prunebook import cache
from prunebook.cache import CacheWarning
from prunebook.filecache import cached_bytes


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
