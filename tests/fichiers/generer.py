"""Regenerates the sample files of this folder (named after their defect): python tests/fichiers/generer.py"""

from pathlib import Path

HERE = Path(__file__).resolve().parent
NB = "\u00a0"  # no-break space, as Excel writes thousands in French
NNB = "\u202f"  # narrow no-break space
H = "code_territoire;indicateur;trimestre;valeur;commentaire"


def w(name, text, enc="utf-8", nl="\r\n"):
    (HERE / name).write_bytes(text.replace("\n", nl).encode(enc))


w("valeurs_longues_valides_cp1252.csv", H + f"""
200046977;sorties_rue_logement;2024-T1;42;
200046977;attributions_total;2024-T1;1{NB}234;source SNE évaluée
200046977;attributions_sans_domicile;2024-T1;81;
200046977;menages_accompagnes;2024-T1;1{NB}050;fin de trimestre
75056;sorties_hebergement_logement;2024-T1;1 310;Île-de-France
""", "cp1252")
w("valeurs_larges_utf8_bom.csv", """code_territoire;trimestre;sorties_rue_logement;attributions_total
200046977;2024-T1;42;1 234
200046977;2024-T2;47;1 198
""", "utf-8-sig")
w("valeurs_utf8_virgule_lf.csv", """code_territoire,indicateur,trimestre,valeur
200046977,sorties_rue_logement,2024-T2,45
200046977,expulsions_evitees,2024-T2,12
""", nl="\n")
w("valeurs_tabulations.tsv", "code_territoire\tindicateur\ttrimestre\tvaleur\n"
  "200046977\tsorties_rue_logement\t2024-T3\t40\n", nl="\n")
w("valeurs_entete_variantes.csv", """Code territoire;INDICATEUR; Trimestre ;Valeur;Commentaire
200046977;sorties_rue_logement;2024-T1;42;
""")
w("valeurs_trimestres_toutes_formes.csv", H + """
200046977;sorties_rue_logement;2023-T1;1;
200046977;sorties_rue_logement;2023T2;2;
200046977;sorties_rue_logement;T3 2023;3;
200046977;sorties_rue_logement;T4-2023;4;
200046977;sorties_rue_logement;2024-Q1;5;
200046977;sorties_rue_logement;2024q2;6;
""")
w("valeurs_milliers_espaces_insecables.csv", H + f"""
200046977;nuitees_hotelieres;2024-T1;12{NB}345;
200046977;attributions_total;2024-T1;1{NNB}234;
200046977;demandes_115;2024-T1;2 050,0;
""")
w("valeurs_territoire_inconnu.csv", H + """
200046977;sorties_rue_logement;2024-T1;42;
999999999;sorties_rue_logement;2024-T1;42;
6;sorties_rue_logement;2024-T1;42;
""")
w("valeurs_trimestre_invalide.csv", H + """
200046977;sorties_rue_logement;2024-T5;42;
200046977;sorties_rue_logement;premier trimestre 2024;42;
200046977;sorties_rue_logement;2024 T1;42;
""")
w("valeurs_trimestre_futur_et_ancien.csv", H + """
200046977;sorties_rue_logement;2027-T1;42;
200046977;sorties_rue_logement;2016-T4;42;
200046977;sorties_rue_logement;2026-T4;42;
""")
w("valeurs_nombres_invalides.csv", H + """
200046977;sorties_rue_logement;2024-T1;12,5 %;
200046977;attributions_total;2024-T1;#DIV/0!;
200046977;expulsions_evitees;2024-T1;-3;
200046977;places_iml_creees;2024-T1;12,5;
200046977;nuitees_hotelieres;2024-T1;beaucoup;
200046977;saisines_ccapex;2024-T1;#VALEUR!;
""")
w("valeurs_non_renseignees.csv", H + """
200046977;sorties_rue_logement;2024-T1;;
200046977;attributions_total;2024-T1;NC;
200046977;expulsions_evitees;2024-T1;ND;
200046977;places_iml_creees;2024-T1;n.d.;
200046977;nuitees_hotelieres;2024-T1;-;
200046977;saisines_ccapex;2024-T1;7;
""")
w("valeurs_indicateur_derive_et_inconnu.csv", H + """
200046977;part_attributions_sans_domicile;2024-T1;6;
200046977;acces_logement_sans_domicile;2024-T1;60;
200046977;sorties_rue_logemnt;2024-T1;42;
""")
w("valeurs_doublons.csv", H + """
200046977;sorties_rue_logement;2024-T1;42;
200046977;sorties_rue_logement;2024-T1;42;
200046977;attributions_total;2024-T1;100;
200046977;attributions_total;2024-T1;110;
""")
w("valeurs_entete_seul.csv", H + "\n")
w("fichier_vide.csv", "")
w("valeurs_lignes_de_longueur_inegale.csv", H + """
200046977;sorties_rue_logement;2024-T1;42;
200046977;attributions_total;2024-T1;100
200046977;expulsions_evitees;2024-T1;3;;en trop
200046977;places_iml_creees;2024-T1;abc;
""")
w("valeurs_larges_colonne_inconnue.csv", """code_territoire;trimestre;sorties_rue_logement;colonne_perso;taux_reponse_positive_siao
200046977;2024-T1;42;x;50
""")
w("valeurs_longues_colonne_indicateur.csv", H + """;sorties_rue_logement;Attributions total;remarque
200046977;attributions_total;2024-T1;12;;42;3;vu
""")
w("valeurs_commentaire_multiligne.csv", H + """
200046977;sorties_rue_logement;2024-T1;42;"première ligne
seconde ligne"
200046977;attributions_total;2024-T1;abc;
""")
w("valeurs_entete_inconnu.csv", "a;b;c\n1;2;3\n")
w("valeurs_colonne_manquante.csv", "code_territoire;indicateur;trimestre\n200046977;sorties_rue_logement;2024-T1\n")
(HERE / "valeurs_binaire_renomme.csv").write_bytes(
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)))
w("feuille_de_route_valide.csv", """code_territoire;indicateur;debut;fin;valeur_base;periode_base;cible;jalon_an1
200046977;sorties_rue_logement;2021-T3;2023-T2;120;2020;400;180
200046977;personnes_rue_denombrees;2021-T3;2023-T2;510;2021-T1;380;
200046977;part_attributions_sans_domicile;2021-T3;2023-T2;5,5;2020;8;
""", "cp1252")
w("feuille_de_route_erreurs.csv", """code_territoire;indicateur;debut;fin;valeur_base;periode_base;cible;jalon_an1
200046977;sorties_rue_logement;2021-T3;2023-T2;120;2020;400;180
200046977;expulsions_evitees;2021-T4;2023-T2;;;50;
200046977;personnes_rue_denombrees;2021-T3;2023-T2;;2021-T1;380;
200046977;menages_accompagnes;2021-T3;2023-T2;900;2021;900;
200046977;taux_115_non_pourvues;2021-T3;2023-T2;40;2020;55;
200046977;part_attributions_sans_domicile;2021-T3;2023-T2;5,5;2020;120;
75056;sorties_rue_logement;2023-T2;2021-T3;;;100;
75056;expulsions_evitees;2023-T2;2021-T3;;;;
""")
w("territoires_valides.csv", """code_territoire;vague;nom;type;membres
200000172;AMI 3;;;
243300316;AMI 1;Bordeaux Métropole et Gironde;groupement;33
""")
w("territoires_erreurs.csv", """code_territoire;vague;nom;type;membres
123;AMI 3;;;
200000172;;;;
200054807;AMI 3;;region;
243300316;AMI 1;;groupement;99
""")
