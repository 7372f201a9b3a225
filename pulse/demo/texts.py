"""Free-text answers to "What one thing would make you feel safer here?" for the demo.

Sentences are assembled from many templates and fillers so that no two look machine-made,
the way residents really write: some short, some long, some without capitals or full stops.
Plain Python (no Flask), driven by the caller's :class:`random.Random`, so a seed repeats them.
"""
from __future__ import annotations

import random
import re

#: Places residents name, by ward; "any" places fit everywhere.
PLACES = {
    "any": ["the high street", "the bus stop", "the estate", "the park", "the alleyway behind the shops",
            "the station", "the corner shop", "the underpass", "the school gates", "my road",
            "the footpath by the railway", "the car park", "the playground", "the cut-through"],
    "Bellingham": ["Bellingham Road", "Bellingham station", "the Bellingham estate", "Randlesdown Road",
                   "Southend Lane"],
    "Blackheath": ["Blackheath village", "the heath", "Blackheath station", "Lee Road"],
    "Brockley": ["Brockley Cross", "Brockley station", "Hilly Fields", "Coulgate Street"],
    "Catford South": ["the Catford gyratory", "Catford Bridge", "Bromley Road", "Mountsfield Park"],
    "Crofton Park": ["Crofton Park station", "Brockley Rise", "Stondon Park"],
    "Downham": ["Downham Way", "the Downham estate", "Downham Fields"],
    "Evelyn": ["Evelyn Street", "Deptford Park", "the Pepys estate", "Surrey Quays"],
    "Forest Hill": ["Forest Hill station", "Dartmouth Road", "the Horniman", "Havelock Walk"],
    "Grove Park": ["Grove Park station", "Baring Road", "Chinbrook Meadows"],
    "Ladywell": ["Ladywell Fields", "Ladywell station", "Ladywell Road"],
    "Lee Green": ["Lee High Road", "Lee station", "Burnt Ash Hill", "Manor House Gardens"],
    "Lewisham Central": ["Lewisham station", "the shopping centre", "Lewisham High Street",
                         "the DLR", "Loampit Vale"],
    "New Cross": ["New Cross Road", "New Cross Gate station", "Clifton Rise", "Deptford Bridge"],
    "Perry Vale": ["Perry Vale", "Kirkdale", "Mayow Park"],
    "Rushey Green": ["Rushey Green", "Catford Broadway", "Catford station", "the Catford Centre"],
    "Sydenham": ["Sydenham Road", "Sydenham station", "Wells Park", "Kirkdale"],
    "Telegraph Hill": ["Telegraph Hill park", "Pepys Road", "Queen's Road Peckham"],
    "Whitefoot": ["Whitefoot Lane", "Beckenham Place Park", "Forster Park"],
}
TIMES = ["at night", "after dark", "in the evenings", "after 10pm", "on Friday and Saturday nights",
         "late at night", "when it gets dark early", "on weekday evenings", "after school",
         "in the early hours", "at weekends", "around midnight"]
GROUPS = ["groups of teenagers", "young men on bikes", "people drinking", "a gang of lads",
          "kids on e-scooters", "people hanging around", "groups of youths", "drunk people",
          "people on mopeds"]
MOTIVES = ["especially for women walking home", "particularly with kids around",
           "as an older person living alone", "when I walk the dog", "coming home from work",
           "for those of us doing shift work", "with the clocks going back", ""]

