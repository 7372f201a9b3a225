"""Remove personal data from a resident's comment before anyone reads it.

Each kind of personal data is replaced by a token ([email], [phone], [postcode], [address],
[vehicle], [name]). The rules lean towards keeping ordinary words: a road number (A21), a
street used as a place ("on Lewisham Way"), a year or a time stays as written. Only a street
*with a house number* is an address, and a name is redacted when it is recognisable: after a
cue ("my neighbour", "called", "Mr") or as a common first name from the shipped list.

Residents type on phones, often all in lower case, where capitals no longer tell a name or a
street from a word. There a street after a house number, a name after a cue (a listed first
name or a word that is no English word, a surname after "mr", "sgt", or a census surname
after a title or a rank: "officer smith", "pc baker"), a plate ("lk19xwp",
"lk 19 xwp") and an e-mail address read out ("jo dot bloggs at example dot net") are
redacted unless a word in them is in the shipped list of common words
(data/common_words.txt). Each such rule was checked against
the public FixMyStreet reports with ``python -m bench.redaction --compare REV``.

The name rules are in redact_names.py, the shipped word lists in redact_words.py.
"""
from __future__ import annotations

import re

from .redact_names import CAP_WORD, replace_names
from .redact_words import NameList, common_words, first_names

# The word lists keep the import path they had before the split (tests read them from here).
__all__ = ["NameList", "common_words", "first_names", "redact"]

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# An address read out: "jo dot bloggs at example dot net", "name (at) gmail.com". It ends in a
# known top-level domain, so "meet at the park" never matches; the word before "at" must not
# be a common word ("look at bbc dot co dot uk"), which _spelled_email checks.
_TLDS = r"(?:com|net|org|uk|io|me|info|biz|co|eu|ie|edu|gov|ac)"
_AT = r"(?:\s+at\s+|\s*[(\[{]\s*at\s*[)\]}]\s*)"
_DOT = r"(?:\s+dot\s+|\s*[(\[{]\s*dot\s*[)\]}]\s*|\.)"
SPELLED_EMAIL = re.compile(
    rf"(?i)(?<![\w.@-])(?P<local>[\w+-]+(?:{_DOT}[\w+-]+)*){_AT}[\w-]+(?:{_DOT}[\w-]+)*{_DOT}"
    rf"{_TLDS}(?![\w@])"
)
# Searched first: most comments have no domain ending, and the full pattern is slow to fail.
_DOMAIN_END = re.compile(rf"(?i)(?:dot|[.)\]}}])\s*{_TLDS}\b")

# A candidate phone number: starts like a UK number, then digits with spaces, dashes or
# brackets. The digit count is checked afterwards so "24/7" or "2019 - 2023" never match.
PHONE_CANDIDATE = re.compile(r"(?<![\w+])(?:\+\s?44|0044|\(?0)[\d\s()\-]{8,17}\d(?!\w)")

_POSTCODE_AREAS = (
    "AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT "
    "DY E EC EH EN EX FK FY G GL GU HA HD HG HP HR HS HU HX IG IP IV KA KT KW KY L LA LD LE LL "
    "LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL "
    "SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE"
).split()
_AREA = "|".join(sorted(_POSTCODE_AREAS, key=len, reverse=True))
# Full postcode: outward code + inward code (digit and two letters). Unambiguous in any case.
FULL_POSTCODE = re.compile(
    rf"(?<![\w])(?:{_AREA})\d[A-Z\d]?\s*\d[ABD-HJLNP-UW-Z]{{2}}(?![\w])", re.IGNORECASE
)
# Outward code alone only for London-area districts, where a resident means a place; single
# letters (E, N, W) must be capitals. M25, A21, B1 (roads) are never read as postcodes.
OUTWARD_ONLY = re.compile(
    r"(?<![\w/-])(?:(?i:SE|SW|NW|EC|WC|BR|CR|DA|KT|SM|TW|HA|UB|EN|IG|RM)\d{1,2}[A-Z]?"
    r"|(?:E|N|W)\d{1,2}[A-Z]?)(?![\w/-])"
)

