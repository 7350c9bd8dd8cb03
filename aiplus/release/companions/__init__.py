"""The files a release carries beside its tables, written into the staged release before it is committed."""

from __future__ import annotations

import pandas as pd

from aiplus.release.companions.card import write_dataset_card
from aiplus.release.companions.datapackage import write_datapackage
from aiplus.release.companions.duckdb import write_duckdb
from aiplus.release.companions.report import write_summary_report
from aiplus.release.publish import StagedRelease, discard_release

# Each is called as ``writer(folder, tables, manifest, previous_release_dir_or_None)`` and may add to the
# manifest; the dataset card runs last because it lists the files present.
COMPANION_WRITERS = (write_datapackage, write_duckdb, write_summary_report, write_dataset_card)


def write_companions(staged: StagedRelease, tables: dict[str, pd.DataFrame], writers=COMPANION_WRITERS) -> None:
    """Write every companion file into a staged release; a failure discards the release."""
    try:
        for writer in writers:
            writer(staged.folder, tables, staged.manifest, staged.previous)
    except BaseException:
        discard_release(staged)
        raise
