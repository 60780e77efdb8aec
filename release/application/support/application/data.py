"""Data for lesson 2: the course's cat pictures when present, a bundled default otherwise.

The course ships two HDF5 files, ``train_catvnoncat.h5`` and ``test_catvnoncat.h5``. They are
not part of this kit, so :func:`load_data` looks for them in an explicit directory, else in the
directory named by ``DNNKIT_CATVNONCAT_DIR``, else in ``datasets/`` next to the notebook. If none
of these was given and ``datasets/`` lacks them, it builds a stand-in from real pictures that
scikit-image ships offline (faces against non-faces, from its ``lfw_subset``), writes it in the
very same HDF5 layout to a cache directory, and says so. :func:`write_dataset_pair` writes that
layout from any labelled pictures (the instructor's ``dnnkit dataset`` packs folders with it).

Layout of a pair: ``train_set_x`` (m, 64, 64, 3) uint8, ``train_set_y`` (m,) int64 and
``list_classes`` (class names as bytes, label 0 first) in the train file; ``test_set_x``,
``test_set_y`` and ``list_classes`` in the test file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from PIL import Image

ENVIRONMENT_VARIABLE = "DNNKIT_CATVNONCAT_DIR"
DEFAULT_DIRECTORY = "datasets"
NAME = "catvnoncat"
PICTURE_SIDE = 64
DEFAULT_CLASSES = ("non-face", "face")
DEFAULT_TEST_PER_CLASS = 25


class DatasetError(RuntimeError):
    """A data file exists but cannot be used; the message names the file and what is wrong."""


def file_names(name: str = NAME) -> tuple[str, str]:
    """The train and test file names of a pair, e.g. ``train_catvnoncat.h5``."""
    return f"train_{name}.h5", f"test_{name}.h5"


def read_array(path: Path, key: str) -> np.ndarray:
    """Read one dataset from an HDF5 file, failing with a message naming the file and key."""
    import h5py

    if not path.is_file():
        raise FileNotFoundError(f"{path}: file not found (needed for the dataset {key!r})")
    try:
        with h5py.File(path, "r") as file:
            if key not in file:
                raise DatasetError(f"{path} has no dataset {key!r}; it has {sorted(file.keys())}")
            return np.array(file[key])
    except OSError as error:
        raise DatasetError(
            f"{path} is not a readable HDF5 file (reading {key!r}): {error}"
        ) from error


def read_pair(directory: Path, name: str = NAME) -> tuple[np.ndarray, ...]:
    """Read a train/test pair: pictures (m, 64, 64, 3), labels as rows (1, m), class names."""
    train_file, test_file = (directory / file for file in file_names(name))
    train_x = read_array(train_file, "train_set_x")
    train_y = read_array(train_file, "train_set_y").reshape(1, -1)
    test_x = read_array(test_file, "test_set_x")
    test_y = read_array(test_file, "test_set_y").reshape(1, -1)
    classes = read_array(test_file, "list_classes")
    return train_x, train_y, test_x, test_y, classes


def write_dataset_pair(
    directory: str | Path,
    train: tuple[np.ndarray, np.ndarray],
    test: tuple[np.ndarray, np.ndarray],
    classes: tuple[str, ...] | list[str],
    name: str = NAME,
) -> tuple[Path, Path]:
    """Write ``(pictures, labels)`` for train and test in the course's HDF5 layout."""
    import h5py

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    encoded = np.array([label.encode("utf-8") for label in classes])
    paths = []
    for prefix, (pictures, labels), file in zip(
        ("train", "test"), (train, test), file_names(name), strict=True
    ):
        pictures = np.asarray(pictures, dtype=np.uint8)
        if pictures.ndim != 4 or pictures.shape[1:] != (PICTURE_SIDE, PICTURE_SIDE, 3):
            raise ValueError(
                f"{prefix} pictures have shape {pictures.shape}; expected (m, 64, 64, 3)"
            )
        path = directory / file
        with h5py.File(path, "w") as handle:
            handle.create_dataset(f"{prefix}_set_x", data=pictures)
            handle.create_dataset(f"{prefix}_set_y", data=np.asarray(labels, dtype=np.int64))
            handle.create_dataset("list_classes", data=encoded)
        paths.append(path)
    return paths[0], paths[1]


