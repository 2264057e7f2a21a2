-- 006: the budget of fiche 5 and the AMI envelope.
-- budget_ligne: one row per (territoire, exercice, poste, financeur), amounts in euros with cents;
-- NULL means not known, never 0 (prevu is required by the file). Former versions go to
-- budget_historique with who replaced them and when, like valeur_historique: nothing is deleted
-- (an undone upload's new lines leave the current table for the history, replaced by the undo).
-- Uniqueness of the key is kept by the one write path (data/budget.py), as for valeur (003).
-- enveloppe / enveloppe_territoire: the credits the national team records per exercice (the
-- national total, and the credits notified to each territory), with their histories.

CREATE TABLE budget_ligne (
    territoire VARCHAR NOT NULL,
    exercice INTEGER NOT NULL,
    poste VARCHAR NOT NULL CHECK (poste IN ('coordination', 'ingenierie', 'intervention_sociale',
                                             'observation_sociale', 'suivi_evaluation', 'communication')),
    financeur VARCHAR NOT NULL CHECK (financeur IN ('etat_ami', 'etat_droit_commun', 'collectivite', 'autre')),
    prevu DECIMAL(14, 2) NOT NULL,
    engage DECIMAL(14, 2),
    verse DECIMAL(14, 2),
    commentaire VARCHAR,
    revision INTEGER NOT NULL,
    depot_id BIGINT,
    utilisateur VARCHAR NOT NULL,
    enregistre_le TIMESTAMP NOT NULL
);

CREATE TABLE budget_historique (
    territoire VARCHAR NOT NULL,
    exercice INTEGER NOT NULL,
    poste VARCHAR NOT NULL,
    financeur VARCHAR NOT NULL,
    prevu DECIMAL(14, 2) NOT NULL,
    engage DECIMAL(14, 2),
    verse DECIMAL(14, 2),
    commentaire VARCHAR,
    revision INTEGER NOT NULL,
    depot_id BIGINT,
    utilisateur VARCHAR NOT NULL,
    enregistre_le TIMESTAMP NOT NULL,
    remplacee_le TIMESTAMP NOT NULL,
    remplacee_par_depot BIGINT
);

CREATE TABLE enveloppe (
    exercice INTEGER PRIMARY KEY,
    montant DECIMAL(14, 2) NOT NULL,
    commentaire VARCHAR,
    revision INTEGER NOT NULL,
    utilisateur VARCHAR NOT NULL,
    enregistre_le TIMESTAMP NOT NULL
);

CREATE TABLE enveloppe_historique (
    exercice INTEGER NOT NULL,
    montant DECIMAL(14, 2) NOT NULL,
    commentaire VARCHAR,
    revision INTEGER NOT NULL,
    utilisateur VARCHAR NOT NULL,
    enregistre_le TIMESTAMP NOT NULL,
    remplacee_le TIMESTAMP NOT NULL,
    remplacee_par VARCHAR NOT NULL
);

CREATE TABLE enveloppe_territoire (
    exercice INTEGER NOT NULL,
    territoire VARCHAR NOT NULL,
    notifie DECIMAL(14, 2) NOT NULL,
    revision INTEGER NOT NULL,
    utilisateur VARCHAR NOT NULL,
    enregistre_le TIMESTAMP NOT NULL
);

CREATE TABLE enveloppe_territoire_historique (
    exercice INTEGER NOT NULL,
    territoire VARCHAR NOT NULL,
    notifie DECIMAL(14, 2) NOT NULL,
    revision INTEGER NOT NULL,
    utilisateur VARCHAR NOT NULL,
    enregistre_le TIMESTAMP NOT NULL,
    remplacee_le TIMESTAMP NOT NULL,
    remplacee_par VARCHAR NOT NULL
);
