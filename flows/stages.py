"""What a run tells its user: the run summary, the stage clock and log, and batch progress.

Kept apart from the flow, so that ``build_release`` is wiring only.
"""

from __future__ import annotations

import json
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class RunSummary:
    raw_dir: str
    files: int = 0
    cache_hits: int = 0  # files whose records came from the extraction cache (or whose batch kept its part)
    batches: int = 0  # batches of files
    batches_extracted: int = 0  # batches extracted in this run
    batches_reused: int = 0  # batches whose files and code were unchanged: their parts were kept
    files_rejected: dict[str, str] = field(default_factory=dict)  # source file → reason
    sources_file: str | None = None  # the raw folder's provenance sidecar (SOURCES.tsv), when it has one
    files_without_source: int = 0  # files the sidecar has no row for (all of them without a sidecar)
    sources_warnings: list[str] = field(default_factory=list)  # a malformed sidecar, rows for missing files…
    articles: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    rejected_rows: dict[str, int] = field(default_factory=dict)  # table → rows sent to rejects by validation
    version: str | None = None
    release_path: str | None = None
    published: bool = False
    unchanged: bool = False  # stopped after hashing: files and code exactly as the latest release's
    refused: bool = False  # the quality gate refused the release: nothing was published
    message: str = ""
    quality: dict = field(default_factory=dict)  # the quality gate's section of the manifest
    stage_seconds: dict[str, float] = field(default_factory=dict)  # wall time of each flow stage
    step_seconds: dict[str, float] = field(default_factory=dict)  # time inside read/normalise/split/extract

    def format(self) -> str:
        """The summary as printed at the end of ``aiplus run``."""
        lines = [self._files_line()]
        for source, reason in sorted(self.files_rejected.items()):
            lines.append(f"  rejected {source}: {reason}")
        lines.append(self._sources_line())
        lines += [f"  warning: {w}" for w in self.sources_warnings]
        lines.append(f"articles: {self.articles}")
        lines.append("rows: " + ", ".join(f"{t} {n}" for t, n in self.rows.items()))
        if self.rejected_rows:
            lines.append("rows rejected by validation: " + ", ".join(f"{t} {n}" for t, n in
                                                                      sorted(self.rejected_rows.items())))
        steps = ", ".join(f"{s} {v:.2f}s" for s, v in self.step_seconds.items())
        lines.append("time: " + ", ".join(f"{s} {v:.2f}s" for s, v in self.stage_seconds.items())
                     + (f" (inside the batches: {steps})" if steps else ""))
        lines.append(self.message)
        lines += self._quality_lines()
        if self.refused:
            lines.append(f"quality report of the refused release: {self.quality.get('report')}")
            return "\n".join(lines)
        lines.append(f"release: {self.release_path}")
        if self.release_path and self.quality.get("report"):
            lines.append(f"quality report: {Path(self.release_path) / self.quality['report']}")
            lines.append(f"summary report: {Path(self.release_path) / 'report.html'}")
        return "\n".join(lines)

    def stop_unchanged(self, curated_dir: Path, version: str) -> None:
        """The summary of a run that found its inputs and code exactly as the latest release's."""
        release = (curated_dir / version).resolve()
        manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
        self.cache_hits = self.files
        self.unchanged = True
        self.rows = {name: t["rows"] for name, t in manifest["tables"].items()}
        self.articles = self.rows.get("articles", 0)
        self.files_rejected = {i["source_file"]: i.get("reason") or "rejected (see the release's rejects table)"
                               for i in manifest.get("inputs", []) if i.get("status") == "rejected"}
        self.version = version
        self.release_path = str(release)
        self.quality = manifest.get("quality", {})
        self.message = (f"no change: the files and the code are those release {version} was built from; "
                        f"nothing was processed")

    def add_sources(self, sources, source_files: list[str]) -> None:
        """The provenance sidecar as read: its name, its warnings, and how many files it has no row for."""
        self.sources_file = sources.path
        self.sources_warnings = list(sources.warnings)
        self.files_without_source = len(sources.unlisted(source_files))

    def add_batches(self, batches: list) -> str:
        """Count the batches' parts in (extracted or kept); returns the extract stage's log text."""
        for batch in batches:
            for step, secs in batch.stage_seconds.items():
                self.step_seconds[step] = self.step_seconds.get(step, 0.0) + secs
        self.cache_hits = sum(b.cache_hits for b in batches)
        self.batches = len(batches)
        self.batches_reused = sum(b.reused for b in batches)
        self.batches_extracted = self.batches - self.batches_reused
        return (f"{sum(b.n_articles for b in batches)} articles from {self.files} files in {len(batches)} batches, "
                f"{self.batches_extracted} extracted and {self.batches_reused} kept from earlier runs "
                f"({self.cache_hits} files from the cache)")

    def add_staged(self, staged, file_rejects: dict[str, str]) -> None:
        """The staged (or existing) release's rows and the rows the row gates rejected; every raw file not
        published with its reason (unreadable, unsupported, a copy of another file)."""
        manifest = staged.manifest or json.loads((staged.final / "manifest.json").read_text(encoding="utf-8"))
        self.rows = {name: t["rows"] for name, t in manifest["tables"].items()}
        self.articles = self.rows.get("articles", 0)
        self.rejected_rows = dict(manifest.get("validation", {}).get("rejected_rows", {}))
        for source_file, reason in sorted(file_rejects.items()):
            self.files_rejected.setdefault(source_file, reason)

    def add_gate(self, staged, refused) -> str:
        """The gate's verdict; a refusal also becomes the run's outcome.  Returns the gate stage's log text."""
        quality = staged.manifest.get("quality", {})
        self.quality = dict(quality)
        if refused is None:
            return f"passed, {quality.get('n_warnings_failed', 0)} warning(s)"
        self.refused = True
        self.version = staged.version
        self.quality["critical"] = [r.message for r in refused.result.critical_failures] if refused.result else []
        self.quality["report"] = str(refused.report) if refused.report else None
        self.message = (f"refused: release {staged.version} failed the quality gate and was not published; "
                        f"{staged.curated_dir / 'latest'} is unchanged")
        return f"FAILED, {len(self.quality['critical'])} critical expectation(s): release refused"

    def add_release(self, result) -> None:
        """What was published (or found already published) and its gate's verdict."""
        self.version = result.version
        self.release_path = str(result.path)
        self.published = result.published
        self.message = result.message
        manifest_path = Path(result.path) / "manifest.json"
        if manifest_path.exists():
            self.quality = json.loads(manifest_path.read_text(encoding="utf-8")).get("quality", {})

    def _files_line(self) -> str:
        rejected = len(self.files_rejected)
        counts = f"{self.files - rejected} read, {rejected} rejected"
        if self.unchanged:
            return (f"files: {counts} in {self.raw_dir}, all unchanged since the latest release was built")
        batches = (f"; {self.batches_extracted} of {self.batches} batches extracted, the others kept from earlier "
                   f"runs" if self.batches_reused else "")
        return (f"files: {counts} from {self.raw_dir}"
                + (f" ({self.cache_hits} unchanged, taken from the cache{batches})" if self.cache_hits else ""))

    def _sources_line(self) -> str:
        if not self.sources_file:
            return (f"sources: no SOURCES.tsv in {self.raw_dir}: {self.files_without_source} files without a "
                    f"source URL")
        listed = self.files - self.files_without_source
        return (f"sources: {self.sources_file} lists {listed} of {self.files} files"
                + (f"; {self.files_without_source} without a row" if self.files_without_source else ""))

    def _quality_lines(self) -> list[str]:
        if not self.quality:
            return []
        q = self.quality
        lines = [f"quality gate: {'passed' if q.get('passed') else 'FAILED'}, "
                 + (f"{q.get('n_critical_failed', 0)} critical, " if not q.get("passed") else "")
                 + f"{q.get('n_warnings_failed', 0)} warning(s)"
                 + (" (allowed to shrink: row counts not compared)" if q.get("allow_shrink") else "")]
        lines += [f"  CRITICAL {failure}" for failure in q.get("critical", [])]
        lines += [f"  warning: {warning}" for warning in q.get("warnings", [])]
        return lines


