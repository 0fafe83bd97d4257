"""The charity's content of demo/content.py in Spanish, as a Peruvian organisation would write it.

Neutral Latin American Spanish as used in Peru, formal register ("usted"). Translations only:
dates, numbers and the names of people, places and organisations are unchanged, and where the
English text translates a Spanish name (the Oleoducto Norperuano, the Ley Universitaria, the
Comisión Interamericana de Derechos Humanos) the original Spanish name is used.

Each entry is tied to its English one: lists keyed as demo/content.py keys them (a news item or
briefing by the slug the loader gives the English page, a theme by its slug, a tier by its name,
a page about the site by its slug), single texts by the same constant name. Spanish slugs are
the Spanish titles slugified (`django.utils.text.slugify`), except where the English slug is not
its title's either (the indexes, the join page, the accessibility statement). Bodies are built
from these texts as the English ones are (demo/management/commands/load_demo_content.py): a news
item or briefing has only its summary, which its page shows as the lede.

Not loaded yet: demo/translations.py turns these into Spanish translations of the English pages
and snippets once the Spanish locale exists.
"""

import datetime

# English theme slug: Spanish name (the slug stays the English one in both languages).
THEMES = {
    "human-rights": "Derechos humanos",
    "indigenous-peoples": "Pueblos indígenas",
    "environment": "Medio ambiente",
    "mining-and-oil": "Minería y petróleo",
    "politics": "Política",
    "economy": "Economía",
}

AIMS_HEADING = "Objetivos del PSG"
AIMS = (
    "El Peru Support Group existe para promover la inclusión social, el desarrollo sostenible y "
    "la observancia de los derechos humanos en el Perú. Con ese fin, el PSG señala en sus "
    "investigaciones, su labor de incidencia y sus publicaciones las deficiencias en la "
    "observancia de las normas establecidas, ya sean de carácter internacional o local. Al "
    "hacerlo, pone de relieve las relaciones que existen dentro del sistema político, el "
    "funcionamiento de las instituciones y la eficacia de las políticas orientadas a reducir la "
    "pobreza y la desigualdad en el contexto del desarrollo sostenible."
)

NEWS_INDEX_TITLE = "Noticias"
NEWS_INDEX_SLUG = "noticias"
NEWS_INDEX_INTRO = "Noticias del Perú: derechos humanos, inclusión social y desarrollo sostenible."

