"""Fashion-MNIST as ``keras.datasets.fashion_mnist.load_data()`` gives it, read from IDX files and checked.

:func:`fashion_mnist` looks for the four files (:data:`FILES`) in these places, in this order:

1. the folder named by the environment variable ``PRUNEBOOK_FASHION_MNIST`` (:data:`ENV_VAR`);
   when it is set, that folder must hold the four files: there is no fallback;
2. the folder that Debian's ``dataset-fashion-mnist`` package installs, :data:`DEBIAN_FOLDER`
   (``make test`` installs the package);
3. else Keras' own loader, ``tf_keras.datasets.fashion_mnist.load_data()``, which downloads the
   files into ``~/.keras/datasets/fashion-mnist`` (what a reader on Colab gets).

Whatever the source, every file's content is checked against :data:`IDX_SHA256`, so a damaged or
different file raises :class:`FashionMNISTFileError` instead of giving a wrong array.
"""
import functools
import gzip
import hashlib
import os
import struct
import zlib
from pathlib import Path

import numpy as np

from prunebook._keras import keras

ENV_VAR = "PRUNEBOOK_FASHION_MNIST"
DEBIAN_PACKAGE = "dataset-fashion-mnist"
#: Where Debian's package puts the files (``dpkg -c`` of its .deb, version 0.0~git20200523.55506a9-1).
DEBIAN_FOLDER = "/usr/share/datasets/fashion-mnist"
#: ``{split: (images file, labels file)}``.
FILES = {"train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
         "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")}
FILE_NAMES = tuple(name for pair in FILES.values() for name in pair)
#: The ten classes, in label order (label 0 is "T-shirt/top"), as Zalando's README names them.
CLASS_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
SIDE = 28  # pixels: every image is 28 x 28
IMAGES_MAGIC, LABELS_MAGIC = 2051, 2049  # IDX: unsigned bytes in 3 dimensions / in 1 dimension

# SHA-256 of each file's content after gunzip (the IDX bytes), not of the .gz file: the .gz files
# differ by source, since Debian's package compresses them again (its gzip headers hold no file name
# and another date), so hashes of the .gz files could not check both it and Keras' download.
# Zalando publishes the MD5 of each .gz file in the README of github.com/zalandoresearch/fashion-mnist
# ("Get the Data"; Debian ships that README as /usr/share/doc/dataset-fashion-mnist/README.md.gz):
#   train-images-idx3-ubyte.gz  8d4fb7e6c68d591d4c3dfef9ec88bf0d
#   train-labels-idx1-ubyte.gz  25c81989df183df01b3e8a0aad5dffbe
#   t10k-images-idx3-ubyte.gz   bef4ecab320f06d8554ea6380940ec79
#   t10k-labels-idx1-ubyte.gz   bb300cfdad3c16e7a12a480ee83cd310
# The upstream .gz files in Debian's source package (dataset-fashion-mnist_0.0~git20200523.55506a9
# .orig.tar.xz, data/fashion/) have exactly these MD5s. Their SHA-256 (the .gz files) are
#   train-images 3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84
#   train-labels a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845
#   t10k-images  346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073
#   t10k-labels  67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5
# and gunzipped they give byte for byte the content of the files Debian's package installs:
IDX_SHA256 = {
    "train-images-idx3-ubyte.gz": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "train-labels-idx1-ubyte.gz": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    "t10k-images-idx3-ubyte.gz": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "t10k-labels-idx1-ubyte.gz": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
}


class FashionMNISTFileError(ValueError):
    """A Fashion-MNIST file is damaged, truncated, or not the published one."""


class FashionMNISTNotFoundError(FileNotFoundError):
    """The Fashion-MNIST files are not where they were looked for, and could not be downloaded."""


def fashion_mnist():
    """Fashion-MNIST's training and test sets, as ``keras.datasets.fashion_mnist.load_data()`` returns them.

    The files come from the folder named by ``PRUNEBOOK_FASHION_MNIST``, else from Debian's
    ``dataset-fashion-mnist`` package, else from Keras' download (see the module's docstring), and
    are checked against :data:`IDX_SHA256`. They are read once per process and folder; every call
    returns new read-only views of the same arrays, so no caller can change what another one gets.

    Returns
    -------
    (x_train, y_train), (x_test, y_test) : tuple of tuples of numpy.ndarray
        uint8 images of shape (60000, 28, 28) and (10000, 28, 28), pixel values 0 to 255;
        uint8 labels of shape (60000,) and (10000,), values 0 to 9 (:data:`CLASS_NAMES`).

    Raises
    ------
    FashionMNISTNotFoundError
        ``PRUNEBOOK_FASHION_MNIST`` names a folder that lacks one of the files; or Debian's
        package is not installed and Keras could not download the files.
    FashionMNISTFileError
        A file is damaged, truncated or not the published one.
    """
    folder = _source_folder()
    splits = _cached(None if folder is None else str(folder.resolve()))
    return tuple((images.view(), labels.view()) for images, labels in splits)


