"""Redaction: each kind of personal data goes, ordinary words stay."""
from __future__ import annotations

import pytest

from analysis.text.redact import first_names, redact


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Email me at jo.bloggs+pulse@example.co.uk please", "Email me at [email] please"),
        ("contact: A.Resident@mail.com.", "contact: [email]."),
    ],
)
def test_email_addresses_are_redacted(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "number",
    [
        "07700 900123",
        "07700900123",
        "07700-900-123",
        "020 7946 0018",
        "0207 946 0018",
        "(020) 7946 0018",
        "+44 7700 900123",
        "+447700900123",
        "+44 (0)20 7946 0018",
        "0044 20 7946 0018",
        "01632 960001",
        "0800 123 4567",
    ],
)
def test_uk_phone_numbers_are_redacted(number):
    assert redact(f"ring me on {number} after six") == "ring me on [phone] after six"


@pytest.mark.parametrize(
    "text, expected",
    [
        # Read as one run of digits these were too long for a number, and left whole.
        ("call 07700 900461 020 8690 4417", "call [phone] [phone]"),
        ("020 8690 4417 07700 900461 evenings", "[phone] [phone] evenings"),
        ("07700 900461 07700 900462", "[phone] [phone]"),
        ("my number is 07700 900461 2 kids live here", "my number is [phone] 2 kids live here"),
        ("07700 900461 12 Brangbourne Road", "[phone] [address]"),
        ("ring 0800 123 4567 24 hours a day", "ring [phone] 24 hours a day"),
        ("call 07700 900461 020 8690 4417 or 07700 900462", "call [phone] [phone] or [phone]"),
    ],
)
def test_phone_numbers_run_into_other_digits_are_redacted(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I live at SE13 6AB near the station", "I live at [postcode] near the station"),
        ("round the corner, se4 1ux.", "round the corner, [postcode]."),
        ("BR1 3AA and SE136AB", "[postcode] and [postcode]"),
        ("most of SE13 is fine", "most of [postcode] is fine"),
        ("everyone in se6 knows", "everyone in [postcode] knows"),
        ("E15 and N1 are not here", "[postcode] and [postcode] are not here"),
    ],
)
def test_postcodes_full_and_london_outward_codes_are_redacted(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("There's a dealer at 14 Elm Grove Road most nights",
         "There's a dealer at [address] most nights"),
        ("Flat 3, 27 Brockley Rise needs a light", "[address] needs a light"),
        ("outside 32-34 Vanguard Street", "outside [address]"),
        ("mess outside 108 Glenbow road", "mess outside [address]"),
        ("pavement at 72 Hurstbourne Rd SE23 2AQ", "pavement at [address] [postcode]"),
    ],
)
def test_full_street_addresses_are_redacted(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The car AB12 CDE parks on the pavement", "The car [vehicle] parks on the pavement"),
        ("abandoned van CX02VDR again", "abandoned van [vehicle] again"),
        ("old Volvo reg D518 HYN", "old Volvo reg [vehicle]"),
        ("a classic ABC 123D mini", "a classic [vehicle] mini"),
    ],
)
def test_vehicle_registrations_are_redacted(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("My neighbour Dave Smith keeps shouting", "My neighbour [name] keeps shouting"),
        ("and Mr Patel too", "and Mr [name] too"),
        ("A lad called Tyrone deals on the corner", "A lad called [name] deals on the corner"),
        ("a woman named Kemi Adeyemi was followed", "a woman named [name] was followed"),
        ("Peter keeps leaving rubbish out", "[name] keeps leaving rubbish out"),
        ("Thanks, Sarah Jones", "Thanks, [name]"),
        ("Dr Okafor at the surgery", "Dr [name] at the surgery"),
    ],
)
def test_names_are_redacted_when_recognisable(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Speeding on the A21 and the M25 is terrible",
        "Police should be around 24/7",
        "Lewisham Way alone at night is scary",
        "Mark the spot where the lights are out",
        "Will police patrol more often?",
        "May is when it gets bad",
        "It has been worse since 2019, especially from 2021 - 2023",
        "Gangs hang about from 10:30 pm till 2am by the 47 bus stop",
        "I called Thames Water and I called Police twice",
        "Rubbish near Albert Road and St John's church",
        "More bobbies on Rushey Green and Catford Broadway please",
        "Elizabeth line station needs better lighting",
        "Lee High Road is dark",
        "Call 999 in an emergency or 101 otherwise",
        "PLEASE STOP THE A21 AND B218 SPEEDING",
        "There are 3 Lads On Bikes doing wheelies",
        "Year 7 kids get robbed after school",
        "12 March 2023 was the worst night",
        "In 2019 Lewisham Way was resurfaced",
        "Grace and Hope are what this street needs",
    ],
)
def test_ordinary_sentences_are_left_alone(text):
    assert redact(text) == text


def test_name_list_ships_with_provenance_and_keeps_word_names_apart():
    names = first_names()
    assert {"Dave", "Sarah", "Mohammed"} <= names.names
    assert {"Mark", "Will", "May", "Lee"} <= names.ambiguous
    assert not names.names & names.ambiguous


def test_empty_text_is_returned_as_is():
    assert redact("") == ""
