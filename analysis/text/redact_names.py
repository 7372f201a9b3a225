"""Names in a comment: after a cue ("my neighbour", "called", "Mr"), or a listed first name.

The name rules of the redactor (redact.py runs them last, on text whose other personal data
is already a token). In capitals any name after a cue goes; in lower case a listed first name
(and the surname after it), a word that is no English word ("my neighbour mehmet"), a
surname after "mr", "mrs", "ms", "sgt", "cllr", or a census surname that is an English word
too after a title or a rank ("officer smith", "dr baker", "pc white": data/surnames.txt). An
organisation thanked at the end or named after "landlord"/"called" ("Thanks Veolia", "my
landlord Clarion Housing", "Thanks Brent Council") is not a name: its words are in
data/organisations.txt and data/places.txt.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .redact_words import (census_first_names, common_words, english_words, first_names,
                           organisation_words, place_words, surnames)

# A word with a capital, the shape of a name (and of a street name in redact.py).
CAP_WORD = r"[A-Z][a-zA-Z'\-]+"

# A cue then one or two capitalised words. Relations and titles are always followed by a
# person; "called"/"named" only when they name someone ("a lad called Tyrone"), not when they
# are the verb ("I called Thames Water"), which replace_names checks from the words before.
NAME_CUES = re.compile(
    r"(?:\b(?P<cue>neighbour|neighbor|neighbours|neighbors|landlord|landlady|son|daughter|"
    r"husband|wife|partner|boyfriend|girlfriend|ex|brother|sister|friend|cousin|uncle|aunt|"
    r"tenant|lodger|flatmate|housemate|officer|sergeant|inspector|councillor|detective|"
    r"constable|called|named|name is|name's|known as|nicknamed)\s+"
    r"|\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|PC|PCSO|Sgt|Sergeant|Officer|Inspector|Insp|Cllr|"
    r"Councillor|Det|Detective|Constable|Cyng|Cynghorydd)\.?\s+)"
    # A rank after a rank is not the name ("Detective Sergeant Smith"): the search goes on
    # to the second rank, whose name follows.
    r"(?!(?:PC|PCSO|Sgt|Sergeant|Officer|Inspector|Insp|Constable|Det|Detective)\b)"
    rf"(?P<who>{CAP_WORD}(?:\s+{CAP_WORD})?)"
)
# The same cues in lower case ("my neighbour john smith", "mr patel"): capitals tell nothing
# here, so the word after the cue must be a listed first name (not an ambiguous one: "called
# will") or no English word at all ("my neighbour mehmet"), and the surname after it a word
# that is not common; after a title the surname alone. "Cyng." is the Welsh "Cllr."
_RANKS_LOWER = {"pc", "pcso", "sgt", "insp", "cllr", "det", "cyng"}
# Ranks in full, and "dr": nouns as well as titles ("the officer came", "a councillor
# surgery"), so after them only a word that is no English word or a listed surname
# (data/surnames.txt: "officer smith", "dr baker") is a name.
_RANKS_IN_FULL = {"officer", "sergeant", "inspector", "councillor", "detective", "constable",
                  "cynghorydd", "dr"}
_CUES_LOWER = (
    "neighbour neighbor neighbours neighbors landlord landlady son daughter husband wife partner "
    "boyfriend girlfriend ex brother sister friend cousin uncle aunt mate tenant tenants lodger "
    "flatmate housemate called named nicknamed mr mrs ms mx"
).split() + ["name is", "name's", "known as"] + sorted(_RANKS_LOWER | _RANKS_IN_FULL)
# Searched in the comment lower-cased ("Neighbour john" too), the first name checked to be in
# lower case as typed: a case-insensitive pattern was three times slower to search.
NAME_CUES_LOWER = re.compile(
    r"\b(?P<cue>" + "|".join(sorted(_CUES_LOWER, key=len, reverse=True))
    + r")\.?\s+(?P<first>[a-z][a-z'\-]+)(?P<last>\s+[a-z][a-z'\-]+)?"
)
_TITLES_LOWER = {"mr", "mrs", "ms", "mx"}
# A rank's abbreviation with no article before it is a title ("sgt jones", "cllr mayhew": any
# surname that is not a common word); after one it is a noun ("my pc crashed") and only a
# word that is no English word is a name. "pc" is also a computer ("pc world", "pc games"),
# so after it an English word goes only when the census gives it as a surname ("pc baker",
# "pc long"; the words never read after the ranks in full count here).
_ARTICLE_BEFORE = re.compile(
    r"\b(?:the|a|an|my|our|your|his|her|their|this|that|every|each|another|any|no|one|new|"
    r"old)\s+$", re.IGNORECASE)
# An apostrophe then letters after a word: a possessive ("mehmet’s") or a contraction
# ("wasn’t"), typed with either apostrophe.
_APOSTROPHE_AFTER = re.compile(r"['\u2019]([a-z]+)")
_VOWEL = re.compile(r"[aeiouy]")
# "dr" after a street's name is a drive ("acacia dr opposite", "brookehowse dr park"): the
# word before it is then in no common word list, no cue, no verb in the past ("rang dr
# smith", "contacted dr baker"), no word for a doctor ("my gp dr smith") and three letters
# or more.
_WORD_BEFORE = re.compile(r"([a-z][a-z'\-]*)\s+$")
_WORDS_BEFORE_DR = {"rang", "met", "ring", "phone", "phoned", "call", "email", "emailed",
                    "contact", "ask", "tell", "thank", "thanks", "visit", "seeing", "doctor",
                    "doctors", "surgery", "practice", "consultant", "gp's"}
_CALLING_VERB_BEFORE = re.compile(
    r"\b(?:I|i|we|they|he|she|you|have|has|had|was|were|'ve|just|already|and|then|who|"
    r"police|never|even|also|always|once|twice|someone|somebody|finally|eventually)\s+$"
)
# The cues an organisation can follow ("my landlord Clarion Housing", "a firm called Idverde").
# After "my neighbour", "my son" or "Mr" a word of the organisation list is a surname ("my
# neighbour Peabody", "Mr Bolt"), which the name list has kept out only when it is common.
_ORGANISATION_CUES = {"landlord", "called", "named"}
# Words that make a borough or ward before them an organisation ("Brent Council", "Catford
# Police", "Lewisham Homes") even where the place is a first name too (Brent, Evelyn): as
# surnames they are rare (Council 0.004% of people, Homes 0.001%, in the 1990 US Census).
_AFTER_A_PLACE = {"council", "councils", "borough", "homes", "housing", "police"}
# Capitalised words that follow a cue but are not names ("I called Police", "my neighbour
# Lewisham", "Councillor Surgery", "Police Officer Training", "PC World").
_NOT_NAMES = set(
    "I The A An This That Police Council Lewisham Catford Deptford London Met Metropolitan "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April "
    "June July August September October November December Street Road Park Estate Housing "
    "Homes Mum Dad Crimestoppers Tfl TfL Ambulance Fire Brigade And But Then Because Today "
    "Yesterday Tonight Every Surgery Surgeries Training Patrol Patrols Support World".split()
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
    if first in listed.alone or _place_organisation(words):
        return True
    return (len(words) > 1 and words[1].lower() in listed.after
            and first not in _any_first_name())


def _place_organisation(words: list[str]) -> bool:
    # "Brent Council", "Evelyn Housing": data/places.txt holds the boroughs and wards.
    return (len(words) > 1 and words[1].lower() in _AFTER_A_PLACE
            and words[0].lower() in place_words())


def _unknown_word(word: str, cue: str) -> bool:
    """Whether a lower-case word after a cue, in no name list, reads as a name.

    Not an English word (data/english_words.txt, with contractions typed without their
    apostrophe: "dont") nor a common one, and shaped like a name (three letters or more, a
    vowel: not "lbl" or "bbq"). After "landlord", "called", "named" an organisation or a
    place is not a name ("my landlord peabody", "an estate called downham").
    """
    if (len(word) < 3 or not _VOWEL.search(word) or word in common_words()
            or word in english_words()):
        return False
    if cue in _ORGANISATION_CUES:
        listed = organisation_words()
        return word not in listed.alone and word not in listed.after and word not in place_words()
    return True


def _as_typed(text: str, start: int, end: int) -> tuple[str, int]:
    """The word text[start:end] as read for a name, and where a name there would end.

    A possessive is left outside the name ("[name]’s van"); a contraction is read whole, so
    that "wasn’t" is the English word it is and not the unknown "wasn".
    """
    word = text[start:end]
    if word.endswith("'s"):
        return word[:-2], end - 2
    apostrophe = _APOSTROPHE_AFTER.match(text, end)
    if apostrophe and apostrophe.group(1) != "s":
        return word + "'" + apostrophe.group(1), apostrophe.end()
    return word, end


def _lower_case_names(text: str) -> str:
    """Names after a cue in text typed in lower case (see NAME_CUES_LOWER)."""
    names, common, listed = _lower_case_names_set(), common_words(), surnames()
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = text  # a few letters ("İ") change length when lowered: positions would slip
    out: list[str] = []
    position = 0
    while match := NAME_CUES_LOWER.search(lowered, position):
        cue, last = match.group("cue"), match.group("last")
        first, first_end = _as_typed(lowered, match.start("first"), match.end("first"))
        after = text[first_end:first_end + 30]
        title = cue in _TITLES_LOWER or (
            cue in _RANKS_LOWER and not _ARTICLE_BEFORE.search(text, 0, match.start()))
        # After a rank with an article before it ("the sgt", "my pc") a listed surname too,
        # but not after "pc": "my pc baker" is no one.
        rank = title or cue in _RANKS_IN_FULL or (cue in _RANKS_LOWER and cue != "pc")
        if cue == "dr" and _a_drive(lowered, match.start()):
            rank = False
        end = 0
        if cue in ("called", "named") and _CALLING_VERB_BEFORE.search(text[:match.start()]):
            pass  # "i called tyrone's mum" is the verb
        elif NAME_THEN_PLACE.match(after):
            pass  # "a road called albert road"
        elif not text[match.start("first"):first_end].islower():
            pass  # capitalised: NAME_CUES has decided
        elif first in names or _unknown_word(first, cue):
            end = first_end
            # The surname of an unknown first name must be unknown too: "mehmet keeps".
            surname = last.strip() if last else ""
            if (last and first_end == match.end("first") and _surname_like(surname, common)
                    and (first in names or surname not in english_words()
                         or surname in listed.names)):
                end = match.end("last")
        elif rank and first in listed.names and (first not in common
                                                 or cue not in _RANKS_IN_FULL):
            # "officer smith", "sgt white", "mrs wood": a listed surname. A colour (a common
            # word) after a rank in full describes: "officer white male".
            end = first_end
        elif (title and "'" not in first and _surname_like(first, common)
              and (cue != "pc" or first not in english_words() or first in listed.ambiguous)):
            end = first_end
        if end:
            out.append(text[position:match.start("first")] + "[name]")
            position = end
        else:  # the word may be a cue itself: "we called mr patel"
            out.append(text[position:match.start("first")])
            position = match.start("first")
    out.append(text[position:])
    return "".join(out)


def _a_drive(lowered: str, start: int) -> bool:
    """Whether the "dr" at ``start`` ends a street's name ("acacia dr opposite")."""
    before = _WORD_BEFORE.search(lowered, max(0, start - 40), start)
    if before is None:
        return False
    word = before.group(1)
    return not (len(word) < 3 or word in common_words() or word in _WORDS_BEFORE_DR
                or word in _CUES_LOWER or word.endswith("ed"))


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
_SIGNED_BY_NO_ONE = set(
    "all everyone everybody team guys folks mate sir madam council bruv bro fam hun luv".split())


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
    end = match.end("who")
    if first.islower() and first not in _lower_case_names_set():
        if not _unknown_word(first, "thanks"):
            return text  # in lower case a listed name or no English word: not "cheers mate"
        if len(words) > 1 and words[1].lower() in english_words():
            end = match.start("who") + len(first)  # "thanks mehmet appreciated"
    return text[:match.start("who")] + "[name]" + text[end:]


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
        if index + 1 < len(words) and not text[word.end():words[index + 1].start()].strip():
            following = words[index + 1].group(0)
            if _place_organisation([word.group(0), following]):
                continue  # "Evelyn Council", "Chelsea Housing"
            if following not in _NOT_NAMES:
                end = words[index + 1].end()
        out.append(text[position:word.start()])
        out.append("[name]")
        position = skip_until = end
    out.append(text[position:])
    return "".join(out)
