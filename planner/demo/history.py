"""Three years of repair orders and appointments for the demo dealer.

See docs/demo-dealership.md for the generating process in words. In short: every
vehicle produces *needs* (maintenance falling due by mileage or time, random repairs
with a seasonal rate, campaign and recall visits, declined work coming back); each need
becomes a visit on a day the customer picks near its target date, weighted by how
attractive each day is (weekends, days around long holidays, closures); the visit is
booked ahead or walked in, arrives at an hour drawn from the walk-in or appointment
profile, and becomes a repair order with technicians and an advisor on duty.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

import numpy as np

from planner.demo.catalogue import MODEL_BY_NAME, OP_TEMPLATES, ModelSpec, op_code
from planner.demo.fleet import FleetVehicle
from planner.domain import (
    Appointment,
    AppointmentOrigin,
    AppointmentStatus,
    Campaign,
    CampaignKind,
    DayKind,
    DealerCalendar,
    Dealership,
    DeclinedRecommendation,
    LabourOperation,
    MileageReading,
    OperationCategory,
    RepairOrder,
    RepairOrderLine,
    Skill,
)

# -- how attractive each day is ----------------------------------------------------
WEEKDAY_WEIGHT = (1.05, 0.95, 0.95, 0.95, 1.0, 1.6, 1.3)  # Monday .. Sunday
ADJUSTED_WORKDAY_WEIGHT = 0.8  # a weekend worked for a holiday feels like a weekday
PRE_HOLIDAY_BOOST = (1.6, 1.45, 1.3, 1.2, 1.1)  # the open days just before a long closure
POST_HOLIDAY_BOOST = (1.7, 1.45, 1.25, 1.1)  # the open days just after it
DAY_NOISE = 0.12  # weather, traffic, local events: log-sd of a day's pull

# -- how often things happen ---------------------------------------------------------
SEASON = (1.12, 0.85, 0.95, 0.95, 1.0, 1.05, 1.2, 1.2, 1.0, 0.95, 1.0, 1.1)  # repairs by month
REPAIRS_PER_YEAR = ((3, 1.3), (6, 1.9), (99, 2.3))  # (up to vehicle age in years, rate)
RECOMMEND_RATE = 0.16  # visits where the advisor recommends extra work
ACCEPT_RATE = 0.5  # ... which the customer accepts on the spot
DECLINED_RETURN = 0.5  # declined items that come back near their limit
CAMPAIGN_VISIT_RATE = 0.06  # share of active vehicles a dealer campaign brings in
RECALL_RESPONSE = (0.8, 0.4)  # recall take-up: loyal customers, customers who left
NO_SHOW_RATE = 0.08
CANCEL_RATE = 0.05
OVERLOAD_LIMIT = 1.6  # a day takes work up to this multiple of rostered labour hours; the rest come later

REPAIR_MIX: tuple[tuple[str, float], ...] = (
    ("brake_pads_front", 10), ("brake_pads_rear", 6), ("brake_discs_front", 3), ("battery_12v", 8),
    ("wipers", 6), ("ac_service", 7), ("ac_compressor", 1.5), ("headlamp_bulb", 4), ("window_regulator", 2),
    ("parking_sensor", 2), ("shocks_front", 2), ("wheel_bearing", 2), ("control_arm", 1.5),
    ("alignment", 6), ("tyres_pair", 6), ("tyres_set", 3), ("wheel_balance", 4), ("tyre_rotation", 3),
    ("electrical_diagnosis", 6), ("software_update", 3), ("adas_calibration", 1.5),
    ("engine_diagnosis", 4), ("spark_plugs", 2), ("ignition_coil", 2), ("water_pump", 1),
    ("timing_chain", 0.5), ("engine_mount", 1), ("transmission_fluid", 2), ("hv_battery_check", 4),
    ("hv_insulation", 1), ("charging_port", 1), ("dcdc_converter", 0.7), ("hv_coolant", 1.5),
    ("general_inspection", 4),
)
CAMPAIGN_KIND_BY_CODE = {tpl.code: tpl.kind for tpl in OP_TEMPLATES if tpl.category is OperationCategory.CAMPAIGN}
SEASONAL_KINDS = {"ac_service": (6, 7, 8), "ac_compressor": (6, 7, 8), "battery_12v": (12, 1, 2)}
RECOMMENDABLE = ("brake_pads_front", "brake_pads_rear", "tyres_pair", "battery_12v", "shocks_front",
                 "brake_fluid", "wipers", "coolant_flush", "ac_service", "transmission_fluid")


@dataclass
class Visit:
    """A need turned into a planned visit (before booking and arrival are drawn)."""

    day: int  # index into the demand calendar
    kinds: list[str]
    reason: str  # maintenance | repair | campaign | recall | declined
    rule: str | None = None  # outreach rule or campaign code, if the dealer prompted it
    declined: list[DeclinedRecommendation] = field(default_factory=list)


class DemandDays:
    """Per-day open flag, opening hours and pull for every day of the simulation."""

    def __init__(self, calendar: DealerCalendar, first: date, last: date, rng: np.random.Generator) -> None:
        self.first = first
        n = (last - first).days + 1
        self.dates = [first + timedelta(days=i) for i in range(n)]
        self.hours = [calendar.hours_on(d) for d in self.dates]
        self.kind = [calendar.day_kind(d) for d in self.dates]
        w = np.array([0.0 if h is None else WEEKDAY_WEIGHT[d.weekday()] for d, h in zip(self.dates, self.hours,
                                                                                          strict=True)])
        for i, k in enumerate(self.kind):
            if k is DayKind.ADJUSTED_WORKDAY and w[i] > 0:
                w[i] = ADJUSTED_WORKDAY_WEIGHT
        self.long_closure_starts: set[int] = set()
        for period in calendar.holiday_periods(first, last):
            if not period.is_long or self.hours[self.index(period.days.start)] is not None:
                continue
            self.long_closure_starts.add(self.index(period.days.start))
            self._boost(w, self.index(period.days.start) - 1, -1, PRE_HOLIDAY_BOOST)
            self._boost(w, self.index(period.days.end) + 1, +1, POST_HOLIDAY_BOOST)
        self.weight = w * rng.lognormal(0.0, DAY_NOISE, size=n)

    def _boost(self, w: np.ndarray, start: int, step: int, factors: tuple[float, ...]) -> None:
        i, k = start, 0
        while 0 <= i < len(w) and k < len(factors):
            if w[i] > 0:
                w[i] *= factors[k]
                k += 1
            i += step

    def index(self, d: date) -> int:
        return (d - self.first).days

    def choose(self, rng: np.random.Generator, target: int, before: int, after: int, lo: int, hi: int) -> int | None:
        """A day near `target`, drawn by pull, not before `lo`; None when it falls on or
        after `hi` (the visit is censored: it happens after the history ends or after the
        customer left; clipping it to the last days instead would pile visits up there)."""
        for widen in (0, 7, 21):
            a, b = max(lo, target - before), min(len(self.weight), target + after + widen + 1)
            if a >= min(b, hi):
                return None
            w = self.weight[a:b]
            total = float(w.sum())
            if total > 0:
                day = a + int(np.searchsorted(np.cumsum(w), rng.random() * total, side="right"))
                return day if day < hi else None
        return None


def _repair_rate(age_years: float) -> float:
    return next(rate for limit, rate in REPAIRS_PER_YEAR if age_years <= limit)


def _pick_repair(rng: np.random.Generator, model: ModelSpec, month: int) -> str:
    kinds, weights = [], []
    for kind, w in REPAIR_MIX:
        if op_code(kind, model) is None:
            continue
        if kind in SEASONAL_KINDS:
            w *= 2.5 if month in SEASONAL_KINDS[kind] else 0.6
        kinds.append(kind)
        weights.append(w)
    p = np.array(weights) / sum(weights)
    return kinds[int(rng.choice(len(kinds), p=p))]


class VisitPlanner:
    """Turns one vehicle's life into the visits it makes to this dealer."""

    def __init__(self, days: DemandDays, campaigns: tuple[Campaign, ...], today: date,
                 rng: np.random.Generator) -> None:
        self.days = days
        self.campaigns = campaigns
        self.today_i = days.index(today)
        self.rng = rng

    def plan(self, fv: FleetVehicle) -> list[Visit]:
        v, owner = fv.vehicle, fv.owner
        sale_i = self.days.index(v.sale_date)
        leave_i = self.days.index(owner.leaves_on) if owner.leaves_on else self.today_i
        end_i = min(self.today_i, leave_i)
        visits = self._maintenance(fv, sale_i, end_i) + self._repairs(fv, sale_i, end_i)
        visits += self._campaigns(fv, sale_i, end_i, leave_i)
        visits = self._merge(sorted(visits, key=lambda x: x.day))
        visits = self._recommendations(fv, visits, end_i)
        return self._merge(sorted(visits, key=lambda x: x.day))

    def _maintenance(self, fv: FleetVehicle, sale_i: int, end_i: int) -> list[Visit]:
        rng, v, owner = self.rng, fv.vehicle, fv.owner
        bev = fv.model.engine is None
        km_step, month_step = (10_000, 365) if bev else (5_000, 182)
        out: list[Visit] = []
        last_km, last_i, n = 0, sale_i, 0
        while True:
            first = n == 0
            due_km = 3_000 if first else last_km + km_step
            by_time = last_i + (91 if first else month_step)
            by_km = self.days.index(owner.day_at_km(v.sale_date, due_km))
            due = min(by_time, by_km)
            if due >= end_i:
                return out
            r = rng.random()
            delay = (int(rng.integers(-10, 15)) if r < owner.punctuality else
                     int(rng.integers(15, 61)) if r < owner.punctuality + 0.75 * (1 - owner.punctuality) else
                     int(rng.integers(61, 151)))
            target = due + delay
            if not first and rng.random() < owner.skip_rate:
                last_i, last_km = target, owner.km_on(v.sale_date, self.days.dates[min(target, end_i - 1)])
                n += 1
                continue  # done elsewhere this time
            target = self._pull_before_long_holiday(target)
            day = self.days.choose(rng, target, 3, 6, sale_i + 1, end_i)
            if day is None:
                return out
            kind = "first_service" if first else ("major_service" if n % 2 == 0 else "minor_service")
            rule = None
            if rng.random() < 0.45:
                rule = "first_service" if first else "periodic_service"
            out.append(Visit(day, [kind], "maintenance", rule))
            last_i, last_km, n = day, owner.km_on(v.sale_date, self.days.dates[day]), n + 1

    def _pull_before_long_holiday(self, target: int) -> int:
        # A service due in the month after a long closure (Spring Festival, National Day)
        # is often done before it.
        for j in range(target + 1, target + 31):
            if j in self.days.long_closure_starts:
                return j - int(self.rng.integers(1, 10)) if self.rng.random() < 0.35 else target
        return target

    def _repairs(self, fv: FleetVehicle, sale_i: int, end_i: int) -> list[Visit]:
        rng, out = self.rng, list[Visit]()
        peak = max(r for _, r in REPAIRS_PER_YEAR) * max(SEASON) / 365.25
        i = sale_i
        while True:
            i += int(rng.exponential(1 / peak)) + 1
            if i >= end_i:
                return out
            d = self.days.dates[i]
            age = (i - sale_i) / 365.25
            if rng.random() > _repair_rate(age) * SEASON[d.month - 1] / 365.25 / peak:
                continue
            day = self.days.choose(rng, i, 0, 3, sale_i + 1, end_i)
            if day is not None:
                out.append(Visit(day, [_pick_repair(rng, fv.model, d.month)], "repair"))

    def _campaigns(self, fv: FleetVehicle, sale_i: int, end_i: int, leave_i: int) -> list[Visit]:
        rng, out = self.rng, list[Visit]()
        for c in self.campaigns:
            c0, c1 = self.days.index(c.start), self.days.index(c.end)
            if c0 <= sale_i or c0 >= self.today_i or not c.targets(fv.vehicle.model) or c.op_code is None:
                continue
            kind = CAMPAIGN_KIND_BY_CODE.get(c.op_code)
            if kind is None:
                continue  # a campaign whose work the generator does not simulate
            if c.kind is CampaignKind.MANUFACTURER:
                p = RECALL_RESPONSE[0] if c0 < leave_i else RECALL_RESPONSE[1]
                if rng.random() < p:
                    target = c0 + int(rng.exponential(25))
                    day = self.days.choose(rng, target, 2, 5, c0, min(self.today_i, c1 + 45))
                    if day is not None:
                        out.append(Visit(day, [kind], "recall", c.code))
            elif c0 < end_i and rng.random() < CAMPAIGN_VISIT_RATE:
                # letters and calls go out at the start, so response is front-loaded
                target = c0 + int(min(rng.exponential((c1 - c0) / 2.5), c1 - c0))
                day = self.days.choose(rng, target, 2, 3, c0, min(end_i, c1 + 1))
                if day is not None:
                    out.append(Visit(day, [kind], "campaign", c.code))
        return out

    def _merge(self, visits: list[Visit]) -> list[Visit]:
        """Needs falling within a few days of each other are handled in one visit."""
        out: list[Visit] = []
        for v in visits:
            if out and v.day - out[-1].day <= (5 if v.reason == "repair" else 3):
                prev = out[-1]
                if v.reason in ("campaign", "recall"):
                    prev.day = v.day  # the campaign's own date: its offer starts then
                prev.kinds += [k for k in v.kinds if k not in prev.kinds]
                prev.declined += v.declined
                if prev.reason == "repair" and v.reason != "repair":
                    prev.reason, prev.rule = v.reason, v.rule
                continue
            out.append(v)
        return out

    def _recommendations(self, fv: FleetVehicle, visits: list[Visit], end_i: int) -> list[Visit]:
        rng, owner, v = self.rng, fv.owner, fv.vehicle
        extra: list[Visit] = []
        for visit in visits:
            if rng.random() >= RECOMMEND_RATE:
                continue
            options = [k for k in RECOMMENDABLE if op_code(k, fv.model) and k not in visit.kinds]
            kind = options[int(rng.integers(len(options)))]
            if rng.random() < ACCEPT_RATE:
                visit.kinds.append(kind)
                continue
            d = self.days.dates[visit.day]
            km = owner.km_on(v.sale_date, d)
            until_km = km + int(rng.integers(6, 21)) * 500
            until = d + timedelta(days=int(rng.integers(60, 241)))
            code = op_code(kind, fv.model)
            assert code is not None
            visit.declined.append(DeclinedRecommendation(code, "客户暂不更换 customer declined", until_km, until))
            if rng.random() < DECLINED_RETURN:
                limit = min(self.days.index(until), self.days.index(owner.day_at_km(v.sale_date, until_km)))
                target = limit - int(rng.integers(0, 21))
                if visit.day < target < end_i:
                    day = self.days.choose(rng, target, 3, 5, visit.day + 1, end_i)
                    if day is not None:
                        rule = "declined_repair" if rng.random() < 0.6 else None
                        extra.append(Visit(day, [kind], "declined", rule))
        return visits + extra