STREET_SUFFIXES = (
    "Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Close|Cl|Way|Drive|Dr|Grove|Gardens|Gdns|Place|Pl|"
    "Terrace|Tce|Crescent|Cres|Court|Ct|Hill|Rise|Walk|Square|Sq|Mews|Row|Vale|Parade|Gate|"
    "Park|Green|Estate|Yard|Wharf|Passage|Approach|Broadway|Vale|View|End"
)
_ANY_WORD = r"[A-Za-z][a-zA-Z'\-]+"
_HOUSE_NUMBER = r"(?<![/\d:.-])\b\d{1,3}[A-Za-z]?(?:\s?-\s?\d{1,4}[A-Za-z]?)?,?\s+"
# The flat before an address joins it afterwards ("Flat 3, [address]"): as an optional start
# of the patterns above it made every position of every comment slower to search.
FLAT_THEN_ADDRESS = re.compile(r"\b(?i:flat|apartment|apt)\s+\d+[A-Za-z]?,?\s+\[address\]")
# A house number (or flat/number range) then one to three capitalised words then a suffix.
# Up to three digits, so a year ("in 2019 Lewisham Way was shut") is never a house number.
ADDRESS = re.compile(
    rf"{_HOUSE_NUMBER}(?:{CAP_WORD}\s+){{1,3}}(?i:{STREET_SUFFIXES})\b\.?"
)
# The same typed in lower case ("42 brangbourne road"), found by the fewest words that reach
# a suffix (quick to fail); _addresses_any_case then takes the whole street from there.
ADDRESS_ANY_CASE = re.compile(
    rf"{_HOUSE_NUMBER}(?P<street>(?:{_ANY_WORD}\s+){{1,3}}?)"
    rf"(?P<suffix>(?i:{STREET_SUFFIXES}))\b\.?"
)
# Exactly n street words then a suffix, matched where the street starts: a longer street
# ("forest hill road" after "forest hill") is tried before the shortest one found.
_STREET_OF = {n: re.compile(rf"(?P<street>(?:{_ANY_WORD}\s+){{{n}}})"
                            rf"(?P<suffix>(?i:{STREET_SUFFIXES}))\b\.?")
              for n in (1, 2, 3)}
# Suffixes that are everyday words in lower case ("5 weeks blocking view", "2 big green"):
# after a street name typed in lower case they are not read as a suffix.
_LOWER_CASE_NOT_SUFFIXES = {"green", "end", "view", "square", "walk", "gate", "row", "yard",
                            "passage", "approach", "st", "ct", "pl", "cl", "dr", "ln"}

# Vehicle registrations. Current format (2001-): two letters, two age digits, three letters.
VEHICLE_CURRENT = re.compile(r"\b[A-HJ-PR-Y][A-HJ-PR-Y]\s?(?:0[2-9]|[1-7]\d)\s?[A-HJ-PR-Z]{3}\b")
# Prefix (1983-2001: A123 BCD) and suffix (1963-1983: ABC 123D) formats.
VEHICLE_PREFIX = re.compile(r"\b[A-HJ-NP-Y]\d{1,3}\s?[A-HJ-PR-Y]{3}\b")
VEHICLE_SUFFIX = re.compile(r"\b[A-HJ-PR-Y]{3}\s?\d{1,3}[A-HJ-NP-Y]\b")
# In lower or mixed case ("lk19 xwp", "Lk19Xwp") with letters and digits run together; spaced
# ("lk 19 xwp") only when neither letter group is a common word: "to 20 the", "at 63 snd",
# "no 25 was" are shaped like plates. The prefix format only run together with
# two or three digits ("p202opo"); in lower case "a21 has", "x2 bed" are words. The suffix
# format ("abc 123d") stays capitals only: on the public reports, in lower case, it matched
# words every time ("and 15b", "the 10T") and a plate never.
# One loose search finds candidates for both, checked upper-cased against the exact formats.
PLATE_ANY_CASE = re.compile(r"(?<![A-Za-z])[A-Za-z]{1,2}\s?\d{2,3}\s?[A-Za-z]{3}\b")
_CURRENT_JOINED = re.compile(r"[A-HJ-PR-Y]{2}(?:0[2-9]|[1-7]\d)\s?[A-HJ-PR-Z]{3}")
_PREFIX_JOINED = re.compile(r"[A-HJ-NP-Y]\d{2,3}[A-HJ-PR-Y]{3}")
# Three-letter groups that are words, for text written in capitals ("A21 AND", "THE 12B").
_WORDS_NOT_PLATES = set(
    "AND THE FOR ARE NOT BUT YOU ALL ANY CAN HAD HER WAS ONE OUR OUT DAY GET HAS HIM HIS HOW "
    "MAN NEW NOW OLD SEE TWO WAY WHO BOY DID ITS LET PUT SAY SHE TOO USE BUS CAR VAN CCTV "
    "PCS RED BAD BIG FEW GOT LOT MAY OFF RUN SET TOP YES YET AGO ROAD".split()
)

def _spelled_email(match: re.Match[str]) -> str:
    local = match.group("local").split()[0].lower()
    return match.group(0) if local in common_words() else "[email]"


def _is_phone(text: str) -> bool:
    digits = re.sub(r"\D", "", text)
    if digits.startswith("0044"):
        digits = "0" + digits[4:]
    elif digits.startswith("44") and text.lstrip().startswith("+"):
        digits = "0" + digits[2:]
    if digits.startswith("00"):
        digits = "0" + digits[2:].lstrip("0")  # "+44 (0)20 ..." repeats the trunk zero
    return digits.startswith("0") and digits[1:2] in "123578" and len(digits) in (10, 11)


# The end of each group of digits in a candidate that more digits follow.
_GROUP_END = re.compile(r"\d(?=[\s()\-]+\d)")


