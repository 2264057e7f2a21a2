-- 004: a current value's author is its upload's (depot.utilisateur, found by depot_id), no longer
-- repeated on every value row.
-- Every write path stores a value with the upload that brought it, and that upload's person
-- (data/uploads.py, and the undo in data/apercu.py): the column only repeated depot.utilisateur.
-- Repeating it cost a tenth of the write of a 200,000-row upload (a text column, even constant,
-- costs about 10 ms to store per 200,000 rows, measured on this machine). The history table
-- (valeur_historique) keeps its own column: a former revision is written once.
-- Nothing is lost: a value whose author is not its upload's (a database edited by hand) is noted
-- in the journal with its key, revision and author before the column goes, stamped on Paris time
-- (the runner's maintenant_paris, data/migrations.py: now() would be the server's zone).

INSERT INTO journal
SELECT nextval('journal_id_seq'), getvariable('maintenant_paris'), 'migration 004', 'valeur.auteur', v.territoire || '|' || v.indicateur || '|' || v.trimestre,
       json_object('territoire', v.territoire, 'indicateur', v.indicateur, 'trimestre', v.trimestre,
                   'revision', v.revision, 'depot_id', v.depot_id, 'utilisateur', v.utilisateur)
FROM valeur v LEFT JOIN depot d ON d.id = v.depot_id
WHERE d.utilisateur IS DISTINCT FROM v.utilisateur;

ALTER TABLE valeur DROP COLUMN utilisateur;
