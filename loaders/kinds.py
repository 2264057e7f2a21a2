"""The per-kind half of the importer (loaders/importer.py): which validator checks a read file of
each kind, and which write stores a valid one. The kinds that only some files are (people,
actions, budget, SI-SIAO extracts) are imported on first use, so that a values file, the common
case on the command line, loads none of their modules."""

from __future__ import annotations

from data.roadmaps import apply_roadmap, apply_territories
from data.siao import journaliser_comptage
from data.uploads import Outcome, UploadMeta, apply_values
from loaders import headers
from loaders.problems import Report
from loaders.reading import RawTable
from loaders.roadmap import validate_roadmap
from loaders.territories import validate_territories
from loaders.validation import Validated
from loaders.values import validate_values


def validate_kind(raw: RawTable, layout: headers.Layout, ref, con, report: Report, *, private: bool,
                  allowed_territories: set[str] | None, today, siao) -> Validated:
    """Validate ``raw`` (table ``brut`` of ``con``, header already checked) as the kind of
    ``layout``; ``private``: ``con`` is a private validation connection (else a values batch stays
    in its temporary tables); ``siao``: the importer's ContexteSiao of an extract."""
    if layout.kind == headers.VALUES:
        if layout.layout == headers.LONG:
            report.extend(headers.long_extra_problems(raw.header, layout, ref.indicateurs["code"], raw.header_line))
        return validate_values(raw, layout, ref, con, report, allowed_territories, today, in_place=not private)
    if layout.kind == headers.SIAO:
        from loaders.siao import validate_siao  # here: the other kinds never need it

        return validate_siao(raw, layout, siao.reference, con, report, allowed_territories, today, siao.periode,
                             in_place=not private)
    if layout.kind == headers.ROADMAP:
        return validate_roadmap(raw, layout, ref, con, report, allowed_territories)
    if layout.kind == headers.PEOPLE:
        from loaders import personnes  # here: the other kinds never need it

        return personnes.validate_people(raw, layout, ref, con, report)
    if layout.kind == headers.ACTIONS:
        from loaders.actions import validate_actions  # here: the other kinds never need it

        return validate_actions(raw, layout, ref, con, report, allowed_territories, today)
    if layout.kind == headers.BUDGET:
        from loaders import budget  # here: the other kinds never need it (nor pandas)

        return budget.validate_budget(raw, layout, ref, con, report, allowed_territories, today)
    return validate_territories(raw, layout, con, report, ref.collectivites)


def store_kind(conn, validated: Validated, meta: UploadMeta, result, *, actor, user: str, dry_run: bool,
               today, private: bool, keep: bool) -> Outcome:
    """Store the valid file ``validated`` on ``conn`` as its kind's write does, in one transaction
    (or count what it would store with ``dry_run``); with ``keep``, the batch and its preview go
    into ``result`` (an importer.ImportResult) for a page that previews before it stores."""
    if validated.kind in (headers.VALUES, headers.SIAO):  # an extract is stored as the values it counts
        batch = validated.batch_table if validated.batch_table is not None else validated.batch
        outcome = apply_values(conn, batch, meta, validated.non_renseignees, dry_run=dry_run, today=today,
                               cleanup=not private, preview=keep and dry_run)
        if keep:
            result.batch, result.preview = validated.batch, outcome.preview
        if validated.kind == headers.SIAO and not dry_run:
            journaliser_comptage(conn, user, outcome.depot_id, result.comptage.as_dict())
        return outcome
    if validated.kind == headers.ROADMAP:
        return apply_roadmap(conn, validated.batch, meta, dry_run=dry_run)
    if validated.kind == headers.PEOPLE:
        from loaders import personnes  # here: the other kinds never need it

        return personnes.store_people(conn, actor, validated, meta, dry_run=dry_run)
    if validated.kind == headers.ACTIONS:
        from data.actions import apply_actions

        outcome = apply_actions(conn, validated.batch, meta, dry_run=dry_run, preview=keep and dry_run)
    elif validated.kind == headers.BUDGET:
        from loaders import budget

        outcome = budget.store_budget(conn, validated, meta, dry_run=dry_run, preview=keep and dry_run)
    else:
        return apply_territories(conn, validated.batch, meta, dry_run=dry_run)
    if keep:
        result.batch, result.preview = validated.batch, outcome.preview
    return outcome
