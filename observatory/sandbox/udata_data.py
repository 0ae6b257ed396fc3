"""What the sandbox portal publishes: organisations, the nine SPDR datasets, a ministry's
datasets of varied quality, and the dataservices (APIs). Plain specs; ``udata_api`` turns
them into udata payloads. Dates are "days before today" so freshness never drifts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from observatory.sandbox.common import object_id
from observatory.sandbox.refdata import strip_accents


@dataclass(frozen=True)
class Org:
    key: str
    name: str
    slug: str
    acronym: str | None = None
    description: str = ""

    @property
    def id(self) -> str:
        return object_id(f"org:{self.key}")


@dataclass(frozen=True)
class Res:
    key: str
    title: str
    path: str
    fmt: str = "csv"
    mime: str = "text/csv"
    type: str = "main"
    role: str = "static"
    description: str | None = None
    schema: str | None = None
    days_ago: int = 3
    check_status: int | None = 200  # what the platform's crawler last saw (None: never)


@dataclass(frozen=True)
class Ds:
    key: str
    id: str
    slug: str
    title: str
    org: str
    description: str
    license: str
    frequency: str
    updated: int  # last_update, days before today
    resources: tuple[Res, ...]
    tags: tuple[str, ...] = ()
    spd: bool = False
    temporal: tuple[str, str | None] | None = None
    zones: tuple[str, ...] = ()
    granularity: str | None = None
    created: str = "2017-03-21T12:00:00+00:00"
    harvest: dict[str, str] | None = None
    extra_badges: tuple[str, ...] = field(default=())


ORGS: dict[str, Org] = {o.key: o for o in (
    Org("insee", "Institut National de la Statistique et des Etudes Economiques (INSEE)",
        "institut-national-de-la-statistique-et-des-etudes-economiques-insee", "INSEE",
        "L'Insee collecte, produit, analyse et diffuse des informations sur l'économie et la "
        "société françaises."),
    Org("minint", "Ministère de l'Intérieur et des Outre-mer", "ministere-de-l-interieur",
        None, "Le ministère de l'Intérieur administre le territoire et les libertés publiques."),
    Org("dgfip", "Direction Générale des Finances Publiques", "direction-generale-des-finances-"
        "publiques", "DGFiP", "La DGFiP gère notamment le plan cadastral informatisé."),
    Org("ign", "Institut national de l'information géographique et forestière",
        "institut-national-de-l-information-geographique-et-forestiere", "IGN",
        "L'IGN produit et diffuse les données de référence géographiques et forestières."),
    Org("ban", "Base Adresse Nationale", "base-adresse-nationale", "BAN",
        "La Base Adresse Nationale est la base d'adresses de référence en France."),
    Org("dila", "Direction de l'information légale et administrative", "premier-ministre-"
        "direction-de-l-information-legale-et-administrative", "DILA",
        "La DILA publie Légifrance, Service-Public.fr et l'annuaire de l'administration."),
    Org("francetravail", "France Travail", "france-travail", None,
        "France Travail accompagne les demandeurs d'emploi et les entreprises."),
    Org("mte", "Ministère de la Transition écologique", "ministere-de-la-transition-ecologique",
        "MTE", "Le ministère de la Transition écologique publie ses données environnementales."),
)}  # fmt: skip

LONG = (
    " Les données sont mises à disposition sous forme de fichiers téléchargeables et d'API. "
    "La documentation décrit chaque variable, ses modalités et les règles de mise à jour ; les "
    "millésimes antérieurs restent disponibles pour l'analyse historique."
)
RPG_LONG = (
    "Le registre parcellaire graphique (RPG) est une base de données géographiques servant de "
    "référence à l'instruction des aides de la politique agricole commune (PAC). La version "
    "anonymisée diffusée ici contient les données graphiques des parcelles (depuis 2015) et des "
    "îlots, avec leur culture principale." + LONG
)


def _doc(key: str, title: str, path: str) -> Res:
    return Res(key, title, path, "pdf", "application/pdf", "documentation",
               description="Documentation du jeu de données.")  # fmt: skip


SPDR: tuple[Ds, ...] = (
    Ds("sirene", "5b7ffc618b4c4169d30727e0",
       "base-sirene-des-entreprises-et-de-leurs-etablissements-siren-siret",
       "Base Sirene des entreprises et de leurs établissements (SIREN, SIRET)", "insee",
       "La base Sirene recense les entreprises et leurs établissements, quelle que soit leur "
       "forme juridique et leur secteur d'activité, avec leur identifiant SIREN et SIRET." + LONG,
       "lov2", "daily", 0, (
           Res("sirene-etab", "Sirene : Fichier StockEtablissement (extrait)",
               "/static/sirene/StockEtablissement_extrait.csv",
               schema="insee/sirene-etablissements",
               description="Stock des établissements, une ligne par SIRET.", days_ago=0),
           Res("sirene-ul", "Sirene : Fichier StockUniteLegale",
               "/static/sirene/StockUniteLegale_utf8.zip", "zip", "application/zip", days_ago=0),
           _doc("sirene-doc", "Dessin des fichiers", "/static/sirene/dessin-des-fichiers.pdf"),
       ), ("sirene", "entreprises", "siren", "siret", "etablissements"), True,
       ("1973-01-01", None), ("country:fr",), "fr:commune"),
    Ds("rna", "58e53811c751df03df38f42d", "repertoire-national-des-associations",
       "Répertoire National des Associations", "minint",
       "Le Répertoire National des Associations (RNA) contient les associations relevant de la "
       "loi du 1er juillet 1901 : fichier Waldec (depuis 2009) et fichier import." + LONG,
       "lov2", "monthly", 12, (
           Res("rna-waldec", "Fichier RNA Waldec (extrait)", "/static/rna/rna_waldec_extrait.csv",
               schema="interieur/rna-waldec", days_ago=12),
           Res("rna-import", "Fichier RNA import", "/static/rna/rna_import.zip", "zip",
               "application/zip", days_ago=12),
           _doc("rna-doc", "Notice du RNA", "/static/rna/notice-rna.pdf"),
       ), ("associations", "rna", "waldec"), True, ("2009-01-01", None), ("country:fr",),
       "fr:commune"),
    Ds("pci", "58e5924b88ee3802ca255566", "plan-cadastral-informatise",
       "Plan Cadastral Informatisé (PCI)", "dgfip",
       "Le plan cadastral informatisé est la représentation graphique du cadastre : parcelles, "
       "bâtiments, sections, lieux-dits, diffusé par commune au format EDIGEO et DXF." + LONG,
       "lov2", "quarterly", 40, (
           Res("pci-communes", "Communes (GeoJSON, Auvergne-Rhône-Alpes)",
               "/static/cadastre/cadastre-aura-communes.json", "geojson",
               "application/geo+json", days_ago=40),
           Res("pci-parcelles", "Parcelles France entière (json.gz)",
               "/static/cadastre/cadastre-france-parcelles.json.gz", "json",
               "application/gzip", days_ago=40, check_status=429, role="schemas"),
           _doc("pci-doc", "Notice du PCI", "/static/cadastre/notice-pci.pdf"),
       ), ("cadastre", "parcelles", "foncier"), True, ("2024-01-01", None), ("country:fr",),
       "fr:commune"),
    Ds("rpg", "58d8d8a0c751df17537c66be",
       "registre-parcellaire-graphique-rpg-contours-des-parcelles-et-ilots-culturaux-et-leur-"
       "groupe-de-cultures-majoritaire", "Registre Parcellaire Graphique (RPG)", "ign",
       "RPG.", "notspecified", "annual", 200, (
           Res("rpg-zip", "RPG 2.0 — parcelles (extrait)", "/static/rpg/RPG_2-0_extrait.zip",
               "zip", "application/zip", days_ago=200),
           Res("rpg-geojson", "Îlots anonymes Auvergne-Rhône-Alpes",
               "/static/rpg/ilots-aura.geojson", "geojson", "application/geo+json", days_ago=200),
       ), ("agriculture", "pac", "parcelles"), True, ("2023-01-01", "2023-12-31"),
       ("country:fr",), "fr:commune"),
    Ds("rge", "58e5842688ee386c65805755", "referentiel-a-grande-echelle-rge",
       "Référentiel à Grande Échelle (RGE)", "ign",
       "Le RGE regroupe les composantes topographique (BD TOPO), orthophotographique (BD ORTHO), "
       "altimétrique (RGE ALTI), adresse et parcellaire de l'IGN." + LONG,
       "lov2", "semiannual", 60, (
           Res("rge-bdtopo", "BD TOPO — export départemental (CSV)",
               "/static/rge/bdtopo-export-departements.csv", days_ago=60),
           Res("rge-limites", "Limites administratives (GeoJSON)",
               "/static/rge/limites-administratives.geojson", "geojson", "application/geo+json",
               days_ago=60),
           _doc("rge-doc", "Descriptif de contenu", "/static/rge/descriptif-rge.pdf"),
       ), ("topographie", "orthophotographie", "rge"), True, ("2023-01-01", None),
       ("country:fr",), "country"),
    Ds("ban", "5530fbacc751df5ff937dddb", "base-adresse-nationale", "Base Adresse Nationale (BAN)",
       "ban", "La Base Adresse Nationale est l'une des neuf bases de données du service public "
       "des données de référence. Elle associe à chaque adresse une position géographique." + LONG,
       "lov2", "weekly", 3, (
           Res("ban-75", "Adresses — Paris (75)", "/static/ban/adresses-75.csv", days_ago=3),
           Res("ban-69", "Adresses — Rhône (69)", "/latest/ban/adresses-69.csv", role="apis",
               days_ago=3),
           Res("ban-13", "Adresses — Bouches-du-Rhône (13)", "/static/ban/adresses-13.csv",
               days_ago=3),
           _doc("ban-doc", "Guide de la BAN", "/static/ban/guide-ban.pdf"),
       ), ("adresses", "ban", "geocodage"), True, ("2015-01-01", None), ("country:fr",),
       "poi"),
    Ds("organisation-etat", "57343feb88ee3823b0d1b934",
       "referentiel-de-lorganisation-administrative-de-letat",
       "Référentiel de l'organisation administrative de l'État", "dila",
       "Le référentiel de l'organisation administrative de l'État décrit les services de l'État "
       "(administrations centrales et services déconcentrés) et leurs coordonnées." + LONG,
       "lov2", "weekly", 400, (
           Res("etat-csv", "Référentiel des services (CSV)",
               "/static/annuaire/referentiel-services.csv", days_ago=400,
               description="Une ligne par service."),
           Res("etat-json", "Référentiel des services (JSON)",
               "/static/annuaire/referentiel-services.json", "json", "application/json",
               days_ago=400),
       ), ("administration", "annuaire", "services-publics"), True, ("2016-01-01", None),
       ("country:fr",), "other"),
    Ds("rome", "58da857388ee384902e505f5",
       "repertoire-operationnel-des-metiers-et-des-emplois-rome",
       "Répertoire Opérationnel des Métiers et des Emplois (ROME)", "francetravail",
       "Le ROME est la nomenclature des métiers utilisée par France Travail pour rapprocher "
       "offres et demandes d'emploi : fiches métiers, appellations, compétences." + LONG,
       "fr-lo", "threeTimesAYear", 30, (
           Res("rome-ref", "Référentiel des codes ROME (v460)",
               "/static/rome/unix_referentiel_code_rome_v460_utf8.csv", days_ago=30),
           Res("rome-archive", "Archives ROME v3", "/static/rome/archives/rome_v3_2019.zip",
               "zip", "application/zip", days_ago=900, check_status=404),
           _doc("rome-doc", "Notice du ROME", "/static/rome/notice-rome.pdf"),
       ), ("emploi", "metiers", "rome"), True, ("2019-01-01", None), ("country:fr",), "country"),
    Ds("cog", "58c984b088ee386cdb1261f3", "code-officiel-geographique-cog",
       "Code officiel géographique (COG)", "insee",
       "Le code officiel géographique rassemble les codes et libellés des communes, cantons, "
       "arrondissements, départements, régions et pays." + LONG,
       "lov2", "annual", 100, (
           Res("cog-communes", "Liste des communes au 1er janvier",
               "/static/cog/v_commune_2024.csv",
               schema="insee/cog-communes", description="Communes, ARM, COMD.", days_ago=100),
           Res("cog-regions", "Liste des régions", "/static/cog/v_region_2024.csv",
               description="Régions et leur chef-lieu.", days_ago=100),
       ), ("cog", "communes", "insee", "geographie"), True, ("2024-01-01", "2024-12-31"),
       ("country:fr",), "fr:commune"),
)  # fmt: skip


def _mte(key: str, title: str, description: str, license: str, frequency: str, updated: int,
         resources: tuple[Res, ...], **extra: object) -> Ds:  # fmt: skip
    slug = "-".join(re.findall(r"[a-z0-9]+", strip_accents(title).lower()))[:80]
    return Ds(key, object_id(f"ds:{key}"), slug, title, "mte", description, license, frequency,
              updated, resources, **extra)  # type: ignore[arg-type]  # fmt: skip


MTE: tuple[Ds, ...] = (
    _mte("irve", "Infrastructures de recharge pour véhicules électriques (IRVE)",
         "Fichier consolidé des bornes de recharge pour véhicules électriques, conforme au "
         "schéma IRVE statique, mis à jour chaque mois à partir des déclarations." + LONG,
         "lov2", "monthly", 10, (
             Res("irve-csv", "IRVE statique consolidé", "/static/mte/irve-statique.csv",
                 schema="etalab/schema-irve-statique", days_ago=10),
             _doc("irve-doc", "Guide de publication IRVE", "/static/ban/guide-ban.pdf"),
         ), tags=("irve", "mobilite", "energie"), temporal=("2020-01-01", None),
         zones=("country:fr",), granularity="poi"),
    _mte("baignade", "Qualité des eaux de baignade",
         "Résultats du contrôle sanitaire des eaux de baignade en mer et en eau douce, saison "
         "par saison, par site de baignade." + LONG, "lov2", "annual", 120, (
             Res("baignade-csv", "Résultats 2023", "/static/mte/baignade-2023.csv",
                 description="Un prélèvement par ligne.", days_ago=120),
         ), tags=("eau", "sante", "baignade"), temporal=("2023-05-01", "2023-09-30"),
         harvest={"backend": "DCAT", "domain": "ecologie.data.gouv.fr",
                  "remote_id": "baignade-2023", "source_id": object_id("harvest:eco")}),
    _mte("ges", "Émissions de gaz à effet de serre par commune",
         "Inventaire territorial des émissions.", "odc-odbl", "unknown", 500, (
             Res("ges-csv", "Inventaire 2021", "/static/mte/ges-communes.csv", days_ago=500),
         ), tags=("climat", "ges")),
    _mte("basol", "Sites et sols pollués (BASOL)",
         "Base de données des sites et sols pollués ou potentiellement pollués appelant une "
         "action des pouvoirs publics, à titre préventif ou curatif." + LONG,
         "lov2", "weekly", 90, (
             Res("basol-csv", "Sites BASOL", "/static/mte/basol.csv", days_ago=90),
             Res("basol-miroir", "Sites BASOL (miroir)", "/loop/a", days_ago=90),
         ), tags=("pollution", "sols", "risques"), zones=("country:fr",), granularity="poi"),
    _mte("rapport", "Rapport annuel", "", "notspecified", "irregular", 700, (
        Res("rapport-pdf", "Rapport", "/static/mte/rapport-annuel.pdf", "pdf", "application/pdf",
            days_ago=700),
    )),
    _mte("pan", "Passages à niveau", "Localisation des passages à niveau du réseau ferré "
         "national, conforme au schéma national des passages à niveau." + LONG,
         "lov2", "semiannual", 30, (
             Res("pan-csv", "Passages à niveau", "/static/mte/passages-a-niveau.csv",
                 days_ago=30, check_status=404),
             Res("pan-xlsx", "Passages à niveau (tableur)", "/static/mte/passages-a-niveau.xlsx",
                 "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 days_ago=30, check_status=404),
         ), tags=("transport", "ferroviaire"), temporal=("2021-01-01", None)),
)  # fmt: skip

DATASETS: tuple[Ds, ...] = SPDR + MTE

# APIs published as udata dataservices: (key, title, path on the apis host, sample, datasets).
DATASERVICES: tuple[tuple[str, str, str, str, tuple[str, ...], float], ...] = (
    ("api-adresse", "API Adresse", "/api-adresse/", "search/?q=20+avenue+de+segur", ("ban",),
     99.9),
    ("recherche-entreprises", "API Recherche d'entreprises", "/recherche-entreprises/",
     "search?q=130025265", ("sirene",), 99.5),
    ("decoupage-administratif", "API Découpage administratif", "/geo/", "communes/75056",
     ("cog",), 99.9),
    ("api-carto-cadastre", "API Carto — module cadastre", "/apicarto/cadastre/",
     "commune?code_insee=69123", ("pci",), 99.0),
    ("api-annuaire", "API Annuaire de l'administration", "/annuaire/api/explore/v2.1/",
     "catalog/datasets/api-lannuaire-administration/records?limit=1", ("organisation-etat",),
     99.0),
    ("geoplateforme-wmts", "Géoplateforme — WMTS", "/geopf/", "wmts?SERVICE=WMTS", ("rge",),
     99.5),
)  # fmt: skip


def spdr_by_key() -> dict[str, Ds]:
    return {d.key: d for d in SPDR}
