"""Images and labels for the digits lesson: real MNIST when its files are there, else a fallback.

Where the MNIST files are looked for, in order: the ``directory`` argument, the environment
variable ``DNNKIT_MNIST_DIR``, the assignment's ``datasets/`` folder. Three situations:

* all four standard files: the training images come from the training files, the test images
  from the ``t10k`` files;
* only the ``t10k`` pair (10,000 images): it is split, the first images train and the following
  ones test, so no test image is ever trained on;
* no MNIST file at all: scikit-learn's bundled 8 x 8 digits (1,797 images), rescaled from their
  0..16 grey levels to 0..255 so the lesson's "divide by 255" applies unchanged.

The lesson runs on a fresh machine either way, and ``DigitsData.source`` says which data it used.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

import numpy as np

from support.idx import read_idx

ENV_VARIABLE = "DNNKIT_MNIST_DIR"
DEFAULT_DIRECTORY = "datasets"
TRAIN_IMAGES = "train-images-idx3-ubyte"
TRAIN_LABELS = "train-labels-idx1-ubyte"
TEST_IMAGES = "t10k-images-idx3-ubyte"
TEST_LABELS = "t10k-labels-idx1-ubyte"
NUM_CLASSES = 10


@dataclass(frozen=True)
class DigitsData:
    """Training and test images (m, height, width) as uint8 0..255, labels (m,) as int 0..9."""

    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    source: str


def resolve_directory(directory: str | PathLike[str] | None) -> Path:
    """Pick the MNIST folder: the argument, else the environment variable, else ``datasets/``."""
    if directory is not None:
        return Path(directory)
    return Path(os.environ.get(ENV_VARIABLE) or DEFAULT_DIRECTORY)


def find_file(directory: Path, name: str) -> Path | None:
    """Return ``name`` or ``name.gz`` inside ``directory``, whichever exists (plain first)."""
    for candidate in (directory / name, directory / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    return None


def read_pair(images_path: Path, labels_path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Read one images/labels pair and check that they belong together."""
    images = read_idx(images_path)
    labels = read_idx(labels_path)
    if images.ndim != 3 or images.dtype != np.uint8:
        raise ValueError(
            f"{images_path}: expected uint8 images of shape (m, rows, cols), "
            f"got {images.dtype} {images.shape}"
        )
    if labels.ndim != 1 or len(labels) != len(images):
        raise ValueError(
            f"{labels_path}: expected {len(images)} labels to match {images_path.name}, "
            f"got shape {labels.shape}"
        )
    if labels.size and labels.max() >= NUM_CLASSES:
        raise ValueError(f"{labels_path}: labels must be digits 0..9, found {labels.max()}")
    return images, labels.astype(np.int64)


def check_enough(available: int, needed: int, what: str) -> None:
    """Refuse to return fewer images than asked for, rather than quietly train on less."""
    if available < needed:
        raise ValueError(f"{what} has {available} images; {needed} were asked for")


def load_sklearn_digits(n_train: int, n_test: int) -> DigitsData:
    """The fallback: scikit-learn's 8 x 8 digits, first ``n_train`` to train, next to test."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    check_enough(len(digits.images), n_train + n_test, "scikit-learn's digits")
    images = np.round(digits.images * (255 / 16)).astype(np.uint8)
    labels = digits.target.astype(np.int64)
    return split_one_set(
        images,
        labels,
        n_train,
        n_test,
        "scikit-learn's bundled digits (8 x 8 pixels, no MNIST files found)",
    )


def split_one_set(
    images: np.ndarray, labels: np.ndarray, n_train: int, n_test: int, origin: str
) -> DigitsData:
    """Train on the first ``n_train`` examples of one set and test on the ``n_test`` after them."""
    end = n_train + n_test
    return DigitsData(
        images[:n_train],
        labels[:n_train],
        images[n_train:end],
        labels[n_train:end],
        source=f"{origin}: images 0-{n_train - 1} train, {n_train}-{end - 1} test",
    )


def load_data(
    directory: str | PathLike[str] | None = None, n_train: int = 1000, n_test: int = 200
) -> DigitsData:
    """Load ``n_train`` training and ``n_test`` test digits (see the module docstring)."""
    folder = resolve_directory(directory)
    names = (TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)
    paths = {name: find_file(folder, name) for name in names}
    if all(paths.values()):
        train_images, train_labels = read_pair(paths[TRAIN_IMAGES], paths[TRAIN_LABELS])
        test_images, test_labels = read_pair(paths[TEST_IMAGES], paths[TEST_LABELS])
        check_enough(len(train_images), n_train, paths[TRAIN_IMAGES].name)
        check_enough(len(test_images), n_test, paths[TEST_IMAGES].name)
        return DigitsData(
            train_images[:n_train],
            train_labels[:n_train],
            test_images[:n_test],
            test_labels[:n_test],
            source=f"MNIST from {folder}: first {n_train} training and {n_test} test images",
        )
    if paths[TEST_IMAGES] and paths[TEST_LABELS]:
        images, labels = read_pair(paths[TEST_IMAGES], paths[TEST_LABELS])
        check_enough(len(images), n_train + n_test, paths[TEST_IMAGES].name)
        origin = f"MNIST test set only, from {folder} (its training files are missing)"
        return split_one_set(images, labels, n_train, n_test, origin)
    return load_sklearn_digits(n_train, n_test)
