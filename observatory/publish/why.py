"""Plain-French reasons why each criterion matters, for the fix lists and notices."""

from __future__ import annotations

WHY = {
    "completeness.data_cells": "Des cellules vides obligent chaque réutilisateur à deviner ou "
    "à écarter des lignes.",
    "completeness.dcat_properties": "Les propriétés DCAT-AP permettent aux catalogues "
    "européens et ministériels de moissonner et de retrouver le jeu de données.",
    "completeness.description": "Sans description détaillée, un réutilisateur ne sait pas ce "
    "que contiennent les données ni leurs limites.",
    "completeness.documentation": "Une documentation (dictionnaire des champs, notice) évite "
    "les contresens sur les données.",
    "completeness.keywords": "Les mots-clés rendent le jeu de données trouvable par la "
    "recherche des portails.",
    "completeness.legal_metadata": "L'arrêté du 14 juin 2017 impose huit métadonnées aux "
    "données de référence.",
    "completeness.license": "Sans licence, la réutilisation n'est pas juridiquement sûre.",
    "completeness.row_count": "Une chute du nombre de lignes signale souvent un export "
    "tronqué que les réutilisateurs ne voient pas.",
    "completeness.spatial_coverage": "La couverture géographique permet de filtrer les "
    "données par territoire.",
    "completeness.temporal_coverage": "La couverture temporelle dit quelle période les "
    "données décrivent.",
    "freshness.dates": "Des dates incohérentes empêchent de savoir si les données sont à jour.",
    "freshness.frequency": "Les réutilisateurs comptent sur la fréquence annoncée ; des "
    "données en retard faussent leurs services.",
    "freshness.legal_periodicity": "La périodicité de mise à jour des données de référence "
    "est fixée par l'arrêté du 14 juin 2017.",
    "conformity.dcat_shacl": "Des métadonnées non conformes à DCAT-AP sont rejetées ou mal "
    "lues par les catalogues qui les moissonnent.",
    "conformity.format_match": "Un fichier dont le contenu ne correspond pas au format "
    "annoncé casse les traitements automatiques.",
    "conformity.license": "Une licence ouverte reconnue (Licence Ouverte, ODbL…) rend la "
    "réutilisation possible sans démarche.",
    "conformity.machine_readable": "Un format lisible par une machine évite les ressaisies.",
    "conformity.open_format": "Un format ouvert se lit sans logiciel propriétaire.",
    "conformity.schema": "Le respect du schéma national permet de fusionner les données de "
    "tous les producteurs.",
    "availability.apis": "Une API indisponible interrompt les services qui l'appellent ; le "
    "seuil légal est de 99,5 % par mois.",
    "availability.files": "Un fichier indisponible ne peut pas être réutilisé ; le seuil "
    "légal est de 99 % par mois.",
}
PILLAR_WHY = {
    "completeness": "Des métadonnées complètes rendent les données trouvables et compréhensibles.",
    "freshness": "Des données à jour sont la condition de leur réutilisation.",
    "conformity": "Des formats et schémas conformes permettent les traitements automatiques.",
    "availability": "Des données indisponibles ne servent à personne.",
}


def why(criterion_id: str, pillar: str) -> str:
    """Why fixing this criterion matters, in one French sentence."""
    return WHY.get(criterion_id) or PILLAR_WHY.get(pillar, "")
