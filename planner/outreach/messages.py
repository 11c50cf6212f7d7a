"""Messages to customers: the SMS, the letter and the call opening, in Chinese and English.

They speak to the customer (the desk's reasons are written for the agent): each reason
has a customer's wording (`outreach.msg.*`) filled from the same stored values.
"""

from __future__ import annotations

from planner.domain import Channel, Customer, Lang, Vehicle
from planner.i18n import TEXT, tr
from planner.outreach.worklist import stored_reason


def customer_reason(stored: str, lang: Lang | str) -> str:
    """A task's stored reason in the customer's words."""
    found = stored_reason(stored, lang)
    if found is None:
        return stored
    key, params = found
    key = "outreach.msg." + key.rsplit(".", 1)[-1]
    return tr(key, lang, **params) if key in TEXT else stored


def render_message(channel: Channel, lang: Lang | str, customer: Customer, vehicle: Vehicle, dealer_name: str,
                   reason: str) -> str:
    """The text for a contact about `reason` (a task's stored reason) by `channel`."""
    key = {Channel.SMS: "outreach.template.sms", Channel.LETTER: "outreach.template.letter",
           Channel.PHONE: "outreach.template.call"}[channel]
    return tr(key, lang, dealer=dealer_name, name=customer.name, plate=vehicle.plate,
              reason=customer_reason(reason, lang))
