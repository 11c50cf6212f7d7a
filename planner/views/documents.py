"""A booking's documents: the four copies (R4) and the repair-order draft (R17)."""

from __future__ import annotations

from sqlalchemy import Connection

from planner.booking.copies import Copy, four_copies, repair_order_draft
from planner.domain import Dealership, Lang
from planner.errors import PlannerError
from planner.storage.repository import appointment_details, appointment_parties, load_booking


def booking_documents(conn: Connection, dealer_id: int, dealership: Dealership, appointment_no: str,
                      lang: Lang | str) -> list[Copy]:
    """Customer service, advisor, parts and workshop copies, then the repair-order draft."""
    parties = appointment_parties(conn, dealer_id, appointment_no)
    booking = load_booking(conn, dealer_id, appointment_no)
    if parties is None or booking is None:
        raise PlannerError("error.unknown_appointment", appointment=appointment_no)
    details = appointment_details(conn, dealer_id, appointment_no)
    return [*four_copies(dealership, parties[0], booking, parties[1], parties[2], lang, details),
            repair_order_draft(dealership, parties[0], booking, parties[1], parties[2], lang)]
