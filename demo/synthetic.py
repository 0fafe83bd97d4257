"""Invented but realistic news items for load tests and the search benchmark.

Used only by `manage.py generate_content`. The words follow the site's real subjects (places,
institutions and issues in Peru) so that searches hit a realistic share of items; no named
person is quoted.
"""

import datetime
import uuid

REGIONS = [
    "Amazonas", "Áncash", "Apurímac", "Arequipa", "Ayacucho", "Cajamarca", "Cusco",
    "Huancavelica", "Huánuco", "Junín", "La Libertad", "Lambayeque", "Lima", "Loreto",
    "Madre de Dios", "Moquegua", "Pasco", "Piura", "Puno", "San Martín", "Tacna", "Ucayali",
]  # fmt: skip
RIVERS = ["Marañón", "Amazon", "Ucayali", "Huallaga", "Napo", "Pastaza", "Tigre", "Corrientes"]
OUTLETS = ["La República", "El Comercio", "IDL-Reporteros", "Servindi", "The Guardian", "Reuters"]
# (issue, theme slugs): what the items are about and how editors would tag them.
ISSUES = [
    ("water rights", ["environment", "human-rights"]),
    ("illegal gold mining", ["mining-and-oil", "environment"]),
    ("oil spills", ["mining-and-oil", "environment"]),
    ("prior consultation", ["indigenous-peoples", "human-rights"]),
    ("land titling", ["indigenous-peoples"]),
    ("deforestation", ["environment"]),
    ("mercury pollution", ["environment", "mining-and-oil"]),
    ("police violence", ["human-rights"]),
    ("university reform", ["politics"]),
    ("corruption", ["politics"]),
    ("the minimum wage", ["economy"]),
    ("informal work", ["economy"]),
    ("copper exports", ["economy", "mining-and-oil"]),
    ("forced sterilisations", ["human-rights"]),
    ("reparations for victims of the armed conflict", ["human-rights", "politics"]),
    ("a new copper mine", ["mining-and-oil"]),
    ("the North Peruvian pipeline", ["mining-and-oil", "indigenous-peoples"]),
]
ACTORS = [
    "the Ombudsman's Office", "indigenous federations", "the Ministry of Energy and Mines",
    "the Ministry of the Environment", "the regional government", "Congress",
    "the Constitutional Court", "human rights organisations", "trade unions",
    "farmers' associations", "the prime minister's office", "environmental monitors",
]  # fmt: skip
TITLES = [
    "Communities in {region} protest over {issue}",
    "{Actor} calls for dialogue on {issue}",
    "Congress debates {issue}",
    "Oil spill reported on the {river}",
    "Court ruling on {issue} in {region}",
    "New report on {issue} in {region}",
    "State of emergency declared in {region}",
    "{Actor} criticised over {issue}",
    "Talks on {issue} break down in {region}",
    "Protesters march to Lima over {issue}",
]
SENTENCES = [
    "Leaders from {region} say that {issue} has been ignored for years.",
    "{Actor} has promised to send a commission to {region} within a month.",
    "Residents along the {river} report that fishing has become impossible.",
    "The dispute over {issue} has already led to road blockades in {region}.",
    "According to {outlet}, at least {number} people took part in the march.",
    "{Actor} denied that the measures would affect local communities.",
    "Observers expect the conflict over {issue} to reach Congress before the end of the year.",
    "Monitors found levels of contamination {number} times above the legal limit.",
    "The agreement signed in {region} in {year} has never been carried out.",
    "Several people were injured when police cleared the road near {region}.",
    "A committee of inquiry into {issue} is due to report next month.",
    "The government has declared the issue of {issue} a national priority.",
    "Community monitors have documented {number} incidents since {year}.",
    "Lawyers for the communities say they will take the case to the Inter-American Commission.",
]
HEADINGS = ["Background", "What happens next", "The response", "A long dispute"]
QUOTES = [
    "We have waited too long for the state to keep its word.",
    "Our children cannot drink the water from the river any more.",
    "Dialogue is the only way out of this conflict.",
    "The law must apply to everyone, including the companies.",
]
ATTRIBUTIONS = ["A community leader from {region}", "A spokesperson for {actor}", "A local farmer"]

FIRST_DAY = datetime.date(2007, 1, 1)
LAST_DAY = datetime.date(2016, 11, 27)


def _words(rng):
    issue, themes = rng.choice(ISSUES)
    actor = rng.choice(ACTORS)
    return {
        "region": rng.choice(REGIONS),
        "river": rng.choice(RIVERS),
        "issue": issue,
        "actor": actor,
        "Actor": actor[0].upper() + actor[1:],
        "outlet": rng.choice(OUTLETS),
        "number": rng.randint(2, 400),
        "year": rng.randint(2005, 2016),
    }, themes


def _paragraph(rng, words):
    sentences = rng.sample(SENTENCES, rng.randint(3, 5))
    return "<p>" + " ".join(sentence.format(**words) for sentence in sentences) + "</p>"


def _block(block_type, value):
    return {"type": block_type, "value": value, "id": str(uuid.uuid4())}


def news_item(rng):
    """Fields for one invented news item: title, date, summary, body and theme slugs."""
    words, themes = _words(rng)
    title = rng.choice(TITLES).format(**words)
    date = FIRST_DAY + datetime.timedelta(days=rng.randint(0, (LAST_DAY - FIRST_DAY).days))
    summary = " ".join(sentence.format(**words) for sentence in rng.sample(SENTENCES, 2))
    body = [_block("paragraph", _paragraph(rng, words)) for _ in range(rng.randint(2, 4))]
    body.insert(1, _block("heading", {"text": rng.choice(HEADINGS), "level": "h2"}))
    if rng.random() < 0.4:
        attribution = rng.choice(ATTRIBUTIONS).format(**words)
        body.append(_block("quote", {"text": rng.choice(QUOTES), "attribution": attribution}))
    if rng.random() < 0.6:
        citation = {
            "publication": words["outlet"],
            "headline": title,
            "url": "",
            "date": date.isoformat(),
        }
        body.append(_block("citation", citation))
    return {"title": title, "date": date, "summary": summary[:300], "body": body}, themes
