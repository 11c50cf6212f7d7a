"""Messages to customers: the SMS, the letter and the call opening, in Chinese and English."""

from __future__ import annotations

from planner.domain import Channel, Customer, Lang, Vehicle
from planner.i18n import tr
from planner.outreach.worklist import reason_text


def render_message(channel: Channel, lang: Lang | str, customer: Customer, vehicle: Vehicle, dealer_name: str,
                   reason: str) -> str:
    """The text for a contact about `reason` (a task's stored reason) by `channel`."""
    key = {Channel.SMS: "outreach.template.sms", Channel.LETTER: "outreach.template.letter",
           Channel.PHONE: "outreach.template.call"}[channel]
    return tr(key, lang, dealer=dealer_name, name=customer.name, plate=vehicle.plate,
              reason=reason_text(reason, lang))
