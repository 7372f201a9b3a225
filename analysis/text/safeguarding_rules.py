"""Phrase rules for safeguarding disclosures, by reason category.

Each pattern marks a sign that a comment tells of an event, a threat or a person at risk. They
were written against a development set (analysis/text/data/safeguarding_examples.csv); the
figures on a set written afterwards are in docs/TEXT-MODELS.md. Rules alone miss much of what a
resident can say in other words, so safeguarding.py pairs them with a learned screen.
"""
from __future__ import annotations

import re

VIOLENCE = "violence"
THREATS = "threats"
ABUSE = "abuse"
DOMESTIC_ABUSE = "domestic_abuse"
CHILD_AT_RISK = "child_at_risk"
WEAPONS = "weapons"
SELF_HARM = "self_harm"
CATEGORIES = (VIOLENCE, THREATS, ABUSE, DOMESTIC_ABUSE, CHILD_AT_RISK, WEAPONS, SELF_HARM)

_PERSON = r"(?:me|us|him|her|them|my \w+|our \w+|someone|somebody|a (?:man|woman|lad|boy|girl|kid|child|guy|neighbour|pensioner))"
_PARTNER = r"(?:partner|husband|wife|boyfriend|girlfriend|ex|fianc[eé]e?|step ?dad|stepfather|dad|father|mum|mother|son)"
_CHILD = r"(?:child|children|kids?|boys?|girls?|bab(?:y|ies)|toddlers?|teenagers?|teens?|minors?|under ?age|year \d+s?|school ?(?:kids|children|boys|girls)|schoolgirls|schoolboys|(?:little|young) (?:girls?|boys?|ones)|my (?:son|daughter)|young (?:people|ones|lads))"
_WEAPON = r"(?:knife|knives|machetes?|blades?|zombie knife|guns?|firearms?|pistols?|shotguns?|crossbows?|baseball bats?|hammers?|acid|ammonia|corrosive)"

