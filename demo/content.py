"""The charity's own content as its home page stood in November 2016 (shared/seed).

Only the facts and words of that page: no invented news. Themes are an editorial grouping.
"""

import datetime
import re
import uuid
from html import unescape


def body_paragraphs(html_paragraphs):
    """Paragraphs of HTML as the body blocks of a page (English or Spanish alike); an `<h2>`
    becomes a heading block, styled as the site's other headings."""
    blocks = []
    for html in html_paragraphs:
        heading = re.fullmatch(r"<h2>(.*)</h2>", html)
        if heading:
            value = {"text": unescape(heading[1]), "level": "h2"}
            blocks.append({"type": "heading", "value": value, "id": str(uuid.uuid4())})
        else:
            blocks.append({"type": "paragraph", "value": html, "id": str(uuid.uuid4())})
    return blocks


# The plain page that is the contact page (a page type of its own, with the form), and the one
# that is the privacy notice.
CONTACT_SLUG = "contact"
PRIVACY_SLUG = "privacy"


def standard_page_body(slug, html_paragraphs):
    """A plain page's body (English or Spanish alike): its paragraphs, and on the privacy page
    the notice's legal details, which the site writes from its own settings (the controller,
    purposes, lawful bases, retention periods, rights, the ICO)."""
    body = body_paragraphs(html_paragraphs)
    if slug == PRIVACY_SLUG:
        body.append({"type": "privacy_notice", "value": None, "id": str(uuid.uuid4())})
    return body


THEMES = [
    ("Human rights", "human-rights"),
    ("Indigenous peoples", "indigenous-peoples"),
    ("Environment", "environment"),
    ("Mining and oil", "mining-and-oil"),
    ("Politics", "politics"),
    ("Economy", "economy"),
]

AIMS_HEADING = "PSG Aims"
AIMS = (
    "The Peru Support Group exists to promote social inclusion, sustainable development and the "
    "observance of human rights in Peru. To that end the PSG highlights shortcomings in "
    "observance of established norms, whether international or local in nature, in its "
    "research, advocacy and publications. In so doing, it underscores the relationships that "
    "exist within the political system, how institutions work, and the effectiveness of policies "
    "that aim to reduce poverty and inequality within the context of sustainable development."
)

# The news list: its title and the sentence above the items.
NEWS_INDEX_TITLE = "News"
NEWS_INDEX_INTRO = "News from Peru: human rights, social inclusion and sustainable development."

