"""Row generators for the sandbox files, in the real column layouts of the SPDR files.

Every function returns ``(columns, rows)`` and draws from a name-seeded generator, so the
same call always yields the same table. ``generation`` only changes what the brief says
changes between demo runs (e.g. the COG gains rows).
"""

from __future__ import annotations

from typing import Any

from observatory.sandbox.common import luhn_complete, rng
from observatory.sandbox.refdata import (
    ACTIVITIES,
    ANNECY_DELEGUEES,
    ARRONDISSEMENTS,
    ASSOCIATION_NAMES,
    COMMUNES,
    COMPANY_WORDS,
    GRANDS_DOMAINES,
    ROME_CODES,
    RPG_CULTURES,
    STREETS,
    VOIE_CODES,
    article_split,
    strip_accents,
)

Table = tuple[list[str], list[list[Any]]]


def _columns(header: str, sep: str = ",") -> list[str]:
    """Column names from a header line, written as the real files write it."""
    return header.split(sep)


SIRET_COLUMNS = _columns(
    "siren,nic,siret,statutDiffusionEtablissement,dateCreationEtablissement,"
    "trancheEffectifsEtablissement,anneeEffectifsEtablissement,"
    "activitePrincipaleRegistreMetiersEtablissement,dateDernierTraitementEtablissement,"
    "etablissementSiege,nombrePeriodesEtablissement,complementAdresseEtablissement,"
    "numeroVoieEtablissement,indiceRepetitionEtablissement,typeVoieEtablissement,"
    "libelleVoieEtablissement,codePostalEtablissement,libelleCommuneEtablissement,"
    "codeCommuneEtablissement,codeCedexEtablissement,identifiantAdresseEtablissement,"
    "coordonneeLambertAbscisseEtablissement,coordonneeLambertOrdonneeEtablissement,dateDebut,"
    "etatAdministratifEtablissement,enseigne1Etablissement,denominationUsuelleEtablissement,"
    "activitePrincipaleEtablissement,nomenclatureActivitePrincipaleEtablissement,"
    "caractereEmployeurEtablissement"
)
SIREN_COLUMNS = _columns(
    "siren,statutDiffusionUniteLegale,unitePurgeeUniteLegale,dateCreationUniteLegale,"
    "sigleUniteLegale,trancheEffectifsUniteLegale,anneeEffectifsUniteLegale,"
    "dateDernierTraitementUniteLegale,nombrePeriodesUniteLegale,categorieEntreprise,"
    "anneeCategorieEntreprise,dateDebut,etatAdministratifUniteLegale,denominationUniteLegale,"
    "categorieJuridiqueUniteLegale,activitePrincipaleUniteLegale,"
    "nomenclatureActivitePrincipaleUniteLegale,nicSiegeUniteLegale,"
    "economieSocialeSolidaireUniteLegale,caractereEmployeurUniteLegale"
)
COG_COLUMNS = _columns("TYPECOM,COM,REG,DEP,CTCD,ARR,TNCC,NCC,NCCENR,LIBELLE,CAN,COMPARENT")
BAN_COLUMNS = _columns(
    "id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;"
    "code_insee_ancienne_commune;nom_ancienne_commune;x;y;lon;lat;type_position;alias;nom_ld;"
    "libelle_acheminement;nom_afnor;source_position;source_nom_voie;certification_commune;"
    "cad_parcelles",
    ";",
)
RNA_COLUMNS = _columns(
    "id,id_ex,siret,rup_mi,gestion,date_creat,date_decla,date_publi,date_disso,nature,"
    "groupement,titre,titre_court,objet,objet_social1,objet_social2,adrs_complement,"
    "adrs_numvoie,adrs_repetition,adrs_typevoie,adrs_libvoie,adrs_distrib,adrs_codeinsee,"
    "adrs_codepostal,adrs_libcommune,siteweb,publiweb,observation,position,maj_time"
)

