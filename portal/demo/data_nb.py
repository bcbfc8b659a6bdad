"""Demo content in Bokmål, as Norwegian units and firms write it.

Invented like the rest of the demo data: the companies, people and texts are fictional. The
challenges and profiles use ordinary inflected Norwegian ("droner", "undervannsfarkoster"), so
the demo also shows the Norwegian search.
"""

COASTAL_RANGERS_NB = "Sjøforsvaret – Kystjegerkommandoen"  # noqa: RUF001  (the en dash is intended)
HOME_GUARD_NB = "Heimevernet – Trøndelag heimevernsdistrikt 12"  # noqa: RUF001
# The demo military user's unit (kept in English in portal.demo.data): its challenges are theirs.
BRIGADE_NORTH = "Norwegian Army – Brigade North"  # noqa: RUF001

COMPANIES_NB = [
    {
        "name": "Fjordvakt Maritime Sensorer AS", "kind": "company",
        "county": "Møre og Romsdal", "municipality": "Ålesund", "size_band": "10-49", "trl": 6,
        "clearance": "in_process", "verified": False, "export_control": True,
        "norwegian_owned": True,
        "areas": ["underwater-technology", "autonomous-systems", "c2-decision-support"],
        "description": (
            "Fjordvakt utvikler sensorer og små autonome undervannsfarkoster for overvåking av "
            "havner, fjorder og infrastruktur på havbunnen. Hovedproduktet er en bærbar "
            "undervannsdrone på 45 kilo med sidesøkende sonar, flerstråleekkolodd og kamera, som "
            "to personer kan sette ut fra en RIB uten kran. Farkosten navigerer uten GPS ved "
            "hjelp av treghetsnavigasjon og dopplerlogg, og den kan ligge stille på bunnen i "
            "flere døgn og lytte med passive hydrofoner. Programvaren vår klassifiserer "
            "gjenstander på havbunnen automatisk og markerer mulige miner, kabler og fremmede "
            "objekter for operatøren. Data sendes over akustisk modem eller 4G når farkosten er "
            "i overflaten, og kan leveres til eksisterende kommando- og kontrollsystemer gjennom "
            "åpne grensesnitt. Vi har levert inspeksjonstjenester til havbruk og offshore i ti år "
            "og har testet farkosten i vinterforhold i Storfjorden med strøm, sjikting i "
            "vannmassene og dårlig sikt. Sikkerhetsklarering er under behandling, og vi har "
            "erfaring med eksportkontroll fra leveranser til allierte kystvakter. Produksjon, "
            "sammenstilling og testing skjer i eget verksted og testbasseng i Ålesund."
        ),
    },
    {
        "name": "Nordkapp Dronesystemer AS", "kind": "company", "county": "Finnmark",
        "municipality": "Alta", "size_band": "1-9", "trl": 7, "clearance": "none",
        "verified": False, "export_control": False, "norwegian_owned": True,
        "areas": ["autonomy-ai", "autonomous-systems", "artificial-intelligence"],
        "description": (
            "Nordkapp Dronesystemer bygger droner og sensorsystemer som tåler arktisk vinter. "
            "Våre multirotordroner flyr ved minus 30 grader med egenutviklede, selvoppvarmende "
            "batteripakker og propeller som motstår ising, og de kan settes opp av én person med "
            "votter på under fem minutter. Vi leverer også et lett deteksjonssystem mot små "
            "droner: en passiv radiomottaker som fanger opp styresignaler, et kompakt "
            "termisk kamera og maskinlæring som skiller droner fra fugler, snøfokk og "
            "reflekser. Systemet gir retning, avstand og en sikkerhet for hvert spor, og det "
            "sender sporene videre i standardformater. Alt går på batteri i opptil ett døgn og "
            "kan fraktes på snøscooter eller i pulk. Kundene våre er i dag kraftselskaper, "
            "Statens vegvesen og redningstjenesten i Finnmark, som bruker dronene til inspeksjon "
            "av kraftlinjer, skredovervåking og søk etter savnede i mørketiden. Vi har ti års "
            "erfaring med flyging i Finnmark og ønsker å teste løsningene våre sammen med "
            "militære avdelinger i Indre Troms og Finnmark."
        ),
    },
    {
        "name": "Trønder Kompositt AS", "kind": "company", "county": "Trøndelag",
        "municipality": "Orkland", "size_band": "50-249", "trl": 8, "clearance": "facility",
        "verified": True, "export_control": True, "norwegian_owned": True,
        "areas": ["materials-technology", "innovative-materials", "lifecycle-support"],
        "description": (
            "Trønder Kompositt produserer lette konstruksjoner og ballistisk beskyttelse i "
            "kompositt og keramikk. Vi lager påbyggspanser for kjøretøy, beskyttelsesplater for "
            "feltarbeidsplasser og skjold for båter, med omtrent halvparten av vekten til "
            "tilsvarende løsninger i stål. Materialene er kvalifisert for temperaturveksling ned "
            "til minus 46 grader og for fukt og saltvann, og platene kan repareres i felt med "
            "enkle verktøy. Vi har egen skytebane for ballistisk testing etter NATO-standarder og "
            "dokumenterer hver produksjonsserie med ultralydkontroll. I tillegg til forsvaret "
            "leverer vi kompositter til skipsbygging og havvind, og vi har automatisert "
            "produksjonen med robotlegging av fiber og vakuuminfusjon. Vi har "
            "leverandørklarering og lang erfaring med eksportlisenser. Vi ønsker oppdrag der "
            "beskyttelse må kombineres med lav vekt, for eksempel på beltevogner, "
            "snøscootere, pulker og mindre fartøy, og vi tar gjerne ansvar for vedlikehold og "
            "reservedeler gjennom hele levetiden."
        ),
    },
    {
        "name": "Innlandet Vedlikeholdsdata AS", "kind": "company", "county": "Innlandet",
        "municipality": "Hamar", "size_band": "10-49", "trl": 7, "clearance": "none",
        "verified": False, "export_control": False, "norwegian_owned": True,
        "areas": ["lifecycle-support", "big-data", "artificial-intelligence"],
        "description": (
            "Innlandet Vedlikeholdsdata leverer programvare for prediktivt vedlikehold av "
            "kjøretøy og maskiner som brukes hardt i kulde. Vi samler data fra motorstyring, "
            "vibrasjonssensorer, oljeanalyser og verkstedshistorikk og bruker maskinlæring til å "
            "varsle om slitasje før noe går i stykker. Løsningen kjører både i skyen og på en "
            "robust datamaskin i verkstedet eller i felt, og den fungerer uten nettdekning i "
            "flere uker. Mekanikerne får en enkel liste over hva som bør sjekkes, hvilke "
            "reservedeler som bør bestilles og hvor lenge kjøretøyet kan kjøre trygt. Kundene "
            "våre er entreprenører, busselskaper og kommunale brøytetjenester i Innlandet og "
            "Trøndelag, der vi har redusert uplanlagt stillstand med rundt en tredjedel. Vi "
            "ønsker å bruke erfaringene på militære beltevogner og lastebiler som står i "
            "vinterdrift, og vi kan koble oss til eksisterende logistikksystemer gjennom åpne "
            "grensesnitt. Alle data behandles i Norge, og vi følger Nasjonal sikkerhetsmyndighets "
            "grunnprinsipper for IKT-sikkerhet."
        ),
    },
]

