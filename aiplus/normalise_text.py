"""Step 2: normalise a document's text (placeholder, replaced by the full version)."""

from __future__ import annotations

import re

from opencc import OpenCC

from aiplus.records import NormalisedDocument, RawDocument

_T2S = OpenCC("t2s")
PINYIN_AFTER_HANZI = re.compile(r"(?<=[\u4e00-\u9fff])\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]+\)")


def normalise_document(raw: RawDocument) -> NormalisedDocument:
    original = PINYIN_AFTER_HANZI.sub("", raw.text or "")
    text = _T2S.convert(original)
    script = "traditional" if text != original else "simplified"
    return NormalisedDocument(raw.source_file, raw.sha256, text, original, script, [], raw.title)
