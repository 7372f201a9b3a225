"""The core instrument: neighbourhood safety and trust in the local police.

Wording follows the measures that police attitude surveys publish (the NYPD Sentiment Meter's
0-10 items, the London Public Attitude Survey's agree/disagree and "good job" items); see
docs/MEASURES.md. The codes and scales are a public contract: exports, the API, imports and
operators' scripts rely on them, so they never change. Wording may; that makes a new version.
"""
from __future__ import annotations

from .instrument import CHOICE, PREFER_NOT, SCALE, TEXT, Composite, Instrument, Option, Question

AREA_HINT = {
    "en": "By \u201cyour area\u201d we mean within about 15 minutes\u2019 walk of your home.",
    "cy": "Wrth s\u00f4n am \u201ceich ardal\u201d, rydym yn golygu o fewn tua 15 munud o gerdded "
          "o\u2019ch cartref.",
}
SAFE_ANCHORS = {
    "en": ("Not safe at all", "Completely safe"),
    "cy": ("Ddim yn ddiogel o gwbl", "Cwbl ddiogel"),
}
AGREE_ANCHORS = {
    "en": ("Strongly disagree", "Strongly agree"),
    "cy": ("Anghytuno\u2019n gryf", "Cytuno\u2019n gryf"),
}
PREFER_NOT_LABEL = {"en": "Prefer not to say", "cy": "Mae\u2019n well gennyf beidio \u00e2 dweud"}


def _s10(code: str, en: str, cy: str, anchors=AGREE_ANCHORS, hint=None) -> Question:
    return Question(code=code, kind=SCALE, scale="s10", wording={"en": en, "cy": cy},
                    anchors=anchors, hint=hint or {})


def _agree(code: str, en: str, cy: str) -> Question:
    return Question(code=code, kind=SCALE, scale="agree5", wording={"en": en, "cy": cy})


def _choice(code: str, en: str, cy: str, options: list[tuple[str, str, str]]) -> Question:
    opts = tuple(Option(v, {"en": e, "cy": c}) for v, e, c in options)
    opts += (Option(PREFER_NOT, PREFER_NOT_LABEL),)
    return Question(code=code, kind=CHOICE, wording={"en": en, "cy": cy}, options=opts,
                    optional=True, demographic=True)


AGE_BANDS = ("16-24", "25-34", "35-44", "45-54", "55-64", "65+")
SEXES = ("female", "male", "other")
ETHNICITIES = ("asian", "black", "mixed", "white", "other")

CORE = Instrument(
    code="core",
    title={"en": "Your neighbourhood: safety and policing",
           "cy": "Eich cymdogaeth: diogelwch a phlismona"},
    languages=("en", "cy"),
    questions=(
        _s10("safe_day",
             "How safe do you feel in your area during the day?",
             "Pa mor ddiogel ydych chi\u2019n teimlo yn eich ardal yn ystod y dydd?",
             anchors=SAFE_ANCHORS, hint=AREA_HINT),
        _s10("safe_night",
             "How safe do you feel walking alone in your area after dark?",
             "Pa mor ddiogel ydych chi\u2019n teimlo yn cerdded ar eich pen eich hun yn eich "
             "ardal ar \u00f4l iddi dywyllu?",
             anchors=SAFE_ANCHORS),
        _s10("respect",
             "The police in your area treat local residents with respect.",
             "Mae\u2019r heddlu yn eich ardal yn trin trigolion lleol \u00e2 pharch."),
        _s10("listen",
             "The police in your area listen to and take into account the concerns of local "
             "residents.",
             "Mae\u2019r heddlu yn eich ardal yn gwrando ar bryderon trigolion lleol ac yn eu "
             "hystyried."),
        _s10("fair",
             "The police in your area treat everyone fairly regardless of who they are.",
             "Mae\u2019r heddlu yn eich ardal yn trin pawb yn deg, pwy bynnag ydyn nhw."),
        _agree("relied_on",
               "The police in your area can be relied on to be there when you need them.",
               "Gellir dibynnu ar yr heddlu yn eich ardal i fod yno pan fydd eu hangen arnoch."),
        _agree("things_that_matter",
               "The police in your area deal with the things that matter to this community.",
               "Mae\u2019r heddlu yn eich ardal yn delio \u00e2\u2019r pethau sy\u2019n bwysig i\u2019r "
               "gymuned hon."),
        _agree("informed",
               "I feel well informed about what the police in my area have been doing.",
               "Rwy\u2019n teimlo fy mod yn cael gwybodaeth dda am yr hyn y mae\u2019r heddlu yn "
               "fy ardal wedi bod yn ei wneud."),
        Question(code="good_job", kind=SCALE, scale="rate5", wording={
            "en": "Taking everything into account, how good a job do you think the police in "
                  "your area are doing?",
            "cy": "A chymryd popeth i ystyriaeth, pa mor dda yw\u2019r gwaith y mae\u2019r heddlu "
                  "yn eich ardal yn ei wneud yn eich barn chi?"}),
        Question(code="top_issue", kind=TEXT, optional=True, max_length=1000, wording={
            "en": "What one thing would make you feel safer here?",
            "cy": "Beth yw\u2019r un peth a fyddai\u2019n gwneud i chi deimlo\u2019n fwy diogel yma?"},
            hint={"en": "Please don\u2019t include names, addresses or phone numbers.",
                  "cy": "Peidiwch \u00e2 chynnwys enwau, cyfeiriadau na rhifau ff\u00f4n."}),
        _choice("age_band", "Your age", "Eich oedran",
                [(a, a, a) for a in AGE_BANDS[:-1]] + [("65+", "65 or over", "65 neu h\u0177n")]),
        _choice("sex", "Your sex", "Eich rhyw",
                [("female", "Female", "Benyw"), ("male", "Male", "Gwryw"),
                 ("other", "Other", "Arall")]),
        _choice("ethnicity", "Your ethnic group", "Eich gr\u0175p ethnig",
                [("asian", "Asian or Asian British", "Asiaidd neu Asiaidd Prydeinig"),
                 ("black", "Black, Black British, Caribbean or African",
                  "Du, Du Prydeinig, Caribi\u00efaidd neu Affricanaidd"),
                 ("mixed", "Mixed or multiple ethnic groups",
                  "Grwpiau cymysg neu aml-ethnig"),
                 ("white", "White", "Gwyn"),
                 ("other", "Another ethnic group", "Gr\u0175p ethnig arall")]),
    ),
    composites=(Composite(code="trust", method="mean", of=("respect", "listen"),
                          label="Trust (mean of respect and listen)"),),
)

DEMOGRAPHICS = ("age_band", "sex", "ethnicity")
