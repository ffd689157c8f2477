"""A pull request's files as Bitbucket Cloud's diffstat and Data Center's changes name them."""

from __future__ import annotations

from data.sources.bitbucket.cloud_pull import cloud_diffstat
from data.sources.bitbucket.dc_pull import dc_files


def test_cloud_names_a_renamed_files_old_path_and_no_other() -> None:
    """A renamed entry keeps its ``old.path``; a modified one, whose old and new paths are the
    same file, has none."""
    moved = cloud_diffstat(
        {
            "status": "renamed",
            "lines_added": 2,
            "lines_removed": 1,
            "old": {"path": "shop/cart.py"},
            "new": {"path": "shop/basket/cart.py"},
        }
    )
    assert moved is not None
    assert (moved.path, moved.change_type, moved.previous_path) == (
        "shop/basket/cart.py",
        "renamed",
        "shop/cart.py",
    )
    kept = cloud_diffstat(
        {"status": "modified", "old": {"path": "a.py"}, "new": {"path": "a.py"}, "lines_added": 1}
    )
    assert kept is not None
    assert (kept.path, kept.previous_path) == ("a.py", None)


def test_data_center_names_a_moved_files_source_path() -> None:
    """A ``MOVE`` carries its ``srcPath``; a ``COPY`` leaves the source its own past."""
    changes = [
        {
            "path": {"toString": "shop/basket/cart.py"},
            "srcPath": {"toString": "shop/cart.py"},
            "type": "MOVE",
        },
        {
            "path": {"toString": "shop/copy.py"},
            "srcPath": {"toString": "shop/cart.py"},
            "type": "COPY",
        },
        {"path": {"toString": "shop/pay.py"}, "type": "MODIFY"},
    ]
    files = dc_files(changes, {"diffs": []})
    assert [(f.path, f.change_type, f.previous_path) for f in files] == [
        ("shop/basket/cart.py", "renamed", "shop/cart.py"),
        ("shop/copy.py", "copied", None),
        ("shop/pay.py", "modified", None),
    ]
