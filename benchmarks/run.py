"""Benchmark the pipeline on a synthetic corpus built from the seeds.

    python benchmarks/run.py --articles N [--articles M] [--json OUT] [--task-runner auto|threads|processes|dask]
                             [--prefect-server temporary|running] [--workdir DIR]

The corpus is a deterministic recombination of the seeds' paragraphs (after
normalisation) with varied place names, reporters and numbers, so that rows
differ from article to article; articles are about as long as the seeds'.
For each size it runs `aiplus run` three times in a fresh folder (full run,
re-run with nothing changed, re-run with 1 % new files) and prints articles per
second overall and per stage, peak memory (of the run's whole process tree:
workers and Prefect's server included, and of the main process alone), the
share of time outside the pipeline's own stages (Prefect start-up and
orchestration), and the re-run times.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Places, reporters and organisations swapped into the recombined paragraphs.
CITIES = ["深圳", "广州", "杭州", "成都", "武汉", "南京", "苏州", "合肥", "长沙", "西安", "青岛", "厦门", "宁波",
          "郑州", "济南", "福州", "昆明", "贵阳", "南宁", "沈阳", "大连", "无锡", "佛山", "东莞", "泉州", "温州",
          "绍兴", "嘉兴", "常州", "南通", "烟台", "潍坊", "洛阳", "襄阳", "宜昌", "株洲", "赣州", "柳州", "绵阳"]
SEED_PLACES = ["深圳", "晋江", "大同", "宝安", "福田", "平城", "福永", "池店", "陈埭", "龙湖", "开源", "云冈"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蔡蒋余于杜叶程苏魏吕丁任沈姚卢姜"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力"
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def seed_paragraphs() -> tuple[list[str], int]:
    """Paragraphs of the seeds after normalisation and splitting, and the seeds' mean article length.

    A paragraph that opens an article of its own (a dateline such as 本报讯, a
    numbered heading) is left out, so that each synthetic file is one article.
    """
    from aiplus.ingest.normalise import normalise_document
    from aiplus.ingest.read import discover_files, read_file
    from aiplus.records import RawDocument
    from aiplus.ingest.split import split_articles

    def one_article(paragraph: str) -> bool:
        text = f"标题\n\n本报讯（记者 王伟）1月1日，开头一句。\n\n{paragraph}\n"
        doc = normalise_document(RawDocument("p.txt", "0" * 64, len(text), "utf-8", text))
        return len(split_articles(doc)) == 1

    raw = ROOT / "raw"
    paragraphs, lengths = [], []
    for path in discover_files(raw):
        doc = read_file(path, raw)
        if doc.error:
            continue
        for article in split_articles(normalise_document(doc)):
            lengths.append(len(article.text))
            paragraphs.extend(p.strip() for p in article.text.split("\n") if len(p.strip()) >= 30)
    return [p for p in paragraphs if one_article(p)], int(sum(lengths) / max(1, len(lengths)))


def synthetic_article(i: int, paragraphs: list[str], mean_length: int) -> str:
    """Article ``i`` of the corpus: always the same for the same ``i``."""
    rng = random.Random(i)
    city = rng.choice(CITIES)
    reporter = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
    target = int(mean_length * rng.uniform(0.6, 1.4))
    body, size = [], 0
    while size < target:
        p = rng.choice(paragraphs)
        for place in SEED_PLACES:
            p = p.replace(place, city)
        p = NUMBER.sub(lambda m: _vary(m.group(0), rng), p)
        body.append(p)
        size += len(p)
    title = f"{city}推进人工智能+行动 第{i}期观察"
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    return f"{title}\n\n本报讯（记者 {reporter}）{month}月{day}日，" + "\n\n".join(body) + "\n"


def _vary(number: str, rng: random.Random) -> str:
    if len(number) == 4 and number.startswith("20"):
        return number  # years stay years
    value = float(number) * rng.uniform(0.5, 2.0)
    return f"{value:.1f}" if "." in number else str(max(1, int(value)))


def write_corpus(folder: Path, start: int, count: int, paragraphs: list[str], mean_length: int) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    chars = 0
    for i in range(start, start + count):
        text = synthetic_article(i, paragraphs, mean_length)
        chars += len(text)
        sub = folder / f"{i // 1000:03d}"
        sub.mkdir(exist_ok=True)
        (sub / f"article_{i:06d}.txt").write_text(text, encoding="utf-8")
    return chars


def run_pipeline(raw: Path, curated: Path, cache: Path, summary: Path, task_runner: str,
                 env: dict | None = None) -> tuple[float, dict, dict]:
    """One `aiplus run`: its wall time, its summary, and peak memory (MB): of its whole process tree
    (``tree``), of the main process alone (``main``), and the most its worker processes and its Prefect
    server held at once (``workers``, ``server``)."""
    import psutil

    cmd = [sys.executable, "-m", "flows", "--raw", str(raw), "--curated", str(curated), "--cache-dir",
           str(cache), "--summary-json", str(summary), "--task-runner", task_runner]
    t = time.perf_counter()
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(cmd, cwd=raw.parent, stdout=log, stderr=subprocess.STDOUT, env=env)
    root = psutil.Process(proc.pid)
    peak = {"tree": 0, "main": 0, "workers": 0, "server": 0}
    while proc.poll() is None:
        # Memory of the run, its worker processes and its temporary Prefect server, taken together.
        try:
            now = {"main": root.memory_info().rss, "workers": 0, "server": 0}
            for child in root.children(recursive=True):
                try:
                    cmdline = " ".join(child.cmdline())
                    role = "server" if "uvicorn" in cmdline or "prefect.server" in cmdline else "workers"
                    now[role] += child.memory_info().rss
                except psutil.Error:
                    continue
            now["tree"] = now["main"] + now["workers"] + now["server"]
            peak = {k: max(v, now[k]) for k, v in peak.items()}
        except psutil.Error:
            pass
        time.sleep(0.1)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        log.seek(0)
        raise SystemExit(f"aiplus run failed ({proc.returncode}):\n{log.read().decode(errors='replace')[-5000:]}")
    return wall, json.loads(summary.read_text(encoding="utf-8")), {k: v / 2**20 for k, v in peak.items()}


def benchmark(n: int, task_runner: str, workdir: Path, env: dict | None = None) -> dict:
    paragraphs, mean_length = seed_paragraphs()
    raw, curated, cache = workdir / "raw", workdir / "curated", workdir / "cache"
    t = time.perf_counter()
    chars = write_corpus(raw, 0, n, paragraphs, mean_length)
    corpus_s = time.perf_counter() - t

    full_s, full, full_mb = run_pipeline(raw, curated, cache, workdir / "full.json", task_runner, env)
    noop_s, noop, noop_mb = run_pipeline(raw, curated, cache, workdir / "noop.json", task_runner, env)
    write_corpus(raw, n, max(1, n // 100), paragraphs, mean_length)
    new_s, new, new_mb = run_pipeline(raw, curated, cache, workdir / "new.json", task_runner, env)

    stages = dict(full["stage_seconds"])
    inside = sum(stages.values())
    steps = full["step_seconds"]
    return {
        "articles": n,
        "characters": chars,
        "mean_article_chars": round(chars / n),
        "task_runner": task_runner,
        "prefect_server": "running" if env else "temporary, started by each run",
        "corpus_build_s": round(corpus_s, 2),
        "full_run_s": round(full_s, 2),
        "articles_per_s": round(n / full_s, 1),
        "articles_published": full["articles"],
        "rows": full["rows"],
        "stage_s": {k: round(v, 3) for k, v in stages.items()},
        "stage_articles_per_s": {k: round(n / v, 1) for k, v in stages.items() if v > 0},
        "step_cpu_s": {k: round(v, 3) for k, v in steps.items()},
        "extract_chars_per_cpu_s": round(chars / max(1e-9, sum(steps.values()))),
        "prefect_overhead_s": round(full_s - inside, 2),
        "prefect_overhead_share": round((full_s - inside) / full_s, 3),
        "peak_rss_mb": round(max(full_mb["tree"], noop_mb["tree"], new_mb["tree"]), 1),
        "peak_rss_main_mb": round(max(full_mb["main"], noop_mb["main"], new_mb["main"]), 1),
        "peak_rss_by_run_mb": {run: {k: round(v, 1) for k, v in mb.items()}
                               for run, mb in (("full", full_mb), ("noop", noop_mb), ("1pct_new", new_mb))},
        "noop_rerun_s": round(noop_s, 2),
        "noop_rerun_inside_flow_s": round(sum(noop["stage_seconds"].values()), 2),
        "noop_rerun_published": noop["published"],
        "rerun_1pct_new_s": round(new_s, 2),
        "rerun_1pct_share_of_full": round(new_s / full_s, 3),
        "rerun_1pct_inside_flow_s": round(sum(new["stage_seconds"].values()), 2),
        "rerun_1pct_inside_flow_share_of_full": round(sum(new["stage_seconds"].values()) / inside, 3),
        "rerun_1pct_stage_s": {k: round(v, 3) for k, v in new["stage_seconds"].items()},
        "rerun_1pct_cache_hits": new["cache_hits"],
        "rerun_1pct_batches_extracted": new.get("batches_extracted"),
        "rerun_1pct_batches_reused": new.get("batches_reused"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, action="append", help="corpus size (repeatable; default 1000 and 10000)")
    parser.add_argument("--json", help="write the results to this JSON file (a list if several sizes)")
    parser.add_argument("--task-runner", default="auto", choices=["auto", "threads", "processes", "dask"])
    parser.add_argument("--prefect-server", choices=["temporary", "running"], default="temporary",
                        help="temporary: each run starts Prefect's temporary server, as a plain `aiplus run` "
                             "does (default); running: one server is started first and every run uses it, as "
                             "scheduled runs do")
    parser.add_argument("--workdir", help="keep the corpus and releases here (default: a temporary folder)")
    args = parser.parse_args()
    sizes = args.articles or [1000, 10000]
    server, env = None, None
    if args.prefect_server == "running":
        from flows.prefect_env import TemporaryPrefectServer

        server = TemporaryPrefectServer()
        env = {**os.environ, "PREFECT_API_URL": server.wait()}
    results = []
    try:
        for n in sizes:
            base = Path(args.workdir) / str(n) if args.workdir else Path(tempfile.mkdtemp(prefix=f"aiplus-bench-{n}-"))
            if base.exists():
                shutil.rmtree(base)
            base.mkdir(parents=True)
            try:
                r = benchmark(n, args.task_runner, base, env)
            finally:
                if not args.workdir:
                    shutil.rmtree(base, ignore_errors=True)
            results.append(r)
            print(json.dumps(r, ensure_ascii=False, indent=2), flush=True)
    finally:
        if server:
            server.stop()
    if args.json:
        Path(args.json).write_text(json.dumps(results[0] if len(results) == 1 else results, ensure_ascii=False,
                                              indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
