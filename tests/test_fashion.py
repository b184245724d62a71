"""prunebook.fashion: IDX parsing and its checks on small files the tests write, where the files
come from, and (when Debian's package is installed) the real data."""
import gzip
import hashlib
import re
import struct
from pathlib import Path

import numpy as np
import pytest

from prunebook import data, fashion
from prunebook.fashion import (
    CLASS_NAMES, FILES, IMAGES_MAGIC, LABELS_MAGIC, FashionMNISTFileError, FashionMNISTNotFoundError,
    fashion_mnist, read_idx_folder, scale_images)

ROOT = Path(__file__).resolve().parents[1]
TRAIN_IMAGES, TRAIN_LABELS = FILES["train"]
DEBIAN_FOLDER = fashion.DEBIAN_FOLDER  # the fixture below hides it from every test but the last
REAL_FILES = all((Path(DEBIAN_FOLDER) / name).is_file() for name in fashion.FILE_NAMES)


def idx(magic, dims, payload):
    """The bytes of an IDX file: big-endian magic number and dimensions, then the payload."""
    return struct.pack(f">{1 + len(dims)}I", magic, *dims) + bytes(payload)


def small_contents(n=5, seed=0):
    """{file name: IDX bytes} of a tiny data set: n images and labels per split."""
    rng = np.random.default_rng(seed)
    contents = {}
    for images, labels in FILES.values():
        contents[images] = idx(IMAGES_MAGIC, (n, 28, 28), rng.integers(0, 256, (n, 28, 28), dtype=np.uint8))
        contents[labels] = idx(LABELS_MAGIC, (n,), np.arange(n, dtype=np.uint8) % 10)
    return contents