DINUM: dict[str, Any] = {
    "siren": "130025265",
    "nic": "00013",
    "name": "DIRECTION INTERMINISTERIELLE DU NUMERIQUE",
    "activity": "84.11Z",
    "commune": "75107",
    "postcode": "75007",
    "city": "PARIS",
    "number": "20",
    "voie": "AV",
    "street": "DE SEGUR",
    "created": "2019-10-25",
    "legal": "7120",
    "lat": 48.8508,
    "lon": 2.3094,
}


def _lambert(lat: float, lon: float) -> tuple[int, int]:
    """A rough Lambert-93 position (good enough for plausible x/y columns)."""
    return round(652_000 + (lon - 2.35) * 73_500), round(6_862_000 + (lat - 48.85) * 111_200)


def companies(count: int = 120) -> list[dict[str, Any]]:
    """Companies with valid SIREN/SIRET keys, the first being the DINUM (used by the API)."""
    r = rng("companies")
    out = [dict(DINUM, siret=DINUM["siren"] + DINUM["nic"])]
    while len(out) < count:
        siren = luhn_complete(f"{r.randint(30_000_000, 99_999_999)}")
        nic = f"{r.randint(1, 99):04d}"
        siret = luhn_complete(siren + nic)
        nic = siret[9:]
        commune = r.choice(COMMUNES)
        voie, street = r.choice(STREETS)
        activity = r.choice(ACTIVITIES)[0]
        name = f"{r.choice(COMPANY_WORDS)} {strip_accents(commune.name)}"
        lat = commune.lat + r.uniform(-0.02, 0.02)
        lon = commune.lon + r.uniform(-0.02, 0.02)
        created = f"{r.randint(1975, 2023)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"
        out.append(
            {
                "siren": siren,
                "nic": nic,
                "siret": siret,
                "name": name,
                "activity": activity,
                "commune": commune.code,
                "postcode": commune.postcode,
                "city": strip_accents(commune.name),
                "number": str(r.randint(1, 180)),
                "voie": VOIE_CODES[voie],
                "street": strip_accents(street),
                "created": created,
                "legal": r.choice(["5499", "5710", "1000", "9220"]),
                "lat": round(lat, 5),
                "lon": round(lon, 5),
            }
        )
    return out


def sirene_etablissements(generation: int = 0) -> Table:
    rows = []
    for c in companies():
        x, y = _lambert(c["lat"], c["lon"])
        rows.append(
            [
                c["siren"],
                c["nic"],
                c["siret"],
                "O",
                c["created"],
                "NN",
                "",
                "",
                "2024-03-22T09:12:45",
                "true",
                "1",
                "",
                c["number"],
                "",
                c["voie"],
                c["street"],
                c["postcode"],
                c["city"],
                c["commune"],
                "",
                "",
                f"{x}.0",
                f"{y}.0",
                c["created"],
                "A",
                "",
                "",
                c["activity"],
                "NAFRev2",
                "N",
            ]
        )
    return SIRET_COLUMNS, rows


def sirene_unites_legales(generation: int = 0) -> Table:
    rows = []
    for c in companies(80):
        category = "GE" if c["siren"] == DINUM["siren"] else "PME"
        rows.append(
            [
                c["siren"],
                "O",
                "",
                c["created"],
                "",
                "NN",
                "",
                "2024-03-22T09:12:45",
                "1",
                category,
                "2021",
                c["created"],
                "A",
                c["name"],
                c["legal"],
                c["activity"],
                "NAFRev2",
                c["nic"],
                "N",
                "N",
            ]
        )
    return SIREN_COLUMNS, rows


def cog_communes(generation: int = 0) -> Table:
    """The COG communes file; generation ≥ 1 adds Annecy's communes déléguées."""
    rows = []
    for c in COMMUNES:
        tncc, bare = article_split(c.name)
        ctcd = {"75": "75C", "69": "69M", "67": "6AE", "68": "6AE"}.get(c.dep, f"{c.dep}D")
        arr = f"{c.dep}{1 if len(c.dep) == 2 else ''}"
        rows.append(
            [
                "COM",
                c.code,
                c.reg,
                c.dep,
                ctcd,
                arr,
                tncc,
                strip_accents(bare),
                bare,
                c.name,
                f"{c.dep}{'01' if len(c.dep) == 2 else ''}",
                "",
            ]
        )
    parents = {c.code: c for c in COMMUNES}
    deleguees = [(code, name, "74010") for code, name in ANNECY_DELEGUEES] if generation else []
    for code, name, parent in list(ARRONDISSEMENTS) + deleguees:
        p = parents[parent]
        typecom = "COMD" if parent == "74010" else "ARM"
        tncc, bare = article_split(name)
        rows.append(
            [typecom, code, p.reg, p.dep, "", "", tncc, strip_accents(bare), bare, name, "", parent]
        )
    return COG_COLUMNS, rows


