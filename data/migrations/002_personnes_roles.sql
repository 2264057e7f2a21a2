-- 002: people and their roles (national, coordinateur, services_etat, lecteur). A coordinator or a
-- State service is attached to one territory; national and lecteur are not.

CREATE TABLE personne (
    email VARCHAR PRIMARY KEY,
    role VARCHAR NOT NULL CHECK (role IN ('national', 'coordinateur', 'services_etat', 'lecteur')),
    territoire VARCHAR,
    actif BOOLEAN NOT NULL DEFAULT true,
    utilisateur VARCHAR NOT NULL,
    enregistre_le TIMESTAMP NOT NULL,
    CHECK ((role IN ('coordinateur', 'services_etat')) = (territoire IS NOT NULL))
);