CHALLENGES_NB = [
    {
        "title": "Varsling av små droner rundt kystbaser",
        "unit": COASTAL_RANGERS_NB, "status": "open", "visibility": "public",
        "trl_min": 5, "trl_max": 8, "deadline_days": 40, "contract_model": "prototype_test",
        "county": "Nordland",
        "areas": ["autonomy-ai", "c2-decision-support", "autonomous-systems"],
        "problem": (
            "Små droner brukes til å kartlegge og følge med på baser, fartøy og personell langs "
            "kysten. Avdelingene våre har ingen lette og bærbare løsninger som oppdager og "
            "følger droner i lav høyde over sjø og skjærgård. Dagens systemer er tunge, krever "
            "strøm fra nettet og gir mange falske alarmer fra fugl, bølger og nedbør."
        ),
        "context": (
            "Midlertidige baser på øyer og nes i Nordland og Troms, ofte uten strøm og med sterk "
            "vind, sjøsprøyt og mørke store deler av året. Utstyret fraktes i små båter og må "
            "settes opp av to personer på under en halvtime."
        ),
        "effect": (
            "Avdelingen får tidlig varsel om droner, med retning og sikkerhet, og kan dele "
            "sporene i situasjonsbildet uten å avsløre egen posisjon."
        ),
    },
    {
        "title": "Autonome undervannsfarkoster til minesøk i trange fjorder",
        "unit": COASTAL_RANGERS_NB, "status": "open", "visibility": "registered",
        "trl_min": 4, "trl_max": 7, "deadline_days": 55, "contract_model": "innovation_partnership",
        "county": "Møre og Romsdal",
        "areas": ["underwater-technology", "autonomous-systems", "artificial-intelligence"],
        "problem": (
            "Før et fartøy kan gå inn i en trang fjord eller et innløp, må ruten sjekkes for "
            "miner og fremmede gjenstander. Dagens minesøk krever store fartøy og tar lang tid. "
            "Vi trenger små undervannsfarkoster som kan settes ut fra lette båter, søke "
            "selvstendig og vise mulige funn til operatøren."
        ),
        "context": (
            "Fjorder og sund på Vestlandet med bratte sider, sterk strøm, ferskvannslag og dårlig "
            "sikt. Ingen GPS under vann, begrenset kommunikasjon og operasjoner hele året."
        ),
        "effect": (
            "En sikker rute er kartlagt på timer i stedet for dager, uten at dykkere eller store "
            "fartøy må inn i området."
        ),
    },
    {
        "title": "Prediktivt vedlikehold av beltevogner i vinterdrift",
        "unit": BRIGADE_NORTH, "status": "open", "visibility": "registered",
        "trl_min": 5, "trl_max": 8, "deadline_days": 70, "contract_model": "rnd_contract",
        "county": "Troms",
        "areas": ["lifecycle-support", "big-data", "artificial-intelligence"],
        "problem": (
            "Beltevognene våre får uventede motor- og girfeil i lange vinterøvelser, og "
            "reservedeler må ofte fraktes langt. Vi vil oppdage slitasje før noe går i stykker "
            "og planlegge vedlikeholdet ut fra faktisk bruk i stedet for faste intervaller."
        ),
        "context": (
            "Kjøretøy i felt i Indre Troms fra oktober til april, ned mot minus 40 grader, med "
            "lange perioder uten nettdekning. Data må behandles i Norge og håndteres etter "
            "Forsvarets krav til informasjonssikkerhet."
        ),
        "effect": (
            "Færre uplanlagte stopp, riktige reservedeler på rett sted og bedre "
            "tilgjengelighet på kjøretøyene gjennom vinteren."
        ),
    },
    {
        "title": "Lett ballistisk beskyttelse for snøscooter og pulk",
        "unit": HOME_GUARD_NB, "status": "draft", "visibility": "registered",
        "trl_min": 6, "trl_max": 9, "deadline_days": 90, "contract_model": "other",
        "county": "Trøndelag",
        "areas": ["materials-technology", "innovative-materials"],
        "problem": (
            "Heimevernets innsatsstyrker bruker snøscooter og pulk i beredskapsoppdrag, men har "
            "ingen beskyttelse mot splinter og håndvåpen. Beskyttelsen må være så lett at "
            "kjøretøyet fortsatt kommer fram i dyp snø."
        ),
        "context": (
            "Oppdrag i fjell og skog i Trøndelag om vinteren, med temperaturer ned mot minus 30 "
            "grader og lange transporter i ulendt terreng."
        ),
        "effect": (
            "Mannskapene får vern mot splinter og håndvåpen uten at fremkommeligheten blir "
            "vesentlig dårligere."
        ),
    },
]

# (challenge title, company name, status, pitch)
INTERESTS_NB = [
    ("Varsling av små droner rundt kystbaser", "Nordkapp Dronesystemer AS", "new",
     "Vårt lette deteksjonssystem mot droner går på batteri i et døgn, settes opp av to personer "
     "på et kvarter og skiller droner fra fugl og snøfokk. Vi kan teste det på en av basene "
     "deres allerede i vinter."),
    ("Autonome undervannsfarkoster til minesøk i trange fjorder",
     "Fjordvakt Maritime Sensorer AS", "shortlisted",
     "Undervannsdronen vår settes ut fra en RIB, navigerer uten GPS og markerer mulige miner "
     "automatisk. Den er testet i Storfjorden med sterk strøm og dårlig sikt."),
]
