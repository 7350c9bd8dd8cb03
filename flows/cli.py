"""The ``aiplus`` command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# The default file size limit, without importing the pipeline (the CLI starts Prefect's server first).
MAX_FILE_MB = 20


def _evaluate(args: argparse.Namespace) -> int:
    if not args.gold and not args.clusters:
        print("error: give --gold DIR (extraction) and/or --clusters FILE (cross-article initiatives)",
              file=sys.stderr)
        return 2
    release = None
    if not args.raw:
        release = Path(args.release or Path(args.curated) / "latest")
        if not (release / "articles.parquet").exists():
            print(f"error: no release at {release} (run `aiplus run` first, or give --release or --raw)",
                  file=sys.stderr)
            return 2
    if args.gold:
        _evaluate_extraction(args, release)
    if args.clusters:
        _evaluate_clusters(args, release)
    return 0


def _evaluate_extraction(args: argparse.Namespace, release: Path | None) -> None:
    from aiplus.evaluate import (format_result, predictions_from_extractions, predictions_from_release,
                                 score_predictions)

    if release is None:
        from aiplus.ingest.read import discover_files
        from aiplus.runtime.batch import process_batch

        raw_dir = Path(args.raw)
        preds = predictions_from_extractions(process_batch(discover_files(raw_dir), raw_dir).extractions)
    else:
        preds = predictions_from_release(release)
    result = score_predictions(Path(args.gold), preds)
    if args.json:
        import json

        Path(args.json).write_text(json.dumps(result.as_dict(), indent=2, ensure_ascii=False), encoding="utf-8")
    print(format_result(result, verbose=args.verbose))
    if args.record:
        from aiplus.evaluate import record_scores

        path = record_scores(args.record, result, args.gold)
        print(f"recorded as set {args.record!r} in {path}")


def _evaluate_clusters(args: argparse.Namespace, release: Path | None) -> None:
    from aiplus.evaluate.clusters import (format_clusters, linked_from_release, linked_from_tables, read_clusters,
                                          score_clusters)

    if release is None:
        from aiplus.runtime.batch import tables_in_memory

        tables = tables_in_memory(Path(args.raw))
        linked = linked_from_tables(tables["articles"], tables["initiatives"])
    else:
        linked = linked_from_release(release)
    score = score_clusters(read_clusters(Path(args.clusters)), linked)
    if args.json:
        import json

        path = Path(args.json)
        if args.gold:  # both: the clusters' figures go beside the extraction's
            path = path.with_name(path.stem + ".clusters" + path.suffix)
        path.write_text(json.dumps(score.as_dict(), indent=2, ensure_ascii=False), encoding="utf-8")
    print(format_clusters(score, verbose=args.verbose))


def _run(args: argparse.Namespace) -> int:
    import os

    from flows.prefect_env import TemporaryPrefectServer, configure_prefect_environment

    configure_prefect_environment()
    raw_dir = Path(args.raw)
    if not raw_dir.is_dir():
        print(f"error: raw folder {raw_dir} does not exist", file=sys.stderr)
        return 2
    # With no Prefect server configured, start the temporary one now: it boots while the pipeline imports.
    server = None if os.environ.get("PREFECT_API_URL") else TemporaryPrefectServer()
    if server:
        # Before Prefect is imported: its settings, its background threads and the worker processes
        # all take the address from here (left unset, each would start a temporary server of its own).
        os.environ["PREFECT_API_URL"] = server.api_url
    try:
        from prefect.settings import PREFECT_API_URL, temporary_settings

        from flows.release_flow import build_release

        try:
            api_url = server.wait() if server else os.environ["PREFECT_API_URL"]
            with temporary_settings(updates={PREFECT_API_URL: api_url}):
                state = build_release(raw_dir=str(raw_dir), curated_dir=str(args.curated),
                                      batch_size=args.batch_size, cache_dir=None if args.no_cache else args.cache_dir,
                                      allow_shrink=args.allow_shrink, max_file_mb=args.max_file_mb,
                                      task_runner=args.task_runner, dask_address=args.dask_address,
                                      workers=args.workers, return_state=True)
            summary = state.result(raise_on_failure=False)
        except Exception as exc:  # noqa: BLE001 - say why, keep the previous release
            summary = exc
    finally:
        if server:
            server.stop()
            os.environ.pop("PREFECT_API_URL", None)
    if isinstance(summary, BaseException) or summary is None:
        print(f"error: the run failed and published nothing ({type(summary).__name__}: {summary}); "
              f"{Path(args.curated) / 'latest'} is unchanged", file=sys.stderr)
        return 1
    print(summary.format())
    if args.summary_json:
        import dataclasses
        import json

        Path(args.summary_json).write_text(json.dumps(dataclasses.asdict(summary), ensure_ascii=False, indent=2),
                                           encoding="utf-8")
    return 1 if summary.refused else 0


def _serve(args: argparse.Namespace) -> int:
    from flows.prefect_env import configure_prefect_environment

    configure_prefect_environment()
    from flows.serve import serve_release

    try:
        serve_release(cron=args.cron, raw_dir=args.raw, curated_dir=args.curated,
                      cache_dir=None if args.no_cache else args.cache_dir, name=args.name,
                      task_runner=args.task_runner, dask_address=args.dask_address, workers=args.workers,
                      batch_size=args.batch_size, max_file_mb=args.max_file_mb)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    return 0


def _validate(args: argparse.Namespace) -> int:
    from aiplus.release.verify import validate_command

    return validate_command(args.release_dir, args.previous)


def _diff(args: argparse.Namespace) -> int:
    from aiplus.release.diff import diff_command

    return diff_command(args.old, args.new, curated_dir=args.curated, every_key=args.all, as_json=args.json)


def _releases(args: argparse.Namespace) -> int:
    from aiplus.release.diff import releases_command

    return releases_command(args.curated)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="aiplus", description="Build and inspect the aiplus-data releases.")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in (_add_run, _add_serve, _add_validate, _add_diff, _add_releases, _add_evaluate):
        add(sub)
    args = parser.parse_args(argv)
    return args.func(args)


def _add_run(sub) -> None:
    run = sub.add_parser("run", help="build a release from the raw articles and publish it if anything changed")
    run.add_argument("--raw", default="raw", help="folder of raw articles (default: raw)")
    run.add_argument("--curated", default="curated", help="folder of releases (default: curated)")
    run.add_argument("--batch-size", type=int,
                     help="files per task (default: about four batches per core, 25 to 500 files each)")
    run.add_argument("--cache-dir", default=".cache/aiplus",
                     help="extraction cache, keyed by file content and extractor (default: .cache/aiplus)")
    run.add_argument("--no-cache", action="store_true", help="process every file again, ignoring the cache")
    run.add_argument("--task-runner", choices=["auto", "threads", "processes", "dask"], default="auto",
                     help="how batches run: threads in this process, a process per core, or a Dask cluster; "
                          "auto (default) takes processes when there is more than one batch to run, else threads")
    run.add_argument("--dask-address", help="scheduler address of an existing Dask cluster (implies dask)")
    run.add_argument("--workers", type=int, help="worker threads/processes (default: one per core)")
    run.add_argument("--max-file-mb", type=_positive_float, default=MAX_FILE_MB, metavar="MB",
                     help=f"reject raw files larger than this many MiB unread (default: {MAX_FILE_MB})")
    run.add_argument("--summary-json", help="also write the run summary to this JSON file")
    run.add_argument("--allow-shrink", action="store_true",
                     help="publish even when tables shrank by more than 20%% against the latest release (files "
                          "withdrawn on purpose); the manifest records it")
    run.set_defaults(func=_run)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0: {text!r}")
    return value


def _add_serve(sub) -> None:
    serve = sub.add_parser("serve", help="serve the release flow on a cron schedule (needs a Prefect server)")
    serve.add_argument("--cron", default="0 6 * * *", help='cron schedule (default: "0 6 * * *", daily 06:00 UTC)')
    serve.add_argument("--raw", default="raw", help="folder of raw articles (default: raw)")
    serve.add_argument("--curated", default="curated", help="folder of releases (default: curated)")
    serve.add_argument("--cache-dir", default=".cache/aiplus", help="extraction cache (default: .cache/aiplus)")
    serve.add_argument("--no-cache", action="store_true", help="process every file on every run")
    serve.add_argument("--name", default="served",
                       help="deployment name (default: served, i.e. aiplus-scheduled-release/served)")
    serve.add_argument("--task-runner", choices=["auto", "threads", "processes", "dask"], default="auto",
                       help="how each run's batches run, as for `aiplus run` (default: auto, chosen at each run)")
    serve.add_argument("--dask-address", help="scheduler address of an existing Dask cluster (implies dask)")
    serve.add_argument("--workers", type=int, help="worker threads/processes (default: one per core)")
    serve.add_argument("--batch-size", type=int, help="files per task (default: as for `aiplus run`)")
    serve.add_argument("--max-file-mb", type=_positive_float, default=MAX_FILE_MB, metavar="MB",
                       help=f"reject raw files larger than this, unread (default: {MAX_FILE_MB:g})")
    serve.set_defaults(func=_serve)


def _add_validate(sub) -> None:
    val = sub.add_parser("validate", help="run both quality gates (Pandera rows, Great Expectations tables) on a "
                                          "release folder; exit non-zero when a critical check fails")
    val.add_argument("release_dir", help="release folder, e.g. curated/latest")
    val.add_argument("--previous", help="release folder to compare row counts with "
                                        "(default: the one it was published against)")
    val.set_defaults(func=_validate)


def _add_diff(sub) -> None:
    diff = sub.add_parser("diff", help="rows added, removed and changed per table between two releases (by key)")
    diff.add_argument("old", help="release folder, or a version in --curated")
    diff.add_argument("new", help="release folder, or a version in --curated (e.g. latest)")
    diff.add_argument("--curated", default="curated", help="curated folder (default: curated)")
    diff.add_argument("--all", action="store_true", help="list every added, removed and changed key (default: five "
                                                          "per table)")
    diff.add_argument("--json", action="store_true", help="print the diff as JSON (for scripts)")
    diff.set_defaults(func=_diff)


def _add_releases(sub) -> None:
    releases = sub.add_parser("releases", help="list the releases with their row counts (* marks latest)")
    releases.add_argument("--curated", default="curated", help="curated folder (default: curated)")
    releases.set_defaults(func=_releases)


def _add_evaluate(sub) -> None:
    ev = sub.add_parser("evaluate", help="score a release (or raw files) against gold annotations")
    ev.add_argument("--gold", help="folder of gold JSON files (GOLD.md format): scores the extraction")
    ev.add_argument("--clusters", help="clusters JSON file (GOLD.md, cross-article initiatives): scores how "
                                       "reports are linked into real-world initiatives")
    ev.add_argument("--release", help="release folder to score (default: CURATED/latest)")
    ev.add_argument("--curated", default="curated", help="curated folder (default: curated)")
    ev.add_argument("--raw", help="score a fresh in-memory extraction of this raw folder instead of a release")
    ev.add_argument("--verbose", "-v", action="store_true", help="list every miss and false positive")
    ev.add_argument("--json", help="also write the scores to this JSON file")
    ev.add_argument("--record", metavar="SET",
                    help="store the scores as SET (e.g. dev, dev_extra) in "
                         "aiplus/release/companions/extraction_scores.json, which the dataset card and the "
                         "summary report quote")
    ev.set_defaults(func=_evaluate)


if __name__ == "__main__":
    sys.exit(main())