class StageReport:
    """What a stage says of itself in the log line that closes it."""

    def __init__(self) -> None:
        self.text = ""

    def say(self, text: str) -> None:
        self.text = text


@contextmanager
def stage(summary: RunSummary, name: str, logger):
    """Time a stage of the run into ``summary.stage_seconds`` and log ``name: <what it said> in <s>``."""
    report = StageReport()
    start = time.perf_counter()
    yield report
    seconds = time.perf_counter() - start
    summary.stage_seconds[name] = seconds
    logger.info("%s: %s in %.1fs", name, report.text or "done", seconds)


class BatchProgress:
    """Progress of the batches in the run's log, and as a progress artifact in the Prefect UI."""

    def __init__(self, logger, n_batches: int, n_files: int, artifact=None):
        self.logger, self.n_batches, self.n_files = logger, n_batches, n_files
        self.batches = self.files = self.articles = self.hits = 0
        self.start = time.perf_counter()
        self.artifact = artifact  # (create, update) of a Prefect progress artifact, or None

    def batch_done(self, files: int, articles: int, hits: int) -> None:
        self.batches += 1
        self.files, self.articles, self.hits = self.files + files, self.articles + articles, self.hits + hits
        elapsed = time.perf_counter() - self.start
        rate = self.files / elapsed if elapsed else 0.0
        left = (self.n_files - self.files) / rate if rate else 0.0
        self.logger.info("batch %d/%d: %d/%d files (%.0f%%), %d articles, %d from the cache, %.0f files/s, "
                         "about %.0fs left", self.batches, self.n_batches, self.files, self.n_files,
                         100 * self.files / max(1, self.n_files), self.articles, self.hits, rate, left)
        if self.artifact is not None:
            self.artifact(100 * self.batches / self.n_batches)
