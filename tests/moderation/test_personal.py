import pytest

from moderation.personal import (
    CASE_REFERENCE,
    EMAIL,
    NAME,
    NI_NUMBER,
    PHONE,
    POSTCODE,
    Finding,
    find_personal_information,
    kinds_found,
)


def found(text: str, names=()) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in find_personal_information(text, names)]


@pytest.mark.parametrize(
    "address",
    ["jo.bloggs@justice.gov.uk", "J_Smith+cases@probation.gsi.gov.uk", "po1@example.co.uk"],
)
def test_an_email_address_is_found_whole(address):
    assert found(f"Write to {address} about it.") == [(EMAIL, address)]


@pytest.mark.parametrize(
    "number",
    [
        "07700 900123",
        "07700900123",
        "+44 7700 900123",
        "+447700900123",
        "+44 (0)20 7946 0958",
        "0044 20 7946 0958",
        "020 7946 0958",
        "020-7946-0958",
        "(0161) 496 0000",
        "0161 496 0000",
        "01632 960000",
    ],
)
def test_a_uk_phone_number_is_found_in_each_way_people_write_it(number):
    assert found(f"Ring the office on {number} today.") == [(PHONE, number)]


@pytest.mark.parametrize(
    "talk",
    [
        "Anon 08.47 it is that kind of talk",
        "At 10:49 the office was shut.",
        "Since 2014 and again in 2015, 2016.",
        "A section 8 notice and £1,500.00 in fines",
        "Band 4 PSOs earn £23,000 a year",
        "The ratio was 0.75 of caseload",
        "Order 12345 of 2013",
        "Call 999 if you must.",
        "The meeting is at 9am, the next at 5pm.",
        "Tier 3 cases, 100 hours unpaid work",
    ],
)
def test_ordinary_probation_talk_finds_nothing(talk):
    assert found(talk) == []


@pytest.mark.parametrize("number", ["JH 12 34 56 C", "AB123456C", "ab 12 34 56 d", "JN123456"])
def test_a_national_insurance_number_is_found(number):
    assert found(f"My NI is {number} if it helps") == [(NI_NUMBER, number)]


@pytest.mark.parametrize(
    "not_issued",
    ["BG 12 34 56 A", "GB123456A", "NK123456B", "TN123456C", "ZZ123456D", "DA123456A", "AO123456A"],
)
def test_a_national_insurance_number_with_a_prefix_never_issued_is_not_taken_for_one(not_issued):
    assert [kind for kind, _ in found(not_issued)] != [NI_NUMBER]


def test_lower_case_letters_and_six_digits_without_a_final_letter_are_no_ni_number():
    assert found("we met at 12 34 56 and left") == []


@pytest.mark.parametrize("reference", ["X123456", "d654321"])
def test_a_case_reference_is_a_letter_and_six_digits(reference):
    assert found(f"See case {reference} for the history.") == [(CASE_REFERENCE, reference)]


@pytest.mark.parametrize("text", ["X12345 is short", "X1234567 is long", "AX123456 is two letters"])
def test_a_letter_with_more_or_fewer_than_six_digits_is_no_case_reference(text):
    assert CASE_REFERENCE not in [kind for kind, _ in found(text)]


@pytest.mark.parametrize(
    "postcode",
    [
        "M1 1AE",
        "B33 8TH",
        "CR2 6XH",
        "DN55 1PT",
        "W1A 0AX",
        "EC1A 1BB",
        "SW1A 2AA",
        "N1C 4AG",
        "sw1h 9aj",
        "EC1A1BB",
    ],
)
def test_a_uk_postcode_is_found_in_its_every_shape_including_londons(postcode):
    assert found(f"The office at {postcode} has closed.") == [(POSTCODE, postcode)]


@pytest.mark.parametrize("text", ["ec1a1bb run together in lower case", "QA1 1AA", "M1 1CI"])
def test_what_only_looks_like_a_postcode_is_not_one(text):
    assert POSTCODE not in [kind for kind, _ in found(text)]


def test_a_name_on_the_list_is_found_whatever_its_case_and_spacing():
    text = "I saw JOHN   smith at the office, and john Smith again."
    assert found(text, ["John Smith"]) == [(NAME, "JOHN   smith"), (NAME, "john Smith")]


def test_a_name_on_the_list_is_found_only_as_whole_words():
    assert found("Johnson and Ann-Marie and Annabel", ["John", "Ann"]) == [(NAME, "Ann")]


def test_each_finding_knows_where_it_is_in_the_text():
    text = "Mail a@b.com or ring 020 7946 0958."
    assert find_personal_information(text) == [
        Finding(EMAIL, "a@b.com", 5, 12),
        Finding(PHONE, "020 7946 0958", 21, 34),
    ]


def test_a_name_inside_an_email_address_is_one_finding_the_address():
    assert found("jo.smith@example.com", ["Smith"]) == [(EMAIL, "jo.smith@example.com")]


def test_kinds_found_names_each_kind_once_in_the_order_first_found():
    findings = find_personal_information("X123456, a@b.com, Y654321", [])
    assert kinds_found(findings) == ["case reference", "e-mail address"]
