"""seed technology taxonomy

Revision ID: 2efc6ca75861
Revises: 3bdbc8151734
Create Date: 2026-11-27 19:20:07.141537

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2efc6ca75861'
down_revision = '3bdbc8151734'
branch_labels = None
depends_on = None


AREAS = [
    ('c2-decision-support', 'priority', 'Command and control, information, decision support and combat systems',
     'Systems that let commanders see, decide and act: command and control (C2) software, battle management and combat management systems, tactical data links and secure military communications, sensor fusion and situational awareness, intelligence processing, decision support tools, cyber defence of military networks, electronic warfare and radar signal processing feeding the command chain.'),
    ('systems-integration', 'priority', 'Systems integration',
     'Integrating sensors, weapons, communications and software from many suppliers into working platforms and systems of systems: interfaces and open architectures, integration on vessels, aircraft and vehicles, test and verification, interoperability with allied systems (NATO standards), model-based systems engineering and digital twins.'),
    ('autonomy-ai', 'priority', 'Autonomous systems and artificial intelligence',
     'Unmanned and autonomous vehicles in the air, on land, at sea and under water; machine learning and computer vision for target recognition and sensor processing; navigation without GPS; swarming, human-machine teaming, robotics, counter-drone systems and trustworthy, explainable AI for military use.'),
    ('missile-technology', 'priority', 'Missile technology',
     'Guided missiles and their subsystems: seekers and guidance, navigation and control, aerodynamics, rocket motors and airframes, warheads and fuzes, launchers and fire control, missile testing and simulation, and defence against missiles and high-speed threats.'),
    ('underwater-technology', 'priority', 'Underwater technology',
     'Technology for operating beneath the sea surface: sonar and underwater acoustics, anti-submarine warfare, mine countermeasures, autonomous underwater vehicles (AUVs) and ROVs, subsea sensors and communication, seabed infrastructure surveillance, diving and submarine systems, and oceanographic data for naval operations in cold Arctic waters.'),
    ('ammunition-propulsion-explosives', 'priority', 'Ammunition, propulsion technologies and military explosives',
     'Ammunition of all calibres, artillery shells and precision munitions, energetic materials and insensitive explosives, propellants and rocket propulsion, fuzes and initiation systems, demilitarisation and safe storage of explosives, and production capacity for munitions.'),
    ('materials-technology', 'priority', 'Materials technology developed or refined for military use',
     'Materials refined for defence: armour and ballistic protection, composites and lightweight structures, signature management and stealth coatings, materials for extreme cold and corrosive maritime environments, additive manufacturing of metal parts, textiles and protective equipment for soldiers.'),
    ('lifecycle-support', 'priority', 'Lifecycle support for military systems',
     'Keeping military materiel available throughout its life: maintenance, repair and overhaul, predictive maintenance and condition monitoring, spare parts and logistics, obsolescence management, upgrades and life extension, training and simulators, and support of vehicles, vessels, aircraft and weapon systems in the field.'),
    ('big-data', 'emerging', 'Big data',
     'Collecting, storing and analysing very large and fast data streams: data platforms and analytics, sensor data processing, open-source intelligence, data fusion, cloud and edge computing for deployed forces, and data-driven maintenance and logistics.'),
    ('artificial-intelligence', 'emerging', 'Artificial intelligence',
     'Machine learning, deep learning and reasoning systems: image and signal recognition, natural language processing of reports, predictive models, reinforcement learning for planning, and methods for testing, verifying and explaining AI in safety-critical military use.'),
    ('autonomous-systems', 'emerging', 'Autonomous systems',
     'Platforms that sense, decide and act with little human control: drones, unmanned ground vehicles, unmanned surface and underwater vessels, swarms, autonomy software, collision avoidance and navigation in GNSS-denied environments.'),
    ('quantum-technology', 'emerging', 'Quantum technology',
     'Quantum sensing (magnetometers, gravimeters, clocks and inertial navigation without GPS), quantum communication and quantum key distribution, quantum-safe cryptography, and quantum computing for optimisation and simulation.'),
    ('space-technology', 'emerging', 'Space technology',
     'Small satellites and their payloads, satellite communication, earth observation and space-based surveillance of the High North, ground stations, space situational awareness, launch services and resilience of positioning, navigation and timing.'),
    ('hypersonic-technology', 'emerging', 'Hypersonic technology',
     'Vehicles and weapons flying above Mach 5: scramjet and combined-cycle propulsion, high-temperature materials and thermal protection, aerothermodynamics, guidance at hypersonic speed, and detection and defence against hypersonic threats.'),
    ('biotechnology-human-enhancement', 'emerging', 'Biotechnology and human enhancement',
     'Biotechnology for defence: medical countermeasures and field medicine, detection of biological and chemical agents, soldier health, physiological monitoring and performance in the cold, exoskeletons, wearable sensors and human factors.'),
    ('innovative-materials', 'emerging', 'Innovative materials and production methods',
     'New materials and ways of making things: metamaterials, nanomaterials, advanced composites, additive manufacturing and 3D printing, automated and flexible production, and materials for energy storage and batteries.'),
]

# (emerging technology, priority area)
CROSSWALK = [
    ('artificial-intelligence', 'autonomy-ai'),
    ('artificial-intelligence', 'c2-decision-support'),
    ('artificial-intelligence', 'lifecycle-support'),
    ('artificial-intelligence', 'systems-integration'),
    ('autonomous-systems', 'autonomy-ai'),
    ('autonomous-systems', 'systems-integration'),
    ('autonomous-systems', 'underwater-technology'),
    ('big-data', 'autonomy-ai'),
    ('big-data', 'c2-decision-support'),
    ('big-data', 'lifecycle-support'),
    ('big-data', 'systems-integration'),
    ('big-data', 'underwater-technology'),
    ('biotechnology-human-enhancement', 'materials-technology'),
    ('hypersonic-technology', 'ammunition-propulsion-explosives'),
    ('hypersonic-technology', 'missile-technology'),
    ('innovative-materials', 'ammunition-propulsion-explosives'),
    ('innovative-materials', 'hypersonic-technology'),
    ('innovative-materials', 'lifecycle-support'),
    ('innovative-materials', 'materials-technology'),
    ('innovative-materials', 'missile-technology'),
    ('quantum-technology', 'c2-decision-support'),
    ('quantum-technology', 'underwater-technology'),
    ('space-technology', 'c2-decision-support'),
    ('space-technology', 'missile-technology'),
    ('space-technology', 'systems-integration'),
]


def upgrade():
    areas = sa.table(
        "areas",
        sa.column("id", sa.Integer),
        sa.column("slug", sa.String),
        sa.column("name", sa.String),
        sa.column("kind", sa.String),
        sa.column("description", sa.Text),
        sa.column("position", sa.Integer),
    )
    links = sa.table(
        "area_links", sa.column("emerging_id", sa.Integer), sa.column("priority_id", sa.Integer)
    )
    ids = {slug: position for position, (slug, *_rest) in enumerate(AREAS, start=1)}
    op.bulk_insert(
        areas,
        [
            {"id": ids[slug], "slug": slug, "kind": kind, "name": name,
             "description": description, "position": ids[slug]}
            for slug, kind, name, description in AREAS
        ],
    )
    op.bulk_insert(
        links,
        [{"emerging_id": ids[emerging], "priority_id": ids[priority]}
         for emerging, priority in CROSSWALK],
    )
    if op.get_bind().dialect.name == "postgresql":
        # Explicit ids leave the sequence behind; admins add areas later.
        op.execute("SELECT setval(pg_get_serial_sequence('areas', 'id'), (SELECT MAX(id) FROM areas))")


def downgrade():
    slugs = [slug for slug, *_rest in AREAS]
    op.execute(sa.text("DELETE FROM area_links"))
    op.execute(sa.table("areas", sa.column("slug")).delete().where(sa.column("slug").in_(slugs)))
