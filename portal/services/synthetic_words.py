"""The word lists synthetic companies and challenges are made from (data only).

Placeholders in braces (``{product}``, ``{cap}``, ``{standard}`` ...) are filled by
:mod:`portal.services.synthetic`.
"""

UNITS = (
    "Norwegian Army – Brigade North",  # noqa: RUF001  (en dash, as the demo data)
    "Norwegian Army – Finnmark Land Command",  # noqa: RUF001
    "Royal Norwegian Navy – Coastal Rangers Command",  # noqa: RUF001
    "Royal Norwegian Navy – Mine Warfare Flotilla",  # noqa: RUF001
    "Royal Norwegian Navy – Submarine Service",  # noqa: RUF001
    "Royal Norwegian Air Force – 132 Air Wing",  # noqa: RUF001
    "Royal Norwegian Air Force – Control and Reporting Centre",  # noqa: RUF001
    "Norwegian Home Guard – District 12",  # noqa: RUF001
    "Norwegian Cyber Defence Force",
    "Norwegian Defence Logistics Organisation",
    "Norwegian Special Operations Command",
    "Norwegian Intelligence Battalion",
)

MUNICIPALITIES: dict[str, tuple[str, ...]] = {
    "Agder": ("Kristiansand", "Arendal", "Grimstad"),
    "Akershus": ("Bærum", "Asker", "Lillestrøm", "Kjeller"),
    "Buskerud": ("Drammen", "Kongsberg", "Ringerike"),
    "Finnmark": ("Alta", "Hammerfest", "Kirkenes", "Porsanger"),
    "Innlandet": ("Gjøvik", "Hamar", "Raufoss", "Lillehammer"),
    "Møre og Romsdal": ("Ålesund", "Molde", "Kristiansund"),
    "Nordland": ("Bodø", "Narvik", "Harstad", "Mo i Rana"),
    "Oslo": ("Oslo",),
    "Rogaland": ("Stavanger", "Sandnes", "Haugesund"),
    "Telemark": ("Skien", "Porsgrunn", "Notodden"),
    "Troms": ("Tromsø", "Bardufoss", "Setermoen", "Andøy"),
    "Trøndelag": ("Trondheim", "Ørland", "Steinkjer", "Stjørdal"),
    "Vestfold": ("Horten", "Tønsberg", "Sandefjord", "Larvik"),
    "Vestland": ("Bergen", "Haakonsvern", "Stord", "Førde"),
    "Østfold": ("Fredrikstad", "Sarpsborg", "Halden", "Moss"),
}

NAME_STEMS = (
    "Nord", "Fjell", "Havbris", "Polar", "Kyst", "Stål", "Isbre", "Lynx", "Fjord", "Vidde",
    "Tinde", "Skjold", "Falk", "Ulv", "Orkan", "Nordlys", "Dypvann", "Skagerak", "Varde",
    "Bølge", "Jotun", "Aurora", "Hval", "Frost", "Sentinel", "Brann", "Mjølner", "Gnist",
    "Tåke", "Loke",
)
NAME_TAILS = (
    "Systems", "Teknikk", "Robotics", "Sensor", "Dynamics", "Marine", "Analytics", "Labs",
    "Solutions", "Engineering", "Materials", "Defence", "Subsea", "Photonics", "Aero",
    "Software", "Industri", "Instruments", "Autonomy", "Energy",
)
ENVIRONMENTS = (
    "Arctic", "maritime", "urban", "littoral", "subsea", "mountain", "high-north", "coastal",
    "cold-weather", "GNSS-denied", "electronic-warfare-contested", "expeditionary",
)
STANDARDS = (
    "AQAP 2110", "ISO 9001", "MIL-STD-810H", "MIL-STD-461G", "STANAG 4586", "STANAG 4609",
    "STANAG 4439", "DEF STAN 00-56", "IEC 62443", "EN 9100", "NATO FMN", "ISO/IEC 27001",
    "RTCA DO-178C", "IEC 61508",
)
PRODUCT_NOUNS = (
    "sensor suite", "software platform", "ruggedised terminal", "payload", "test rig",
    "control unit", "analysis toolkit", "data link", "training simulator", "prototype",
    "coating", "power module", "antenna array", "decision-support tool", "maintenance kit",
)
CUSTOMERS = (
    "the Norwegian Armed Forces", "the Norwegian Defence Materiel Agency", "FFI",
    "Nordic defence primes", "NATO partners", "the Coast Guard", "offshore operators",
    "allied navies", "the Home Guard",
)
COMPANY_OPENERS = (
    "{name} is a {size} company in {municipality} that develops {cap1} and {cap2}.",
    "From {municipality}, {name} designs and delivers {cap1}, with growing work in {cap2}.",
    "{name} ({size} staff) builds {cap1} and supports {cap2} for demanding users.",
    "We are a {size} engineering team in {municipality} specialising in {cap1} and {cap2}.",
)
COMPANY_MIDDLES = (
    "Our {product} is proven in {env} conditions and integrates with {cap3}.",
    "The {product} we ship has been tested in {env} trials together with {customer}.",
    "We have delivered a {product} for {env} operations to {customer}.",
    "Core competence: {cap3}, documented to {standard}.",
    "Our {env} field experience covers {cap3} and rapid prototyping with end users.",
)
COMPANY_CLOSERS = (
    "Quality management follows {standard}; main offerings are at TRL {trl}.",
    "We work to {standard} and want to mature our {product} with a military end user.",
    "Looking for partners in {cap4}; current products are at TRL {trl}.",
    "We offer test capacity, short lines of communication and {standard} documentation.",
)
CHALLENGE_TITLES = (
    "{Cap} for {env} operations",
    "{Env} {product} for {cap}",
    "Faster {cap} in {env} conditions",
    "Low-signature {product} for {cap}",
    "Resilient {cap} for the {env} environment",
)
CHALLENGE_PROBLEMS = (
    "Our units lack {cap} that works reliably in {env} conditions. Today {cap2} depends on "
    "manual procedures, and information arrives too late to act on.",
    "Current equipment for {cap} is heavy, power-hungry and hard to maintain in {env} "
    "operations. We need a {product} that integrates with {cap2}.",
    "Exercises showed gaps in {cap}: operators cannot combine data from {cap2}, and the "
    "existing {product} fails below minus 30 degrees.",
)
CHALLENGE_CONTEXTS = (
    "Operations in {env} terrain with long distances, limited bandwidth and {env2} threats.",
    "Deployed {env} units working from vessels, vehicles and field camps during winter.",
    "Joint exercises in {county} with allied forces, under {standard} requirements.",
)
CHALLENGE_EFFECTS = (
    "Shorter decision cycles and a {product} that a section can operate after one day of "
    "training.",
    "Higher availability of {cap} and lower logistics burden in the field.",
    "A prototype tested with the unit within twelve months, ready for {standard} approval.",
)
