"""The course secret: where it comes from, how it is made, and that no release ever carries it."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest

from autograder.authoring.release import release
from autograder.course.paths import KIT, CoursePaths
from autograder.course.secret import (
    SECRET_ENV,
    SecretError,
    course_secret,
    secret_path,
)


@pytest.fixture
def course(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CoursePaths:
    """An empty course root, with no secret in the environment."""
    monkeypatch.delenv(SECRET_ENV, raising=False)
    return CoursePaths(tmp_path / "course")


def test_first_use_creates_a_private_random_secret_and_says_so(course, capsys) -> None:
    secret = course_secret(course)
    path = course.root / ".dnnkit" / "course_secret"
    assert secret_path(course) == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert text.endswith("\n")
    assert len(text.strip()) == 64  # 32 random bytes, in hex
    int(text, 16)  # hex digits only
    assert secret == text.strip().encode()
    message = capsys.readouterr().err
    assert str(path) in message
    assert "private" in message
    assert "losing it changes every regrade" in message


def test_the_secret_stays_the_same_and_is_announced_once(course, capsys) -> None:
    first = course_secret(course)
    capsys.readouterr()
    assert course_secret(course) == first
    assert capsys.readouterr().err == ""


def test_two_courses_get_different_secrets(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv(SECRET_ENV, raising=False)
    one = course_secret(CoursePaths(tmp_path / "one"))
    two = course_secret(CoursePaths(tmp_path / "two"))
    assert one != two


def test_the_secret_folder_keeps_itself_out_of_git(course) -> None:
    course_secret(course)
    lines = (course.root / ".dnnkit" / ".gitignore").read_text().splitlines()
    assert "*" in lines


def test_the_environment_wins_over_the_file_and_creates_nothing(course, monkeypatch) -> None:
    monkeypatch.setenv(SECRET_ENV, "  a secret from the CI store  \n")
    assert course_secret(course) == b"a secret from the CI store"
    assert not secret_path(course).exists()


def test_pasting_the_files_content_into_the_environment_gives_the_same_secret(
    course, monkeypatch
) -> None:
    from_file = course_secret(course)
    monkeypatch.setenv(SECRET_ENV, secret_path(course).read_text())
    assert course_secret(course) == from_file


def test_a_short_secret_in_the_environment_is_refused(course, monkeypatch) -> None:
    monkeypatch.setenv(SECRET_ENV, "short")
    with pytest.raises(SecretError, match=SECRET_ENV):
        course_secret(course)


def test_a_damaged_file_is_an_error_never_replaced(course) -> None:
    path = secret_path(course)
    path.parent.mkdir(parents=True)
    path.write_text("\n")
    with pytest.raises(SecretError, match="Restore it"):
        course_secret(course)
    assert path.read_text() == "\n"


def test_the_default_course_is_the_kit(monkeypatch) -> None:
    monkeypatch.setenv(SECRET_ENV, "x" * 20)
    assert secret_path() == KIT.root / ".dnnkit" / "course_secret"
    assert course_secret() == b"x" * 20


# ------------------------------------------------------------------------- never in a release


def test_no_file_of_any_release_holds_the_secret(tmp_path: Path, monkeypatch) -> None:
    """A copy of the kit's course, with its secret made, released: no file carries the secret."""
    monkeypatch.delenv(SECRET_ENV, raising=False)
    root = tmp_path / "course"
    shutil.copytree(KIT.source, root / "source", ignore=shutil.ignore_patterns(".ipynb_*"))
    shutil.copytree(KIT.support, root / "support", ignore=shutil.ignore_patterns("__py*"))
    shutil.copy(KIT.nbgrader_config, root)
    course = CoursePaths(root)
    secret = course_secret(course)
    built = release(course=course, output=tmp_path / "release")
    assert sorted(path.name for path in built) == course.assignment_ids()
    files = [path for path in (tmp_path / "release").rglob("*") if path.is_file()]
    assert any(path.name.endswith(".ipynb") for path in files)
    assert not [path for path in files if secret in path.read_bytes()]
    assert not [path for path in (tmp_path / "release").rglob("*") if ".dnnkit" in path.parts]
