-- 001: the first schema. Reference data, territories, values with their history, roadmaps with
-- their history, the upload audit and the journal. Former versions of a row are kept in *_historique
-- tables, so the current tables stay plain to scan.

CREATE TABLE metadonnee (
    cle VARCHAR PRIMARY KEY,
    valeur VARCHAR
);

-- A région and a département may share a code (01 = Guadeloupe and Ain): the key includes niveau.
CREATE TABLE collectivite (
    code VARCHAR NOT NULL,
    niveau VARCHAR NOT NULL CHECK (niveau IN ('commune', 'epci', 'departement', 'region')),
    nom VARCHAR NOT NULL,
    nature VARCHAR,
    departement VARCHAR,
    region VARCHAR,
    epci VARCHAR,
    population BIGINT,
    PRIMARY KEY (niveau, code)
);

CREATE TABLE indicateur (
    code VARCHAR PRIMARY KEY,
    libelle VARCHAR NOT NULL,
    definition VARCHAR NOT NULL,
    unite VARCHAR NOT NULL,
    nature VARCHAR NOT NULL CHECK (nature IN ('flux', 'stock', 'ratio', 'somme')),
    sens VARCHAR NOT NULL CHECK (sens IN ('hausse', 'baisse', 'neutre')),
    axe INTEGER NOT NULL,
    priorite VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    composantes VARCHAR[],
    numerateur VARCHAR,
    denominateur VARCHAR,
    ordre INTEGER NOT NULL
);

CREATE TABLE territoire (
    code VARCHAR PRIMARY KEY,
    nom VARCHAR NOT NULL,
    type VARCHAR NOT NULL CHECK (type IN ('commune', 'epci', 'departement', 'groupement')),
    vague VARCHAR NOT NULL,
    membres VARCHAR[] NOT NULL,
    departements VARCHAR[] NOT NULL,
    regions VARCHAR[] NOT NULL,
    population BIGINT,
    actif BOOLEAN NOT NULL,
    revision INTEGER NOT NULL,
    depot_id BIGINT,
    utilisateur VARCHAR NOT NULL,
    enregistre_le TIMESTAMP NOT NULL
);

CREATE TABLE territoire_historique (
    code VARCHAR NOT NULL,
    nom VARCHAR NOT NULL,
    type VARCHAR NOT NULL,
    vague VARCHAR NOT NULL,
    membres VARCHAR[] NOT NULL,
    departements VARCHAR[] NOT NULL,
    regions VARCHAR[] NOT NULL,
    population BIGINT,
    actif BOOLEAN NOT NULL,
    revision INTEGER NOT NULL,
    depot_id BIGINT,
    utilisateur VARCHAR NOT NULL,
    enregistre_le TIMESTAMP NOT NULL,
    remplacee_le TIMESTAMP NOT NULL,
    remplacee_par_depot BIGINT
);

CREATE SEQUENCE depot_id_seq START 1;

CREATE TABLE depot (
    id BIGINT PRIMARY KEY,
    fichier VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    type_fichier VARCHAR,
    disposition VARCHAR,
    utilisateur VARCHAR NOT NULL,
    recu_le TIMESTAMP NOT NULL,
    resultat VARCHAR NOT NULL CHECK (resultat IN ('enregistre', 'refuse')),
    nb_lignes INTEGER NOT NULL,
    nb_nouvelles INTEGER NOT NULL,
    nb_revisees INTEGER NOT NULL,
    nb_inchangees INTEGER NOT NULL,
    nb_non_renseignees INTEGER NOT NULL,
    nb_erreurs INTEGER NOT NULL,
    nb_avertissements INTEGER NOT NULL,
    territoires VARCHAR[] NOT NULL,
    problemes JSON
);

CREATE TABLE valeur (
    territoire VARCHAR NOT NULL,
    indicateur VARCHAR NOT NULL,
    trimestre VARCHAR NOT NULL,
    valeur DOUBLE NOT NULL,
    commentaire VARCHAR,
    source VARCHAR,
    revision INTEGER NOT NULL,
    depot_id BIGINT,
    utilisateur VARCHAR NOT NULL,
    enregistre_le TIMESTAMP NOT NULL,
    PRIMARY KEY (territoire, indicateur, trimestre)
);

CREATE TABLE valeur_historique (
    territoire VARCHAR NOT NULL,
    indicateur VARCHAR NOT NULL,
    trimestre VARCHAR NOT NULL,
    valeur DOUBLE NOT NULL,
    commentaire VARCHAR,
    source VARCHAR,
    revision INTEGER NOT NULL,
    depot_id BIGINT,
    utilisateur VARCHAR NOT NULL,
    enregistre_le TIMESTAMP NOT NULL,
    remplacee_le TIMESTAMP NOT NULL,
    remplacee_par_depot BIGINT
);

CREATE SEQUENCE feuille_id_seq START 1;

CREATE TABLE feuille_de_route (
    id BIGINT PRIMARY KEY,
    territoire VARCHAR NOT NULL,
    debut VARCHAR NOT NULL,
    fin VARCHAR NOT NULL,
    depot_id BIGINT,
    utilisateur VARCHAR NOT NULL,
    enregistre_le TIMESTAMP NOT NULL,
    UNIQUE (territoire, debut, fin)
);

CREATE TABLE cible (
    feuille_id BIGINT NOT NULL,
    indicateur VARCHAR NOT NULL,
    valeur_base DOUBLE,
    periode_base VARCHAR,
    cible DOUBLE NOT NULL,
    jalon_an1 DOUBLE,
    revision INTEGER NOT NULL,
    depot_id BIGINT,
    utilisateur VARCHAR NOT NULL,
    enregistre_le TIMESTAMP NOT NULL,
    PRIMARY KEY (feuille_id, indicateur)
);

CREATE TABLE cible_historique (
    feuille_id BIGINT NOT NULL,
    indicateur VARCHAR NOT NULL,
    valeur_base DOUBLE,
    periode_base VARCHAR,
    cible DOUBLE NOT NULL,
    jalon_an1 DOUBLE,
    revision INTEGER NOT NULL,
    depot_id BIGINT,
    utilisateur VARCHAR NOT NULL,
    enregistre_le TIMESTAMP NOT NULL,
    remplacee_le TIMESTAMP NOT NULL,
    remplacee_par_depot BIGINT
);

CREATE SEQUENCE journal_id_seq START 1;

CREATE TABLE journal (
    id BIGINT PRIMARY KEY,
    quand TIMESTAMP NOT NULL,
    qui VARCHAR NOT NULL,
    action VARCHAR NOT NULL,
    objet VARCHAR,
    details JSON
);