REGIONS: tuple[tuple[str, str, int, str], ...] = (
    ("01", "97105", 3, "Guadeloupe"),
    ("02", "97209", 3, "Martinique"),
    ("03", "97302", 3, "Guyane"),
    ("04", "97411", 0, "La Réunion"),
    ("06", "97608", 0, "Mayotte"),
    ("11", "75056", 1, "Île-de-France"),
    ("24", "45234", 2, "Centre-Val de Loire"),
    ("27", "21231", 0, "Bourgogne-Franche-Comté"),
    ("28", "76540", 0, "Normandie"),
    ("32", "59350", 4, "Hauts-de-France"),
    ("44", "67482", 2, "Grand Est"),
    ("52", "44109", 3, "Pays de la Loire"),
    ("53", "35238", 0, "Bretagne"),
    ("75", "33063", 3, "Nouvelle-Aquitaine"),
    ("76", "31555", 1, "Occitanie"),
    ("84", "69123", 1, "Auvergne-Rhône-Alpes"),
    ("93", "13055", 0, "Provence-Alpes-Côte d'Azur"),
    ("94", "2A004", 0, "Corse"),
)


def cog_regions(generation: int = 0) -> Table:
    columns = ["REG", "CHEFLIEU", "TNCC", "NCC", "NCCENR", "LIBELLE"]
    rows = []
    for reg, chef, tncc, label in REGIONS:
        bare = article_split(label)[1]
        rows.append([reg, chef, tncc, strip_accents(bare), bare, label])
    return columns, rows


def ban_addresses(dep: str, generation: int = 0) -> Table:
    """BAN addresses of one département; Paris uses its arrondissements like the real file."""
    r = rng(f"ban-{dep}")
    communes = [c for c in COMMUNES if c.dep == dep] or [COMMUNES[0]]
    rows: list[list[Any]] = []
    if dep == "75":
        rows.append(
            _ban_row(
                "75107",
                "8909",
                20,
                "Avenue de Ségur",
                "75007",
                "Paris 7e Arrondissement",
                48.8508,
                2.3094,
            )
        )
    while len(rows) < 60:
        c = r.choice(communes)
        code, name, cp = c.code, c.name, c.postcode
        if dep == "75":
            n = r.randint(1, 20)
            code, name, cp = f"751{n:02d}", f"Paris {n}e Arrondissement", f"750{n:02d}"
        voie, street = r.choice(STREETS)
        lat, lon = c.lat + r.uniform(-0.03, 0.03), c.lon + r.uniform(-0.03, 0.03)
        fantoir = f"{r.randint(100, 9999):04d}"
        rows.append(
            _ban_row(code, fantoir, r.randint(1, 150), f"{voie} {street}", cp, name, lat, lon)
        )
    return BAN_COLUMNS, rows


def _ban_row(
    code: str, fantoir: str, number: int, street: str, cp: str, city: str, lat: float, lon: float
) -> list[Any]:
    x, y = _lambert(lat, lon)
    afnor = strip_accents(street)
    return [
        f"{code}_{fantoir}_{number:05d}",
        f"{code}_{fantoir}",
        number,
        "",
        street,
        cp,
        code,
        city,
        "",
        "",
        f"{x:.2f}",
        f"{y:.2f}",
        f"{lon:.6f}",
        f"{lat:.6f}",
        "entrée",
        "",
        "",
        strip_accents(city),
        afnor,
        "commune",
        "commune",
        1,
        "",
    ]