# -- from visits to repair orders -------------------------------------------------------

WALK_IN_PROFILE = {  # (mean hour, sd hours, weight) for weekdays and rest days
    False: ((9.6, 0.75, 0.55), (13.9, 0.6, 0.25)),
    True: ((10.2, 0.9, 0.5), (14.3, 0.8, 0.3)),
}
APPOINTMENT_REASON_FACTOR = {"maintenance": 1.3, "repair": 0.55, "campaign": 1.4, "recall": 1.8,
                             "declined": 1.2}


@dataclass
class Staffing:
    """Who is on duty each day, by skill (cached), and the day's rostered labour hours."""

    dealership: Dealership
    _techs: dict[tuple[date, Skill], list[str]] = field(default_factory=dict)
    _advisors: dict[date, list[str]] = field(default_factory=dict)

    def technicians(self, d: date, skill: Skill) -> list[str]:
        """Technicians with the skill on duty on `d`; if none is, those of the next day that
        has one (the job waits for them)."""
        key = (d, skill)
        if key not in self._techs:
            for ahead in range(14):
                day = d + timedelta(days=ahead)
                on = [t.code for t in self.dealership.technicians if skill in t.skills and t.working_periods_on(day)]
                if on:
                    break
            self._techs[key] = on
        return self._techs[key]

    def advisors(self, d: date) -> list[str]:
        """Advisors on duty; on a day none is, the ones not on leave are called in."""
        if d not in self._advisors:
            on = [a.code for a in self.dealership.advisors if a.works_on(d)]
            called_in = [a.code for a in self.dealership.advisors
                         if not any(x.covers(d) and x.whole_day for x in a.absences)]
            self._advisors[d] = on or called_in or [a.code for a in self.dealership.advisors]
        return self._advisors[d]

    def labour_hours(self, d: date) -> float:
        """Standard labour hours the technicians on duty can produce on `d` (efficiency included)."""
        return sum(sum(p.minutes for p in t.working_periods_on(d)) * t.efficiency / 60
                   for t in self.dealership.technicians)


