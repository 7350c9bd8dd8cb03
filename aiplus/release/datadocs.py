"""Great Expectations' Data Docs made to render offline.

GX pages load bootstrap, jQuery, vega… from CDNs; their links are rewritten to copies vendored in
``aiplus/release/datadocs_assets`` (licences in its VENDORED.md), copied into the report only when a
page uses them.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

VENDORED_ASSETS = Path(__file__).resolve().parent / "datadocs_assets"
VENDOR_DIR = "static/vendor"  # inside the report folder

# CDN address in GX's Data Docs templates → vendored file (aiplus/release/datadocs_assets/VENDORED.md).
CDN_ASSETS = {
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "bootstrap-4.3.1.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "bootstrap-4.3.1.min.js",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery-3.7.1.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": "popper-1.12.9.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": "bootstrap-table-1.19.1.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": "bootstrap-table-1.19.1.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js":
        "bootstrap-table-filter-control-1.19.1.min.js",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css":
        "bootstrap-table-filter-control-1.19.1.min.css",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css":
        "bootstrap-table-filter-control-1.19.1.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css":
        "bootstrap-datepicker-1.9.0.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js":
        "bootstrap-datepicker-1.9.0.min.js",
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css":
        "bootstrap-prefers-dark-1.1.0.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": "fontawesome-6.6.0/css/all.min.css",
    "https://cdn.jsdelivr.net/npm/vega@5": "vega-5.33.1.min.js",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "vega-lite-5.23.0.min.js",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "vega-embed-6.29.0.min.js",
}
# Files a vendored stylesheet loads in turn (Font Awesome's fonts; only the styles GX uses).
ASSET_DEPENDENCIES = {
    "fontawesome-6.6.0/css/all.min.css": ["fontawesome-6.6.0/webfonts/fa-solid-900.woff2",
                                          "fontawesome-6.6.0/webfonts/fa-regular-400.woff2"],
}
VEGA_ASSETS = {"vega-5.33.1.min.js", "vega-lite-5.23.0.min.js", "vega-embed-6.29.0.min.js"}
# GX's logo is fetched from S3; its package ships the same image.
GX_LOGO_URL = re.compile(r"https://great-expectations-web-assets\.s3\.[a-z0-9-]+\.amazonaws\.com/logo-long\.png[^\"']*")
GX_LOGO_LOCAL = "static/images/logo-long.png"

# A script element that loads a file (its body is empty), a link or an image.
_TAG = re.compile(r"<(script)\b[^>]*>\s*</script>|<(link|img)\b[^>]*>", re.IGNORECASE)
_URL_ATTR = re.compile(r"""\b(src|href)\s*=\s*(["'])(https?://[^"']+)\2""", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*(['"]?)(https?://[^'")]+)\1\s*\)""", re.IGNORECASE)
_LOCAL_STATIC = re.compile(r'\b(src|href)="((?:\.\./|\./)*)static/([^"]+)"')
_NEWSLETTER_FOOTER = re.compile(r"<footer>\s*<p>[^<]*newsletter.*?</footer>", re.IGNORECASE | re.DOTALL)
_SRI_ATTRS = re.compile(r"""\s+(integrity|crossorigin)\s*=\s*(["'])[^"']*\2""", re.IGNORECASE)


def make_report_offline(report_dir: Path) -> list[str]:
    """Point every script, stylesheet and image of the Data Docs at local files; return URLs it had to drop.

    Vendored assets are copied into ``static/vendor`` only when a page uses them,
    vega only when a page draws a chart, and GX's unused static images are removed.
    """
    report_dir = Path(report_dir)
    used: set[str] = set()
    dropped: list[str] = []
    for page in sorted(report_dir.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        draws_charts = "vegaEmbed(" in html
        to_root = os.path.relpath(report_dir, page.parent).replace(os.sep, "/")

        def local(path: str) -> str:
            return f"{to_root}/{path}" if to_root != "." else path

        def fix_tag(match: re.Match) -> str:
            tag = match.group(0)
            url_match = _URL_ATTR.search(tag)
            if not url_match:
                return tag
            url = url_match.group(3)
            if _tag_name(match) == "link" and "stylesheet" not in tag.lower() and "icon" not in tag.lower():
                return tag  # not a resource the page loads
            if GX_LOGO_URL.fullmatch(url):
                target = local(GX_LOGO_LOCAL)
            elif url in CDN_ASSETS:
                asset = CDN_ASSETS[url]
                if asset in VEGA_ASSETS and not draws_charts:
                    return ""  # no chart on this page: no need for 800 kB of vega
                used.add(asset)
                target = local(f"{VENDOR_DIR}/{asset}")
            else:
                dropped.append(url)
                return ""
            tag = _SRI_ATTRS.sub("", tag)  # local copies: no CORS, and hashes are the CDN's
            return tag[:url_match.start(3)] + target + tag[url_match.end(3):]

        html = _TAG.sub(fix_tag, html)
        # GX gets the depth of its own static files wrong on result pages (four folders deep).
        html = _LOCAL_STATIC.sub(lambda m: f'{m.group(1)}="{local("static/" + m.group(3))}"', html)
        html = _NEWSLETTER_FOOTER.sub("", html)  # a tracking link, pinned over the bottom of every page
        html = _CSS_URL.sub(lambda m: "none" if not GX_LOGO_URL.fullmatch(m.group(2))
                            else f"url('{local(GX_LOGO_LOCAL)}')", html)
        page.write_text(html, encoding="utf-8")

    vendor = report_dir / VENDOR_DIR
    for asset in sorted(used):
        for name in [asset] + ASSET_DEPENDENCIES.get(asset, []):
            dest = vendor / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(VENDORED_ASSETS / name, dest)
    _remove_unused_static(report_dir)
    return sorted(set(dropped))


def _remove_unused_static(report_dir: Path) -> None:
    """Delete GX's static files (3-4 MB of fonts and GIFs) that no page refers to."""
    static = report_dir / "static"
    if not static.is_dir():
        return
    pages = "\n".join(p.read_text(encoding="utf-8") for p in report_dir.rglob("*.html"))
    for path in sorted(static.rglob("*"), reverse=True):
        rel = path.relative_to(report_dir).as_posix()
        if path.is_file() and not rel.startswith(VENDOR_DIR + "/") and f"static/{path.relative_to(static).as_posix()}" \
                not in pages:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def _tag_name(match: re.Match) -> str:
    return (match.group(1) or match.group(2)).lower()


def remote_references(report_dir: Path) -> list[str]:
    """Every http(s) URL a report page or stylesheet would load (scripts, styles, images, fonts)."""
    found = []
    for path in sorted(Path(report_dir).rglob("*")):
        if path.suffix not in (".html", ".css"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for tag in _TAG.finditer(text):
            m = _URL_ATTR.search(tag.group(0))
            is_link = _tag_name(tag) == "link"
            if m and (not is_link or "stylesheet" in tag.group(0).lower() or "icon" in tag.group(0).lower()):
                found.append(f"{path.name}: {m.group(3)}")
        found += [f"{path.name}: {m.group(2)}" for m in _CSS_URL.finditer(text)]
        found += [f"{path.name}: {u}" for u in re.findall(r"""@import\s+['"]?(https?://[^'")\s;]+)""", text)]
    return found


# Where a summary goes in GX's index page: the top of the main column.
_INDEX_MAIN_COLUMN = re.compile(r'<div class="col-md-10 col-lg-10 col-xs-12 pl-md-4 pr-md-3">')


def insert_at_top(index_html: Path, block: str, title: str) -> None:
    """Put an HTML block at the top of the Data Docs index page and give the page ``title``."""
    html = index_html.read_text(encoding="utf-8")
    html, n = _INDEX_MAIN_COLUMN.subn(lambda m: m.group(0) + "\n" + block, html, count=1)
    if n == 0:  # another GX layout: still show the block, at the top of the body
        html = html.replace("<body>", "<body>\n" + block, 1)
    html = html.replace("<title>Data Docs created by Great Expectations</title>", f"<title>{title}</title>", 1)
    index_html.write_text(html, encoding="utf-8")
