"""aiplus-data: China's local AI+ initiatives, extracted from news into versioned tables."""

__version__ = "0.1.0"


def load(table: str, version: str | None = None, curated_dir=None):
    """A table of a release (the latest by default) as a pandas DataFrame."""
    from aiplus.api import load as _load

    return _load(table, version=version, curated_dir=curated_dir)
