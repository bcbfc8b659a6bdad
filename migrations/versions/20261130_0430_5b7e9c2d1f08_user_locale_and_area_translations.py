"""languages and Norwegian search: users' language, area names per language, stemmed search text

Revision ID: 5b7e9c2d1f08
Revises: a4f1c9e7d2b3
Create Date: 2026-11-30 04:30:00

"""
from alembic import op
import sqlalchemy as sa

from portal.search import search_text


# revision identifiers, used by Alembic.
revision = '5b7e9c2d1f08'
down_revision = 'a4f1c9e7d2b3'
branch_labels = None
depends_on = None


# slug: (Bokmål, Nynorsk)
AREA_NAMES = {
    'c2-decision-support': (
        'Kommando og kontroll, informasjon, beslutningsstøtte og kampsystemer',
        'Kommando og kontroll, informasjon, avgjerdsstøtte og kampsystem'),
    'systems-integration': ('Systemintegrasjon', 'Systemintegrasjon'),
    'autonomy-ai': ('Autonome systemer og kunstig intelligens',
                    'Autonome system og kunstig intelligens'),
    'missile-technology': ('Missilteknologi', 'Missilteknologi'),
    'underwater-technology': ('Undervannsteknologi', 'Undervassteknologi'),
    'ammunition-propulsion-explosives': (
        'Ammunisjon, fremdriftsteknologi og militære eksplosiver',
        'Ammunisjon, framdriftsteknologi og militære eksplosiv'),
    'materials-technology': ('Materialteknologi utviklet eller videreutviklet for militær bruk',
                             'Materialteknologi utvikla eller vidareutvikla for militær bruk'),
    'lifecycle-support': ('Livsløpsstøtte for militære systemer',
                          'Livsløpsstøtte for militære system'),
    'big-data': ('Stordata', 'Stordata'),
    'artificial-intelligence': ('Kunstig intelligens', 'Kunstig intelligens'),
    'autonomous-systems': ('Autonome systemer', 'Autonome system'),
    'quantum-technology': ('Kvanteteknologi', 'Kvanteteknologi'),
    'space-technology': ('Romteknologi', 'Romteknologi'),
    'hypersonic-technology': ('Hypersonisk teknologi', 'Hypersonisk teknologi'),
    'biotechnology-human-enhancement': ('Bioteknologi og menneskelig ytelsesforbedring',
                                        'Bioteknologi og betring av menneskeleg yteevne'),
    'innovative-materials': ('Innovative materialer og produksjonsmetoder',
                             'Innovative materiale og produksjonsmetodar'),
}