def write(folder, contents):
    """Gzip ``contents`` into ``folder``; return the checksums that match them."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in contents.items():
        (folder / name).write_bytes(gzip.compress(content))
    return {name: hashlib.sha256(content).hexdigest() for name, content in contents.items()}


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    """No variable, no Debian folder and an empty cache, unless a test says otherwise."""
    monkeypatch.delenv(fashion.ENV_VAR, raising=False)
    monkeypatch.setattr(fashion, "DEBIAN_FOLDER", "/nonexistent/fashion-mnist")
    fashion._cached.cache_clear()
    yield
    fashion._cached.cache_clear()


@pytest.fixture
def small(tmp_path):
    contents = small_contents()
    return tmp_path / "small", contents, write(tmp_path / "small", contents)


def test_parsing_round_trip(small):
    folder, contents, checksums = small
    (x_train, y_train), (x_test, y_test) = read_idx_folder(folder, checksums=checksums)
    for array in (x_train, y_train, x_test, y_test):
        assert array.dtype == np.uint8 and not array.flags.writeable
    assert x_train.shape == x_test.shape == (5, 28, 28) and y_train.shape == y_test.shape == (5,)
    assert x_train.tobytes() == contents[TRAIN_IMAGES][16:]
    assert y_train.tolist() == [0, 1, 2, 3, 4]


def rewrite(folder, name, content):
    (folder / name).write_bytes(gzip.compress(content))


@pytest.mark.parametrize("name, content, message", [
    (TRAIN_IMAGES, idx(2049, (5, 28, 28), bytes(5 * 784)), "magic number is 2049, not 2051"),
    (TRAIN_LABELS, idx(2051, (5,), bytes(5)), "magic number is 2051, not 2049"),
    (TRAIN_IMAGES, idx(IMAGES_MAGIC, (5, 28, 28), bytes(4 * 784)),
     r"announces 3920 bytes of data \(dimensions \(5, 28, 28\)\), but it holds 3136"),
    (TRAIN_LABELS, idx(LABELS_MAGIC, (5,), bytes(6)), "announces 5 bytes of data"),
    (TRAIN_IMAGES, idx(IMAGES_MAGIC, (5, 27, 28), bytes(5 * 27 * 28)), "images of 27 x 28 pixels, not 28 x 28"),
    (TRAIN_IMAGES, b"\x00\x00\x08", "holds 3 bytes, fewer than its 16-byte IDX header"),
    (TRAIN_LABELS, idx(LABELS_MAGIC, (5,), [0, 1, 10, 3, 4]), "the label 10; labels lie in 0 to 9"),
    (TRAIN_LABELS, idx(LABELS_MAGIC, (4,), [0, 1, 2, 3]), f"4 labels for the 5 images of {TRAIN_IMAGES}"),
])
def test_a_malformed_file_is_an_error_naming_it(small, name, content, message):
    folder, _, checksums = small
    rewrite(folder, name, content)
    checksums = {**checksums, name: hashlib.sha256(content).hexdigest()}
    with pytest.raises(FashionMNISTFileError, match=message) as error:
        read_idx_folder(folder, checksums=checksums)
    assert str(error.value).startswith(f"{folder / name}: ")
    assert isinstance(error.value, ValueError)


def test_a_truncated_gzip_file_is_an_error(small):
    folder, _, checksums = small
    path = folder / TRAIN_IMAGES
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(FashionMNISTFileError, match=re.escape(f"{path}: it is not a whole gzip file")):
        read_idx_folder(folder, checksums=checksums)


def test_a_checksum_mismatch_is_an_error(small):
    folder, _, checksums = small
    with pytest.raises(FashionMNISTFileError, match="not the published file's") as error:
        read_idx_folder(folder)  # the published checksums: the small files do not have them
    assert str(error.value).startswith(f"{folder / TRAIN_IMAGES}: its content has SHA-256 ")
    assert "Replace the file with the original" in str(error.value)


def test_a_missing_file_is_named(small):
    folder, _, checksums = small
    (folder / TRAIN_LABELS).unlink()
    with pytest.raises(FashionMNISTNotFoundError, match=f"{folder} lacks {TRAIN_LABELS}"):
        read_idx_folder(folder, checksums=checksums)


def use_checksums(monkeypatch, checksums):
    monkeypatch.setattr(fashion, "IDX_SHA256", checksums)


def test_the_variable_s_folder_missing_is_an_error_naming_the_variable(monkeypatch, tmp_path, small):
    _, _, checksums = small
    use_checksums(monkeypatch, checksums)
    monkeypatch.setenv(fashion.ENV_VAR, str(tmp_path / "nowhere"))
    with pytest.raises(FashionMNISTNotFoundError, match="does not exist") as error:
        fashion_mnist()
    assert f"The environment variable {fashion.ENV_VAR} names this folder" in str(error.value)


def test_the_variable_s_folder_incomplete_is_an_error_with_no_fallback(monkeypatch, small):
    folder, _, checksums = small
    use_checksums(monkeypatch, checksums)
    monkeypatch.setattr(fashion, "DEBIAN_FOLDER", str(folder))  # a complete folder it must not fall back on
    incomplete = folder.parent / "incomplete"
    write(incomplete, {TRAIN_IMAGES: b""})
    monkeypatch.setenv(fashion.ENV_VAR, str(incomplete))
    with pytest.raises(FashionMNISTNotFoundError, match=f"unset {fashion.ENV_VAR}"):
        fashion_mnist()


def test_a_damaged_file_in_the_variable_s_folder_says_to_unset_it(monkeypatch, small):
    folder, _, _ = small
    monkeypatch.setenv(fashion.ENV_VAR, str(folder))
    with pytest.raises(FashionMNISTFileError, match=f"{fashion.ENV_VAR} names this folder"):
        fashion_mnist()


def test_the_variable_wins_over_the_debian_folder(monkeypatch, tmp_path):
    named, debian = small_contents(seed=1), small_contents(seed=2)
    use_checksums(monkeypatch, write(tmp_path / "named", named))
    write(tmp_path / "debian", debian)
    monkeypatch.setattr(fashion, "DEBIAN_FOLDER", str(tmp_path / "debian"))
    monkeypatch.setenv(fashion.ENV_VAR, str(tmp_path / "named"))
    (x_train, _), _ = fashion_mnist()
    assert x_train.tobytes() == named[TRAIN_IMAGES][16:]


def test_the_debian_folder_is_used_without_the_variable(monkeypatch, small):
    folder, contents, checksums = small
    use_checksums(monkeypatch, checksums)
    monkeypatch.setattr(fashion, "DEBIAN_FOLDER", str(folder))
    monkeypatch.setattr(fashion, "_keras_loader", lambda: pytest.fail("Keras was asked"))
    (x_train, _), _ = fashion_mnist()
    assert x_train.tobytes() == contents[TRAIN_IMAGES][16:]


def test_a_damaged_debian_file_says_to_reinstall_the_package(monkeypatch, small):
    folder, _, _ = small
    monkeypatch.setattr(fashion, "DEBIAN_FOLDER", str(folder))
    with pytest.raises(FashionMNISTFileError, match="apt-get install --reinstall dataset-fashion-mnist"):
        fashion_mnist()


def test_the_arrays_are_read_once_and_cannot_be_changed(monkeypatch, small):
    folder, _, checksums = small
    use_checksums(monkeypatch, checksums)
    monkeypatch.setenv(fashion.ENV_VAR, str(folder))
    (x_train, y_train), _ = fashion_mnist()
    for name in fashion.FILE_NAMES:
        (folder / name).unlink()  # a second call reads nothing
    (again, _), _ = fashion_mnist()
    assert again is not x_train and np.array_equal(again, x_train)
    with pytest.raises(ValueError, match="read-only"):
        x_train[0, 0, 0] = 1
    with pytest.raises(ValueError):
        y_train.flags.writeable = True


def keras_arrays(contents):
    """What Keras' load_data returns for ``contents``."""
    def array(name, skip):
        return np.frombuffer(contents[name], np.uint8, offset=skip)
    return tuple((array(images, 16).reshape(-1, 28, 28), array(labels, 8)) for images, labels in FILES.values())


