"""Headlines gathered apart from their bodies: some newspaper pages print every headline of the page
in one place and the dateline articles, untitled, elsewhere.  Each gathered headline goes to the
untitled article that shares most of its (rare) bigrams.
"""

from __future__ import annotations

from collections import Counter

from aiplus.ingest.paragraphs import Para
from aiplus.ingest.segments import Segment, bigrams

HEADLINE_CLUSTER_MIN = 3
HEADLINE_MATCH_MIN = 0.15  # weighted share of a headline's bigrams found in the article
HEADLINE_MATCH_WEAK = 0.03  # enough for the headlines and articles left over after the first pass


def cut_gathered_headlines(paras: list[Para], segs: list[Segment]) -> list[Segment]:
    """Give untitled articles their gathered headlines, drop the headlines from the article before, and
    let a body that follows them without a start of its own open the next article."""
    floor = -1
    for c0, c1 in headline_clusters(paras, segs):
        titles = match_gathered_headlines(paras, segs, (c0, c1), floor)
        floor = c1
        if not titles:
            continue
        for i, title in titles.items():
            segs[i].title = title
            segs[i].flags.append("headline_matched_from_end")
        for i, s in enumerate(segs):
            if s.first <= c0 <= s.last:
                tail_last = s.last
                s.last = c0 - 1
                if c1 + 1 <= tail_last:
                    orphan = Segment(c1 + 1, tail_last, [], None, flags=["follows_gathered_headlines"])
                    nxt = segs[i + 1] if i + 1 < len(segs) else None
                    if nxt is not None and nxt.first == tail_last + 1 and nxt.dateline is None and nxt.title_paras:
                        # A sidebar or continuation right before a headline + byline belongs to that article.
                        nxt.first = orphan.first
                        nxt.flags.append("follows_gathered_headlines")
                    else:
                        segs.insert(i + 1, orphan)
                break
    return segs


def headline_clusters(paras: list[Para], segs: list[Segment]) -> list[tuple[int, int]]:
    """Runs of headlines gathered apart from their bodies: ≥3 headline lines with no body between them,
    not directly above a dateline, on a page with untitled dateline articles."""
    untitled = [s for s in segs if s.dateline is not None and not s.title_paras]
    if len(untitled) < 2:
        return []
    clusters = []
    k = 0
    n = len(paras)
    while k < n:
        if paras[k].kind == "heading":
            j = k
            while j + 1 < n and paras[j + 1].kind == "heading":
                j += 1
            nxt = paras[j + 1].kind if j + 1 < n else None
            if j - k + 1 >= HEADLINE_CLUSTER_MIN and nxt != "dateline":
                clusters.append((k, j))
            k = j + 1
        else:
            k += 1
    return clusters


def match_gathered_headlines(paras: list[Para], segs: list[Segment],
                             cluster: tuple[int, int], floor: int = -1) -> dict[int, str]:
    """Match gathered headlines to untitled dateline articles by the (rare) bigrams they share.

    Returns {index in ``segs``: headline}.  Lines of one block (no blank line between them) form one
    headline; adjacent blocks that point at the same article are merged (title + subtitle).
    """
    c0, c1 = cluster
    # Candidates: the untitled articles of the same page, i.e. after the previous cluster.
    untitled = [i for i, s in enumerate(segs) if s.dateline is not None and not s.title_paras and s.title is None
                and floor < s.first <= c0]
    if not untitled:
        return {}
    groups = _headline_groups(paras, c0, c1)
    score = _headline_scores(paras, groups, _article_bigrams(paras, segs, untitled, c0))
    owner = _pair_headlines(score, len(untitled))
    _join_headline_parts(score, owner)
    # A run of short lines that mostly matches no article is a list inside an article, not headlines.
    if len(set(owner.values())) < 2 or len(owner) < (len(groups) + 1) // 2:
        return {}
    out: dict[int, str] = {}
    for g in range(len(groups)):  # in page order, so a title comes before its subtitle
        if g in owner:
            seg_index = untitled[owner[g]]
            text = " ".join(paras[k].text for k in groups[g])
            out[seg_index] = f"{out[seg_index]} {text}" if seg_index in out else text
    return out


def _article_bigrams(paras: list[Para], segs: list[Segment], untitled: list[int], c0: int) -> list[set[str]]:
    """The bigrams of each candidate article's own text: the cluster at ``c0``, and what follows it
    inside the same segment, left out."""
    bodies = []
    for i in untitled:
        s = segs[i]
        last = c0 - 1 if s.first <= c0 <= s.last else s.last
        bodies.append(bigrams("".join(paras[k].text for k in range(s.first, last + 1))))
    return bodies


def _headline_groups(paras: list[Para], c0: int, c1: int) -> list[list[int]]:
    """The headlines of cluster c0..c1: lines not separated by a blank line form one."""
    groups: list[list[int]] = []
    for k in range(c0, c1 + 1):
        if groups and not paras[k].blank_before:
            groups[-1].append(k)
        else:
            groups.append([k])
    return groups


def _headline_scores(paras: list[Para], groups: list[list[int]], bodies: list[set[str]]) -> list[list[float]]:
    """For each headline and each article, the share of the headline's bigrams found in the article,
    each bigram weighted by how few articles have it."""
    df = Counter(b for body in bodies for b in body)

    def scores(text: str) -> list[float]:
        grams = bigrams(text)
        if not grams:
            return [0.0] * len(bodies)
        return [sum(1.0 / df[g] for g in grams if g in body) / len(grams) for body in bodies]

    return [scores("".join(paras[k].text for k in g)) for g in groups]


def _pair_headlines(score: list[list[float]], n_articles: int) -> dict[int, int]:
    """One headline per article, best pairs first; then the leftovers, on weaker evidence.

    Returns {headline: article}, both as positions in their lists.
    """
    owner: dict[int, int] = {}
    for threshold in (HEADLINE_MATCH_MIN, HEADLINE_MATCH_WEAK):
        pairs = sorted(((score[g][a], g, a) for g in range(len(score)) for a in range(n_articles)
                        if g not in owner and score[g][a] > threshold), reverse=True)
        taken = set(owner.values())
        for _, g, a in pairs:
            if g in owner or a in taken:
                continue
            owner[g] = a
            taken.add(a)
    return owner


def _join_headline_parts(score: list[list[float]], owner: dict[int, int]) -> None:
    """A headline left over that points at the same article as its neighbour is that headline's other
    part (title + subtitle split by a blank line)."""
    best = [max(range(len(sc)), key=lambda a: sc[a]) for sc in score]
    for g in range(len(score)):
        if g in owner or score[g][best[g]] <= 0:
            continue
        for nb in (g - 1, g + 1):
            if owner.get(nb) == best[g]:
                owner[g] = best[g]
                break
