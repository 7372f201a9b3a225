"""Names in a comment: after a cue ("my neighbour", "called", "Mr"), or a listed first name.

The name rules of the redactor (redact.py runs them last, on text whose other personal data
is already a token). In capitals any name after a cue goes; in lower case only a listed first
name (and the surname after it), or a surname after "mr", "mrs", "ms". An organisation
thanked at the end or named after "landlord"/"called" ("Thanks Veolia", "my landlord Clarion
Housing") is not a name: its words are in data/organisations.txt.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .redact_words import census_first_names, common_words, first_names, organisation_words

# A word with a capital, the shape of a name (and of a street name in redact.py).
CAP_WORD = r"[A-Z][a-zA-Z'\-]+"

# A cue then one or two capitalised words. Relations and titles are always followed by a
# person; "called"/"named" only when they name someone ("a lad called Tyrone"), not when they
# are the verb ("I called Thames Water"), which replace_names checks from the words before.
NAME_CUES = re.compile(
    r"(?:\b(?P<cue>neighbour|neighbor|neighbours|neighbors|landlord|landlady|son|daughter|"
    r"husband|wife|partner|boyfriend|girlfriend|ex|brother|sister|friend|cousin|uncle|aunt|"
    r"called|named|name is|name's|known as|nicknamed)\s+"
    r"|\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+)"
    rf"(?P<who>{CAP_WORD}(?:\s+{CAP_WORD})?)"
)
# The same cues in lower case ("my neighbour john smith", "mr patel"): capitals tell nothing
# here, so the word after the cue must be a listed first name (not an ambiguous one: "called
# will") and the surname after it a word that is not common; after a title the surname alone.
_CUES_LOWER = (
    "neighbour neighbor neighbours neighbors landlord landlady son daughter husband wife partner "
    "boyfriend girlfriend ex brother sister friend cousin uncle aunt called named nicknamed mr "
    "mrs ms mx"
).split() + ["name is", "name's", "known as"]
# Searched in the comment lower-cased ("Neighbour john" too), the first name checked to be in
# lower case as typed: a case-insensitive pattern was three times slower to search.
NAME_CUES_LOWER = re.compile(
    r"\b(?P<cue>" + "|".join(sorted(_CUES_LOWER, key=len, reverse=True))
    + r")\.?\s+(?P<first>[a-z][a-z'\-]+)(?P<last>\s+[a-z][a-z'\-]+)?"
)
_TITLES_LOWER = {"mr", "mrs", "ms", "mx"}
_CALLING_VERB_BEFORE = re.compile(
    r"\b(?:I|i|we|they|he|she|you|have|has|had|was|were|'ve|just|already|and|then|who|"
    r"police|never|even|also|always|once|twice|someone|somebody|finally|eventually)\s+$"
)
# The cues an organisation can follow ("my landlord Clarion Housing", "a firm called Idverde").
# After "my neighbour", "my son" or "Mr" a word of the organisation list is a surname ("my
# neighbour Peabody", "Mr Bolt"), which the name list has kept out only when it is common.
_ORGANISATION_CUES = {"landlord", "called", "named"}
# Capitalised words that follow a cue but are not names ("I called Police", "my neighbour Lewisham").
_NOT_NAMES = set(
    "I The A An This That Police Council Lewisham Catford Deptford London Met Metropolitan "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April "
    "June July August September October November December Street Road Park Estate Housing "
    "Homes Mum Dad Crimestoppers Tfl TfL Ambulance Fire Brigade And But Then Because Today "
    "Yesterday Tonight Every".split()
)
_PLACE_WORDS = (
    "Road|Rd|Street|St|Avenue|Lane|Close|Way|Drive|Grove|Gardens|Place|Terrace|Crescent|Court|"
    "Hill|Rise|Walk|Square|Mews|Row|Park|Green|Estate|Station|School|Centre|Center|Bridge|"
    "Library|Hospital|House|Tower|Hall|Church|Line|line|College|Academy|Field|Fields|Wood|Common|"
    "Vale|Alley|Bank|Yard|Path|Villas|Towers|Parade|Passage|Wharf|Quay"
)
NAME_THEN_PLACE = re.compile(
    rf"^\s+(?:{CAP_WORD}\s+)?(?i:{_PLACE_WORDS})\b|^['\u2019]s?\s+(?i:{_PLACE_WORDS})\b"
)
PLACE_BEFORE = re.compile(r"(?:\bSt\.?|\bSaint|\bMount|\bKing|\bQueen|\bPrince|\bLady|\bLord)\s+$")


@lru_cache(maxsize=1)
def _lower_case_names_set() -> frozenset[str]:
    # Both lists: in lower case the cue has already said a name follows. A name either list
    # calls a word ("will", "may", "hope") stays out.
    curated, census = first_names(), census_first_names()
    ambiguous = {name.lower() for name in curated.ambiguous | census.ambiguous}
    return frozenset(name.lower() for name in curated.names | census.names) - ambiguous


@lru_cache(maxsize=1)
def _any_first_name() -> frozenset[str]:
    # Every listed first name, ambiguous ones too, lower case: before a word such as "Water"
    # a name ("Tracy Water") is read as a person, however unlikely the surname.
    names: set[str] = set()
    for listed in (first_names(), census_first_names()):
        names.update(name.lower() for name in listed.names | listed.ambiguous)
    return frozenset(names)


def _organisation(words: list[str]) -> bool:
    """Whether the words after a sign-off or a cue name an organisation or a service.

    "Thanks Veolia", "Thank you Thames Water", "my landlord Clarion Housing", "Parks Team".
    The shipped list (data/organisations.txt) holds no first name and no common surname, so
    "Thanks Morgan" and "Thanks, Rosa Parks" are still a person. Mixed-case acronyms are
    listed (TfL) rather than read from their shape: JoJo, LeAnn and McKay are names.
    """
    listed = organisation_words()
    first = words[0].lower()
    if first in listed.alone:
        return True
    return (len(words) > 1 and words[1].lower() in listed.after
            and first not in _any_first_name())


def _lower_case_names(text: str) -> str:
    """Names after a cue in text typed in lower case (see NAME_CUES_LOWER)."""
    names, common = _lower_case_names_set(), common_words()
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = text  # a few letters ("İ") change length when lowered: positions would slip
    out: list[str] = []
    position = 0
    while match := NAME_CUES_LOWER.search(lowered, position):
        cue, first, last = match.group("cue"), match.group("first"), match.group("last")
        after = text[match.end("first"):match.end("first") + 30]
        end = 0
        if cue in ("called", "named") and _CALLING_VERB_BEFORE.search(text[:match.start()]):
            pass  # "i called tyrone's mum" is the verb
        elif NAME_THEN_PLACE.match(after):
            pass  # "a road called albert road"
        elif not text[match.start("first"):match.end("first")].islower():
            pass  # capitalised: NAME_CUES has decided
        elif first in names:
            end = match.end("first")
            if last and _surname_like(last.strip(), common):
                end = match.end("last")
        elif cue in _TITLES_LOWER and _surname_like(first, common):
            end = match.end("first")
        if end:
            out.append(text[position:match.start("first")] + "[name]")
            position = end
        else:  # the word may be a cue itself: "we called mr patel"
            out.append(text[position:match.start("first")])
            position = match.start("first")
    out.append(text[position:])
    return "".join(out)


def _surname_like(word: str, common: frozenset[str]) -> bool:
    # Not a common word, nor a verb form ("john parked", "mr smith shouting").
    return (word not in common
            and not (len(word) > 4 and word.endswith(("ed", "ing"))))


# How residents sign off a comment ("Thanks, Tracy", "Best wishes, Delia Gaze", "Yours
# Carole"): the words after it, to the end of the comment, are the writer's own name.
SIGN_OFF = re.compile(
    r"\b(?i:(?:many\s+|huge\s+)?thanks(?:\s+(?:so|very)\s+much|\s+again|\s+in\s+advance)?"
    r"|thank\s+you(?:\s+(?:so|very)\s+much|\s+kindly|\s+in\s+advance)?"
    r"|(?:kind\s+|best\s+|warm\s+)?regards|best\s+wishes|yours(?:\s+(?:sincerely|faithfully|truly))?"
    r"|cheers|sincerely)[\s,.!:;\-]+"
    r"(?P<who>[A-Za-z][a-zA-Z'\-]+(?:\s+[A-Za-z][a-zA-Z'\-]+)?)[\s.!]*$"
)

# Who a comment thanks when it thanks no one by name.
_SIGNED_BY_NO_ONE = set("all everyone everybody team guys folks mate sir madam council".split())


def _sign_off(text: str) -> str:
    """The writer's name after a sign-off at the end of the comment."""
    match = SIGN_OFF.search(text)
    if match is None:
        return text
    words = match.group("who").split()
    first = words[0]
    if (first in _NOT_NAMES or first.isupper() or first.lower() in common_words()
            or first.lower() in _SIGNED_BY_NO_ONE or _organisation(words)):
        return text  # "Thanks Lewisham", "thanks LBL", "thank you all", "Thanks Veolia"
    if first.islower() and first not in _lower_case_names_set():
        return text  # in lower case only a listed name: "cheers mate"
    return text[:match.start("who")] + "[name]" + text[match.end("who"):]


