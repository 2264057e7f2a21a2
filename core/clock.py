"""The time every write records (uploads, values, revisions, journal, schema versions).

Paris local time, whatever the zone of the process: the dashboard and a nightly import run by cron
on a server set to UTC must stamp their writes on one clock, or the audit and the history fall out
of order. Stored without a zone (TIMESTAMP), as the schema has always held local time."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from core.parameters import FUSEAU_HORAIRE

_ZONE = ZoneInfo(FUSEAU_HORAIRE)  # from the tzdata package when the system has no zone files


def maintenant() -> dt.datetime:
    """Now, in FUSEAU_HORAIRE, without a zone."""
    return dt.datetime.now(_ZONE).replace(tzinfo=None)
