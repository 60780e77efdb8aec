"""The digits lesson's plots: captions stay clear of the pictures and of the title."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from support.digits.utils import plot_digits


@pytest.fixture
def shown(monkeypatch):
    """The figures plot_digits would show, drawn but kept instead of displayed."""
    figures = []
    monkeypatch.setattr(plt, "show", lambda: figures.append(plt.gcf()))
    yield figures
    plt.close("all")


@pytest.mark.parametrize(("count", "caption"), [(10, "8 as 5"), (25, "7"), (3, "1 as 7")])
def test_captions_overlap_neither_the_row_above_nor_the_title(shown, count, caption):
    images = np.random.default_rng(0).random((count, 8, 8))
    plot_digits(images, [caption] * count, "Misclassified test images: true digit as predicted")
    (figure,) = shown
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    columns = 5
    pictures = [axis for axis in figure.axes if axis.images]
    assert len(pictures) == count
    title = figure._suptitle.get_window_extent(renderer)
    for index, axis in enumerate(pictures):
        caption_box = axis.title.get_window_extent(renderer)
        picture_box = axis.get_window_extent(renderer)
        assert caption_box.y0 >= picture_box.y1 - 1  # above its own picture
        if index >= columns:  # and below the picture above it
            above = pictures[index - columns].get_window_extent(renderer)
            assert caption_box.y1 <= above.y0, (index, caption_box, above)
        else:
            assert caption_box.y1 <= title.y0, (index, caption_box, title)