# English slug: (title, date, summary), in the order of demo.content.NEWS.
NEWS = {
    "detainees-freed-in-cordillera-del-condor": (
        "Liberan a retenidos en la Cordillera del Cóndor",
        datetime.date(2016, 11, 27),
        "Fueron liberadas tres personas que habían sido retenidas el 14 de noviembre por grupos "
        "indígenas en la región de la Cordillera del Cóndor (Amazonas), en el norte del Perú.",
    ),
    "peru-invites-un-and-iachr-specialists-to-visit-the-sites-of-oil-spills": (
        "El Perú invita a especialistas de la ONU y de la CIDH a visitar los lugares de los "
        "derrames de petróleo",
        datetime.date(2016, 11, 27),
        "La ministra de Justicia, Marisol Pérez Tello, reveló en una entrevista radial para "
        "IdeeleRadio que el Gobierno ha cursado una invitación oficial al relator especial de la "
        "ONU sobre desechos tóxicos, Baskut Tuncak, y a representantes de la Comisión "
        "Interamericana de Derechos Humanos (CIDH) para que visiten los lugares de los derrames "
        "de petróleo en la Amazonía.",
    ),
    "experts-share-views-on-climate-change-and-the-problem-of-water-scarcity": (
        "Expertos intercambian opiniones sobre el cambio climático y el problema de la escasez "
        "de agua",
        datetime.date(2016, 11, 27),
        "El 23 de noviembre se realizó en Lima un encuentro internacional para debatir formas de "
        "defender el uso del agua, cada vez más escasa, por parte de las comunidades "
        "vulnerables. El encuentro reunió a expertos de Argentina y Colombia, así como a "
        "representantes de comunidades de distintos puntos de los Andes peruanos.",
    ),
    "university-law-battle-intensifies": (
        "Se intensifica la batalla por la Ley Universitaria",
        datetime.date(2016, 11, 20),
        "Desde hace semanas hay planes en marcha para descarrilar la ley aprobada durante el "
        "gobierno de Humala para reformar la gobernanza universitaria. Fuerza Popular, el "
        "partido de Fujimori, aliado con el APRA, decidió hace tiempo que había que frenar los "
        "intentos de endurecer la regulación de la educación superior.",
    ),
    "saramurillo-takes-protest-to-lima": (
        "Saramurillo lleva su protesta a Lima",
        datetime.date(2016, 11, 20),
        "Los dirigentes de Saramurillo, en Loreto, salieron a las calles de Lima el 19 y 20 de "
        "noviembre, cuando la reunión de APEC llegaba a su punto culminante. El presidente de "
        "una de las comunidades de la selva, Miguel Manihuari, declaró que la marcha de protesta "
        "buscaba obligar al gobierno de Kuczynski a atender sus demandas. Las comunidades han "
        "sufrido reiteradas roturas del Oleoducto Norperuano, operado por Petroperú. Ya se "
        "habían reunido con el presidente del Consejo de Ministros, Fernando Zavala, y con otros "
        "funcionarios del Gobierno.",
    ),
    "mercury-poisoning-in-madre-de-dios": (
        "Intoxicación por mercurio en Madre de Dios",
        datetime.date(2016, 11, 20),
        "En un artículo publicado por The Guardian, David Hill destaca los resultados de "
        "estudios realizados por el Duke Global Health Institute, en los Estados Unidos, que "
        "buscan cuantificar en qué medida las poblaciones locales están expuestas a la "
        "intoxicación por mercurio.",
    ),
    "fire-strikes-twice": (
        "El fuego golpea dos veces",
        datetime.date(2016, 11, 20),
        "El 17 de noviembre se desató un incendio en una de las salas de cine del centro "
        "comercial Larcomar, en Miraflores. Cuatro personas murieron y varias fueron "
        "trasladadas al hospital por inhalación de humo.",
    ),
    "mining-more-protests-more-deaths-some-dialogue": (
        "Minería: más protestas, más muertes, algo de diálogo",
        datetime.date(2016, 11, 13),
        "La muerte de un manifestante en Las Bambas en octubre ya ha tenido un fuerte impacto en "
        "las políticas públicas, como señalamos la semana pasada, y el temor al “contagio” ha "
        "resultado fundado. La semana pasada trajo nuevos hechos significativos: más muertes a "
        "manos de la policía, esta vez en La Libertad, y más protestas vinculadas a la minería "
        "en el sur.",
    ),
    "mining-output-boosts-exports": (
        "La producción minera impulsa las exportaciones",
        datetime.date(2016, 11, 13),
        "El aumento de la producción minera, proveniente sobre todo de Las Bambas y de la "
        "ampliación de Cerro Verde, ha ayudado a llevar la balanza comercial del Perú de nuevo "
        "hacia terreno positivo durante los tres primeros trimestres del año.",
    ),
    "defending-the-defenders-human-rights-defenders-at-risk": (
        "Defender a los defensores: defensores de derechos humanos en riesgo",
        datetime.date(2016, 11, 6),
        # Without a final full stop, as the English summary on the seed page.
        "Un documento de Oxfam llama la atención sobre la difícil situación de los defensores de "
        "derechos humanos en América Latina. El informe destaca la difícil situación de las "
        "mujeres en la defensa de los derechos humanos",
    ),
}

BULLETIN_INDEX_TITLE = "Peru Update"
BULLETIN_INDEX_SLUG = "peru-update"
BULLETIN_INDEX_INTRO = (
    "Peru Update, el boletín del Peru Support Group: las últimas noticias y novedades del Perú."
)
BULLETIN_TITLE = "Noticias de noviembre de 2016"
BULLETIN_EDITORIAL = AIMS[: AIMS.index(".") + 1]

BRIEFINGS_INDEX_TITLE = "Informes"
BRIEFINGS_INDEX_SLUG = "informes"
BRIEFINGS_INDEX_INTRO = "Contexto de los temas que sigue el Peru Support Group."

