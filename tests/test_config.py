import pytest

from prunebook import config


def test_scale_defaults_to_full(monkeypatch):
    monkeypatch.delenv("PRUNEBOOK_SCALE", raising=False)
    assert config.scale() == "full" and config.epochs(200, 5) == 200


def test_quick_scale(monkeypatch):
    monkeypatch.setenv("PRUNEBOOK_SCALE", "quick")
    assert config.epochs(200, 5) == 5


def test_bad_scale(monkeypatch):
    monkeypatch.setenv("PRUNEBOOK_SCALE", "huge")
    with pytest.raises(ValueError, match="PRUNEBOOK_SCALE"):
        config.scale()


def test_cache_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("PRUNEBOOK_CACHE", "off")
    assert config.cache_dir() is None
    monkeypatch.setenv("PRUNEBOOK_CACHE", str(tmp_path))
    assert config.cache_dir() == tmp_path
    monkeypatch.delenv("PRUNEBOOK_CACHE")
    (tmp_path / "_toc.yml").write_text("root: intro\n")
    (tmp_path / "chapters").mkdir()
    monkeypatch.chdir(tmp_path / "chapters")
    assert config.cache_dir() == tmp_path.resolve() / "_cache"
