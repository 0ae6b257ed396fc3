"""Reference facts the sandbox files are made of: real communes, streets, activities, names.

Kept small and hand-written so the generated files carry real-looking INSEE codes, postal
codes and coordinates. Nothing random here; ``common.rng`` draws from these lists.
"""

from __future__ import annotations

import unicodedata
from typing import NamedTuple


class Commune(NamedTuple):
    code: str
    name: str
    dep: str
    reg: str
    postcode: str
    lat: float
    lon: float
    population: int


COMMUNES: tuple[Commune, ...] = (
    Commune("75056", "Paris", "75", "11", "75001", 48.8589, 2.3469, 2133111),
    Commune("13055", "Marseille", "13", "93", "13001", 43.2803, 5.3806, 873076),
    Commune("69123", "Lyon", "69", "84", "69001", 45.7580, 4.8351, 522250),
    Commune("31555", "Toulouse", "31", "76", "31000", 43.6045, 1.4440, 504078),
    Commune("06088", "Nice", "06", "93", "06000", 43.7031, 7.2661, 348085),
    Commune("44109", "Nantes", "44", "52", "44000", 47.2181, -1.5528, 323204),
    Commune("34172", "Montpellier", "34", "76", "34000", 43.6109, 3.8763, 302454),
    Commune("67482", "Strasbourg", "67", "44", "67000", 48.5734, 7.7521, 291313),
    Commune("33063", "Bordeaux", "33", "75", "33000", 44.8378, -0.5792, 261804),
    Commune("59350", "Lille", "59", "32", "59000", 50.6292, 3.0573, 236710),
    Commune("35238", "Rennes", "35", "53", "35000", 48.1173, -1.6778, 225081),
    Commune("51454", "Reims", "51", "44", "51100", 49.2583, 4.0317, 178478),
    Commune("42218", "Saint-Étienne", "42", "84", "42000", 45.4397, 4.3872, 173089),
    Commune("83137", "Toulon", "83", "93", "83000", 43.1242, 5.9280, 180452),
    Commune("76351", "Le Havre", "76", "28", "76600", 49.4944, 0.1079, 166462),
    Commune("38185", "Grenoble", "38", "84", "38000", 45.1885, 5.7245, 156389),
    Commune("21231", "Dijon", "21", "27", "21000", 47.3220, 5.0415, 159346),
    Commune("49007", "Angers", "49", "52", "49000", 47.4784, -0.5632, 157175),
    Commune("30189", "Nîmes", "30", "76", "30000", 43.8367, 4.3601, 148561),
    Commune("63113", "Clermont-Ferrand", "63", "84", "63000", 45.7772, 3.0870, 147327),
    Commune("72181", "Le Mans", "72", "52", "72000", 48.0061, 0.1996, 145004),
    Commune("29019", "Brest", "29", "53", "29200", 48.3904, -4.4861, 139926),
    Commune("37261", "Tours", "37", "24", "37000", 47.3941, 0.6848, 135787),
    Commune("80021", "Amiens", "80", "32", "80000", 49.8941, 2.2958, 133625),
    Commune("87085", "Limoges", "87", "75", "87000", 45.8336, 1.2611, 129754),
    Commune("74010", "Annecy", "74", "84", "74000", 45.8992, 6.1294, 131272),
    Commune("66136", "Perpignan", "66", "76", "66000", 42.6887, 2.8948, 119656),
    Commune("57463", "Metz", "57", "44", "57000", 49.1193, 6.1757, 120211),
    Commune("25056", "Besançon", "25", "27", "25000", 47.2378, 6.0241, 119198),
    Commune("45234", "Orléans", "45", "24", "45000", 47.9030, 1.9093, 116617),
    Commune("14118", "Caen", "14", "28", "14000", 49.1829, -0.3707, 108200),
    Commune("68224", "Mulhouse", "68", "44", "68100", 47.7508, 7.3359, 105499),
    Commune("76540", "Rouen", "76", "28", "76000", 49.4432, 1.0999, 114083),
    Commune("54395", "Nancy", "54", "44", "54000", 48.6921, 6.1844, 104403),
    Commune("2A004", "Ajaccio", "2A", "94", "20000", 41.9192, 8.7386, 73722),
    Commune("97411", "Saint-Denis", "974", "04", "97400", -20.8823, 55.4504, 153901),
    Commune("01053", "Bourg-en-Bresse", "01", "84", "01000", 46.2052, 5.2255, 41527),
    Commune("73065", "Chambéry", "73", "84", "73000", 45.5646, 5.9178, 59856),
    Commune("03185", "Montluçon", "03", "84", "03100", 46.3401, 2.6025, 34361),
    Commune("15014", "Aurillac", "15", "84", "15000", 44.9264, 2.4397, 25593),
    Commune("26362", "Valence", "26", "84", "26000", 44.9334, 4.8924, 64726),
    Commune("07186", "Privas", "07", "84", "07000", 44.7353, 4.5992, 8205),
    Commune("43157", "Le Puy-en-Velay", "43", "84", "43000", 45.0434, 3.8858, 18618),
)
AURA = tuple(c for c in COMMUNES if c.reg == "84")

# Municipal arrondissements (TYPECOM ARM in the COG) of Paris, Marseille and Lyon.
ARRONDISSEMENTS: tuple[tuple[str, str, str], ...] = (
    tuple((f"751{i:02d}", f"Paris {i}e Arrondissement", "75056") for i in range(1, 21))
    + tuple((f"132{i:02d}", f"Marseille {i}e Arrondissement", "13055") for i in range(1, 17))
    + tuple((f"6938{i}", f"Lyon {i}e Arrondissement", "69123") for i in range(1, 10))
)

