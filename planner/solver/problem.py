"""One day's placement problem and the CP-SAT model built for it.

Every job has a fixed start (a booking keeps its arrival time; a follow-on job keeps
its start); what the model decides is who does each job, which decides when it ends
(technicians differ in speed and breaks). Jobs the model may reassign are *movable*;
jobs left as they are (far from the candidate) are *fixed* and simply take their
technician's time and their bay.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from planner.domain import BayType
from planner.solver.snapshot import MINUTES, DayState, JobSlot, Option


@dataclass
class DayProblem:
    """Jobs to place on one day: `new` ones (no technician yet) and `movable` booked ones,
    around `fixed` booked ones."""

    state: DayState
    new: list[JobSlot]
    movable: list[JobSlot]
    fixed: list[JobSlot]

    @property
    def placed(self) -> list[JobSlot]:
        return [*self.movable, *self.new]

    def fixed_intervals(self) -> dict[str, list[tuple[int, int]]]:
        """Each technician's time taken by fixed jobs."""
        out: dict[str, list[tuple[int, int]]] = {}
        for job in self.fixed:
            assert job.technician is not None and job.end is not None
            out.setdefault(job.technician, []).append((job.start, job.end))
        return out

    def fixed_busy(self) -> np.ndarray:
        """Technicians working on fixed jobs, per minute."""
        busy = np.zeros(MINUTES, dtype=np.int32)
        for job in self.fixed:
            tech = self.state.techs.get(job.technician or "")
            if tech is not None and job.end is not None:
                for a, b in tech.pieces(job.start, job.end):
                    busy[a:b] += 1
        return busy

    def fixed_bay_use(self, bay_type: BayType) -> np.ndarray:
        use = np.zeros(MINUTES, dtype=np.int32)
        for job in self.fixed:
            if job.spec.bay_type is bay_type and job.end is not None:
                use[job.start:job.end] += 1
        return use


@dataclass
class DayModel:
    """The CP-SAT model of a day problem: one literal per (job, eligible technician).

    With every start fixed, the resources are checked where uses start: a technician's
    overlapping options are at most one; bays and the walk-in reserve are sums under a
    limit (see `planner.solver.constraints`)."""

    problem: DayProblem
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    choices: dict[tuple[str, int], list[tuple[Option, cp_model.IntVar]]] = field(default_factory=dict)
    horizon: tuple[int, int] = (0, MINUTES)  # first and last minute any placed job can use