# English slug: (title, text), in the order of demo.content.BRIEFINGS.
BRIEFINGS = {
    "historical-overview": (
        "Panorama histórico",
        "Durante el último siglo, el Perú ha sufrido una serie de gobiernos autocráticos y una "
        "guerra civil en la que murieron cerca de 70 000 personas. Muchos de los problemas "
        "políticos y sociales que el país sigue arrastrando son herencia de su pasado, en cierta "
        "medida turbulento.",
    ),
    "human-rights": (
        "Derechos humanos",
        "Las violaciones de los derechos humanos fueron generalizadas durante los veinte años "
        "posteriores al inicio del conflicto armado en 1980. Los esfuerzos por condenar a los "
        "responsables desde el fin de la guerra solo han logrado avances limitados. Hoy persiste "
        "la preocupación por el trato que reciben quienes participan en la protesta social, en "
        "particular contra proyectos de inversión de importancia estratégica.",
    ),
}

WHY_JOIN_HEADING = "¿Por qué afiliarse al PSG?"
WHY_JOIN_CTA = "Hágase miembro"
# In the order of demo.content.WHY_JOIN (the reasons' sort order).
WHY_JOIN = [
    "Manténgase al día con las últimas noticias y novedades del Perú",
    "Conozca los temas clave de pobreza, desarrollo y derechos humanos en el Perú",
    "Apoye el trabajo del Peru Support Group",
]

# English tier name: (name, description). Fees and order are the English tiers'.
MEMBERSHIP_TIERS = {
    "Individual": ("Afiliación individual", "Para simpatizantes a título individual."),
    "Unwaged or student": (
        "Afiliación para estudiantes o personas sin empleo remunerado",
        "Para estudiantes, personas desempleadas y personas de bajos ingresos.",
    ),
    "Organisation": (
        "Afiliación de organizaciones",
        "Para ONG, sindicatos, grupos religiosos y otras organizaciones.",
    ),
}

JOIN_TITLE = "Afíliese"
JOIN_SLUG = "afiliese"
JOIN_INTRO = (
    "<p>La afiliación al Peru Support Group está abierta a todas las personas que comparten sus "
    "objetivos: promover la inclusión social, el desarrollo sostenible y la observancia de los "
    "derechos humanos en el Perú. Sus miembros se mantienen al día con las noticias y "
    "novedades del Perú, conocen los temas clave de pobreza, desarrollo y derechos humanos en "
    "el país y apoyan el trabajo del grupo.</p>"
)
JOIN_THANKS = (
    "<p>Gracias por solicitar su afiliación al Peru Support Group. Le estamos enviando una "
    "confirmación a su correo electrónico, y nuestra secretaría de afiliaciones se pondrá en "
    "contacto con usted acerca de su afiliación y de cómo pagar su cuota anual.</p>"
)

