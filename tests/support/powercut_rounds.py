"""Rounds of work, power cut, check: the loop every power-cut test runs on a writer.

A round arms the disk to lose power at a random change, runs the writer through the
mount until a call fails (or its work is done, and then the power is cut anyway), throws
away what was not durable, and lets the test check the backing folder as a user would
after the power came back. What a call returned while the power was on is what the
writer *acknowledged*; :class:`Tally` counts what of it was lost.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from powercut_fs import PowerCutDisk

__all__ = ["Outcome", "Tally", "run_rounds"]


@dataclass(frozen=True)
class Outcome:
    """What the check of one round found."""

    lost: int = 0  # acknowledged records, acquisitions, files... missing or wrong
    unreadable: int = 0  # files a user could not open any more
    problems: tuple[str, ...] = ()


@dataclass
class Tally:
    """The note's table line for one writer."""

    writer: str
    cuts: int = 0
    acknowledged: int = 0
    lost: int = 0
    unreadable: int = 0
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"{self.writer:<28} cuts {self.cuts:>5}  acknowledged {self.acknowledged:>6}  "
                f"lost {self.lost:>3}  unreadable {self.unreadable:>3}")


def run_rounds(disk: PowerCutDisk, tally: Tally, rounds: int, *, work: Callable[[], int],
               check: Callable[[], Outcome], mode: str, seed: int) -> Tally:
    """Run ``rounds`` cuts of ``work`` (which returns how many things it acknowledged).

    ``work`` must stop at the first failed call and close what it opened; ``check`` reads
    the backing folder. The first round runs to its end and is cut when idle; the changes
    it made bound the random moment of the cut in the others.
    """
    rng = random.Random(seed)
    changes_per_round = 0
    for number in range(rounds):
        disk.arm(rng.randint(1, 2 * changes_per_round) if number else 1 << 60)
        tally.acknowledged += work()
        if not number:
            changes_per_round = max(1, disk.changes)
        disk.cut(mode, seed=rng.randrange(1 << 30))
        outcome = check()
        tally.cuts += 1
        tally.lost += outcome.lost
        tally.unreadable += outcome.unreadable
        tally.problems.extend(outcome.problems[:3])
        disk.power_on()
    print(tally.line())
    return tally
