"""Lesson 2's dataset builder: an instructor's labelled pictures packed as the course's HDF5 pair.

Reads ``SOURCE/train/<class>/`` and ``SOURCE/test/<class>/``, crops each picture to its centre
square, resizes it to 64 x 64 RGB and writes the pair in the layout ``support.application.data``
reads. Instructor-only: students receive the loader, not this builder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from support.application.data import NAME, PICTURE_SIDE, DatasetError, write_dataset_pair

PICTURE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp"}


def read_picture(path: Path) -> np.ndarray:
    """One picture file as 64 x 64 x 3 uint8: RGB, centre square cropped, then resized."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as picture:
            picture = picture.convert("RGB")
    except (OSError, UnidentifiedImageError) as error:
        raise DatasetError(f"{path} is not a picture Pillow can read: {error}") from error
    side = min(picture.size)
    left, top = (picture.width - side) // 2, (picture.height - side) // 2
    square = picture.crop((left, top, left + side, top + side))
    return np.asarray(square.resize((PICTURE_SIDE, PICTURE_SIDE), Image.Resampling.LANCZOS))


def read_labelled_folders(root: Path, classes: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Pictures of ``root/<class>/`` for each class, labelled by the class's position."""
    pictures, labels = [], []
    for label, name in enumerate(classes):
        folder = root / name
        if not folder.is_dir():
            raise DatasetError(f"{folder}: folder not found (one folder per class is needed)")
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() in PICTURE_SUFFIXES)
        if not files:
            raise DatasetError(
                f"{folder} holds no pictures ({', '.join(sorted(PICTURE_SUFFIXES))})"
            )
        pictures += [read_picture(file) for file in files]
        labels += [label] * len(files)
    return np.stack(pictures), np.array(labels, dtype=np.int64)


def build_from_folders(
    source: str | Path, output: str | Path, classes: list[str], name: str = NAME
) -> tuple[Path, Path]:
    """Pack ``source/train/<class>/`` and ``source/test/<class>/`` into an HDF5 pair.

    ``classes`` gives the folder names in label order: the first gets label 0.
    """
    source = Path(source)
    train = read_labelled_folders(source / "train", classes)
    test = read_labelled_folders(source / "test", classes)
    return write_dataset_pair(output, train, test, classes, name)
