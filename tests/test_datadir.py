import pytest

from vetmri.datadir import ensure_private_folder
from vetmri.errors import OperationFailedError


def test_new_folders_are_owner_only_including_missing_parents(tmp_path):
    folder = tmp_path / "a" / "b" / "data"
    assert ensure_private_folder(folder) == folder
    for path in (tmp_path / "a", tmp_path / "a" / "b", folder):
        assert (path.stat().st_mode & 0o777) == 0o700


def test_an_existing_folder_keeps_its_permissions(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    ensure_private_folder(folder)
    assert (folder.stat().st_mode & 0o777) == 0o755


def test_a_file_in_the_way_is_explained(tmp_path):
    blocker = tmp_path / "data"
    blocker.write_text("not a folder")
    with pytest.raises(OperationFailedError, match="is a file, not a folder"):
        ensure_private_folder(blocker)
    with pytest.raises(OperationFailedError, match="part of its path is a file"):
        ensure_private_folder(blocker / "inside")
