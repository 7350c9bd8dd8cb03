"""The organisations of an initiative and their roles, read from its evidence sentence."""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from aiplus.extract.initiative_words import (BEFORE_IN_SIGNING, BEFORE_ORGANISER, ORG_JOIN_WORDS, ORG_JOINERS, ROLE_GAP,
                                             ROLE_OF_WORD, SIGNING_WORDS, VENUE_THEN_VERB)
from aiplus.records import OrganisationMention


def link_organisations(sentence: str, organisations: list[OrganisationMention],
                       text_start: int) -> list[tuple[str, str]]:
    """(canonical name, role) for organisations named in the evidence sentence.

    The role comes from the verb right after the organisation (主办/举办 → organiser,
    承办/运营 → operator, 捐赠/投资 → funder, 参加 → participant), from 由…/与…签约
    before it, or from a signing sentence (partner).  Organisations listed together
    (A、B与C联合研发) share the role of the last one.
    """
    inside = sorted((o for o in organisations
                     if o.start >= text_start and o.end <= text_start + len(sentence) and not o.is_region),
                    key=lambda o: o.start)
    return links_of(sentence, inside, text_start)


class OrganisationsByStart:
    """An article's organisations (not the regions acting as bodies) by their start, to find those of a
    sentence by bisection: what ``link_organisations`` looks through every time."""

    def __init__(self, organisations: list[OrganisationMention]):
        self.mentions = sorted((o for o in organisations if not o.is_region), key=lambda o: o.start)
        self.starts = [o.start for o in self.mentions]

    def links(self, sentence: str, text_start: int) -> list[tuple[str, str]]:
        """``link_organisations(sentence, organisations, text_start)``."""
        text_end = text_start + len(sentence)
        lo = bisect_left(self.starts, text_start)
        hi = bisect_right(self.starts, text_end)
        return links_of(sentence, [o for o in self.mentions[lo:hi] if o.end <= text_end], text_start)


def links_of(sentence: str, inside: list[OrganisationMention], text_start: int) -> list[tuple[str, str]]:
    """(canonical name, role) of the organisations ``inside`` the sentence (in the order of their start)."""
    signing = any(w in sentence for w in SIGNING_WORDS)
    roles = [_role_of(org, sentence, text_start, signing) for org in inside]
    _share_roles(sentence, inside, roles, text_start)
    links: dict[str, str] = {}
    for org, role in zip(inside, roles):
        if role and (org.name not in links or links[org.name] == "participant"):
            links[org.name] = role
    return sorted(links.items())


def _role_of(org: OrganisationMention, sentence: str, text_start: int, signing: bool) -> str | None:
    """The role of one mention from the words around it, None when they say nothing."""
    a = org.end - text_start
    after = sentence[a : a + 14]
    gap = ROLE_GAP.match(after).end()
    before = sentence[max(0, org.start - text_start - 3) : org.start - text_start]
    role = ROLE_OF_WORD.get(after[gap : gap + 2])
    if role is None and VENUE_THEN_VERB.match(after, gap):
        role = "organiser"  # 某县农业农村局在城关镇举办…
    if role is None:
        if before.endswith(BEFORE_IN_SIGNING) and signing:
            role = "partner"
        elif before.endswith(BEFORE_ORGANISER):
            role = "organiser"
        elif signing:
            role = "partner"
    return role


def _share_roles(sentence: str, inside: list[OrganisationMention], roles: list[str | None], text_start: int) -> None:
    """Give organisations listed together the role of the one after them, else of the one before them."""
    def listed_together(k: int) -> bool:
        between = sentence[inside[k].end - text_start : inside[k + 1].start - text_start].strip()
        return between in ORG_JOIN_WORDS or (len(between) <= 2 and all(ch in ORG_JOINERS for ch in between))

    for k in range(len(inside) - 2, -1, -1):
        if roles[k] is None and roles[k + 1] is not None and listed_together(k):
            roles[k] = roles[k + 1]
    for k in range(1, len(inside)):
        if roles[k] is None and roles[k - 1] is not None and listed_together(k - 1):
            roles[k] = roles[k - 1]