def scale_images(images):
    """Pixel values as float32 in [0, 1]: the uint8 values divided by 255.

    Parameters
    ----------
    images : numpy.ndarray
        uint8 images of shape (n, 28, 28), as :func:`fashion_mnist` returns them.

    Returns
    -------
    numpy.ndarray
        A new float32 array of the same shape, values in [0, 1].
    """
    if not isinstance(images, np.ndarray) or images.dtype != np.uint8:
        found = images.dtype if isinstance(images, np.ndarray) else type(images).__name__
        raise ValueError(f"images must be a numpy array of dtype uint8 (pixel values 0 to 255), got {found}")
    if images.ndim != 3 or images.shape[1:] != (SIDE, SIDE):
        raise ValueError(f"images must have shape (n, {SIDE}, {SIDE}), got {images.shape}")
    return images.astype(np.float32) / np.float32(255)


def read_idx_folder(folder, *, checksums=IDX_SHA256):
    """Read and check the four Fashion-MNIST files (:data:`FILES`) in ``folder``.

    Parameters
    ----------
    folder : str or os.PathLike
        The folder that holds the four gzipped IDX files.
    checksums : dict, keyword-only
        ``{file name: SHA-256 of its content after gunzip}``; default: the published files'.

    Returns
    -------
    (x_train, y_train), (x_test, y_test) : read-only uint8 arrays, as :func:`fashion_mnist`.

    Raises
    ------
    FashionMNISTNotFoundError
        ``folder`` is missing or lacks one of the files.
    FashionMNISTFileError
        A file is not whole gzip, its IDX header or length is wrong, a label lies outside 0 to 9,
        or its content does not have the expected SHA-256.
    """
    folder = Path(folder)
    _require_files(folder)
    return _check_splits(lambda name: _gunzip(folder / name), folder, checksums)


def _source_folder():
    """The folder named by the variable, else Debian's when installed, else None (Keras' download)."""
    named = _named_folder()
    if named is not None:
        return named
    debian = Path(DEBIAN_FOLDER)
    return debian if debian.is_dir() else None


def _named_folder():
    """The folder that ``PRUNEBOOK_FASHION_MNIST`` names, or None when it is unset or empty."""
    value = os.environ.get(ENV_VAR)
    return Path(value).expanduser() if value else None


@functools.lru_cache(maxsize=None)
def _cached(folder):
    """The splits read from ``folder`` (a resolved path), or from Keras' download when it is None."""
    if folder is None:
        return _load_with_keras(IDX_SHA256)
    return read_idx_folder(folder, checksums=IDX_SHA256)


def _require_files(folder):
    missing = [name for name in FILE_NAMES if not (folder / name).is_file()]
    if missing:
        where = "does not exist" if not folder.is_dir() else "lacks " + ", ".join(missing)
        raise FashionMNISTNotFoundError(f"The Fashion-MNIST folder {folder} {where}. {_fix(folder)}")


def _fix(folder):
    """What to do about a missing or damaged file in ``folder``: it depends on where the folder came from."""
    folder = Path(folder).resolve()
    named = _named_folder()
    if named is not None and folder == named.resolve():
        return (f"The environment variable {ENV_VAR} names this folder: put the four original files "
                f"there ({', '.join(FILE_NAMES)}), or unset {ENV_VAR} to read them from Debian's "
                f"package {DEBIAN_PACKAGE} or from Keras' download instead.")
    if folder == Path(DEBIAN_FOLDER).resolve():
        return f"Reinstall Debian's package: apt-get install --reinstall {DEBIAN_PACKAGE}."
    if folder == _keras_folder().resolve():
        return f"Delete the folder {folder}, so that Keras downloads the files again."
    return "Replace the file with the original from Zalando's Fashion-MNIST repository."


def _check_splits(content, folder, checksums):
    """The two splits from ``content(name)``, the IDX bytes of each file of ``folder``, checked."""
    return tuple(_check_split(content, folder / images, folder / labels, checksums)
                 for images, labels in FILES.values())