# slug: (Bokmål, Nynorsk)
AREA_DESCRIPTIONS = {
    'c2-decision-support': (
        'Systemer som lar sjefer se, beslutte og handle: programvare for kommando og kontroll (K2), stridsledelses- og kampsystemer, taktiske datalinker og sikker militær kommunikasjon, sensorfusjon og situasjonsforståelse, etterretningsbehandling, beslutningsstøtteverktøy, cyberforsvar av militære nettverk, elektronisk krigføring og radarsignalbehandling som mater kommandokjeden.',
        'System som lèt sjefar sjå, avgjere og handle: programvare for kommando og kontroll (K2), stridsleiings- og kampsystem, taktiske datalinkar og sikker militær kommunikasjon, sensorfusjon og situasjonsforståing, etterretningshandsaming, avgjerdsstøtteverktøy, cyberforsvar av militære nettverk, elektronisk krigføring og radarsignalhandsaming som mater kommandokjeda.'),
    'systems-integration': (
        'Integrasjon av sensorer, våpen, kommunikasjon og programvare fra mange leverandører til fungerende plattformer og system av systemer: grensesnitt og åpne arkitekturer, integrasjon på fartøy, luftfartøy og kjøretøy, test og verifikasjon, samvirke med allierte systemer (NATO-standarder), modellbasert systemutvikling og digitale tvillinger.',
        'Integrasjon av sensorar, våpen, kommunikasjon og programvare frå mange leverandørar til fungerande plattformer og system av system: grensesnitt og opne arkitekturar, integrasjon på fartøy, luftfartøy og køyretøy, test og verifikasjon, samvirke med allierte system (NATO-standardar), modellbasert systemutvikling og digitale tvillingar.'),
    'autonomy-ai': (
        'Ubemannede og autonome farkoster i luften, på land, på sjøen og under vann; maskinlæring og datasyn for målgjenkjenning og sensorbehandling; navigasjon uten GPS; sverming, samhandling mellom menneske og maskin, robotikk, antidronesystemer og pålitelig, forklarbar kunstig intelligens til militær bruk.',
        'Ubemanna og autonome farkostar i lufta, på land, på sjøen og under vatn; maskinlæring og datasyn for målattkjenning og sensorhandsaming; navigasjon utan GPS; sverming, samhandling mellom menneske og maskin, robotikk, antidronesystem og påliteleg, forklarbar kunstig intelligens til militær bruk.'),
    'missile-technology': (
        'Styrte missiler og delsystemene deres: målsøkere og styring, navigasjon og kontroll, aerodynamikk, rakettmotorer og skrog, stridshoder og tennere, utskytere og ildledning, testing og simulering av missiler, og forsvar mot missiler og trusler i høy hastighet.',
        'Styrte missil og delsystema deira: målsøkjarar og styring, navigasjon og kontroll, aerodynamikk, rakettmotorar og skrog, stridshovud og tennarar, utskytarar og eldleiing, testing og simulering av missil, og forsvar mot missil og truslar i høg fart.'),
    'underwater-technology': (
        'Teknologi for operasjoner under havoverflaten: sonar og undervannsakustikk, antiubåtkrigføring, mottiltak mot miner, autonome undervannsfarkoster (AUV-er) og ROV-er, sensorer og kommunikasjon under vann, overvåking av infrastruktur på havbunnen, dykker- og ubåtsystemer, og oseanografiske data for marineoperasjoner i kaldt arktisk farvann.',
        'Teknologi for operasjonar under havflata: sonar og undervassakustikk, antiubåtkrigføring, mottiltak mot miner, autonome undervassfarkostar (AUV-ar) og ROV-ar, sensorar og kommunikasjon under vatn, overvaking av infrastruktur på havbotnen, dykkar- og ubåtsystem, og oseanografiske data for marineoperasjonar i kaldt arktisk farvatn.'),
    'ammunition-propulsion-explosives': (
        'Ammunisjon i alle kalibre, artillerigranater og presisjonsammunisjon, energetiske materialer og ufølsomme eksplosiver, drivladninger og rakettfremdrift, tennere og tennsystemer, demilitarisering og sikker lagring av eksplosiver, og produksjonskapasitet for ammunisjon.',
        'Ammunisjon i alle kaliber, artillerigranatar og presisjonsammunisjon, energetiske materiale og ufølsame eksplosiv, drivladningar og rakettframdrift, tennarar og tennsystem, demilitarisering og trygg lagring av eksplosiv, og produksjonskapasitet for ammunisjon.'),
    'materials-technology': (
        'Materialer videreutviklet for forsvaret: panser og ballistisk beskyttelse, kompositter og lette konstruksjoner, signaturreduksjon og stealth-belegg, materialer for ekstrem kulde og korrosive maritime miljøer, additiv tilvirkning av metalldeler, tekstiler og verneutstyr for soldater.',
        'Materiale vidareutvikla for forsvaret: panser og ballistisk vern, komposittar og lette konstruksjonar, signaturreduksjon og stealth-belegg, materiale for ekstrem kulde og korrosive maritime miljø, additiv tilverking av metalldelar, tekstilar og verneutstyr for soldatar.'),
    'lifecycle-support': (
        'Å holde militært materiell tilgjengelig gjennom hele levetiden: vedlikehold, reparasjon og overhaling, prediktivt vedlikehold og tilstandsovervåking, reservedeler og logistikk, håndtering av foreldelse, oppgraderinger og levetidsforlengelse, trening og simulatorer, og støtte til kjøretøy, fartøy, luftfartøy og våpensystemer i felt.',
        'Å halde militært materiell tilgjengeleg gjennom heile levetida: vedlikehald, reparasjon og overhaling, prediktivt vedlikehald og tilstandsovervaking, reservedelar og logistikk, handtering av forelding, oppgraderingar og levetidsforlenging, trening og simulatorar, og støtte til køyretøy, fartøy, luftfartøy og våpensystem i felt.'),
    'big-data': (
        'Innsamling, lagring og analyse av svært store og raske datastrømmer: dataplattformer og analyse, behandling av sensordata, åpne kilder (OSINT), datafusjon, sky- og kanttjenester for utplasserte styrker, og datadrevet vedlikehold og logistikk.',
        'Innsamling, lagring og analyse av svært store og raske datastraumar: dataplattformer og analyse, handsaming av sensordata, opne kjelder (OSINT), datafusjon, sky- og kanttenester for utplasserte styrkar, og datadrive vedlikehald og logistikk.'),
    'artificial-intelligence': (
        'Maskinlæring, dyp læring og resonnerende systemer: bilde- og signalgjenkjenning, språkteknologi for behandling av rapporter, prediktive modeller, forsterkende læring for planlegging, og metoder for å teste, verifisere og forklare kunstig intelligens i sikkerhetskritisk militær bruk.',
        'Maskinlæring, djup læring og resonnerande system: bilete- og signalattkjenning, språkteknologi for handsaming av rapportar, prediktive modellar, forsterkande læring for planlegging, og metodar for å teste, verifisere og forklare kunstig intelligens i tryggleikskritisk militær bruk.'),
    'autonomous-systems': (
        'Plattformer som registrerer, beslutter og handler med lite menneskelig styring: droner, ubemannede bakkekjøretøy, ubemannede overflate- og undervannsfarkoster, svermer, autonomiprogramvare, antikollisjon og navigasjon der GNSS er forstyrret eller utilgjengelig.',
        'Plattformer som registrerer, avgjer og handlar med lite menneskeleg styring: droner, ubemanna bakkekøyretøy, ubemanna overflate- og undervassfarkostar, svermar, autonomiprogramvare, antikollisjon og navigasjon der GNSS er forstyrra eller utilgjengeleg.'),
    'quantum-technology': (
        'Kvantesensorer (magnetometre, gravimetre, klokker og treghetsnavigasjon uten GPS), kvantekommunikasjon og kvantenøkkeldistribusjon, kvantesikker kryptografi, og kvanteberegning for optimalisering og simulering.',
        'Kvantesensorar (magnetometer, gravimeter, klokker og treghetsnavigasjon utan GPS), kvantekommunikasjon og kvantenøkkeldistribusjon, kvantesikker kryptografi, og kvanteberekning for optimalisering og simulering.'),
    'space-technology': (
        'Småsatellitter og nyttelastene deres, satellittkommunikasjon, jordobservasjon og rombasert overvåking av nordområdene, bakkestasjoner, romsituasjonsforståelse, oppskytingstjenester og robusthet i posisjonering, navigasjon og tid (PNT).',
        'Småsatellittar og nyttelastene deira, satellittkommunikasjon, jordobservasjon og rombasert overvaking av nordområda, bakkestasjonar, romsituasjonsforståing, oppskytingstenester og robustheit i posisjonering, navigasjon og tid (PNT).'),
    'hypersonic-technology': (
        'Farkoster og våpen som flyr raskere enn Mach 5: scramjet- og kombinert fremdrift, høytemperaturmaterialer og termisk beskyttelse, aerotermodynamikk, styring i hypersonisk hastighet, og deteksjon av og forsvar mot hypersoniske trusler.',
        'Farkostar og våpen som flyg raskare enn Mach 5: scramjet- og kombinert framdrift, høgtemperaturmateriale og termisk vern, aerotermodynamikk, styring i hypersonisk fart, og deteksjon av og forsvar mot hypersoniske truslar.'),
    'biotechnology-human-enhancement': (
        'Bioteknologi for forsvaret: medisinske mottiltak og feltmedisin, deteksjon av biologiske og kjemiske stridsmidler, soldathelse, fysiologisk overvåking og yteevne i kulde, eksoskjeletter, bærbare sensorer og menneskelige faktorer.',
        'Bioteknologi for forsvaret: medisinske mottiltak og feltmedisin, deteksjon av biologiske og kjemiske stridsmiddel, soldathelse, fysiologisk overvaking og yteevne i kulde, eksoskjelett, berbare sensorar og menneskelege faktorar.'),
    'innovative-materials': (
        'Nye materialer og nye måter å produsere på: metamaterialer, nanomaterialer, avanserte kompositter, additiv tilvirkning og 3D-printing, automatisert og fleksibel produksjon, og materialer for energilagring og batterier.',
        'Nye materiale og nye måtar å produsere på: metamateriale, nanomateriale, avanserte komposittar, additiv tilverking og 3D-printing, automatisert og fleksibel produksjon, og materiale for energilagring og batteri.'),
}


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=8), nullable=True))
    with op.batch_alter_table('areas', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_nb', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('name_nn', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('description_nb', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('description_nn', sa.Text(), nullable=True))
    for table in ('challenges', 'companies'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=False,
                                          server_default=''))

    conn = op.get_bind()
    areas = sa.table('areas', sa.column('slug', sa.String), sa.column('name_nb', sa.String),
                     sa.column('name_nn', sa.String), sa.column('description_nb', sa.Text),
                     sa.column('description_nn', sa.Text))
    for slug, (nb, nn) in AREA_NAMES.items():
        description_nb, description_nn = AREA_DESCRIPTIONS[slug]
        conn.execute(areas.update().where(areas.c.slug == slug).values(
            name_nb=nb, name_nn=nn, description_nb=description_nb, description_nn=description_nn))

    challenges = sa.table('challenges', sa.column('id', sa.Integer), sa.column('title', sa.String),
                          sa.column('problem', sa.Text), sa.column('context', sa.Text),
                          sa.column('effect', sa.Text), sa.column('search_text', sa.Text))
    rows = conn.execute(sa.select(challenges.c.id, challenges.c.title, challenges.c.problem,
                                  challenges.c.context, challenges.c.effect)).all()
    for row in rows:
        conn.execute(challenges.update().where(challenges.c.id == row.id).values(
            search_text=search_text(row.title, row.problem, row.context, row.effect)))
    companies = sa.table('companies', sa.column('id', sa.Integer), sa.column('name', sa.String),
                         sa.column('description', sa.Text), sa.column('search_text', sa.Text))
    rows = conn.execute(sa.select(companies.c.id, companies.c.name, companies.c.description)).all()
    for row in rows:
        conn.execute(companies.update().where(companies.c.id == row.id).values(
            search_text=search_text(row.name, row.description)))


def downgrade():
    for table in ('companies', 'challenges'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('search_text')
    with op.batch_alter_table('areas', schema=None) as batch_op:
        batch_op.drop_column('description_nn')
        batch_op.drop_column('description_nb')
        batch_op.drop_column('name_nn')
        batch_op.drop_column('name_nb')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('locale')
