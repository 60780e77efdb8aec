"""Lesson 2's data: the course files, the bundled default, and clear errors on bad files."""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np
import pytest
from PIL import Image

from support.application import data as application_data
from support.application.data import DatasetError, load_data


@pytest.fixture
def no_course_data(tmp_path, monkeypatch):
    """A working directory without datasets/, no environment variable, a private cache."""
    monkeypatch.delenv(application_data.ENVIRONMENT_VARIABLE, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write_pair(directory: Path, drop: str | None = None) -> None:
    """A tiny valid pair, optionally without one dataset of the train file."""
    directory.mkdir(parents=True, exist_ok=True)
    contents = {
        "train_catvnoncat.h5": {
            "train_set_x": np.zeros((3, 64, 64, 3), np.uint8),
            "train_set_y": np.array([0, 1, 0]),
            "list_classes": np.array([b"non-cat", b"cat"]),
        },
        "test_catvnoncat.h5": {
            "test_set_x": np.zeros((2, 64, 64, 3), np.uint8),
            "test_set_y": np.array([1, 0]),
            "list_classes": np.array([b"non-cat", b"cat"]),
        },
    }
    for file, datasets in contents.items():
        with h5py.File(directory / file, "w") as handle:
            for key, value in datasets.items():
                if key != drop:
                    handle.create_dataset(key, data=value)


def test_course_files_load_with_documented_shapes_and_labels(catvnoncat_dir: Path, capsys):
    train_x, train_y, test_x, test_y, classes = load_data(catvnoncat_dir)
    assert train_x.shape == (209, 64, 64, 3)
    assert train_x.dtype == np.uint8
    assert train_y.shape == (1, 209)
    assert test_x.shape == (50, 64, 64, 3)
    assert test_y.shape == (1, 50)
    assert list(classes) == [b"non-cat", b"cat"]
    assert int(train_y.sum()) == 72
    assert int(test_y.sum()) == 33
    assert train_y[0, 10] == 0
    assert "classes 0 = non-cat, 1 = cat" in capsys.readouterr().out


def test_environment_variable_then_datasets_folder(no_course_data, monkeypatch, capsys):
    write_pair(no_course_data / "elsewhere")
    monkeypatch.setenv(application_data.ENVIRONMENT_VARIABLE, str(no_course_data / "elsewhere"))
    assert load_data()[0].shape == (3, 64, 64, 3)
    monkeypatch.delenv(application_data.ENVIRONMENT_VARIABLE)
    write_pair(no_course_data / "datasets", drop=None)
    assert load_data()[1].shape == (1, 3)
    assert "bundled default" not in capsys.readouterr().out


def test_bundled_default_is_real_faces_against_non_faces(no_course_data, capsys):
    from skimage.data import lfw_subset

    train_x, train_y, test_x, test_y, classes = load_data()
    assert "bundled default" in capsys.readouterr().out
    assert list(classes) == [b"non-face", b"face"]
    assert train_x.shape == (150, 64, 64, 3)
    assert test_x.shape == (50, 64, 64, 3)
    assert train_x.dtype == np.uint8
    assert train_y.shape == (1, 150)
    assert int(train_y.sum()) == 75
    assert int(test_y.sum()) == 25
    # Grey pictures in three equal channels, each one of lfw_subset's crops scaled up.
    assert np.array_equal(train_x[..., 0], train_x[..., 2])
    originals = lfw_subset()
    first_face = np.asarray(
        Image.fromarray(np.round(originals[0] * 255).astype(np.uint8)).resize(
            (64, 64), Image.Resampling.BICUBIC
        )
    )
    everything = np.concatenate([train_x, test_x])[..., 0]
    assert any(np.array_equal(first_face, picture) for picture in everything)
    # The second call reads the cache instead of rebuilding it.
    cached = no_course_data / "cache/dnnkit/application/train_catvnoncat.h5"
    stamp = cached.stat().st_mtime_ns
    load_data()
    assert cached.stat().st_mtime_ns == stamp


def test_missing_file_names_the_file(no_course_data):
    with pytest.raises(
        FileNotFoundError, match=r"train_catvnoncat\.h5: file not found.*train_set_x"
    ):
        load_data(no_course_data / "nowhere")


def test_corrupt_file_names_the_file_and_key(no_course_data):
    write_pair(no_course_data / "broken")
    (no_course_data / "broken/test_catvnoncat.h5").write_bytes(b"not an HDF5 file at all")
    with pytest.raises(
        DatasetError, match=r"test_catvnoncat\.h5 is not a readable HDF5.*test_set_x"
    ):
        load_data(no_course_data / "broken")


def test_missing_key_names_the_file_and_key(no_course_data):
    write_pair(no_course_data / "partial", drop="train_set_y")
    with pytest.raises(DatasetError, match=r"train_catvnoncat\.h5 has no dataset 'train_set_y'"):
        load_data(no_course_data / "partial")


def test_example_picture_is_a_cat_for_the_course_and_a_grey_face_for_the_default():
    from skimage.data import chelsea

    cat = application_data.example_picture(np.array([b"non-cat", b"cat"]))
    assert np.array_equal(np.asarray(cat), chelsea())
    face = np.asarray(application_data.example_picture(np.array([b"non-face", b"face"])))
    assert face.shape == (120, 120, 3)  # square, like the default's pictures
    assert np.array_equal(face[..., 0], face[..., 1])  # grey, like the default's pictures
    assert np.array_equal(face[..., 1], face[..., 2])