@dataclass
class HistoryBuilder:
    """Draws booking, arrival time and the repair order for each visit."""

    dealership: Dealership
    days: DemandDays
    calendar: DealerCalendar
    history_start: date
    today: date
    rng: np.random.Generator
    ops: dict[str, LabourOperation] = field(init=False)
    staffing: Staffing = field(init=False)
    orders: list[RepairOrder] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)
    readings: dict[str, list[MileageReading]] = field(default_factory=lambda: defaultdict(list))

    def __post_init__(self) -> None:
        self.ops = {o.op_code: o for o in self.dealership.operations}
        self.staffing = Staffing(self.dealership)
        self.grid = self.dealership.dealer.booking_grid_minutes

    def add(self, fv: FleetVehicle, visit: Visit) -> None:
        rng, days = self.rng, self.days
        d = days.dates[visit.day]
        if d < self.history_start or d >= self.today:
            return
        span = (self.today - self.history_start).days
        trend = 0.85 + 0.3 * (d - self.history_start).days / span  # booking ahead is catching on
        p_book = min(0.95, fv.owner.booking_propensity * APPOINTMENT_REASON_FACTOR[visit.reason] * trend * 1.05)
        booked = rng.random() < p_book or (visit.reason == "recall" and rng.random() < 0.5)
        if booked:
            status = AppointmentStatus.COMPLETED
            r = rng.random()
            if r < NO_SHOW_RATE:
                status = AppointmentStatus.NO_SHOW
            elif r < NO_SHOW_RATE + CANCEL_RATE:
                status = AppointmentStatus.CANCELLED
            slot = self._appointment_slot(visit.day)
            if slot is None:
                booked = False
            else:
                appt = self._appointment(fv, visit, slot, status)
                if status is not AppointmentStatus.COMPLETED:
                    self.appointments.append(appt)
                    # most no-shows and cancellations come in unannounced a few days later
                    if rng.random() < 0.6:
                        later = days.choose(rng, visit.day + int(rng.integers(1, 10)), 0, 4, visit.day + 1,
                                            days.index(self.today))
                        if later is not None:
                            self._repair_order(fv, Visit(later, visit.kinds, visit.reason, None, visit.declined),
                                               self._walk_in_time(later), None)
                    return
                arrival = slot + timedelta(minutes=float(np.clip(rng.normal(-4, 7), -25, 40)))
                self._repair_order(fv, visit, max(arrival, self._opening(visit.day)), appt)
                return
        self._repair_order(fv, visit, self._walk_in_time(visit.day), None)

    def _opening(self, day: int) -> datetime:
        hours = self.days.hours[day]
        assert hours is not None
        return self.calendar.localize(self.days.dates[day], hours.start)

    def _walk_in_time(self, day: int) -> datetime:
        rng, hours = self.rng, self.days.hours[day]
        assert hours is not None
        open_h = hours.start.hour + hours.start.minute / 60
        close_h = hours.end.hour + hours.end.minute / 60 - 0.5
        rest = self.days.kind[day] in (DayKind.WEEKEND, DayKind.HOLIDAY)
        (m1, s1, w1), (m2, s2, w2) = WALK_IN_PROFILE[rest]
        r = rng.random()
        h = rng.normal(m1, s1) if r < w1 else rng.normal(m2, s2) if r < w1 + w2 else rng.uniform(open_h, close_h)
        h = float(np.clip(h, open_h, close_h))
        minutes = int(h * 60)
        return self.calendar.localize(self.days.dates[day], time(minutes // 60, minutes % 60))

    def _appointment_slot(self, day: int) -> datetime | None:
        """Agents spread bookings over the day, mornings a little fuller; none at lunch."""
        hours = self.days.hours[day]
        if hours is None:
            return None
        start = hours.start.hour * 60 + hours.start.minute
        last = hours.end.hour * 60 + hours.end.minute - 90
        slots = np.arange(start, last + 1, self.grid)
        w = np.where(slots < 11 * 60 + 30, 1.3, np.where(slots < 13 * 60, 0.35, 1.0))
        m = int(slots[int(self.rng.choice(len(slots), p=w / w.sum()))])
        return self.calendar.localize(self.days.dates[day], time(m // 60, m % 60))

    def _booking_time(self, slot: datetime) -> datetime:
        """When the call was taken: 1–10 days ahead, during opening hours of an open day."""
        day = self.days.index(slot.date()) - int(self.rng.integers(1, 11))
        while day > 0 and self.days.hours[day] is None:
            day -= 1
        hours = self.days.hours[day]
        if hours is None:
            return slot - timedelta(days=1)
        start = hours.start.hour * 60 + hours.start.minute
        end = hours.end.hour * 60 + hours.end.minute
        m = int(self.rng.integers(start, end))
        return self.calendar.localize(self.days.dates[day], time(m // 60, m % 60))

    def _appointment(self, fv: FleetVehicle, visit: Visit, slot: datetime, status: AppointmentStatus) -> Appointment:
        made = self._booking_time(slot)
        active = visit.rule is not None
        appt = Appointment(
            appointment_no=f"AP{slot:%y%m%d}-{len(self.appointments) + 1:06d}",
            vin=fv.vehicle.vin, customer_no=fv.vehicle.customer_no, created_at=made, slot_start=slot,
            origin=AppointmentOrigin.ACTIVE if active else AppointmentOrigin.PASSIVE,
            status=status, origin_rule=visit.rule if active else None,
        )
        return appt

    def _repair_order(self, fv: FleetVehicle, visit: Visit, arrival: datetime, appt: Appointment | None) -> None:
        rng, d = self.rng, arrival.date()
        model = MODEL_BY_NAME[fv.vehicle.model]
        lines = []
        for kind in visit.kinds:
            code = op_code(kind, model)
            if code is None or code not in self.ops:
                continue
            op = self.ops[code]
            techs = self.staffing.technicians(d, op.skill)
            lines.append(RepairOrderLine(code, op.standard_hours, op.labour_price,
                                         techs[int(rng.integers(len(techs)))]))
        if not lines:
            return
        km = fv.owner.km_on(fv.vehicle.sale_date, d)
        opened = arrival + timedelta(minutes=int(rng.integers(5, 21)))
        hours = sum(ln.hours for ln in lines)
        closed = self._closing_time(opened, hours * float(rng.uniform(1.3, 2.4)) + 0.4)
        advisors = self.staffing.advisors(d)
        ro_no = f"RO{len(self.orders) + 1:07d}"  # renumbered by date at the end
        self.orders.append(RepairOrder(ro_no, fv.vehicle.vin, fv.vehicle.customer_no,
                                       advisors[int(rng.integers(len(advisors)))], opened, closed, km,
                                       appt is not None, tuple(lines), tuple(visit.declined)))
        self.readings[fv.vehicle.vin].append(MileageReading(d, km, "repair_order"))
        if appt is not None:
            self.appointments.append(replace(appt, ro_number=ro_no))

    def _closing_time(self, opened: datetime, hours: float) -> datetime:
        """Work stops at closing time and resumes the next open day."""
        zone = self.dealership.dealer.zone
        at = opened.astimezone(zone)
        left = hours
        for _ in range(30):
            day_hours = self.calendar.hours_on(at.date())
            if day_hours is not None:
                close = self.calendar.localize(at.date(), day_hours.end)
                if at < close:
                    available = (close - at).total_seconds() / 3600
                    if left <= available:
                        return at + timedelta(hours=left)
                    left -= available
            nxt = at.date() + timedelta(days=1)
            nh = self.calendar.hours_on(nxt)
            at = self.calendar.localize(nxt, nh.start if nh else time(8, 30))
        return at


def level_to_capacity(planned: list[tuple[FleetVehicle, Visit]], days: DemandDays, staffing: Staffing,
                      ops: dict[str, LabourOperation], first: date, today: date,
                      rng: np.random.Generator) -> list[tuple[FleetVehicle, Visit]]:
    """A workshop cannot take unlimited work: on a day whose labour demand passes
    OVERLOAD_LIMIT × the hours its technicians can produce, the excess visits (drawn at
    random) are told to come the next open day. Visits pushed past `today` are dropped.
    """
    first_i, today_i = days.index(first), days.index(today)
    by_day: dict[int, list[tuple[FleetVehicle, Visit]]] = defaultdict(list)
    kept: list[tuple[FleetVehicle, Visit]] = []
    for fv, visit in planned:
        (by_day[visit.day] if first_i <= visit.day < today_i else kept).append((fv, visit))

    def hours(fv: FleetVehicle, visit: Visit) -> float:
        model = MODEL_BY_NAME[fv.vehicle.model]
        codes = (op_code(k, model) for k in visit.kinds)
        return sum(ops[c].standard_hours for c in codes if c is not None and c in ops)

    for day in range(first_i, today_i):
        todays = by_day.pop(day, [])
        if not todays:
            continue
        limit = OVERLOAD_LIMIT * staffing.labour_hours(days.dates[day])
        order = rng.permutation(len(todays))
        load = 0.0
        nxt = day + 1
        while nxt < today_i and days.hours[nxt] is None:
            nxt += 1
        for k in order:
            fv, visit = todays[int(k)]
            load += hours(fv, visit)
            if load <= limit or load == hours(fv, visit):
                kept.append((fv, visit))
            elif nxt < today_i:
                visit.day = nxt
                by_day[nxt].append((fv, visit))
    return kept


def renumber(orders: list[RepairOrder], appointments: list[Appointment]) -> tuple[list[RepairOrder], list[Appointment]]:
    """Number repair orders and appointments in time order, per day (RO240315-0012)."""
    orders = sorted(orders, key=lambda o: o.opened_at)
    new_no: dict[str, str] = {}
    per_day: dict[date, int] = defaultdict(int)
    out = []
    for o in orders:
        local = o.opened_at
        per_day[local.date()] += 1
        number = f"RO{local:%y%m%d}-{per_day[local.date()]:04d}"
        new_no[o.ro_number] = number
        out.append(replace(o, ro_number=number))
    appts = sorted(appointments, key=lambda a: a.slot_start)
    per_day_a: dict[date, int] = defaultdict(int)
    out_a = []
    for a in appts:
        per_day_a[a.slot_start.date()] += 1
        out_a.append(replace(a, appointment_no=f"AP{a.slot_start:%y%m%d}-{per_day_a[a.slot_start.date()]:04d}",
                             ro_number=new_no.get(a.ro_number) if a.ro_number else None))
    return out, out_a