def _phone_length(candidate: str) -> int:
    """How much of a candidate, from its start, is one phone number (0: none of it).

    The whole candidate, else its longest run of leading groups: a number run into more
    digits ("07700 900461 020 8690 4417", "07700 900461 12 Park Road") is too long as a
    whole, yet its first groups are still someone's number.
    """
    if _is_phone(candidate):
        return len(candidate)
    for end in reversed([m.end() for m in _GROUP_END.finditer(candidate)]):
        if _is_phone(candidate[:end]):
            return end
    return 0


def _phones(text: str) -> str:
    # Not one re.sub: after a number cut from the front of a candidate, the search goes on
    # from the cut, so the digits that followed it are read again as a candidate of their own.
    out: list[str] = []
    position = 0
    while match := PHONE_CANDIDATE.search(text, position):
        length = _phone_length(match.group(0))
        if length:
            out.append(text[position:match.start()] + "[phone]")
            position = match.start() + length
        else:
            out.append(text[position:match.end()])
            position = match.end()
    out.append(text[position:])
    return "".join(out)


def _postcode(match: re.Match[str]) -> str:
    # "W1 2nd floor" or "LS1 3rd" read as ordinals, not inward codes.
    if re.search(r"\d(?:st|nd|rd|th)$", match.group(0)):
        return match.group(0)
    return "[postcode]"


def _is_street(match: re.Match[str]) -> bool:
    # Typed in lower case: "42 brangbourne road", not "2 cars on the road" or "5 weeks
    # blocking view" (common words, or a suffix that is a word).
    common = common_words()
    return not (match.group("suffix").lower() in _LOWER_CASE_NOT_SUFFIXES
                or any(word.lower() in common for word in match.group("street").split()))


def _addresses_any_case(text: str) -> str:
    """Streets after a house number in any case: the longest that ends in a suffix.

    Taking the shortest left "144 forest hill road" as "[address] road"; the longest alone
    would run "42 brangbourne road car park" on to "park" and refuse it for "car". So each
    length is tried, longest first, and the first street that passes _is_street is taken.
    """
    out: list[str] = []
    position = 0
    while match := ADDRESS_ANY_CASE.search(text, position):
        start = match.start("street")
        shortest = len(match.group("street").split())
        for n in range(3, shortest - 1, -1):
            street = match if n == shortest else _STREET_OF[n].match(text, start)
            if street and _is_street(street):
                out.append(text[position:match.start()] + "[address]")
                position = street.end()
                break
        else:
            out.append(text[position:match.end()])
            position = match.end()
    out.append(text[position:])
    return "".join(out)


def _is_shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 12 and sum(c.isupper() for c in letters) / len(letters) > 0.6


def _vehicle(text: str) -> str:
    shouting = _is_shouting(text)

    def replace(match: re.Match[str]) -> str:
        groups = re.findall(r"[A-Z]+", match.group(0))
        if any(g in _WORDS_NOT_PLATES for g in groups if len(g) == 3):
            return match.group(0)
        if shouting and " " in match.group(0):
            return match.group(0)  # capitals everywhere: "A21 XYZ" is too likely words
        return "[vehicle]"

    def replace_any_case(match: re.Match[str]) -> str:
        plate = match.group(0)
        if plate.isupper():
            return plate  # capitals were decided by the rules above
        upper = plate.upper()
        area = re.match(r"[A-Z]+", upper).group(0)
        if upper[len(area)].isspace():  # "lk 19 xwp": the current format only
            if area.lower() in common_words() or not _CURRENT_JOINED.fullmatch(
                    upper[:len(area)] + upper[len(area):].lstrip()):
                return plate  # "at 63 snd", "no 20 and"
        elif not (_CURRENT_JOINED.fullmatch(upper) or _PREFIX_JOINED.fullmatch(upper)):
            return plate
        letters = upper[-3:]
        if letters in _WORDS_NOT_PLATES or letters.lower() in common_words():
            return plate  # "SE14 the", "No70 for"
        return "[vehicle]"

    text = VEHICLE_CURRENT.sub(replace, text)
    text = VEHICLE_PREFIX.sub(replace, text)
    text = VEHICLE_SUFFIX.sub(replace, text)
    return PLATE_ANY_CASE.sub(replace_any_case, text)


def redact(text: str) -> str:
    """Return the comment with personal data replaced by tokens such as [email] or [name]."""
    if not text:
        return text
    text = EMAIL.sub("[email]", text)
    if _DOMAIN_END.search(text):
        text = SPELLED_EMAIL.sub(_spelled_email, text)
    text = _phones(text)
    text = FULL_POSTCODE.sub(_postcode, text)
    text = ADDRESS.sub("[address]", text)
    text = _addresses_any_case(text)
    if "[address]" in text:
        text = FLAT_THEN_ADDRESS.sub("[address]", text)
    text = _vehicle(text)
    text = OUTWARD_ONLY.sub("[postcode]", text)
    return replace_names(text)
