-- 005: the actions of a territory's roadmap (fiche 1 of the call) and their quarterly status points
-- (fiche 4: how they are followed). An action is identified by its territory's own reference
-- (ref_action, unique within the territory); each (action, quarter) keeps one status point, so the
-- history of an action reads quarter by quarter. Former versions of both go to *_historique tables
-- with who replaced them and when, like valeur_historique: nothing is lost. "En retard" is never
-- stored: it is derived from the dates at a reference date (indicators/actions.py).
-- No PRIMARY KEY index (see 003): uniqueness of (territoire, ref_action) and of (territoire,
-- ref_action, trimestre) is kept by the single write path (data/actions.py), which classifies every
-- row against the stored ones inside its serialised transaction.

CREATE TABLE action (
    territoire VARCHAR NOT NULL,
    ref_action VARCHAR NOT NULL,
    intitule VARCHAR NOT NULL,
    axe INTEGER NOT NULL CHECK (axe BETWEEN 1 AND 16),
    pilote VARCHAR,
    partenaires VARCHAR,
    debut DATE,
    fin DATE,
    revision INTEGER NOT NULL,
    depot_id BIGINT,
    utilisateur VARCHAR NOT NULL,
    enregistre_le TIMESTAMP NOT NULL,
    CHECK (fin IS NULL OR debut IS NULL OR fin >= debut)
);

CREATE TABLE action_historique (
    territoire VARCHAR NOT NULL,
    ref_action VARCHAR NOT NULL,
    intitule VARCHAR NOT NULL,
    axe INTEGER NOT NULL,
    pilote VARCHAR,
    partenaires VARCHAR,
    debut DATE,
    fin DATE,
    revision INTEGER NOT NULL,
    depot_id BIGINT,
    utilisateur VARCHAR NOT NULL,
    enregistre_le TIMESTAMP NOT NULL,
    remplacee_le TIMESTAMP NOT NULL,
    remplacee_par_depot BIGINT
);

CREATE TABLE point_action (
    territoire VARCHAR NOT NULL,
    ref_action VARCHAR NOT NULL,
    trimestre VARCHAR NOT NULL,
    statut VARCHAR NOT NULL CHECK (statut IN ('a_venir', 'en_cours', 'realisee', 'en_pause', 'bloquee', 'abandonnee')),
    avancement INTEGER CHECK (avancement BETWEEN 0 AND 100),
    commentaire VARCHAR,
    revision INTEGER NOT NULL,
    depot_id BIGINT,
    utilisateur VARCHAR NOT NULL,
    enregistre_le TIMESTAMP NOT NULL
);

CREATE TABLE point_action_historique (
    territoire VARCHAR NOT NULL,
    ref_action VARCHAR NOT NULL,
    trimestre VARCHAR NOT NULL,
    statut VARCHAR NOT NULL,
    avancement INTEGER,
    commentaire VARCHAR,
    revision INTEGER NOT NULL,
    depot_id BIGINT,
    utilisateur VARCHAR NOT NULL,
    enregistre_le TIMESTAMP NOT NULL,
    remplacee_le TIMESTAMP NOT NULL,
    remplacee_par_depot BIGINT
);
