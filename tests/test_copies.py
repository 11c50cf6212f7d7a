"""The four copies of a booking (R4): each department sees what it needs to act on."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from planner.booking.copies import documents_to_bring, estimate, four_copies, pick_list_csv, render_html
from planner.domain import (
    Appointment,
    AppointmentOrigin,
    AppointmentStatus,
    Bay,
    BayType,
    Booking,
    Customer,
    Dealership,
    OperationCategory,
    PartRequirement,
    Powertrain,
    ScheduledJob,
    Skill,
    Vehicle,
    work_request,
)
from tests.solver_instances import DEC1, advisor, at, make_dealer, operation, part, technician

OIL = replace(operation("OIL", 1.0, Skill.MAINTENANCE, BayType.QUICK_SERVICE, parts=(PartRequirement("P1", 2),)),
              category=OperationCategory.MAINTENANCE)
ALIGN = operation("ALN", 0.5, Skill.CHASSIS, BayType.ALIGNMENT)


def shop() -> Dealership:
    return Dealership(make_dealer(), (advisor("SA1"),),
                      (technician("T1", {Skill.MAINTENANCE, Skill.CHASSIS}),),
                      (Bay("Q1", "Q1", BayType.QUICK_SERVICE), Bay("A1", "A1", BayType.ALIGNMENT)),
                      (OIL, ALIGN), (part("P1", 10),))


def booked() -> tuple[Dealership, Appointment, Booking, Customer, Vehicle]:
    d = shop()
    work = work_request([OIL, ALIGN])
    jobs = (ScheduledJob(work.jobs[0], "T1", "Q1", at(DEC1, "09:00"), at(DEC1, "10:00")),
            ScheduledJob(work.jobs[1], "T1", "A1", at(DEC1, "10:00"), at(DEC1, "10:30")))
    booking = Booking("AP261201-0001", at(DEC1, "09:00"), work, jobs, plate="粤B·12345")
    vehicle = Vehicle("LFV2A21K8N3000001", "粤B·12345", "C1", "Yuanhang 5", Powertrain.ICE, date(2025, 1, 5),
                      date(2028, 1, 5), 100_000)
    customer = Customer("C1", "王小明", "13800000000")
    appointment = Appointment("AP261201-0001", vehicle.vin, "C1", at(DEC1, "08:00"), booking.arrival,
                              AppointmentOrigin.ACTIVE, AppointmentStatus.BOOKED, "R19-periodic")
    return d, appointment, booking, customer, vehicle


def test_estimate_adds_labour_and_parts() -> None:
    d, _, booking, _, _ = booked()
    labour, parts = estimate(d, booking)
    assert labour == OIL.labour_price + ALIGN.labour_price
    assert parts == d.part("P1").price * 2 and parts > Decimal(0)


def test_documents_follow_the_work_and_the_warranty() -> None:
    d, _, booking, _, vehicle = booked()
    assert documents_to_bring(d, booking, vehicle, "en")[0] == "vehicle licence"
    assert "warranty card" in documents_to_bring(d, booking, vehicle, "en")
    expired = Vehicle(vehicle.vin, vehicle.plate, "C1", vehicle.model, Powertrain.ICE, date(2015, 1, 1),
                      date(2018, 1, 1), 100_000)
    assert "warranty card" not in documents_to_bring(d, booking, expired, "en")


def test_each_department_gets_what_it_acts_on() -> None:
    d, appointment, booking, customer, vehicle = booked()
    service, adviser, parts, workshop = four_copies(d, appointment, booking, customer, vehicle, "en")
    fields = dict(service.fields)
    assert fields["Phone"] == "13800000000" and fields["Customer"] == "王小明"
    assert "R19-periodic" in fields["Origin"] and "Please bring" in fields
    assert "wheel alignment rig" in dict(adviser.fields)["Tools to line up"]
    assert [row[1] for row in adviser.table] == ["T1", "T1"]
    assert parts.table == (("P1", "Part P1", "2", "粤B·12345"),)  # labelled with the plate (R13)
    assert "Phone" not in dict(parts.fields) and "Phone" not in dict(workshop.fields)  # only who needs it
    assert [row[0] for row in workshop.table] == ["A1", "Q1"]  # by bay
    assert pick_list_csv(parts).splitlines()[1] == "P1,Part P1,2,粤B·12345"


def test_pages_are_printable_and_translated() -> None:
    d, appointment, booking, customer, vehicle = booked()
    zh = render_html(four_copies(d, appointment, booking, customer, vehicle, "zh")[0], "鹏程", "zh")
    en = render_html(four_copies(d, appointment, booking, customer, vehicle, "en")[0], "Pengcheng", "en")
    assert "预约登记单" in zh and "请携带" in zh and "Booking (customer service copy)" in en
    assert "<script" not in zh


def test_the_repair_order_draft_lists_labour_parts_and_totals() -> None:
    from planner.booking.copies import repair_order_draft

    d, appointment, booking, customer, vehicle = booked()
    draft = repair_order_draft(d, appointment, booking, customer, vehicle, "en")
    assert [row[:2] for row in draft.table] == [("labour", "OIL"), ("labour", "ALN"), ("part", "P1")]
    assert draft.table[2][4:] == ("2", "20.00")
    assert "220.00" in dict(draft.fields)["Total"]  # 100 + 100 labour + 2 × 10 parts
