"""Render a release's summary report (report.html) in headless Chromium and save a PNG.

    python scripts/screenshot_report.py RELEASE_DIR OUT.png [--height 5200] [--section scores]
                                        [--dump-dom OUT.html] [--rebuild]

When the release has no report.html (or with --rebuild), the report is built from the
release's Parquet files into a temporary folder and rendered from there, so the
release folder itself is never modified.  Exits non-zero if Chromium fails or the
PNG looks blank.
"""

from __future__ import annotations

import argparse
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
# Flags for a quiet, offline, root-safe headless run (no first-run UI, no background downloads).
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--virtual-time-budget=1000"]
DEFAULT_WIDTH = 1280
DEFAULT_HEIGHT = 5200
TIMEOUT_SECONDS = 90


def find_chromium() -> str | None:
    """Path of a Chromium-like browser on PATH, or None."""
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def has_cjk_font() -> bool | None:
    """Whether fontconfig knows a font that covers Chinese (None when fontconfig is not installed)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    out = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=30)
    return bool(out.stdout.strip())


def _run_chromium(args: list[str]) -> subprocess.CompletedProcess:
    chromium = find_chromium()
    if chromium is None:
        raise RuntimeError("chromium is not on PATH")
    with tempfile.TemporaryDirectory(prefix="aiplus-chromium-") as profile:
        return subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=TIMEOUT_SECONDS)


def screenshot(html_path: Path, png_path: Path, width: int = DEFAULT_WIDTH, height: int = DEFAULT_HEIGHT,
               section: str | None = None) -> None:
    """Render html_path (scrolled to #section when given) into png_path."""
    png_path = Path(png_path).resolve()
    png_path.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="aiplus-section-") as work:
        if section:
            # Headless Chromium shoots the top of the page, so show only the section asked for.
            page = Path(html_path).read_text(encoding="utf-8")
            hide = (f"<style>main > :not(#{section}):not(:has(#{section})) {{display:none}} "
                    f".grid > section:not(#{section}) {{display:none}} .grid {{grid-template-columns:1fr}}"
                    "</style></head>")
            html_path = Path(work) / "section.html"
            html_path.write_text(page.replace("</head>", hide, 1), encoding="utf-8")
        done = _run_chromium([f"--screenshot={png_path}", f"--window-size={width},{height}",
                              Path(html_path).resolve().as_uri()])
    if not png_path.exists():
        raise RuntimeError(f"chromium wrote no screenshot (exit {done.returncode}): {done.stderr[-800:]}")


def dump_dom(html_path: Path) -> str:
    """The DOM of the page after Chromium rendered it, serialised as HTML."""
    done = _run_chromium(["--dump-dom", Path(html_path).resolve().as_uri()])
    if done.returncode != 0 or "<body" not in done.stdout:
        raise RuntimeError(f"chromium --dump-dom failed (exit {done.returncode}): {done.stderr[-800:]}")
    return done.stdout


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's header."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    return struct.unpack(">II", png[16:24])


def png_content_rows(png: bytes) -> float:
    """Share of image rows that are not a flat copy of the row above.

    Reads the filtered scanlines without undoing the filters: a row of one colour
    under an identical row filters to zeros whatever filter the encoder chose, so
    a blank page scores about 0 and a page with text and charts scores well above.
    """
    width, height = png_size(png)
    pos, data = 8, bytearray()
    bit_depth, colour_type = png[24], png[25]
    while pos < len(png):
        length = struct.unpack(">I", png[pos:pos + 4])[0]
        kind = png[pos + 4:pos + 8]
        if kind == b"IDAT":
            data += png[pos + 8:pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(bytes(data))
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour_type]
    stride = 1 + (width * channels * bit_depth + 7) // 8
    busy = 0
    for row in range(1, height):
        line = raw[row * stride + 1:(row + 1) * stride]
        if line.count(0) < len(line):
            busy += 1
    return busy / max(height - 1, 1)


def report_for(release_dir: Path, rebuild: bool, workdir: Path) -> Path:
    """The report.html to render: the release's own, or one built from its tables into workdir."""
    report = Path(release_dir) / "report.html"
    if report.exists() and not rebuild:
        return report
    from aiplus.release.companions.report import render_release_report

    out = workdir / "report.html"
    out.write_text(render_release_report(Path(release_dir)), encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("release_dir", type=Path, help="release folder (e.g. curated/latest)")
    parser.add_argument("out_png", type=Path, help="where to write the screenshot")
    parser.add_argument("--width", type=int, default=DEFAULT_WIDTH)
    parser.add_argument("--height", type=int, default=DEFAULT_HEIGHT, help="window height: the part of the page shot")
    parser.add_argument("--section", help="show only the section with this id (e.g. headline, regions, scores, recent)")
    parser.add_argument("--dump-dom", type=Path, help="also write the rendered DOM to this file")
    parser.add_argument("--rebuild", action="store_true", help="build the report from the tables even if present")
    args = parser.parse_args(argv)

    if find_chromium() is None:
        print("error: chromium is not on PATH (Debian: apt-get install chromium fonts-noto-cjk)", file=sys.stderr)
        return 2
    if not has_cjk_font():
        print("warning: no font with Chinese characters is installed, so Chinese text renders as boxes "
              "(Debian: apt-get install fonts-noto-cjk)", file=sys.stderr)
    if not (args.release_dir / "manifest.json").exists() and not (args.release_dir / "report.html").exists():
        print(f"error: {args.release_dir} is not a release folder (no manifest.json)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="aiplus-report-") as work:
        report = report_for(args.release_dir, args.rebuild, Path(work))
        screenshot(report, args.out_png, args.width, args.height, args.section)
        if args.dump_dom:
            args.dump_dom.write_text(dump_dom(report), encoding="utf-8")
    png = args.out_png.read_bytes()
    width, height = png_size(png)
    busy = png_content_rows(png)
    print(f"{args.out_png}: {width}x{height} px, {len(png):,} bytes, {busy:.0%} of rows with content")
    if busy < 0.02:
        print("error: the screenshot looks blank", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
