"""`dnnkit dataset`: lesson 2's HDF5 pair built from folders of labelled pictures.

The pair is read back with the lesson's own ``load_data``; the pictures are plain colours, so the
expected pixels and labels follow from how the folders were filled.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from autograder.cli import main
from support.application.data import load_data


def save_picture(path: Path, colour: tuple[int, int, int], size: tuple[int, int]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path)


def test_cli_builds_a_pair_from_labelled_folders(tmp_path, capsys):
    source = tmp_path / "pictures"
    red, blue = (200, 30, 30), (20, 40, 220)
    for split, count in (("train", 3), ("test", 2)):
        for index in range(count):
            save_picture(source / split / "dog" / f"{index}.png", red, (80 + index, 50))
            save_picture(source / split / "cat" / f"{index}.jpg", blue, (40, 90))
    (source / "train/cat/notes.txt").write_text("not a picture, ignored")

    assert main(["dataset", str(source), str(tmp_path / "out"), "--classes", "dog", "cat"]) == 0
    assert "labels: 0 = dog, 1 = cat" in capsys.readouterr().out
    train_x, train_y, test_x, test_y, classes = load_data(tmp_path / "out")
    assert list(classes) == [b"dog", b"cat"]
    assert train_x.shape == (6, 64, 64, 3)
    assert test_x.shape == (4, 64, 64, 3)
    np.testing.assert_array_equal(train_y, [[0, 0, 0, 1, 1, 1]])
    np.testing.assert_array_equal(test_y, [[0, 0, 1, 1]])
    assert np.all(train_x[0] == red)
    assert np.abs(test_x[-1].astype(int) - blue).max() <= 3  # JPEG is lossy


def test_cli_fails_clearly_on_a_missing_class_folder(tmp_path, capsys):
    save_picture(tmp_path / "pictures/train/cat/a.png", (0, 0, 0), (10, 10))
    assert main(["dataset", str(tmp_path / "pictures"), str(tmp_path / "out")]) == 1
    error = capsys.readouterr().err
    assert "pictures/train/non-cat: folder not found" in error
