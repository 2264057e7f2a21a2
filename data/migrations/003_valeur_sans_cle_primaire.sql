-- 003: the current values table without its PRIMARY KEY index.
-- DuckDB maintains an ART index for a primary key: on a 200,000-row upload it more than doubled the
-- cost of the write (insert 154 ms against 72 ms, commit 95 ms against 1 ms, measured on this
-- machine). Uniqueness of (territoire, indicateur, trimestre) is kept by the single write path:
-- every upload is classified against the stored values inside its serialised transaction
-- (data/uploads.py), and a test checks no key is ever stored twice. DuckDB cannot drop a
-- constraint, so the table is rebuilt with the same columns, in the same order.

CREATE TABLE valeur_sans_cle (
    territoire VARCHAR NOT NULL,
    indicateur VARCHAR NOT NULL,
    trimestre VARCHAR NOT NULL,
    valeur DOUBLE NOT NULL,
    commentaire VARCHAR,
    source VARCHAR,
    revision INTEGER NOT NULL,
    depot_id BIGINT,
    utilisateur VARCHAR NOT NULL,
    enregistre_le TIMESTAMP NOT NULL
);

INSERT INTO valeur_sans_cle SELECT * FROM valeur ORDER BY territoire, indicateur, trimestre;

DROP TABLE valeur;

ALTER TABLE valeur_sans_cle RENAME TO valeur;