def test_keras_is_the_fallback_and_its_arrays_are_checked(monkeypatch, small):
    _, contents, checksums = small
    use_checksums(monkeypatch, checksums)
    monkeypatch.setattr(fashion, "_keras_loader", lambda: lambda: keras_arrays(contents))
    (x_train, y_train), (x_test, y_test) = fashion_mnist()
    assert x_train.tobytes() == contents[TRAIN_IMAGES][16:] and y_test.tolist() == [0, 1, 2, 3, 4]
    assert not x_train.flags.writeable

    fashion._cached.cache_clear()
    use_checksums(monkeypatch, {**checksums, TRAIN_LABELS: "0" * 64})
    with pytest.raises(FashionMNISTFileError, match="so that Keras downloads the files again") as error:
        fashion_mnist()
    assert str(error.value).startswith(f"{fashion._keras_folder() / TRAIN_LABELS}: ")


def test_no_source_and_no_network_is_one_clear_error(monkeypatch):
    def no_network():
        raise Exception("URL fetch failure on https://example.invalid/: None -- no network")
    monkeypatch.setattr(fashion, "_keras_loader", lambda: no_network)
    with pytest.raises(FashionMNISTNotFoundError) as error:
        fashion_mnist()
    message = str(error.value)
    for words in ("no network", "apt-get install dataset-fashion-mnist", fashion.ENV_VAR,
                  "tf_keras.datasets.fashion_mnist.load_data()", *fashion.FILE_NAMES):
        assert words in message


def test_scale_images():
    images = np.array([[[0] * 28] * 28, [[255] * 28] * 28, [[51] * 28] * 28], dtype=np.uint8)
    scaled = scale_images(images)
    assert scaled.dtype == np.float32 and scaled.shape == (3, 28, 28)
    assert scaled[:, 0, 0].tolist() == pytest.approx([0.0, 1.0, 0.2])


@pytest.mark.parametrize("images, message", [
    (np.zeros((2, 28, 28), np.float32), "images must be a numpy array of dtype uint8.*got float32"),
    ([[0] * 28] * 28, "images must be a numpy array of dtype uint8.*got list"),
    (np.zeros((28, 28), np.uint8), r"images must have shape \(n, 28, 28\), got \(28, 28\)"),
    (np.zeros((2, 28, 28, 1), np.uint8), r"got \(2, 28, 28, 1\)"),
])
def test_scale_images_rejects_what_is_not_a_batch_of_images(images, message):
    with pytest.raises(ValueError, match=message):
        scale_images(images)


def test_class_names_and_the_data_module():
    assert len(CLASS_NAMES) == 10 and CLASS_NAMES[0] == "T-shirt/top" and CLASS_NAMES[9] == "Ankle boot"
    assert data.fashion_mnist is fashion_mnist


def test_the_makefile_installs_debian_s_folder():
    assert f"FASHION_DIR := {DEBIAN_FOLDER}\n" in (ROOT / "Makefile").read_text()


@pytest.mark.skipif(not REAL_FILES, reason=f"Debian's dataset-fashion-mnist is not installed "
                    f"(no {DEBIAN_FOLDER}); make test installs it")
def test_the_real_data(monkeypatch):
    monkeypatch.setattr(fashion, "DEBIAN_FOLDER", DEBIAN_FOLDER)
    (x_train, y_train), (x_test, y_test) = fashion_mnist()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    assert all(a.dtype == np.uint8 for a in (x_train, y_train, x_test, y_test))
    assert np.bincount(y_train).tolist() == [6000] * 10 and np.bincount(y_test).tolist() == [1000] * 10
    assert scale_images(x_test).max() == 1.0