def to_colour_picture(picture: np.ndarray) -> np.ndarray:
    """Resize one grey picture with values in [0, 1] to 64 x 64 x 3 uint8 (grey in each channel)."""
    from PIL import Image

    grey = Image.fromarray(np.round(np.clip(picture, 0, 1) * 255).astype(np.uint8))
    resized = np.asarray(grey.resize((PICTURE_SIDE, PICTURE_SIDE), Image.Resampling.BICUBIC))
    return np.repeat(resized[:, :, None], 3, axis=2)


def build_default(directory: str | Path) -> tuple[Path, Path]:
    """Write the bundled default pair: scikit-image's 100 faces (label 1) and 100 non-faces.

    ``skimage.data.lfw_subset`` ships inside scikit-image (no download): 25 x 25 grey crops, faces
    first. A fixed shuffle keeps 25 of each class for testing and 150 pictures for training.
    """
    from skimage.data import lfw_subset

    pictures = np.stack([to_colour_picture(picture) for picture in lfw_subset()])
    labels = np.repeat([1, 0], len(pictures) // 2)
    order = np.random.default_rng(0).permutation(len(pictures))
    test = np.concatenate(
        [order[labels[order] == label][:DEFAULT_TEST_PER_CLASS] for label in (0, 1)]
    )
    train = order[~np.isin(order, test)]
    return write_dataset_pair(
        directory, (pictures[train], labels[train]), (pictures[test], labels[test]), DEFAULT_CLASSES
    )


def default_cache_directory() -> Path:
    """Where the bundled default is cached: ``$XDG_CACHE_HOME/dnnkit/application`` or ~/.cache."""
    root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root) / "dnnkit" / "application"


def has_pair(directory: Path, name: str = NAME) -> bool:
    """True when both files of a pair exist in ``directory``."""
    return all((directory / file).is_file() for file in file_names(name))


def describe_classes(classes: np.ndarray) -> str:
    """Class names in label order, e.g. ``0 = non-cat, 1 = cat``."""
    return ", ".join(f"{label} = {name.decode('utf-8')}" for label, name in enumerate(classes))


# The face in scikit-image's astronaut photo (rows, columns), cropped from the eyebrows to the
# chin as tightly as the faces of ``lfw_subset`` are: the L-layer model trained on the default
# calls it a face with a probability above 0.999, and so do crops a few pixels off.
ASTRONAUT_FACE = (slice(95, 215), slice(170, 290))


def example_picture(classes: np.ndarray) -> Image.Image:
    """A picture of the positive class that the data at hand can recognise, shipped offline.

    For the course's pictures that is a cat (Chelsea, from scikit-image); for the bundled default
    (faces against non-faces) a cat would be a non-face, so it is a face instead: the astronaut's
    from scikit-image, in grey like the default's pictures.
    """
    from PIL import Image
    from skimage.data import astronaut, chelsea

    positive = bytes(classes[1]).decode("utf-8")
    if positive == DEFAULT_CLASSES[1]:
        face = Image.fromarray(astronaut()[ASTRONAUT_FACE])
        return face.convert("L").convert("RGB")
    return Image.fromarray(chelsea())


def load_data(directory: str | Path | None = None) -> tuple[np.ndarray, ...]:
    """Load the pictures and say which data they are.

    Returns ``train_x_orig, train_y, test_x_orig, test_y, classes``: pictures (m, 64, 64, 3)
    uint8, labels (1, m), class names as bytes. The directory is ``directory``, else
    ``$DNNKIT_CATVNONCAT_DIR``, else ``datasets/``; when neither of the first two is given and
    ``datasets/`` lacks the course files, the bundled default (faces vs non-faces) is used.
    """
    explicit = directory if directory is not None else os.environ.get(ENVIRONMENT_VARIABLE)
    if explicit or has_pair(Path(DEFAULT_DIRECTORY)):
        data = read_pair(Path(explicit or DEFAULT_DIRECTORY))
        train_file, test_file = file_names()
        print(f"Data: {train_file} and {test_file}, classes {describe_classes(data[4])}.")
        return data
    cache = default_cache_directory()
    if not has_pair(cache):
        build_default(cache)
    print(
        f"Data: the course files are not in {DEFAULT_DIRECTORY}/ and {ENVIRONMENT_VARIABLE} is "
        "not set, so this notebook uses the bundled default: faces (label 1) against non-faces "
        "(label 0) from scikit-image's lfw_subset, in the same layout."
    )
    return read_pair(cache)
