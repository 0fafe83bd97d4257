"""Invented but realistic news items for load tests and the search benchmark, in English or
in Spanish.

Used only by `manage.py generate_content`. The words follow the site's real subjects (places,
institutions and issues in Peru) so that searches hit a realistic share of items; no named
person is quoted. The Spanish items are written from their own phrases (neutral Latin
American Spanish, as used in Peru), not translated from the English ones.
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


# The same subjects in Spanish. Every actor is singular, so that verbs agree with them.
ISSUES_ES = [
    ("el derecho al agua", ["environment", "human-rights"]),
    ("la minería ilegal de oro", ["mining-and-oil", "environment"]),
    ("los derrames de petróleo", ["mining-and-oil", "environment"]),
    ("la consulta previa", ["indigenous-peoples", "human-rights"]),
    ("la titulación de tierras", ["indigenous-peoples"]),
    ("la deforestación", ["environment"]),
    ("la contaminación por mercurio", ["environment", "mining-and-oil"]),
    ("la violencia policial", ["human-rights"]),
    ("la reforma universitaria", ["politics"]),
    ("la corrupción", ["politics"]),
    ("el salario mínimo", ["economy"]),
    ("el trabajo informal", ["economy"]),
    ("las exportaciones de cobre", ["economy", "mining-and-oil"]),
    ("las esterilizaciones forzadas", ["human-rights"]),
    ("las reparaciones a las víctimas del conflicto armado", ["human-rights", "politics"]),
    ("una nueva mina de cobre", ["mining-and-oil"]),
    ("el Oleoducto Norperuano", ["mining-and-oil", "indigenous-peoples"]),
]
ACTORS_ES = [
    "la Defensoría del Pueblo", "la federación indígena regional",
    "el Ministerio de Energía y Minas", "el Ministerio del Ambiente", "el gobierno regional",
    "el Congreso", "el Tribunal Constitucional", "la coordinadora de derechos humanos",
    "la central sindical", "la junta de usuarios de riego",
    "la Presidencia del Consejo de Ministros", "el comité de monitoreo ambiental",
]  # fmt: skip
RIVERS_ES = ["Marañón", "Amazonas", "Ucayali", "Huallaga", "Napo", "Pastaza", "Tigre", "Corrientes"]
TITLES_ES = [
    "Comunidades de {region} protestan por {issue}",
    "{Actor} pide diálogo sobre {issue}",
    "El Congreso debate {issue}",
    "Reportan derrame de petróleo en el río {river}",
    "Fallo judicial sobre {issue} en {region}",
    "Nuevo informe sobre {issue} en {region}",
    "Declaran estado de emergencia en {region}",
    "{Actor} recibe críticas por {issue}",
    "Se rompe el diálogo sobre {issue} en {region}",
    "Protesta en {region} por {issue}",
]
SENTENCES_ES = [
    "Dirigentes de {region} afirman que el Estado ha ignorado {issue} durante años.",
    "{Actor} prometió enviar una comisión a {region} en el plazo de un mes.",
    "Los pobladores a orillas del río {river} denuncian que ya no es posible pescar.",
    "La disputa por {issue} ya provocó bloqueos de carreteras en {region}.",
    "Según {outlet}, al menos {number} personas participaron en la marcha.",
    "{Actor} negó que las medidas afecten a las comunidades locales.",
    "Los observadores prevén que el conflicto por {issue} llegue al Congreso antes de fin de año.",
    "Los monitores hallaron niveles de contaminación {number} veces por encima del límite legal.",
    "El acuerdo firmado en {region} en {year} nunca se cumplió.",
    "Varias personas resultaron heridas cuando la policía despejó la carretera cerca de {region}.",
    "Una comisión investigadora sobre {issue} presentará su informe el próximo mes.",
    "El gobierno declaró {issue} como prioridad nacional.",
    "Los monitores comunitarios registraron {number} incidentes desde {year}.",
    "Los abogados de las comunidades llevarán el caso a la Comisión Interamericana.",
    "Las protestas continúan en varias provincias de {region}.",
    "Las empresas mineras rechazan las acusaciones.",
]
HEADINGS_ES = ["Antecedentes", "Lo que viene", "La respuesta", "Una larga disputa"]
QUOTES_ES = [
    "Hemos esperado demasiado tiempo a que el Estado cumpla su palabra.",
    "Nuestros hijos ya no pueden tomar el agua del río.",
    "El diálogo es la única salida a este conflicto.",
    "La ley debe aplicarse a todos, también a las empresas.",
]
ATTRIBUTIONS_ES = [
    "Un dirigente comunal de {region}",
    "Una agricultora de {region}",
    "Un poblador del río {river}",
]

# Each language's phrases, by the language of the item.
PHRASES = {
    "en": {
        "issues": ISSUES, "actors": ACTORS, "rivers": RIVERS, "titles": TITLES,
        "sentences": SENTENCES, "headings": HEADINGS, "quotes": QUOTES,
        "attributions": ATTRIBUTIONS,
    },
    "es": {
        "issues": ISSUES_ES, "actors": ACTORS_ES, "rivers": RIVERS_ES, "titles": TITLES_ES,
        "sentences": SENTENCES_ES, "headings": HEADINGS_ES, "quotes": QUOTES_ES,
        "attributions": ATTRIBUTIONS_ES,
    },
}  # fmt: skip

FIRST_DAY = datetime.date(2007, 1, 1)
LAST_DAY = datetime.date(2016, 11, 27)


def _words(rng, phrases):
    issue, themes = rng.choice(phrases["issues"])
    actor = rng.choice(phrases["actors"])
    return {
        "region": rng.choice(REGIONS),
        "river": rng.choice(phrases["rivers"]),
        "issue": issue,
        "actor": actor,
        "Actor": actor[0].upper() + actor[1:],
        "outlet": rng.choice(OUTLETS),
        "number": rng.randint(2, 400),
        "year": rng.randint(2005, 2016),
    }, themes


def _paragraph(rng, words, phrases):
    sentences = rng.sample(phrases["sentences"], rng.randint(3, 5))
    return "<p>" + " ".join(sentence.format(**words) for sentence in sentences) + "</p>"


def _block(block_type, value):
    return {"type": block_type, "value": value, "id": str(uuid.uuid4())}


def news_item(rng, language="en"):
    """Fields for one invented news item in `language` ("en" or "es"): title, date, summary,
    body and the names of the regions its text names (`region_names`); and its theme slugs."""
    phrases = PHRASES[language]
    words, themes = _words(rng, phrases)
    title = rng.choice(phrases["titles"]).format(**words)
    date = FIRST_DAY + datetime.timedelta(days=rng.randint(0, (LAST_DAY - FIRST_DAY).days))
    sentences = rng.sample(phrases["sentences"], 2)
    summary = " ".join(sentence.format(**words) for sentence in sentences)
    body = [_block("paragraph", _paragraph(rng, words, phrases)) for _ in range(rng.randint(2, 4))]
    body.insert(1, _block("heading", {"text": rng.choice(phrases["headings"]), "level": "h2"}))
    if rng.random() < 0.4:
        attribution = rng.choice(phrases["attributions"]).format(**words)
        quote = {"text": rng.choice(phrases["quotes"]), "attribution": attribution}
        body.append(_block("quote", quote))
    if rng.random() < 0.6:
        citation = {
            "publication": words["outlet"],
            "headline": title,
            "url": "",
            "date": date.isoformat(),
        }
        body.append(_block("citation", citation))
    summary = summary[:300]
    named = words["region"] in f"{title} {summary} {body}"
    return {
        "title": title,
        "date": date,
        "summary": summary,
        "body": body,
        "region_names": [words["region"]] if named else [],
    }, themes