def _check_split(content, images_path, labels_path, checksums):
    images = _check_idx(content(images_path.name), IMAGES_MAGIC, checksums[images_path.name], images_path)
    labels = _check_idx(content(labels_path.name), LABELS_MAGIC, checksums[labels_path.name], labels_path)
    if len(images) != len(labels):
        raise _file_error(labels_path, f"it holds {len(labels)} labels for the {len(images)} images "
                                       f"of {images_path.name}")
    return images, labels


def _check_idx(data, magic, sha256, path):
    """The read-only array in the IDX bytes ``data`` of the file at ``path``, after every check."""
    array = _parse_idx(data, magic, path)
    if magic == LABELS_MAGIC and array.size and array.max() > 9:
        raise _file_error(path, f"it holds the label {array.max()}; labels lie in 0 to 9")
    found = hashlib.sha256(data).hexdigest()
    if found != sha256:
        raise _file_error(path, f"its content has SHA-256 {found}, not the published file's {sha256}")
    return array


def _gunzip(path):
    try:
        return gzip.decompress(Path(path).read_bytes())
    except (OSError, EOFError, zlib.error) as err:
        raise _file_error(path, f"it is not a whole gzip file ({err})") from err


def _parse_idx(data, magic, path):
    """The array in the IDX bytes ``data``: big-endian magic number and dimensions, then the bytes."""
    ndim = magic & 0xFF  # the magic's last byte counts the dimensions: 3 for images, 1 for labels
    start = 4 + 4 * ndim
    if len(data) < start:
        raise _file_error(path, f"it holds {len(data)} bytes, fewer than its {start}-byte IDX header")
    found, *dims = struct.unpack(f">{1 + ndim}I", data[:start])
    if found != magic:
        raise _file_error(path, f"its magic number is {found}, not {magic}")
    if dims[1:] not in ([], [SIDE, SIDE]):
        raise _file_error(path, f"its header gives images of {dims[1]} x {dims[2]} pixels, "
                                f"not {SIDE} x {SIDE}")
    size = int(np.prod(dims))
    if len(data) - start != size:
        raise _file_error(path, f"its header announces {size} bytes of data (dimensions {tuple(dims)}), "
                                f"but it holds {len(data) - start}")
    return np.frombuffer(data, np.uint8, offset=start).reshape(dims)  # read-only: bytes are immutable


def _file_error(path, problem):
    return FashionMNISTFileError(f"{path}: {problem}. {_fix(Path(path).parent)}")


def _keras_loader():
    """Keras' ``fashion_mnist.load_data`` (tf_keras, after prunebook's check that Keras 2 is active)."""
    return keras().datasets.fashion_mnist.load_data


def _keras_folder():
    """Where tf_keras' ``get_file`` keeps what ``load_data`` downloads: ~/.keras, else /tmp/.keras."""
    base = Path.home() / ".keras"
    if not os.access(base, os.W_OK):  # as get_file decides
        base = Path("/tmp") / ".keras"
    return base / "datasets" / "fashion-mnist"


def _load_with_keras(checksums):
    """The splits from Keras' loader, which downloads the files, checked against ``checksums``."""
    load_data = _keras_loader()
    try:
        splits = load_data()
    except Exception as err:  # tf_keras' get_file raises a bare Exception when a download fails
        raise FashionMNISTNotFoundError(_nowhere(err)) from err
    content = {name: _idx_bytes(array, magic) for split, names in zip(splits, FILES.values())
               for array, name, magic in zip(split, names, (IMAGES_MAGIC, LABELS_MAGIC))}
    return _check_splits(content.__getitem__, _keras_folder(), checksums)


def _idx_bytes(array, magic):
    """The content of the IDX file that holds ``array``: the header, then the array's bytes."""
    array = np.asarray(array)
    header = struct.pack(f">{1 + array.ndim}I", magic, *array.shape)
    return header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()


def _nowhere(err):
    return (f"Fashion-MNIST is not on this machine, and Keras could not download it ({err}). "
            f"Install Debian's package {DEBIAN_PACKAGE} (apt-get install {DEBIAN_PACKAGE}; make test "
            f"installs it), or set the environment variable {ENV_VAR} to a folder that holds the four "
            f"files ({', '.join(FILE_NAMES)}), or connect this machine to the network so that the "
            f"Keras fallback, tf_keras.datasets.fashion_mnist.load_data(), can download them. If Keras' "
            f"copy in {_keras_folder()} is damaged, delete that folder.")
