"""The workshop mode: the facilitator's panel, the projector, and the participant view.

The facilitator's panel lives inside the app (the "Workshop" button), in the order of use:
the agenda, the live session that participants join with a short code (its address in
large type with a QR code, the one the room can reach), the timer that runs through the
agenda, the questions, the answers and the parking lot. The projector shows the current
agenda item, its question and, once revealed, the team's answers in large type.
Participants scan the code, type it under "Join a workshop" on the start page, or open
``/join/CODE`` (the address on the facilitator's screen), which opens that workshop and nothing
else (see :mod:`workbook.join`); they answer one move at a time and see only their own answers
until the facilitator reveals the team's.

Everything is kept in the store: a page that reloads finds its session, its clock and its
answers again. Both sides poll the store on the kernel's event loop, once a second, with
one indexed query; they re-read the session only when its version number has changed.

The package has one module per audience or concern: :mod:`.mode` (the app's workshop
hooks), :mod:`.facilitator` (the panel, made of :mod:`.session_control`,
:mod:`.agenda_clock`, :mod:`.questions` and :mod:`.results`), :mod:`.projector`,
:mod:`.participant`, :mod:`.answers`
(the answer forms), :mod:`.live` (the polled session), :mod:`.cards` (aggregate and clock
HTML), :mod:`.address` (join address and QR code) and :mod:`.kit` (shared pieces).
"""

from __future__ import annotations

from workbook.ui.workshop.address import JoinAddress, join_address, join_html, join_qr, join_qr_svg
from workbook.ui.workshop.answers import answer_form
from workbook.ui.workshop.facilitator import FacilitatorPanel
from workbook.ui.workshop.kit import WORKSHOP
from workbook.ui.workshop.live import Live, ModeContext, Ticker
from workbook.ui.workshop.mode import WorkshopMode
from workbook.ui.workshop.participant import (
    ParticipantView,
    join_form_html,
    participant_page,
    start_join_html,
)
from workbook.ui.workshop.projector import Projector

__all__ = [
    "WORKSHOP",
    "FacilitatorPanel",
    "JoinAddress",
    "Live",
    "ModeContext",
    "ParticipantView",
    "Projector",
    "Ticker",
    "WorkshopMode",
    "answer_form",
    "join_address",
    "join_form_html",
    "join_html",
    "join_qr",
    "join_qr_svg",
    "participant_page",
    "start_join_html",
]