def rna_waldec(broken: bool = True) -> Table:
    """RNA associations; ``broken`` plants a bad date, a missing title and a duplicate id."""
    r = rng("rna")
    rows = []
    for _ in range(50):
        c = r.choice(COMMUNES)
        voie, street = r.choice(STREETS)
        created = f"{r.randint(1950, 2023)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"
        ident = f"W{c.dep[:2]}{r.randint(1, 9)}{r.randint(0, 999_999):06d}"
        title = f"{r.choice(ASSOCIATION_NAMES)} de {c.name}".upper()
        rows.append(
            [
                ident,
                f"{r.randint(1000, 99999):07d}",
                "",
                "",
                f"{c.dep}{r.randint(1, 3)}P",
                created,
                created,
                created,
                "0001-01-01",
                "D",
                "S",
                title,
                "",
                "favoriser les rencontres et les activités de ses membres",
                f"{r.choice([11000, 7000, 24000, 19000])}",
                "",
                "",
                str(r.randint(1, 99)),
                "",
                VOIE_CODES[voie],
                strip_accents(street),
                "",
                c.code,
                c.postcode,
                strip_accents(c.name),
                "",
                "0",
                "",
                "A",
                "2024-02-14 10:00:00",
            ]
        )
    if broken:
        rows[7][5] = "31/02/2019"  # not an ISO date
        rows[12][11] = ""  # titre is required
        rows[20][0] = rows[3][0]  # duplicate primary key
    return RNA_COLUMNS, rows


def rome_referentiel(generation: int = 0) -> Table:
    columns = [
        "code_rome",
        "code_ogr",
        "libelle_rome",
        "code_grand_domaine",
        "libelle_grand_domaine",
    ]
    rows = [
        [code, 10000 + i * 37, label, dom, GRANDS_DOMAINES[dom]]
        for i, (code, label, dom) in enumerate(ROME_CODES)
    ]
    return columns, rows


def rpg_parcelles(generation: int = 0) -> Table:
    r = rng("rpg")
    columns = ["ID_PARCEL", "SURF_PARC", "CODE_CULTU", "CODE_GROUP", "CULTURE_D1", "CULTURE_D2"]
    rows = []
    for i in range(90):
        code, group, _ = r.choice(RPG_CULTURES)
        rows.append([f"{4_200_000 + i * 13}", f"{r.uniform(0.2, 25):.2f}", code, group, "", ""])
    return columns, rows


def irve_stations() -> Table:
    """Charging points in a simplified IRVE static layout (conforms to its schema)."""
    r = rng("irve")
    columns = [
        "nom_amenageur",
        "siren_amenageur",
        "id_station_itinerance",
        "nom_station",
        "adresse_station",
        "code_insee_commune",
        "coordonneesXY",
        "nbre_pdc",
        "id_pdc_itinerance",
        "puissance_nominale",
        "prise_type_2",
        "date_mise_en_service",
        "date_maj",
    ]
    rows = []
    for i, c in enumerate(COMMUNES[:30]):
        station = f"FRS{i:03d}P{r.randint(1000, 9999)}"
        siren = luhn_complete(f"{r.randint(30_000_000, 99_999_999)}")
        for j in range(2):
            rows.append(
                [
                    f"Recharge {c.name}",
                    siren,
                    station,
                    f"Parking {c.name} centre",
                    f"1 Place de la Mairie {c.postcode} {c.name}",
                    c.code,
                    f"[{c.lon:.5f},{c.lat:.5f}]",
                    2,
                    f"{station}{j + 1}",
                    r.choice([7.4, 22.0, 50.0]),
                    "true",
                    "2022-06-01",
                    "2024-05-02",
                ]
            )
    return columns, rows


def regional_series(slug: str) -> Table:
    """A generic yearly indicator per commune (files of the regional catalogue)."""
    r = rng(slug)
    columns = ["code_insee", "commune", "annee", "valeur", "unite"]
    rows = [
        [c.code, c.name, year, round(r.uniform(0, 1000), 2), "t"]
        for c in COMMUNES
        if c.reg == "84"
        for year in (2021, 2022, 2023)
    ]
    return columns, rows