#: Theme -> templates. {place}, {time}, {group}, {motive} are filled from the lists above.
THEMES: dict[str, list[str]] = {
    "asb": [
        "Something done about {group} hanging around {place} {time}",
        "Stop the antisocial behaviour near {place}. {group} shouting and throwing things {time}",
        "{group} gather by {place} {time} and it feels intimidating {motive}",
        "Less antisocial behaviour. It's constant {time} around {place}",
        "Deal with the noise and aggro from {group} at {place}",
        "Youth clubs or something for young people to do so they're not hanging round {place}",
        "Moving on {group} who sit outside {place} {time}",
    ],
    "drugs": [
        "Deal with the drug dealing at {place}, it happens openly {time}",
        "People smoking weed outside {place} every day, you can smell it from my flat",
        "Stop the drug dealing on {place}. Cars pull up, swap, drive off {time}",
        "Get rid of the dealers near {place}",
        "Nitrous oxide canisters everywhere by {place} and people using them {time}",
        "Drugs. Everyone knows where they sell {time} but nothing changes",
    ],
    "lighting": [
        "Better street lighting along {place} {motive}",
        "More lights on {place}. It's pitch black {time}",
        "Fix the broken street lights near {place}, they've been out for weeks",
        "Brighter lighting in {place} {time}",
        "lights on {place} please its too dark",
        "Lighting in the park so it's not so scary walking through {time}",
    ],
    "speeding": [
        "Speed cameras on {place}. Cars race down it {time}",
        "Traffic calming near {place}, someone will get killed",
        "Stop the speeding on {place}. The 20mph limit is ignored",
        "Something about dangerous driving and motorbikes on {place} {time}",
        "A proper crossing by {place}, it's dangerous for the school kids",
        "Enforce the speed limit on {place}",
    ],
    "police_presence": [
        "More police on foot around {place} {motive}",
        "Seeing police officers walking around {place} now and then",
        "More visible policing {time}, you never see anyone",
        "Bring back the ward officers. We used to know our PCSOs by name",
        "Police patrols on {place} {time}",
        "A police presence at {place} at school closing time",
        "Regular police patrols, not just after something has happened",
    ],
    "police_response": [
        "Police actually turning up when you call. Waited hours last time",
        "Police responding to reports about {place}. We report it and nothing happens",
        "Being taken seriously when we report things. Nobody came when I rang about {group}",
        "Faster response when you ring 101, it takes forever to get through",
        "Feedback after we report something. You never hear back",
    ],
    "litter": [
        "Cleaner streets. Litter and fly-tipping everywhere near {place}",
        "Clear the rubbish dumped at {place}, it attracts rats and makes the area feel neglected",
        "Stop fly tipping on {place}. Mattresses and fridges dumped every week",
        "More bins and more regular collections around {place}",
        "Clean up {place}, broken glass and needles by the benches",
    ],
    "violence": [
        "Fewer knives on the streets. There was another stabbing near {place}",
        "Stop and search where it's needed, knife crime around {place} worries me",
        "Something about the fights outside {place} {time}",
        "Keep young people safe from gangs around {place}",
    ],
    "theft": [
        "Catch the people stealing bikes at {place}",
        "Bike theft at {place} is constant, better bike racks and cameras",
        "Phone snatching from mopeds on {place} {time}",
        "Car break-ins on my road, three in a month",
        "Deal with shoplifting at {place}, it's brazen",
    ],
    "cctv": [
        "CCTV that works at {place}",
        "Cameras at {place}, and someone actually watching them {time}",
        "More CCTV around {place} {motive}",
    ],
    "harassment": [
        "Feeling able to walk past {place} without being harassed {time}",
        "Action on men catcalling women near {place}",
        "Safe routes home for women {time}",
    ],
    "community": [
        "Knowing my neighbours better. A residents' group for {place}",
        "Neighbourhood watch on our street",
        "More things happening in {place} so it's busy and feels safer",
        "Honestly I feel quite safe here, maybe just a bit more light {time}",
        "Nothing really, it's a good area. Keep it that way",
    ],
}
#: How often each theme comes up across the borough (a rough shape of real priorities).
WEIGHTS = {"asb": 16, "drugs": 13, "lighting": 11, "speeding": 9, "police_presence": 14,
           "police_response": 6, "litter": 10, "violence": 6, "theft": 7, "cctv": 3,
           "harassment": 3, "community": 2}
#: Themes that a FixMyStreet report can stand in for.
FMS_THEMES = {"lighting": "lighting_public_space", "litter": "environment",
              "speeding": "road_safety"}

WELSH = [
    "Mwy o oleuadau stryd ger {place}",
    "Mwy o heddlu ar droed o gwmpas {place}",
    "Llai o sbwriel ar y stryd",
    "Ceir yn gyrru'n rhy gyflym ar {place}",
    "Rhywbeth i bobl ifanc ei wneud gyda'r nos",
    "Camerâu CCTV ger {place}",
    "Gweld yr heddlu yn amlach yn yr ardal",
    "Delio gyda'r gwerthu cyffuriau ger {place}",
]

OPENERS = ["", "", "", "Honestly, ", "Simple: ", "I'd say ", "Please - ",
           "Number one for me: ", "Just "]
ENDINGS = ["", "", "", ".", ".", "!", " please.", ". Thank you.", ". It's got worse this year.",
           ". This has been going on for months.", ". I've lived here 20 years and never seen it this bad.",
           ". My kids won't walk there on their own."]


def _fill(template: str, rng: random.Random, ward: str) -> str:
    places = PLACES["any"] + PLACES.get(ward, []) * 2
    text = template.format(place=rng.choice(places), time=rng.choice(TIMES),
                           group=rng.choice(GROUPS), motive=rng.choice(MOTIVES))
    text = " ".join(text.split())
    # Fillers like "groups of teenagers" can open a sentence; capitalise every sentence start.
    return re.sub(r"(^|[.!?] )([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)


def _style(text: str, rng: random.Random) -> str:
    opener = rng.choice(OPENERS)
    if opener and opener[-2:] != ": " and opener != "Please - ":
        text = text[0].lower() + text[1:]
    text = opener + text.rstrip(".") + rng.choice(ENDINGS)
    roll = rng.random()
    if roll < 0.08:
        return text.lower()  # typed quickly on a phone
    if roll < 0.11:
        return text.upper() if len(text) < 60 else text
    return text


def comment(rng: random.Random, ward: str, *, language: str = "en",
            weights: dict[str, float] | None = None,
            fms: dict[str, list[str]] | None = None) -> tuple[str, str]:
    """Return ``(theme, text)``: one resident's answer to the top-issue question."""
    if language == "cy":
        return "welsh", _fill(rng.choice(WELSH), rng, ward)
    table = weights or WEIGHTS
    themes = list(table)
    theme = rng.choices(themes, weights=[table[t] for t in themes])[0]
    reports = (fms or {}).get(FMS_THEMES.get(theme, ""), [])
    if reports and rng.random() < 0.3:
        return theme, rng.choice(reports)
    return theme, _style(_fill(rng.choice(THEMES[theme]), rng, ward), rng)
