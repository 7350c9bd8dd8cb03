"""The files a release carries beside its tables, written into the staged release before it is committed.

The writers read the tables from the staged folder's Parquet files (never whole, see ``folder.py``), so
writing them takes the same memory whatever the size of the release.
"""

from __future__ import annotations

from aiplus.release.companions.card import write_dataset_card
from aiplus.release.companions.datapackage import write_datapackage
from aiplus.release.companions.duckdb import write_duckdb
from aiplus.release.companions.report import write_summary_report
from aiplus.release.publish import StagedRelease, discard_release

# Each is called as ``writer(folder, manifest, previous_release_dir_or_None)``, reads what it needs from
# ``folder/<table>.parquet`` and may add to the manifest; the dataset card runs last because it lists the
# files present.
COMPANION_WRITERS = (write_datapackage, write_duckdb, write_summary_report, write_dataset_card)


def write_companions(staged: StagedRelease, writers=COMPANION_WRITERS) -> None:
    """Write every companion file into a staged release; a failure discards the release."""
    try:
        for writer in writers:
            writer(staged.folder, staged.manifest, staged.previous)
    except BaseException:
        discard_release(staged)
        raise
