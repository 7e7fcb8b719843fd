"""Schemathesis hooks for the contract test (apps/online/src/contract/contract.integration.test.ts).

The document states two rules of a play in prose, because no OpenAPI keyword can: its timestamp is
not before 2000-01-01 and at most an hour ahead of the clock, and positionMs is at most durationMs.
A case generated as valid by the document is brought within them, so a rejection of it is a real
disagreement between the document and the server. Cases generated as invalid are left as they are.

A merchandising rule has rules between its fields that the document states in prose (items or
genres, a window that ends after it starts, titles in the catalog): a valid case is brought within them, naming MARQUEE_FUZZ_TITLE as its title, and its
window is put in the past so the rules the fuzzer writes never shape another test's pages.

With MARQUEE_FUZZ_MEMBER set (the device token's member), valid cases act for that member, so a
device token reaches the routes' logic instead of stopping at "another member's data" (403), in
the path and in a `user` query parameter alike.
"""

import os
from datetime import datetime, timedelta, timezone

import schemathesis

MEMBER = os.environ.get("MARQUEE_FUZZ_MEMBER")
TITLE = os.environ.get("MARQUEE_FUZZ_TITLE", "t1")
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)


def _within_bounds(timestamp: str) -> bool:
    try:
        parsed = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return False
    if parsed.tzinfo is None:
        return False
    return EARLIEST <= parsed <= datetime.now(timezone.utc) + timedelta(minutes=50)


def _valid_play(play):
    if not isinstance(play, dict):
        return
    timestamp = play.get("timestamp")
    if isinstance(timestamp, str) and not _within_bounds(timestamp):
        play["timestamp"] = datetime.now(timezone.utc).isoformat()
    position, duration = play.get("positionMs"), play.get("durationMs")
    if isinstance(position, int) and isinstance(duration, int) and position > duration:
        play["positionMs"] = duration
    if MEMBER and "userId" in play:
        play["userId"] = MEMBER


def _valid_rule(rule):
    if not isinstance(rule, dict):
        return
    if "items" in rule or "genres" not in rule:
        rule["items"] = [TITLE]
    rule["startsAt"] = "2000-01-01T00:00:00Z"
    rule["endsAt"] = "2000-01-02T00:00:00Z"


def _is_positive(case) -> bool:
    meta = getattr(case, "meta", None)
    return meta is not None and meta.generation.mode.is_positive


@schemathesis.hook
def map_case(context, case):
    if not _is_positive(case):
        return case
    if case.operation.path == "/v1/plays" and isinstance(case.body, dict):
        plays = case.body.get("plays")
        for play in plays if isinstance(plays, list) else [case.body]:
            _valid_play(play)
    if case.operation.path == "/v1/admin/rules/{id}" and case.method.upper() == "PUT":
        _valid_rule(case.body)
    if MEMBER and case.operation.path.startswith("/v1/users/") and case.path_parameters:
        case.path_parameters["id"] = MEMBER
    if MEMBER and isinstance(case.query, dict) and "user" in case.query:
        case.query["user"] = MEMBER
    return case