# (title, date, summary, theme slugs, region slugs), newest first as on the seed page. Each
# item is tagged with the regions its own text names: a place (Saramurillo, Las Bambas, Cerro
# Verde, Miraflores) by the region it lies in. The seed gives each item one paragraph, which is
# its summary: the items have no body of their own.
NEWS = [
    (
        "Detainees freed in Cordillera del Condor",
        datetime.date(2016, 11, 27),
        "Three people have been freed who were taken captive on 14 November by indigenous groups "
        "in the Cordillera del Cóndor region (Amazonas) in northern Peru.",
        ["indigenous-peoples"],
        ["amazonas"],
    ),
    (
        "Peru invites UN and IACHR specialists to visit the sites of oil spills",
        datetime.date(2016, 11, 27),
        "Justice Minister Marisol Pérez Tello revealed in a radio interview for IdeeleRadio that "
        "the government has extended an official invitation to the UN Special Rapporteur on Toxic "
        "Waste, Baskut Tuncak, and to representatives of the Inter-American Commission of Human "
        "Rights (IACHR), to visit the sites of the oil spills in the Amazon.",
        ["environment", "mining-and-oil", "human-rights"],
        [],
    ),
    (
        "Experts share views on climate change and the problem of water scarcity",
        datetime.date(2016, 11, 27),
        "An international meeting was held in Lima on 23 November to discuss ways of defending "
        "the use of increasingly scarce water by vulnerable communities. The meeting drew experts "
        "from Argentina and Colombia as well as representatives from communities across the "
        "Peruvian Andes.",
        ["environment"],
        ["lima-city"],
    ),
    (
        "University Law battle intensifies",
        datetime.date(2016, 11, 20),
        "Plans have been under way for weeks to derail the legislation passed under the Humala "
        "government to reform university governance. Fujimori’s Fuerza Popular, allied with "
        "APRA, long ago decided that the attempts to tighten the regulation of higher education "
        "needed to be stopped.",
        ["politics"],
        [],
    ),
    (
        "Saramurillo takes protest to Lima",
        datetime.date(2016, 11, 20),
        "The leaders from Saramurillo, in Loreto, took to the streets in Lima on 19-20 November "
        "as the APEC meeting reached a climax. The president of one of the jungle communities, "
        "Miguel Manihuari, declared that the protest march was intended to force the Kuczynski "
        "administration to respond to their demands. The communities have suffered repeated "
        "breaks in the North Peruvian pipeline operated by Petroperú. They had had meetings with "
        "the prime minister, Fernando Zavala, and other government officials.",
        ["indigenous-peoples", "mining-and-oil"],
        ["loreto", "lima-city"],
    ),
    (
        "Mercury poisoning in Madre de Dios",
        datetime.date(2016, 11, 20),
        "In a piece published by The Guardian, David Hill highlights the results of studies "
        "carried out by Duke Global Health Institute in the United States which seek to quantify "
        "how much local populations are exposed to mercury poisoning.",
        ["environment", "mining-and-oil"],
        ["madre-de-dios"],
    ),
    (
        "Fire strikes twice",
        datetime.date(2016, 11, 20),
        "On 17 November a fire broke out in one of the cinemas at the Larcomar shopping mall in "
        "Miraflores. Four people were killed and several were taken to hospital suffering from "
        "smoke inhalation.",
        [],
        ["lima-city"],
    ),
    (
        "Mining: more protests, more deaths, some dialogue",
        datetime.date(2016, 11, 13),
        "The death of a protester at Las Bambas in October has already had a strong impact on "
        "public policy, as we outlined last week, and the fear of ‘contagion’ has proved real. "
        "Last week brought further significant events: further deaths at police hands, this time "
        "in La Libertad, and more mining protests in the south.",
        ["mining-and-oil", "human-rights"],
        ["apurimac", "la-libertad"],
    ),
    (
        "Mining output boosts exports",
        datetime.date(2016, 11, 13),
        "The increase in mining output, mostly from Las Bambas and the expansion of Cerro Verde, "
        "have helped push Peru’s trade balance back towards positive terrain over the first "
        "three quarters of the year.",
        ["mining-and-oil", "economy"],
        ["apurimac", "arequipa"],
    ),
    (
        "Defending the defenders: human rights defenders at risk",
        datetime.date(2016, 11, 6),
        "An Oxfam document draws attention to the plight of human rights defenders in Latin "
        "America. The report highlights the plight of women in defending human rights",
        ["human-rights"],
        [],
    ),
]

# Peru Update, the members' bulletin: its page, and one bulletin that gathers the seed's November
# 2016 news items (all of NEWS), in the seed's order. The seed gives it no number, so it has none;
# its editorial is the first sentence of the aims, the seed's own words.
BULLETIN_INDEX_TITLE = "Peru Update"
BULLETIN_INDEX_INTRO = (
    "Peru Update, the Peru Support Group's bulletin: the latest news and developments in Peru."
)
BULLETIN_TITLE = "News from November 2016"
BULLETIN_DATE = datetime.date(2016, 11, 27)
BULLETIN_EDITORIAL = AIMS[: AIMS.index(".") + 1]

# The date the seed page was captured: the last time these texts are known to have been checked.
BRIEFINGS_REVIEWED = datetime.date(2016, 11, 27)

BRIEFINGS_INDEX_TITLE = "Briefings"
BRIEFINGS_INDEX_INTRO = "Background to the issues the Peru Support Group follows."

BRIEFINGS = [
    (
        "Historical Overview",
        "Over the past century Peru has suffered a series of autocratic governments and a civil "
        "war in which nearly 70,000 people died. Many of the country's ongoing political and "
        "social problems are a legacy of its somewhat turbulent past.",
        ["politics", "human-rights"],
    ),
    (
        "Human Rights",
        "Human rights violations were widespread during the twenty years after the initiation of "
        "armed conflict in 1980. Efforts to convict perpetrators since the war's end have made "
        "only limited progress. Today, concerns remain over the treatment of those engaged in "
        "social protest, particularly against strategically important investment projects.",
        ["human-rights"],
    ),
]

WHY_JOIN_HEADING = "Why join the PSG?"
WHY_JOIN_CTA = "Become a member"
WHY_JOIN = [
    "Keep up to date with latest news and developments in Peru",
    "Learn about key issues of poverty, development and human rights in Peru",
    "Support the work of the Peru Support Group",
]

# Fees are the editors' to confirm in the admin (Snippets → Membership → Membership tiers).
MEMBERSHIP_TIERS = [
    ("Individual", "25.00", "For individual supporters.", 1),
    ("Unwaged or student", "10.00", "For students, the unemployed and people on a low income.", 2),
    ("Organisation", "50.00", "For NGOs, trade unions, faith groups and other organisations.", 3),
]

