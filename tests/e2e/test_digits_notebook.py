"""Lesson 3 notebooks run: the solved one reproduces its outputs, the release stands alone, and
the reference set-up reaches the expected accuracy on real MNIST when that data is available.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from autograder.authoring.release import release
from autograder.grading.reference import load_reference
from support.digits.data import ENV_VARIABLE, load_data
from tests.helpers.data import ROOT
from tests.helpers.notebook_runs import run_nbval, run_release_solved

SOLVED = ROOT / "source/digits/digits.ipynb"


def without_mnist_directory() -> dict[str, str]:
    """The stored outputs come from the bundled digits, so no run may see real MNIST."""
    return {key: value for key, value in os.environ.items() if key != ENV_VARIABLE}


def test_stored_outputs_come_from_the_bundled_digits():
    """What a fresh machine without MNIST files reproduces; `datasets/` must not be committed."""
    notebook = nbformat.read(SOLVED, as_version=4)
    text = "".join(
        output.get("text", "") for cell in notebook.cells for output in cell.get("outputs", [])
    )
    assert "Data: scikit-learn's bundled digits" in text
    assert "Cost after iteration 0: 2.30" in text
    assert not (SOLVED.parent / "datasets").exists()


def test_solved_notebook_reproduces_its_stored_outputs_under_nbval():
    result = run_nbval(SOLVED, env=without_mnist_directory())
    assert result.returncode == 0, result.stdout[-3000:]
    assert " passed" in result.stdout


def test_release_folder_runs_on_its_own_once_solved(tmp_path: Path, monkeypatch):
    """Build the release, fill in the solutions, and run every cell in the release's folder."""
    monkeypatch.delenv(ENV_VARIABLE, raising=False)
    (built,) = release(["digits"], output=tmp_path / "release")
    assert "HIDDEN TESTS" not in (built / "digits.ipynb").read_text()
    outputs = run_release_solved(built, tmp_path / "student")
    assert sum("All tests passed" in text for text in outputs) == 9
    assert outputs[-1].strip().startswith(str(tmp_path / "student")), (
        "support must come from the release copy"
    )


def test_reference_set_up_reaches_about_90_percent_on_real_mnist(mnist_dir: Path):
    """512 hidden units, learning rate 0.1, 500 iterations, 1000 training images (SPEC).

    Only the MNIST test set is available here, so the model trains on its images 0-999 and is
    tested on images it never saw: 1000-1199 (the notebook's split) and 1200-9999.
    """
    ref = load_reference("digits")
    data = load_data(mnist_dir, n_train=1000, n_test=9000)
    train_x = data.train_images.reshape(1000, -1).T / 255
    test_x = data.test_images.reshape(9000, -1).T / 255
    train_y = ref.one_hot_encoding(data.train_labels)
    with threadpool_limits(limits=1):  # as in the notebook: faster on a busy machine
        parameters, costs, _accuracies = ref.neural_network_model(
            train_x, train_y, [784, 512, 10], ["relu", "softmax"], 0.1, 500
        )
    assert costs[0] == pytest.approx(np.log(10), abs=0.01)
    assert costs[-1] < 0.2
    predictions = ref.predict(test_x, parameters, ["relu", "softmax"])
    first_200 = np.mean(predictions[:200] == data.test_labels[:200])
    all_unseen = np.mean(predictions == data.test_labels)
    train = np.mean(ref.predict(train_x, parameters, ["relu", "softmax"]) == data.train_labels)
    print(
        f"MNIST t10k split: train {train:.3f}, test 1000-1199 {first_200:.3f}, "
        f"test 1000-9999 {all_unseen:.3f}"
    )
    assert train > 0.95
    assert first_200 >= 0.84
    assert 0.85 <= all_unseen <= 0.95
