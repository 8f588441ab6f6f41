"""Materialising a schedule's Europe/London wall-clock times into aware instants.

The rule runs on naive local dates (dateutil's rrule), and each occurrence's date is combined with
the local start time under zoneinfo: a 10:00 session is 10:00 in London in March and in October,
09:00 UTC in summer and 10:00 UTC in winter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import WEEKLY, rrule

LONDON = ZoneInfo("Europe/London")
MAX_OCCURRENCES = 104  # two years of weekly sessions; also bounds a schedule's materialised rows


@dataclass(frozen=True)
class Occurrence:
    key: str
    starts_at: datetime
    ends_at: datetime


def local_instant(day: date, at: time) -> datetime:
    """The aware instant of a London wall-clock time. In the spring-forward gap (01:00-02:00) the
    time is moved forward an hour; in the autumn overlap the first (BST) instant is used."""
    naive = datetime.combine(day, at)
    aware = naive.replace(tzinfo=LONDON, fold=0)
    # Round-trip through UTC: a non-existent local time comes back shifted.
    normalised = aware.astimezone(ZoneInfo("UTC")).astimezone(LONDON)
    return normalised


def occurrence_dates(
    *,
    starts_on: date,
    weekdays: list[int],
    fortnightly: bool,
    until: date | None,
    count: int | None,
    blackout: set[date],
) -> list[date]:
    if not weekdays:
        return []
    limit = min(count or MAX_OCCURRENCES, MAX_OCCURRENCES)
    rule = rrule(
        WEEKLY,
        interval=2 if fortnightly else 1,
        byweekday=sorted(set(weekdays)),
        dtstart=datetime.combine(starts_on, time()),
        until=datetime.combine(until, time()) if until else None,
        count=limit,
        wkst=0,
    )
    return [d.date() for d in rule if d.date() not in blackout]


def occurrences(
    *,
    starts_on: date,
    weekdays: list[int],
    fortnightly: bool,
    until: date | None,
    count: int | None,
    blackout: set[date],
    start_time: time,
    end_time: time,
    slot_minutes: int | None,
) -> list[Occurrence]:
    """Each session (or fixed-length slot) the schedule defines, keyed by local date and slot."""
    result = []
    for day in occurrence_dates(
        starts_on=starts_on,
        weekdays=weekdays,
        fortnightly=fortnightly,
        until=until,
        count=count,
        blackout=blackout,
    ):
        start = datetime.combine(day, start_time)
        end = datetime.combine(day, end_time)
        if slot_minutes:
            step = timedelta(minutes=slot_minutes)
            index = 0
            while start + step <= end:
                result.append(
                    Occurrence(
                        key=f"{day.isoformat()}#{index}",
                        starts_at=local_instant(day, start.time()),
                        ends_at=local_instant(day, (start + step).time()),
                    )
                )
                start += step
                index += 1
        else:
            result.append(
                Occurrence(
                    key=f"{day.isoformat()}#0",
                    starts_at=local_instant(day, start_time),
                    ends_at=local_instant(day, end_time),
                )
            )
    return result
