"""Speed of the per-article text processing (read → normalise → split → extract), in CPU time.

    python benchmarks/extract_speed.py [--repeat 10] [--caches lines|all|none] [--profile]

Runs the same functions as ``aiplus.runtime.batch`` over the files of ``raw/`` and
``../shared/articles/`` (beside the project root, read in place), the corpus repeated ``--repeat`` times,
and prints characters per CPU-second (``time.process_time``) overall and per step;
inside extract, also per extractor (regions, organisations, initiatives, metrics).
Characters are those of the decoded raw files.  ``--profile`` prints the cProfile
top 30 by own time instead of the per-step figures.

Memo caches (``functools.lru_cache`` with more than one entry) and repetitions:
a repetition must not find the work of the one before where production would
not.  ``--caches lines`` (default) empties, before every repetition, the caches
keyed by lines of text (segmented lines, line widths): in production every file
brings new lines, while the caches of short strings (place and organisation
names, words) stay warm over a run of many files.  ``--caches all`` empties every
memo cache (a lower bound), ``--caches none`` none (an upper bound).  Resource
loaders (one-entry caches: word lists, automata) always stay loaded.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import pstats
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiplus.extract.initiatives import extract_initiatives  # noqa: E402
from aiplus.extract.metrics import extract_metrics  # noqa: E402
from aiplus.extract.organisations import extract_organisations  # noqa: E402
from aiplus.ingest.normalise import normalise_document  # noqa: E402
from aiplus.runtime.batch import process_batch  # noqa: E402
from aiplus.ingest.read import discover_files, read_file  # noqa: E402
from aiplus.extract.regions import resolve_article_region  # noqa: E402
from aiplus.ingest.split import split_articles  # noqa: E402

# The seeds and the real articles beside the project (``../shared/articles``, when present).
FOLDERS = [ROOT / "raw", ROOT.parent / "shared" / "articles"]


def corpus() -> list[tuple[Path, Path]]:
    """(path, folder) of every text file of the benchmark folders."""
    out = []
    for folder in FOLDERS:
        for path in discover_files(folder):
            if path.suffix in (".txt", ".md", ".html", ".htm"):
                out.append((path, folder))
    return out


# Memo caches keyed by lines of text, which a new file does not share with the files before it.
LINE_CACHES = {"_tag_line", "_line_cuts", "display_width", "_ends_paragraph", "_line_mentions"}


def clear_memo_caches(which: str) -> None:
    """Empty memo caches of the aiplus modules: "lines" (LINE_CACHES), "all" (not the one-entry
    resource loaders) or "none"."""
    if which == "none":
        return
    for name, module in list(sys.modules.items()):
        if name != "aiplus" and not name.startswith("aiplus."):
            continue
        for key, obj in vars(module).items():
            if isinstance(obj, functools._lru_cache_wrapper) and obj.cache_parameters()["maxsize"] != 1 \
                    and (which == "all" or key in LINE_CACHES):
                obj.cache_clear()


def timed_run(files: list[tuple[Path, Path]], repeat: int, caches: str) -> tuple[int, dict[str, float]]:
    """Run the steps as process_batch does, timing each with process_time; returns (chars, seconds by step)."""
    clock = dict.fromkeys(("read", "normalise", "split", "extract", "regions", "organisations", "initiatives",
                           "metrics"), 0.0)
    chars = 0
    t = time.process_time
    for _ in range(repeat):
        clear_memo_caches(caches)
        for path, folder in files:
            t0 = t()
            raw = read_file(path, folder)
            t1 = t()
            clock["read"] += t1 - t0
            if raw.error is not None:
                continue
            chars += len(raw.text or "")
            doc = normalise_document(raw)
            t2 = t()
            clock["normalise"] += t2 - t1
            articles = split_articles(doc)
            t3 = t()
            clock["split"] += t3 - t2
            # extract_article, step by step (aiplus/extract.py)
            context = resolve_article_region(doc.text)[0] if len(articles) > 1 else None
            clock["regions"] += t() - t3
            for article in articles:
                a = t()
                if article.region_name is None:
                    name, code = resolve_article_region(article.text, article.publisher, context)
                    article = replace(article, region_name=name, region_code=code)
                b = t()
                organisations = extract_organisations(article)
                c = t()
                initiatives = extract_initiatives(article, organisations)
                d = t()
                extract_metrics(article, organisations, initiatives)
                e = t()
                clock["regions"] += b - a
                clock["organisations"] += c - b
                clock["initiatives"] += d - c
                clock["metrics"] += e - d
            clock["extract"] += t() - t3
    return chars, clock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="times the corpus is processed (default 10)")
    parser.add_argument("--caches", choices=("lines", "all", "none"), default="lines",
                        help="memo caches emptied before every repetition (default: lines)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile top 30 by tottime")
    args = parser.parse_args()
    files = corpus()
    # Warm-up: word lists, automata and the segmenter's dictionary load once per process.
    for folder in FOLDERS:
        process_batch([p for p, f in files if f == folder], folder)

    if args.profile:
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(args.repeat):
            clear_memo_caches(args.caches)
            for folder in FOLDERS:
                process_batch([p for p, f in files if f == folder], folder, cache_dir=None)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        return

    whole = 0.0
    n_articles = 0
    for _ in range(args.repeat):
        clear_memo_caches(args.caches)  # outside the timed part
        t0 = time.process_time()
        for folder in FOLDERS:
            n_articles += len(process_batch([p for p, f in files if f == folder], folder, cache_dir=None).extractions)
        whole += time.process_time() - t0
    chars, clock = timed_run(files, args.repeat, args.caches)
    print(f"{len(files)} files × {args.repeat}: {chars:,} chars, {n_articles:,} articles, "
          f"memo caches emptied between repetitions: {args.caches}")
    print(f"overall (process_batch): {chars / whole:12,.0f} chars/CPU-s  ({whole:.2f} CPU-s, "
          f"{n_articles / whole:,.0f} articles/CPU-s)")
    total = sum(clock[k] for k in ("read", "normalise", "split", "extract"))
    print(f"overall (timed steps):   {chars / total:12,.0f} chars/CPU-s  ({total:.2f} CPU-s)")
    for step in ("read", "normalise", "split", "extract", "regions", "organisations", "initiatives", "metrics"):
        indent = "    " if step in ("regions", "organisations", "initiatives", "metrics") else "  "
        secs = clock[step]
        rate = chars / secs if secs else float("inf")
        print(f"{indent}{step:<14} {rate:12,.0f} chars/CPU-s  {secs:6.2f} CPU-s  {100 * secs / total:5.1f} %")


if __name__ == "__main__":
    main()
