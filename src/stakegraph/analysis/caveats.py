"""What a report's figures cannot say, in words shared by the command line and the pages.

A zero can mean "nobody knows them" or "we know nothing about them"; these sentences say which,
so that an account imported from mail alone (contacts without titles, outbound mail only) is not
mistaken for one whose senior staff are all covered.
"""

from __future__ import annotations

__all__ = ["NO_SENIOR_STAFF", "NO_TIES"]

NO_SENIOR_STAFF = (
    "no contact here has a senior title (C-level, VP, director) or a senior buying role, "
    "so nobody who decides is on record: give the contacts their titles to see who decides"
)

NO_TIES = (
    "none of the interactions on record makes a tie between one of our people and one of "
    "theirs (an outbound email nobody answered does not count unless "
    "STAKEGRAPH_ANALYSIS_COUNT_UNANSWERED_OUTBOUND_EMAIL=true)"
)
