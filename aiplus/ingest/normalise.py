"""Step 2: normalise a document's text.

Order (each stage works on the source's own script, so that ``original_text`` gets every repair):

1. strip pinyin annotations after characters (``網(wǎng)`` → ``網``);
2. repair mojibake: GBK decoded one byte out of step (runs starting ``?!``), UTF-8 read as GBK or Latin-1;
3. fold full-width letters/digits/spaces, odd hyphens, zero-width characters; drop markup residue
   (``**bold**``, leading ``#``, list bullets, trailing table pipes) and letter-spacing in justified lines;
4. reflow: join lines broken by page layout into paragraphs, keeping headings and paragraphs apart;
5. OpenCC ``t2s`` line by line for ``text`` (length-preserving, so ``text`` and ``original_text`` stay
   aligned character for character).

Each stage is a module of aiplus.ingest: ``pinyin`` (1), ``mojibake`` (2), ``clean`` (3), ``reflow`` (4)
and ``script`` (5); ``lines`` judges single lines for reflow and the article splitter.

The output keeps the paragraph structure: one paragraph a line, and an empty line where the source had
blank lines between paragraphs (the article splitter relies on both).
"""

from __future__ import annotations

from aiplus.ingest.clean import clean_lines
from aiplus.ingest.lines import CREDIT_END, DATE_LINE, display_width, ends_sentence
from aiplus.ingest.mojibake import repair_mojibake
from aiplus.ingest.pinyin import strip_pinyin
from aiplus.ingest.reflow import reflow
from aiplus.ingest.script import detect_script, to_simplified
from aiplus.records import NormalisedDocument, RawDocument

# The stages' names that were importable from here before they had modules of their own stay so.
__all__ = ["CREDIT_END", "DATE_LINE", "display_width", "ends_sentence", "normalise_document", "normalise_text",
           "repair_mojibake", "strip_pinyin"]


def normalise_text(text: str) -> tuple[str, str, str, list[str]]:
    """Normalise raw text; returns (simplified text, original-script text, script, quality flags)."""
    flags: list[str] = []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text, n_pinyin = strip_pinyin(text)
    if n_pinyin:
        flags.append("pinyin_stripped")
    text, moji_flags = repair_mojibake(text)
    flags.extend(moji_flags)
    lines, infos, clean_flags = clean_lines(text)
    paragraphs, reflowed = reflow(lines, infos)
    if reflowed:
        flags.append("reflowed")
    flags.extend(sorted(clean_flags))
    original = "\n".join(paragraphs)
    simplified, aligned = to_simplified(original)
    script = detect_script(original, simplified)
    if simplified != original:
        flags.append("converted_t2s")
    if not aligned:
        flags.append("t2s_length_changed")
    return simplified, original, script, flags


def normalise_document(raw: RawDocument) -> NormalisedDocument:
    """Normalise a raw document (see the module docstring for the stages)."""
    text, original, script, flags = normalise_text(raw.text or "")
    for flag in raw.flags:
        if flag not in flags:
            flags.insert(0, flag)
    title = None
    if raw.title:
        title = normalise_text(raw.title)[0].replace("\n", " ").strip() or None
    return NormalisedDocument(raw.source_file, raw.sha256, text, original, script, flags, title)