# Communes déléguées of Annecy (commune nouvelle of 2017): added at generation 1.
ANNECY_DELEGUEES: tuple[tuple[str, str], ...] = (
    ("74011", "Annecy-le-Vieux"),
    ("74093", "Cran-Gevrier"),
    ("74182", "Meythet"),
    ("74217", "Pringy"),
    ("74268", "Seynod"),
)

STREETS: tuple[tuple[str, str], ...] = (
    ("Rue", "de la République"),
    ("Avenue", "Jean Jaurès"),
    ("Boulevard", "Victor Hugo"),
    ("Rue", "Pasteur"),
    ("Place", "de la Mairie"),
    ("Rue", "du Général de Gaulle"),
    ("Chemin", "des Vignes"),
    ("Allée", "des Tilleuls"),
    ("Impasse", "des Lilas"),
    ("Rue", "de l'Église"),
    ("Avenue", "de la Gare"),
    ("Quai", "des Célestins"),
)
VOIE_CODES = {
    "Rue": "RUE",
    "Avenue": "AV",
    "Boulevard": "BD",
    "Place": "PL",
    "Chemin": "CHE",
    "Allée": "ALL",
    "Impasse": "IMP",
    "Quai": "QUAI",
}

ACTIVITIES: tuple[tuple[str, str], ...] = (
    ("62.01Z", "Programmation informatique"),
    ("56.10A", "Restauration traditionnelle"),
    ("47.11D", "Supermarchés"),
    ("43.21A", "Travaux d'installation électrique"),
    ("86.21Z", "Activité des médecins généralistes"),
    ("68.20A", "Location de logements"),
    ("84.11Z", "Administration publique générale"),
    ("10.71C", "Boulangerie et boulangerie-pâtisserie"),
    ("96.02A", "Coiffure"),
    ("94.99Z", "Autres organisations fonctionnant par adhésion volontaire"),
)

COMPANY_WORDS = (
    "ATELIER",
    "BOULANGERIE",
    "CONSEIL",
    "SOLUTIONS",
    "TRANSPORTS",
    "GARAGE",
    "INFORMATIQUE",
    "PHARMACIE",
    "JARDINS",
    "BATIMENT",
    "HORIZON",
    "ALPES",
)
ASSOCIATION_NAMES = (
    "Amicale des anciens élèves",
    "Club de football",
    "Comité des fêtes",
    "Association sportive",
    "Les amis de la bibliothèque",
    "Chorale",
    "Union des commerçants",
    "Harmonie municipale",
    "Jardins partagés",
    "Secours solidaire",
)

ROME_CODES: tuple[tuple[str, str, str], ...] = (
    ("A1101", "Conduite d'engins agricoles et forestiers", "A"),
    ("A1203", "Aménagement et entretien des espaces verts", "A"),
    ("D1102", "Boulangerie - viennoiserie", "D"),
    ("D1106", "Vente en alimentation", "D"),
    ("F1703", "Maçonnerie", "F"),
    ("G1602", "Personnel de cuisine", "G"),
    ("H2913", "Soudage manuel", "H"),
    ("J1501", "Soins d'hygiène, de confort du patient", "J"),
    ("J1506", "Soins infirmiers généralistes", "J"),
    ("K1302", "Assistance auprès d'adultes", "K"),
    ("K2107", "Enseignement général du second degré", "K"),
    ("K2111", "Formation professionnelle", "K"),
    ("M1203", "Comptabilité", "M"),
    ("M1607", "Secrétariat", "M"),
    ("M1805", "Études et développement informatique", "M"),
    ("M1810", "Production et exploitation de systèmes d'information", "M"),
    ("N1103", "Magasinage et préparation de commandes", "N"),
    ("N4101", "Conduite de transport de marchandises sur longue distance", "N"),
    ("N4105", "Conduite et livraison par tournées sur courte distance", "N"),
    ("G1803", "Service en restauration", "G"),
    ("I1304", "Installation et maintenance d'équipements industriels et d'exploitation", "I"),
    ("E1103", "Communication", "E"),
)
GRANDS_DOMAINES = {
    "A": "Agriculture et Pêche, Espaces naturels et Espaces verts, Soins aux animaux",
    "D": "Commerce, Vente et Grande distribution",
    "E": "Communication, Média et Multimédia",
    "F": "Construction, Bâtiment et Travaux publics",
    "G": "Hôtellerie-Restauration, Tourisme, Loisirs et Animation",
    "H": "Industrie",
    "I": "Installation et Maintenance",
    "J": "Santé",
    "K": "Services à la personne et à la collectivité",
    "M": "Support à l'entreprise",
    "N": "Transport et Logistique",
}

RPG_CULTURES: tuple[tuple[str, str, str], ...] = (
    ("BTH", "1", "Blé tendre d'hiver"),
    ("MIS", "2", "Maïs"),
    ("ORH", "3", "Orge d'hiver"),
    ("CZH", "5", "Colza d'hiver"),
    ("TTH", "4", "Triticale d'hiver"),
    ("PTR", "18", "Prairie temporaire"),
    ("PPH", "18", "Prairie permanente"),
    ("VRC", "21", "Vigne"),
)


def strip_accents(text: str) -> str:
    """ASCII upper-case form used by INSEE ``NCC`` columns (no accents, no hyphens)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return plain.upper().replace("-", " ").replace("'", " ")


def article_split(name: str) -> tuple[int, str]:
    """COG ``TNCC`` code and the name without its article."""
    for prefix, code in (("Le ", 2), ("La ", 3), ("Les ", 4), ("L'", 5)):
        if name.startswith(prefix):
            return code, name[len(prefix) :]
    return (1 if name[0].upper() in "AEIOUYÉH" else 0), name