JOIN_TITLE = "Join us"
JOIN_INTRO = (
    "<p>Membership of the Peru Support Group is open to everyone who shares its aims: to "
    "promote social inclusion, sustainable development and the observance of human rights in "
    "Peru. Members keep up to date with news and developments in Peru, learn about the key "
    "issues of poverty, development and human rights there, and support the group's work.</p>"
)
JOIN_THANKS = (
    "<p>Thank you for applying to join the Peru Support Group. We are sending a confirmation "
    "to your email address, and our membership secretary will be in touch about your "
    "membership and how to pay your annual fee.</p>"
)

# Pages about the site itself: (title, slug, in main menu, summary, paragraphs as HTML).
STANDARD_PAGES = [
    (
        "About",
        "about",
        True,
        "The Peru Support Group is a UK charity that promotes social inclusion, sustainable "
        "development and the observance of human rights in Peru.",
        [
            f"<p>{AIMS}</p>",
            f"<h2>{WHY_JOIN_HEADING}</h2>",
            "<ul>" + "".join(f"<li>{reason}</li>" for reason in WHY_JOIN) + "</ul>",
            "<p>This site publishes the group's news summaries and its briefings on Peru. "
            "News items summarise developments in Peru, often reported first by other outlets, "
            "which we credit. Briefings give the background to the issues we follow and are "
            "reviewed by our editors to keep them accurate.</p>",
        ],
    ),
    (
        "Contact",
        "contact",
        False,
        "How to get in touch with the Peru Support Group about this site and its content.",
        [
            "<p>The Peru Support Group is run by a small staff and volunteers in the UK. "
            "If you have spotted a mistake in a news item or briefing, or a problem using this "
            "site, please tell us, naming the page's address, and we will correct it.</p>",
            "<p>Problems with accessibility are handled as described in our "
            '<a href="/accessibility/">accessibility statement</a>.</p>',
        ],
    ),
    (
        "Privacy",
        "privacy",
        False,
        "What this site records about you: as little as possible.",
        [
            "<p>Reading this site does not require you to give us any personal information. "
            "We do not use analytics, advertising or tracking services, and pages load nothing "
            "from other companies' servers: no web fonts, scripts or embedded players. Videos "
            "and other external media are shown as ordinary links that you may choose to "
            "follow.</p>",
            "<p>The site sets no cookies for readers, except one on the join and contact forms: "
            "a security cookie that stops other websites sending these forms in your name. It "
            "holds no personal data. Cookies are also set for the charity's editors when they "
            "sign in to manage the site, to keep them signed in and to protect their forms.</p>",
            "<p>Our web server keeps standard technical logs (the address requested, the time "
            "and your IP address) for a short period, given below, to keep the site secure and "
            "working.</p>",
            "<p>If you apply to join, we keep the details you give on the form to manage your "
            "membership. The form also checks whether it was sent by a person: an application "
            "it cannot tell apart from an automated one is kept aside in the membership "
            "register and is not emailed on. If you write to us with the contact form, we keep "
            "your name, email address and message to answer you. To stop the forms being "
            "flooded, we count how often each is sent from each network address in the last "
            "hour; the count is stored under a code made from the address, not the address "
            "itself. How long each of these is kept is set out below.</p>",
            "<p>When you use the site's search, we record the words searched for and count how "
            "many times they were searched each day, so that we can improve the results. This "
            "search log holds no address or other personal data.</p>",
        ],
    ),
    (
        "Accessibility statement",
        "accessibility",
        False,
        "We want everyone to be able to read this site, whatever device or assistive "
        "technology they use.",
        [
            "<p>This site aims to meet the Web Content Accessibility Guidelines (WCAG) 2.2 at "
            "level AA. Pages use a clear heading structure, landmarks and a 'skip to main "
            "content' link; everything works with a keyboard alone; text can be enlarged and "
            "pages reflow on narrow screens; and colours meet AA contrast. Pages work without "
            "JavaScript and load no third-party resources, so they stay quick on slow "
            "connections.</p>",
            "<p>How we test: every release is checked by automated tests that load each type of "
            "page in a real browser, including checks of page structure, keyboard access and "
            "layout on narrow screens.</p>",
            "<p>If you find something on this site hard to use, please tell us through our "
            '<a href="/contact/">contact page</a>, saying which page and what went wrong. '
            "We will reply and aim to fix the problem or give you the information in another "
            "form.</p>",
        ],
    ),
]
