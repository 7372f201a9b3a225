"""What posters, leaflets and social posts say, per language.

Printed wording lives here rather than in the gettext catalogue because a poster is printed
for a chosen language, whatever language the person printing it uses. Welsh follows the
survey's own register (surveys/core.py).
"""
from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "headline": "How safe do you feel where you live?",
        "ask": ("Tell the police and the council how safe you feel and how well they listen. "
                "About two minutes; we do not ask your name."),
        "matters": ("Street lights, noise, speeding, antisocial behaviour: tell us what would "
                    "make you feel safer near your home."),
        "scan": "Scan the code with your phone\u2019s camera",
        "or_go": "or go to",
        "until": "Open until {date}",
        "privacy": "Results are only published for groups of 10 or more people.",
        "not_999": ("This survey is not a way to report a crime. In an emergency call 999; "
                    "otherwise call 101."),
        "code_label": "Your single-use code",
        "code_how": "Go to the address above and type in this code. It works once.",
        "qr_alt": "QR code linking to {url}",
        "post_short": ("{area}: how safe do you feel where you live? Tell the police and the "
                       "council in a two-minute anonymous survey: {link}"),
        "post_long": ("{area}: how safe do you feel where you live, and do the police listen? "
                      "Our two-minute survey asks nine short questions. We do not ask your "
                      "name, and results are only published for groups of 10 or more people. "
                      "Have your say: {link}"),
    },
    "cy": {
        "headline": "Pa mor ddiogel ydych chi\u2019n teimlo lle rydych chi\u2019n byw?",
        "ask": ("Dywedwch wrth yr heddlu a\u2019r cyngor pa mor ddiogel rydych chi\u2019n "
                "teimlo a pha mor dda maen nhw\u2019n gwrando. Tua dau funud; nid ydym yn "
                "gofyn am eich enw."),
        "matters": ("Goleuadau stryd, s\u0175n, goryrru, ymddygiad gwrthgymdeithasol: "
                    "dywedwch wrthym beth fyddai\u2019n gwneud i chi deimlo\u2019n fwy diogel "
                    "ger eich t\u0177."),
        "scan": "Sganiwch y cod gyda chamera eich ff\u00f4n",
        "or_go": "neu ewch i",
        "until": "Ar agor tan {date}",
        "privacy": ("Dim ond ar gyfer grwpiau o 10 neu fwy o bobl y caiff canlyniadau eu "
                    "cyhoeddi."),
        "not_999": ("Nid yw\u2019r arolwg hwn yn ffordd o roi gwybod am drosedd. Mewn "
                    "argyfwng, ffoniwch 999; fel arall, ffoniwch 101."),
        "code_label": "Eich cod untro",
        "code_how": "Ewch i\u2019r cyfeiriad uchod a theipiwch y cod hwn. Mae\u2019n gweithio unwaith.",
        "qr_alt": "Cod QR sy\u2019n arwain at {url}",
        "post_short": ("{area}: pa mor ddiogel ydych chi\u2019n teimlo lle rydych chi\u2019n "
                       "byw? Dywedwch wrth yr heddlu a\u2019r cyngor mewn arolwg dienw dau "
                       "funud: {link}"),
        "post_long": ("{area}: pa mor ddiogel ydych chi\u2019n teimlo lle rydych chi\u2019n "
                      "byw, ac ydy\u2019r heddlu\u2019n gwrando? Mae ein harolwg dau funud yn "
                      "gofyn naw cwestiwn byr. Nid ydym yn gofyn am eich enw, a dim ond ar "
                      "gyfer grwpiau o 10 neu fwy o bobl y caiff canlyniadau eu cyhoeddi. "
                      "Dweud eich dweud: {link}"),
    },
}


def text(language: str) -> dict[str, str]:
    try:
        return TEXT[language]
    except KeyError:
        raise LookupError(f"no printed wording for language {language!r}; "
                          f"add it to pulse/distribution/wording.py") from None
