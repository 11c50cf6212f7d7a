"""Names, plates and VINs that look like a real Shenzhen dealer's records."""

from __future__ import annotations

import numpy as np

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余于杜叶程魏苏吕丁任沈姚卢钟"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉玲建国文斌宇浩凯健俊峰晨阳欣怡思雨子涵婷颖佳琪博宏志"
)
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I or O on Chinese plates
VIN_CHARS = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"  # no I, O or Q in a VIN
_VIN_VALUES = {**{str(i): i for i in range(10)},
               **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
               **dict(zip("JKLMN", range(1, 6), strict=True)), "P": 7, "R": 9,
               **dict(zip("STUVWXYZ", range(2, 10), strict=True))}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_MODEL_YEAR = "ABCDEFGHJKLMNPRSTVWXY123456789"  # ISO 3779 year codes from 2010


def person_name(rng: np.random.Generator) -> str:
    surname = SURNAMES[int(rng.integers(len(SURNAMES)))]
    n = 1 if rng.random() < 0.35 else 2
    return surname + "".join(GIVEN[int(rng.integers(len(GIVEN)))] for _ in range(n))


def mobile(rng: np.random.Generator) -> str:
    prefix = ("13", "15", "17", "18", "19")[int(rng.integers(5))]
    return prefix + "".join(str(int(d)) for d in rng.integers(0, 10, size=9))


def plate(rng: np.random.Generator, electric: bool) -> str:
    """A Shenzhen plate: 粤B·12345, or 粤B·D12345 (green plate) for a new-energy car."""
    body = "".join(
        PLATE_LETTERS[int(rng.integers(len(PLATE_LETTERS)))] if rng.random() < 0.3 else str(int(rng.integers(10)))
        for _ in range(5)
    )
    return f"粤B·{'D' if electric else ''}{body}"


def vin(rng: np.random.Generator, wmi: str, vds: str, year: int, serial: int) -> str:
    """A 17-character VIN with a valid check digit (position 9)."""
    year_code = _MODEL_YEAR[(year - 2010) % len(_MODEL_YEAR)]
    plant = VIN_CHARS[int(rng.integers(10, len(VIN_CHARS)))]
    body = f"{wmi}{vds}0{year_code}{plant}{serial:06d}"
    total = sum(_VIN_VALUES[c] * w for c, w in zip(body, _VIN_WEIGHTS, strict=True))
    check = total % 11
    return body[:8] + ("X" if check == 10 else str(check)) + body[9:]
