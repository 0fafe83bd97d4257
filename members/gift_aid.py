"""Gift Aid: HMRC's model declaration as the join form shows it, the home address and postcode
HMRC needs with it, and what a claim needs from the register.

The register's Gift Aid schedule has a row of HMRC's Charities Online schedule for each
approved member who made a Gift Aid declaration.

The schedule's columns are HMRC's, in its order: Title, First name, Last name, House name or
number, Postcode, Aggregated donations, Sponsored event, Donation date, Amount. The join form
asks for one full name and a home address, so the row is worked out from them simply, for the
membership secretary to check before claiming:

- Title: a first word such as "Mr", "Ms" or "Dr", when the name starts with one; else empty.
- Last name: the name's last word; First name: the words before it (and after any title).
  A name with two surnames ("José Núñez Quispe") needs correcting by hand: the full name as
  given is the first column after HMRC's.
- House name or number: the number the address starts with ("12" of "12A High Street" is
  "12A"), else its first line up to a comma ("Flat 3" or "Rose Cottage").
- Postcode: as the applicant gave it for a UK address; "X" for an address abroad, as HMRC asks.
- Donation date: empty. The site records no payments: it is the date the fee was received, from
  the charity's bank records. Amount: the fee of the member's tier, in pounds.
"""

import re
import unicodedata

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

# A UK postcode: an outward code (area, district) and an inward code (sector, unit), as Royal
# Mail writes them; "GIR 0AA" is the one exception still in use.
UK_POSTCODE = re.compile(r"(?:[A-Z]{1,2}[0-9][A-Z0-9]?|GIR)[0-9][A-Z]{2}")
# What people call the UK when they type the country they live in, in either language (compared
# without accents, case, punctuation or a leading "the").
UK_NAMES = {
    "uk",
    "gb",
    "united kingdom",
    "united kingdom of great britain and northern ireland",
    "great britain",
    "britain",
    "england",
    "scotland",
    "wales",
    "northern ireland",
    "reino unido",
    "gran bretana",
    "inglaterra",
    "escocia",
    "gales",
    "irlanda del norte",
}


def is_uk(country):
    """Whether `country`, as an applicant typed it, is the United Kingdom."""
    letters = unicodedata.normalize("NFKD", country.casefold())
    letters = "".join(char for char in letters if not unicodedata.combining(char))
    words = re.sub(r"[^a-z ]", "", letters).split()
    if words[:1] in (["the"], ["el"]):
        words = words[1:]
    return " ".join(words) in UK_NAMES


def uk_postcode(value):
    """`value` written as a UK postcode ("sw1a1aa" becomes "SW1A 1AA"), or None if it is not
    one."""
    compact = "".join(value.split()).upper()
    if not UK_POSTCODE.fullmatch(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"


def gift_aid_declaration():
    """HMRC's model declaration for a membership fee and any other donations, in the reader's
    language, naming the charity."""
    return gettext(
        "I want to Gift Aid my membership fee and any donations I make in the future or have "
        "made in the past 4 years to the %(charity)s. I am a UK taxpayer and understand that if "
        "I pay less Income Tax and/or Capital Gains Tax than the amount of Gift Aid claimed on "
        "all my donations in that tax year it is my responsibility to pay any difference."
    ) % {"charity": settings.WAGTAIL_SITE_NAME}


def gift_aid_note():
    """What HMRC's model declaration asks donors to tell the charity."""
    return gettext(
        "Please tell the %(charity)s if you want to cancel this declaration, change your name or "
        "home address, or no longer pay sufficient tax on your income and/or capital gains."
    ) % {"charity": settings.WAGTAIL_SITE_NAME}


# HMRC's columns, then what the membership secretary needs to check them.
COLUMNS = {
    "title": "Title",
    "first_name": "First name",
    "last_name": "Last name",
    "house": "House name or number",
    "postcode": "Postcode",
    "aggregated": "Aggregated donations",
    "sponsored": "Sponsored event",
    "donation_date": "Donation date",
    "amount": "Amount",
    "full_name": "Full name as given",
    "declared": "Declaration date",
}
TITLES = {"mr", "mrs", "miss", "ms", "mx", "dr", "prof", "rev", "sr", "sra", "srta"}
# HMRC's limits on the schedule's name and house fields.
NAME_LENGTH, HOUSE_LENGTH = 35, 40
HOUSE_NUMBER = re.compile(r"\d+[A-Za-z]?(?:-\d+[A-Za-z]?)?\b")


def split_name(full_name):
    """(title, first name, last name) of a full name, as the module says."""
    words = full_name.split()
    title = ""
    if len(words) > 2 and words[0].rstrip(".").casefold() in TITLES:
        title = words.pop(0).rstrip(".")
    if not words:
        return title, "", ""
    return title, " ".join(words[:-1])[:NAME_LENGTH], words[-1][:NAME_LENGTH]


def house_name_or_number(address):
    """The house name or number of a home address, as the module says."""
    first_line = next((line.strip() for line in address.splitlines() if line.strip()), "")
    number = HOUSE_NUMBER.match(first_line)
    if number:
        return number.group(0)
    return first_line.split(",")[0].strip()[:HOUSE_LENGTH]


def schedule_row(application):
    """The application's row of the schedule, by COLUMNS key."""
    title, first_name, last_name = split_name(application.full_name)
    declared = timezone.localdate(application.created_at)
    return {
        "title": title,
        "first_name": first_name,
        "last_name": last_name,
        "house": house_name_or_number(application.address),
        "postcode": application.postcode if is_uk(application.country) else "X",
        "aggregated": "",
        "sponsored": "",
        "donation_date": "",
        "amount": f"{application.tier.annual_fee:.2f}",
        "full_name": application.full_name,
        # As HMRC writes dates: DD/MM/YY.
        "declared": f"{declared:%d/%m/%y}",
    }
