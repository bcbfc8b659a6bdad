"""A small labelled set for testing matching quality with the real model.

Each challenge has one fitting company that says the same thing in other words (it shares no
content word with the challenge) and one unfitting company that borrows the challenge's words
for another trade. A words-only ranking prefers the borrower; a model of meaning prefers the
paraphrase.
"""

from matching import Document

# challenge id -> (challenge text, fitting company text, word-borrowing company text)
PAIRS = {
    "quiet-submarines": (
        "Detect quiet submarines hiding in shallow fjords with passive sonar.",
        "We build underwater listening equipment: hydrophone arrays that pick up vessel noise "
        "beneath the sea surface.",
        "Guided kayak tours through quiet, shallow fjords; our passive holidays let guests "
        "detect seals hiding near the shore.",
    ),
    "cold-batteries": (
        "Batteries for small drones lose capacity in Arctic winter temperatures; we need power "
        "storage that keeps drones flying at minus forty.",
        "Our lithium cells go on working in freezing conditions: electrochemistry for unmanned "
        "aircraft operating in polar climates.",
        "Winter storage for small power boats: we keep them dry at minus temperatures, with "
        "flying visits from our Arctic team.",
    ),
    "field-meals": (
        "Soldiers on long exercises need hot meals; we seek lightweight field kitchens.",
        "We design compact, portable cooking units and self-heating rations for troops "
        "deployed outdoors.",
        "Exercises for long-distance runners: lightweight field training, hot yoga and meals "
        "planned by our coaches.",
    ),
    "network-intrusions": (
        "Detect intrusions into military computer networks and stop attackers before they "
        "steal classified data.",
        "Security operations centre: we monitor IT systems around the clock for hacking "
        "attempts and respond to breaches of sensitive information.",
        "Computer networks installed in schools: cabling, data points and military-grade cable "
        "trays; we stop by before classes start.",
    ),
    "hull-icing": (
        "Ice builds up on ship hulls and antennas in northern seas; we need coatings that "
        "prevent icing.",
        "Surface chemistry firm making water-repellent paints that keep frost from forming on "
        "vessels and masts.",
        "Northern seas fishing supplies: hulls, antennas and ship chandlery; we build nets that "
        "need no coatings.",
    ),
    "casualty-evacuation": (
        "Evacuate wounded personnel from remote mountain terrain quickly and safely.",
        "Rescue stretchers and medical transport sledges that move injured soldiers across "
        "snow and rough ground.",
        "Remote terrain mapping for mountain tourism: we guide hotel personnel quickly and "
        "safely between resorts.",
    ),
}

OTHER_COMPANIES = {
    "payroll": "Payroll, invoicing and accounting software for small businesses.",
    "legal": "Law firm advising on property purchases, leases and inheritance.",
    "bakery": "Industrial bakery supplying bread and pastries to supermarkets.",
}


def challenges() -> list[Document]:
    return [Document(key, text) for key, (text, _, _) in PAIRS.items()]


def companies() -> list[Document]:
    docs = []
    for key, (_, fitting, borrowing) in PAIRS.items():
        docs.append(Document(f"{key}:fits", fitting))
        docs.append(Document(f"{key}:borrows", borrowing))
    docs.extend(Document(key, text) for key, text in OTHER_COMPANIES.items())
    return docs


def relevance() -> dict[str, dict[str, float]]:
    """Graded judgements: only the paraphrasing company fits its challenge."""
    return {key: {f"{key}:fits": 1.0} for key in PAIRS}