# English slug: (title, slug, summary, paragraphs as HTML). Links point at the Spanish pages,
# under /es/ as the Spanish site is addressed.
STANDARD_PAGES = {
    "about": (
        "Quiénes somos",
        "quienes-somos",
        "El Peru Support Group es una organización benéfica del Reino Unido que promueve la "
        "inclusión social, el desarrollo sostenible y la observancia de los derechos humanos en "
        "el Perú.",
        [
            f"<p>{AIMS}</p>",
            f"<h2>{WHY_JOIN_HEADING}</h2>",
            "<ul>" + "".join(f"<li>{reason}</li>" for reason in WHY_JOIN) + "</ul>",
            "<p>Este sitio publica los resúmenes de noticias del grupo y sus informes sobre el "
            "Perú. Las noticias resumen los acontecimientos en el Perú, de los que a menudo "
            "informan primero otros medios, a los que citamos como fuente. Los informes ofrecen el "
            "contexto de los temas que seguimos, y nuestros editores los revisan para que se "
            "mantengan exactos.</p>",
        ],
    ),
    "contact": (
        "Contacto",
        "contacto",
        "Cómo ponerse en contacto con el Peru Support Group acerca de este sitio y su contenido.",
        [
            "<p>El Peru Support Group funciona gracias a un pequeño equipo de personal y de "
            "voluntarios en el Reino Unido. Si ha detectado un error en una noticia o en un "
            "informe, o un problema al usar este sitio, le rogamos que nos lo comunique "
            "indicando la dirección de la página, y lo corregiremos.</p>",
            "<p>Los problemas de accesibilidad se atienden según lo descrito en nuestra "
            '<a href="/es/accesibilidad/">declaración de accesibilidad</a>.</p>',
        ],
    ),
    "privacy": (
        "Privacidad",
        "privacidad",
        "Qué datos suyos registra este sitio: lo menos posible.",
        [
            "<p>Para leer este sitio no necesita darnos ningún dato personal. No usamos "
            "servicios de analítica, publicidad ni seguimiento, y las páginas no cargan nada "
            "desde servidores de otras empresas: ni fuentes web, ni scripts, ni reproductores "
            "incrustados. Los videos y demás contenidos externos se muestran como enlaces "
            "comunes, que usted puede decidir seguir.</p>",
            "<p>El sitio no usa cookies para sus lectores, salvo una en los formularios de "
            "afiliación y de contacto: una cookie de seguridad que impide que otros sitios web "
            "envíen estos formularios en su nombre. No contiene datos personales. También se "
            "usan cookies para los editores de la organización cuando inician sesión para "
            "administrar el sitio, a fin de mantener su sesión abierta y proteger sus "
            "formularios.</p>",
            "<p>Nuestro servidor web conserva durante un breve periodo, indicado más abajo, los "
            "registros técnicos habituales (la dirección solicitada, la hora y su dirección IP) "
            "para mantener el sitio seguro y en funcionamiento.</p>",
            "<p>Si solicita afiliarse, conservamos los datos que consigne en el formulario para "
            "gestionar su afiliación. El formulario también comprueba si lo envió una persona: "
            "una solicitud que el formulario no puede distinguir de una automatizada se guarda "
            "aparte en el registro de afiliaciones y no genera ningún correo electrónico. Si "
            "nos escribe con el formulario de contacto, conservamos su nombre, su correo "
            "electrónico y su mensaje para responderle. Para evitar que los formularios reciban "
            "envíos masivos, contamos cuántas veces se envía cada uno desde cada dirección de "
            "red en la última hora; el recuento se guarda bajo un código generado a partir de "
            "la dirección, no la dirección misma. Más abajo se indica cuánto tiempo se conserva "
            "cada uno de estos datos.</p>",
            "<p>Cuando usted utiliza el buscador del sitio, registramos las palabras buscadas y "
            "contamos cuántas veces se buscaron cada día, para poder mejorar los resultados. "
            "Este registro de búsquedas no contiene direcciones ni otros datos personales.</p>",
        ],
    ),
    "accessibility": (
        "Declaración de accesibilidad",
        "accesibilidad",
        "Queremos que todas las personas puedan leer este sitio, sea cual sea el dispositivo o "
        "la tecnología de apoyo que utilicen.",
        [
            "<p>Este sitio busca cumplir las Pautas de Accesibilidad para el Contenido Web "
            "(WCAG) 2.2 en el nivel AA. Las páginas tienen una estructura clara de encabezados, "
            "regiones de referencia y un enlace para saltar al contenido principal; todo "
            "funciona solo con el teclado; el texto se puede ampliar y las páginas se "
            "reorganizan en pantallas estrechas; y los colores cumplen el nivel de contraste "
            "AA. Las páginas funcionan sin JavaScript y no cargan recursos de terceros, por lo "
            "que siguen siendo rápidas en conexiones lentas.</p>",
            "<p>Cómo lo comprobamos: cada versión se verifica con pruebas automatizadas que "
            "cargan cada tipo de página en un navegador real, con comprobaciones de la "
            "estructura de la página, del acceso con teclado y de la disposición en pantallas "
            "estrechas.</p>",
            "<p>Si encuentra algo de este sitio difícil de usar, le rogamos que nos lo comunique "
            'a través de nuestra <a href="/es/contacto/">página de contacto</a>, indicando en '
            "qué página y qué falló. Le responderemos y procuraremos resolver el problema o "
            "brindarle la información en otro formato.</p>",
        ],
    ),
}
