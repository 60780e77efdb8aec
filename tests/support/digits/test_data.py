"""``load_data`` picks the right source in each situation and says which one it used.

Synthetic MNIST folders are written with an independent IDX writer (``tests/helpers/idx_files.py``);
the bundled fallback is compared with scikit-learn's own arrays.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_digits

from support.digits.data import ENV_VARIABLE, load_data
from tests.helpers.idx_files import idx_bytes


def fake_mnist(folder: Path, sets: dict[str, int], compressed: bool = True) -> dict:
    """Write images whose every pixel equals the image's index mod 256 and labels index mod 10."""
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {}
    for prefix, count in sets.items():
        index = np.arange(count)
        images = np.broadcast_to((index % 256).astype(np.uint8)[:, None, None], (count, 28, 28))
        labels = (index % 10).astype(np.uint8)
        for kind, array, dims in (("images", images, 3), ("labels", labels, 1)):
            name = f"{prefix}-{kind}-idx{dims}-ubyte"
            data = idx_bytes(np.ascontiguousarray(array))
            if compressed:
                (folder / f"{name}.gz").write_bytes(gzip.compress(data))
            else:
                (folder / name).write_bytes(data)
        arrays[prefix] = (images, labels)
    return arrays


@pytest.fixture(autouse=True)
def no_environment_directory(monkeypatch):
    monkeypatch.delenv(ENV_VARIABLE, raising=False)


@pytest.mark.parametrize("compressed", [True, False], ids=["gzip", "plain"])
def test_four_files_give_training_and_test_sets(tmp_path: Path, compressed):
    fake_mnist(tmp_path, {"train": 1500, "t10k": 300}, compressed)
    data = load_data(tmp_path)
    assert data.source.startswith("MNIST from")
    assert data.train_images.shape == (1000, 28, 28)
    assert data.test_images.shape == (200, 28, 28)
    assert data.train_images.dtype == np.uint8
    np.testing.assert_array_equal(data.train_labels, np.arange(1000) % 10)
    np.testing.assert_array_equal(data.test_images[:, 0, 0], np.arange(200) % 256)
    assert data.train_labels.dtype == np.int64


def test_test_set_alone_is_split_without_overlap(tmp_path: Path):
    fake_mnist(tmp_path, {"t10k": 1300})
    data = load_data(tmp_path)
    assert "MNIST test set only" in data.source
    assert "1000-1199 test" in data.source
    np.testing.assert_array_equal(data.train_images[:, 0, 0], np.arange(1000) % 256)
    np.testing.assert_array_equal(data.test_images[:, 0, 0], np.arange(1000, 1200) % 256)
    np.testing.assert_array_equal(data.test_labels, np.arange(1000, 1200) % 10)


def test_sizes_can_be_chosen(tmp_path: Path):
    fake_mnist(tmp_path, {"t10k": 100})
    data = load_data(tmp_path, n_train=60, n_test=30)
    assert len(data.train_labels) == 60
    assert len(data.test_labels) == 30
    np.testing.assert_array_equal(data.test_labels, np.arange(60, 90) % 10)


def test_no_files_fall_back_to_scikit_learn_digits(tmp_path: Path):
    data = load_data(tmp_path / "empty")
    digits = load_digits()
    assert "scikit-learn" in data.source
    assert "8 x 8" in data.source
    assert data.train_images.shape == (1000, 8, 8)
    assert data.test_images.shape == (200, 8, 8)
    assert data.train_images.dtype == np.uint8
    assert data.train_images.max() == 255
    np.testing.assert_array_equal(data.train_labels, digits.target[:1000])
    np.testing.assert_array_equal(data.test_labels, digits.target[1000:1200])
    # grey levels 0..16 stretched to 0..255: 16 -> 255, 8 -> 128 (127.5 rounds to even), 1 -> 16
    assert np.all((data.train_images == 255) == (digits.images[:1000] == 16))
    assert np.all(data.test_images[digits.images[1000:1200] == 1] == 16)
    assert set(np.unique(data.train_labels)) == set(range(10))


def test_environment_variable_is_used_when_no_argument(tmp_path: Path, monkeypatch):
    fake_mnist(tmp_path / "mnist", {"t10k": 1200})
    monkeypatch.setenv(ENV_VARIABLE, str(tmp_path / "mnist"))
    assert "MNIST test set only" in load_data().source


def test_argument_wins_over_environment_variable(tmp_path: Path, monkeypatch):
    fake_mnist(tmp_path / "mnist", {"t10k": 1200})
    monkeypatch.setenv(ENV_VARIABLE, str(tmp_path / "mnist"))
    assert "scikit-learn" in load_data(tmp_path / "elsewhere").source


def test_default_folder_is_datasets_next_to_the_notebook(tmp_path: Path, monkeypatch):
    fake_mnist(tmp_path / "datasets", {"t10k": 1200})
    monkeypatch.chdir(tmp_path)
    assert "MNIST test set only" in load_data().source


def test_mismatched_label_count_is_refused(tmp_path: Path):
    fake_mnist(tmp_path, {"t10k": 1300})
    other = tmp_path / "other"
    fake_mnist(other, {"t10k": 1250})
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(
        (other / "t10k-labels-idx1-ubyte.gz").read_bytes()
    )
    with pytest.raises(ValueError, match="expected 1300 labels"):
        load_data(tmp_path)


def test_too_few_images_is_refused(tmp_path: Path):
    fake_mnist(tmp_path, {"t10k": 500})
    with pytest.raises(ValueError, match="has 500 images; 1200 were asked for"):
        load_data(tmp_path)


def test_corrupt_file_is_reported_not_replaced_by_the_fallback(tmp_path: Path):
    fake_mnist(tmp_path, {"t10k": 1200})
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(gzip.decompress(path.read_bytes())[:-100]))
    with pytest.raises(ValueError, match="truncated"):
        load_data(tmp_path)


def test_real_mnist_test_set_is_split(mnist_dir: Path):
    data = load_data(mnist_dir)
    assert data.train_images.shape == (1000, 28, 28)
    assert data.train_labels[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert data.test_images.shape == (200, 28, 28)