RULES: dict[str, tuple[str, ...]] = {
    SELF_HARM: (
        r"\bkill(?:ing|s)? (?:him|her|them|my|your)sel(?:f|ves)\b|\b(?:hurt|harm)(?:ing|s)? (?:him|her|them)sel(?:f|ves)\b",
        r"\b(?:planning|plan|thinking about|going to|gonna|want to) (?:how to )?(?:do it|end it)\b|\bending it\b|\bend it all\b",
        r"\b(?:i have|i've got|i got) no ?one\b|\bhopeless\b|\bno hope left\b",
        r"\bend(?:ing|ed)? (?:my|his|her|it) (?:own )?(?:life|all)\b",
        r"\bjump(?:ing|ed)? (?:off|in front of)\b",
        r"\bcan'?t (?:cope|go on|take (?:it|this)) any ?more\b|\bcan'?t cope\b",
        r"\b(?:might as well|rather) not be (?:here|alive|around)\b",
        r"\bno way out\b|\bgive up on life\b",
        r"\bsuicid\w*",
        r"\bkill(?:ing)? my ?self\b",
        r"\bend (?:it all|my life|things)\b",
        r"\btake my (?:own )?life\b",
        r"\bself[- ]?harm\w*",
        r"\b(?:hurt|hurting|cut|cutting|harm|harming) my ?self\b",
        r"\b(?:don'?t|do not) want to (?:live|be here|be alive|go on)\b(?! (?:in|near|on|with|next|by|around|somewhere|like|here))",
        r"\bbetter off dead\b",
        r"\bwant(?:ed)? to die\b",
        r"\bno (?:reason|point) (?:to|in) (?:live|living|go on|going on)\b",
        r"\boverdos\w*",
        r"\bjump (?:off|in front)\b",
    ),
    DOMESTIC_ABUSE: (
        r"\bscream\w* (?:for )?help\b|\b(?:she|he|a woman|the woman|her|woman) (?:was |is |keeps |kept )?scream\w*",
        r"\b(?:locks?|locked|locking) (?:his|her|my|their) (?:wife|husband|partner|girlfriend|boyfriend|kids|children|missus) (?:out|in)\b",
        r"\b(?:hide|hiding|cover|covering) (?:my|her|his) (?:bruis\w*|black eye|marks|injuries)\b",
        r"\b(?:his|her|my|their) (?:missus|wife|partner|girlfriend|husband|boyfriend|fella|bloke)\b[^.]{0,40}\b(?:violent|hospital|bruis\w*|black eye|batter\w*|beat\w*|hit\w*|screams?|screaming)",
        r"\b(?:batter\w*|beat\w*|hit\w*|abus\w*) (?:his|her|their) (?:missus|wife|partner|girlfriend|husband|boyfriend|kids|children)\b",
        r"\b\w+'s (?:boyfriend|husband|partner|ex)\b[^.]{0,40}\b(?:hospital|hit|beat|hurt|attack|threat)\w*",
        r"\b(?:gets|getting|is|was) violent\b|\bviolent (?:partner|husband|wife|boyfriend|girlfriend|ex|dad|father)\b",
        r"\bnot safe (?:in|at) (?:my|our|her|his) (?:own )?(?:home|house|flat)\b",
        r"\bdomestic(?:ally)? (?:abuse|violence|abused|violent|incident)",
        r"\bcoercive\b",
        rf"\b(?:my|her|his) {_PARTNER} (?:\w+ )?(?:hits|hit|beats|beat|hurts|hurt|chokes|choked|strangl\w+|slaps|slapped|punch\w*|kicks|kicked|threaten\w*|controls|locks|locked|abuses|abused|attack\w*|grabs|grabbed)\b",
        rf"\b(?:scared|afraid|frightened|terrified) (?:of|to go home to) (?:my|her|his) {_PARTNER}\b",
        r"\b(?:hear|heard|hearing) (?:a |the )?(?:woman|women|her|him|someone|somebody|a child|kids?|neighbou?rs?|next door)\b[^.]{0,40}\b(?:scream\w*|being (?:hit|beaten|hurt|attacked)|cry(?:ing)? for help|getting (?:hit|beaten|battered))",
        r"\b(?:he|she) (?:hits|beats|hurts|chokes|strangles|slaps|punches|kicks) (?:me|her|him|the kids|the children)\b",
        r"\bwon'?t let me (?:leave|go out|see)\b",
        rf"\bmy {_PARTNER}\b[^.]{{0,60}}\b(?:kill|hurt|hit|beat|stab) (?:me|us|the kids)\b",
    ),
    CHILD_AT_RISK: (
        r"\b(?:paid|used|made|forced|asked|told|getting paid) to (?:hold|carry|run|sell|deliver|stash|move|look ?out)\b",
        r"\bgoing off with (?:men|older|adults|strangers|grown)\b|\bin cars with (?:older )?men\b",
        r"\b(?:never|doesn'?t|don'?t|isn'?t|aren'?t|not) (?:gets? |being |been )?fed\b|\bgoes? hungry\b",
        r"\bas young as\b",
        rf"\b{_CHILD}\b[^.]{{0,40}}\b(?:bruis\w*|black eyes?|drug runs?|running (?:for|drugs)|dealing|sleeping outside|hungry|begging)",
        rf"\b(?:lifts?|sweets|money|vapes|cigarettes|drinks) to {_CHILD}",
        r"\bschool ?(?:girls|boys)\b[^.]{0,40}\b(?:lifts?|follow\w*|approach\w*|film\w*)|\b(?:lifts?|follow\w*|approach\w*|film\w*)\b[^.]{0,40}\bschool ?(?:girls|boys)\b",
        r"\bgroom(?:ed|ing)\b",
        r"\bcounty lines\b",
        r"\bp(?:a)?edo(?:phile)?s?\b",
        r"\bchild (?:sexual|exploitation|abuse|neglect|trafficking)",
        rf"\b{_CHILD}\b[^.]{{0,40}}\b(?:being (?:abused|hit|beaten|exploited|groomed|used|recruited|neglected|touched|followed|approached|sold|given)|left (?:alone|home alone|on (?:their|his|her) own)|recruited|exploited|trafficked|forced to|made to (?:sell|carry|run)|run(?:ning)? drugs|sell(?:ing)? drugs|carry(?:ing)? (?:drugs|knives|weapons)|not safe at home|sleeping rough|going missing|gone missing|abused|neglected)",
        rf"\b(?:sell(?:ing|s)?|giv(?:e|es|ing)|offer(?:s|ing|ed)?) (?:drugs|weed|vapes|alcohol|nos|balloons)\b[^.]{{0,20}}\bto {_CHILD}",
        rf"\b(?:men|adults?|older (?:men|lads|boys)|grown men|a man)\b[^.]{{0,40}}\b(?:approach\w*|follow\w*|hanging around with|talking to|filming|photograph\w*|touch\w*|luring|lure)\b[^.]{{0,20}}\b{_CHILD}",
        rf"\b{_CHILD}\b[^.]{{0,30}}\b(?:robbed|mugged|stabbed|attacked|assaulted|beaten up|jumped)\b",
    ),
    WEAPONS: (
        r"\bshots\b(?! of)|\bgunfire\b|\bgunman\b|\bbats\b[^.]{0,30}\bfights?\b|\bbottles and bats\b",
        rf"(?<!less )(?<!fewer )(?<!stop )(?<!ban )(?<!tackle )(?<!no more )(?<!reduce )(?<!tackling )\b{_WEAPON}\b(?! crime| arch| arches| bin| bins| amnesty| surrender| crime's)",
        r"\bfired (?:a|the|his|their)? ?(?:gun|shots?|rounds?|weapon)|\bknifed\b",
        rf"\b(?:carry|carrying|carries|carried|pull|pulled|pulls|pulling|waving|waved|brandish\w*|flashing|flashed|showed|shows|hiding|hid|hidden|stash\w*|found|armed with|threatened \w+ with|with)\s+(?:(?:out\s+)?(?:a|an|the|their|his|big)\s+)?{_WEAPON}",
        rf"\b{_WEAPON}\b[^.]{{0,30}}\b(?:pulled|out|hidden|stashed|in (?:the|a) (?:bushes|hedge|bin|park)|on (?:him|them|her)|waved|at me|at us)\b",
        r"\b(?:gun ?shots?|shots? (?:fired|being fired)|shooting|shot at|been shot|got shot|was shot|were shot|heard (?:a )?(?:gun)?shots?)\b",
        r"\bacid attack\w*",
        r"\bstab vest\b",
    ),
    VIOLENCE: (
        r"\b(?:set on|set upon|head kicked in|kicked (?:his|her|my) head|broken (?:jaw|nose|arm|ribs|leg|teeth|bones?|cheekbone)|black eye|fractured)\b",
        r"\bbeat(?:en|ing)? up\b|\bbeaten\b|\bheadbutt\w*|\bslapp?(?:ed|ing) (?:me|her|him|my)\b",
        r"\b(?:ripped|snatched|grabbed|torn|yanked) (?:\w+ )?(?:off|from) (?:her|him|me|my|his|an? )",
        r"\bshov(?:es|ed|ing|e) (?:her|him|me|them|us|my|people)\b|\bpush(?:es|ed|ing) (?:her|him|me|them) (?:about|around|over|down)\b",
        r"\b(?:attack|assault)(?:ed|s|ing)?\b(?! dog)",
        r"\b(?:beat|beating|beats|batter\w*|kick\w* in|smash\w* (?:his|her|my|their) (?:face|head))\b[^.]{0,30}\b(?:senseless|unconscious|up|to a pulp|him|her|me|them|man|woman|lad|boy|girl|door)\b",
        r"\bput (?:her|him|me|them|my \w+) in hospital\b|\bhospitali[sz]ed\b",
        r"\bdrag\w* (?:a|her|him|me|someone|somebody|my \w+) (?:\w+ )?(?:into|out|off|down)\b",
        r"\bstabb\w*|\bbleeding\b|\bcovered in blood\b",
        r"(?<!will )(?<!could )(?<!might )(?<!gonna )\b(?:was|were|been|got|get|getting|being) (?:stabbed|assaulted|attacked|beaten(?: up)?|punched|kicked|mugged|robbed|jumped|glassed|slashed|knocked (?:out|down|over)|battered|hit|hurt|injured|chased|set upon|headbutted)\b",
        rf"\b(?:stabbed|assaulted|attacked|punched|kicked|mugged|robbed|jumped|glassed|slashed|battered|headbutted|beat up|beaten up|spat (?:at|on)) {_PERSON}",
        r"\b(?:someone|somebody|a (?:man|woman|lad|boy|girl|guy|person)|people|my \w+) (?:was|were|got|has been|have been) (?:stabbed|shot|killed|murdered|assaulted|attacked|beaten|mugged|robbed|hurt|injured)\b",
        r"\b(?:stabbing|stabbings|murder(?:ed)?|killed|mugging|muggings|robbery at knifepoint|at knife ?point|at gun ?point)\b",
        r"\bfights?\b(?! (?:against )?crime)[^.]{0,40}\b(?:outside|every|last|again|broke out|on the|in the|at night|weekend|blood)\b",
        r"\bbroke(?:n)? into my\b",
        r"\bpushed (?:over|down|to the ground|me|her|him)\b|\b(?:had|has|got) (?:my|her|his|their) (?:bag|phone|purse|chain|watch) (?:snatched|grabbed|taken)\b",
        r"\b(?:thrown|threw|put) (?:\w+ )?through (?:my|our|their|her|his) (?:window|door)\b|\bthrown at (?:me|us)\b",
        r"\bset (?:fire|light) to\b|\barson\b|\bpetrol through\b",
        r"\bdogs?\b[^.]{0,40}\b(?:bit|bitten|bites|attacked|mauled)\b",
        r"\bsexual(?:ly)? assault\w*|\braped?\b|\brapist\b",
    ),
    THREATS: (
        r"\bfinish (?:her|him|me|you|them|us) off\b|\bfinish (?:her|him|me|you)\b",
        r"\b(?:i'd|i'll|i would|i will|we'd|we'll|you'd|you'll|you're|i'm|we're) be next\b",
        r"\b(?:being |been |getting )?follow(?:ed|ing) (?:on|home|all the way|by)\b",
        r"\b(?:watch|watching|watches) (?:my|our|her|his) (?:flat|house|home|door|window|kids|children)\b|\bsending people round\b",
        r"\bkeep (?:my|your|his|her|our) mouths? shut\b|\bsnitch\w*",
        r"\b(?:said|told|says|say|saying|tells|threatened)\b[^.]{0,40}\b(?:kill|cut|hurt|stab|shoot|burn|batter|do)\b (?:me|us|you|him|her|my \w+)\b",
        r"\bthreatening (?:messages|letters|calls|texts|notes|behaviour towards (?:me|us))\b",
        r"\bknows? where (?:i|we|my|our|she|he) (?:live|lives|\w+ (?:goes|lives|works))\b",
        r"\b(?:waiting|wait|waits|hangs? around|lurk\w*) (?:for|outside) (?:me|us|my|her)\b",
        r"\b(?:scared|terrified|frightened|afraid) of (?:the (?:men|man|lads|gang|dealers|boys|people)|him|her|them|my neighbou?rs?|those|these)\b",
        r"\bthreat(?:en|ened|ening|ens|s)?\b[^.]{0,30}\b(?:me|us|my|her|him|to kill|to hurt|to stab|to burn|with)\b",
        r"\bdeath threats?\b",
        r"\b(?:going to|gonna|will|would|'ll|'d) (?:kill|stab|shoot|hurt|burn|get|batter|do) (?:me|us|you|my|her|him)\b",
        r"\b(?:follow(?:ed|ing|s)|stalk(?:ed|ing|s)?) (?:me|us|my|her)\b",
        r"\bstalk(?:er|ed|ing)\b",
        r"\b(?:been |being |keeps? )?harass(?:ed|ing|es) (?:me|us|my|her|him)\b|\b(?:been|being) harassed\b",
        r"\bwon'?t leave (?:me|us|her) alone\b",
        r"\bintimidat(?:ed|es|ing) (?:me|us|my)\b",
        r"\b(?:blackmail\w*|extort\w*)",
        r"\b(?:scared|afraid|frightened|terrified) (?:for my life|to (?:leave|go out of) (?:my|the) (?:house|flat|home))\b",
    ),
    ABUSE: (
        r"\bcalls? (?:me|us|my \w+|her|him) (?:a|an)\b|\bslurs?\b",
        r"\bsexual (?:messages|comments|texts|photos|pictures|remarks)\b|\bsexually\b|\bstar(?:ing|es|ed) (?:in(?:to)?|through) (?:my|our|her) windows?\b",
        r"(?<!drug )(?<!substance )(?<!alcohol )\babus(?:e|ed|ive|ing)\b(?! of (?:power|the (?:system|parking)))",
        r"\bracist (?:stuff|things|comments|names|remarks|language|abuse|insults?)\b",
        r"\b(?:takes|took|taking|steals?|stole|stealing) (?:her|his|my|their) (?:money|pension|benefits|bank card)\b",
        r"\b(?:racist|racial|racially|homophobic|transphobic|religious|sexual|verbal|verbally)(?:ly)? (?:abuse|abused|attack|attacked|assault\w*|harass\w*|slurs?)\b",
        r"\babus(?:e|ed|es|ing) (?:me|us|my|her|him|them)\b",
        r"\babus(?:e|es|ed|ing) (?:his|her|their|the) \w+",
        r"\bgrop(?:ed|ing)\b",
        r"\bhate crime (?:against|on|towards) (?:me|us|my)\b",
        r"\b(?:touched|groped|grabbed|flashed) (?:me|my|her|us)\b|\bexposed (?:him|her)self\b|\bgroping\b",
        r"\b(?:called|shouting|shouted|yelled|screamed) (?:me|us|at me|at us|at my \w+)\b[^.]{0,30}\b(?:names|slurs?|[a-z]-word|p\*+|n\*+)",
        r"\b(?:spat at|spitting at|spat on)\b",
        r"\belder(?:ly)? abuse\b|\bfinancial(?:ly)? abus\w*",
    ),
}
COMPILED = {category: tuple(re.compile(p, re.IGNORECASE) for p in patterns)
             for category, patterns in RULES.items()}