def replace_names(text: str) -> str:
    listed = first_names()
    text = _sign_off(text)

    def cued(match: re.Match[str]) -> str:
        words = match.group("who").split()
        if words[0] in _NOT_NAMES or words[0].isupper():
            return match.group(0)
        cue = match.group("cue") or ""
        if cue in _ORGANISATION_CUES and _organisation(words):
            return match.group(0)  # "my landlord Peabody", "a contractor called Glendale"
        if cue in ("called", "named") and _CALLING_VERB_BEFORE.search(text[:match.start()]):
            return match.group(0)
        if NAME_THEN_PLACE.match(text[match.end("who"):match.end("who") + 30]):
            return match.group(0)  # "named after Albert Road" is a place
        keep = 2 if len(words) == 2 and words[1] not in _NOT_NAMES else 1
        rest = " " + " ".join(words[keep:]) if len(words) > keep else ""
        start = match.start("who") - match.start(0)
        return match.group(0)[:start] + "[name]" + rest

    text = _lower_case_names(NAME_CUES.sub(cued, text))

    # A listed first name, and the capitalised surname right after it when there is one.
    out: list[str] = []
    position = 0
    words = list(re.finditer(rf"\b{CAP_WORD}\b", text))
    skip_until = -1
    for index, word in enumerate(words):
        if word.start() < skip_until or word.group(0) not in listed.names:
            continue
        after = text[word.end():word.end() + 30]
        before = text[max(0, word.start() - 10):word.start()]
        if NAME_THEN_PLACE.match(after) or PLACE_BEFORE.search(before):
            continue
        end = word.end()
        if index + 1 < len(words):
            following = words[index + 1]
            gap = text[word.end():following.start()]
            if gap.strip() == "" and following.group(0) not in _NOT_NAMES:
                end = following.end()
        out.append(text[position:word.start()])
        out.append("[name]")
        position = skip_until = end
    out.append(text[position:])
    return "".join(out)