def matched_categories(text: str) -> tuple[str, ...]:
    """Return the categories (in CATEGORIES order) whose rules match the text."""
    text = (text or "").replace("\u2019", "'")
    return tuple(c for c in CATEGORIES if any(p.search(text) for p in COMPILED[c]))


# A wish about the area ("Stop the racist abuse", "Less knife crime") that names no person and
# no event is a concern, not a disclosure: the phrase rules stand aside and only the learned
# screen (which has seen such wishes as negatives) decides. Children keep the rules on.
_WISH_OPENING = re.compile(
    r"^\s*(?:stop|stopping|less|fewer|more|tackl\w*|reduce|get rid|getting rid|deal with|"
    r"dealing with|do something|something (?:about|done)|catch|catching|crack down|action on|"
    r"address|intervention|no more|take|enforce|arrest|police|better|safer|knife arches|"
    r"knife bins|respect|shut down|clear out|sort out|target|disperse)\b", re.IGNORECASE)
_PERSONAL_OR_EVENT = re.compile(
    r"\b(?:i|i'm|i'd|i've|me|my|we|we've|us|our|was|were|got|last (?:night|week|month|year)|"
    r"yesterday|today|tonight|just now|been)\b", re.IGNORECASE)
_CHILDREN = re.compile(r"\b(?:kids?|children|child|school|girls?|boys?|son|daughter|young)\b",
                       re.IGNORECASE)


def is_general_wish(text: str) -> bool:
    """True for a wish about the area that names no person, no event and no child."""
    text = (text or "").replace("\u2019", "'")
    return (bool(_WISH_OPENING.search(text)) and not _PERSONAL_OR_EVENT.search(text)
            and not _CHILDREN.search(text))
