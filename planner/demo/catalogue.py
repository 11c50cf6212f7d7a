"""The demo dealer's model range, parts list and labour-time catalogue.

Everything is built from small templates: a part or an operation exists once per model
range, per engine, per platform or once for all, as it would in a manufacturer's
catalogue. `OP_KINDS` tells the history generator how often each kind of work happens.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from planner.domain import (
    BayType,
    LabourOperation,
    OperationCategory,
    Part,
    PartRequirement,
    Powertrain,
    Skill,
)


@dataclass(frozen=True)
class ModelSpec:
    code: str
    name: str
    name_zh: str
    powertrain: Powertrain
    platform: str  # C, D or E: brakes, suspension, tyres
    engine: str | None  # E15, E20, H15, P15; None for a battery-electric car
    vds: str  # VIN descriptor section (positions 4-8)
    share_first: float  # share of sales when the dealer opened
    share_last: float  # share of sales today (EVs grow)


MODELS: tuple[ModelSpec, ...] = (
    ModelSpec("YH5", "Yuanhang 5 1.5T", "远航5 1.5T", Powertrain.ICE, "C", "E15", "SA5C1", 0.40, 0.20),
    ModelSpec("YH7", "Yuanhang 7 SUV 2.0T", "远航7 SUV 2.0T", Powertrain.ICE, "D", "E20", "SB7D2", 0.35, 0.18),
    ModelSpec("YH7H", "Yuanhang 7 HEV", "远航7 混动", Powertrain.HEV, "D", "H15", "SB7H1", 0.10, 0.14),
    ModelSpec("XY6P", "Xingyao 6 PHEV", "星曜6 插混", Powertrain.PHEV, "C", "P15", "SC6P1", 0.10, 0.23),
    ModelSpec("XYEV", "Xingyao EV", "星曜 纯电", Powertrain.BEV, "E", None, "SE6E0", 0.05, 0.25),
)
MODEL_BY_NAME = {m.name: m for m in MODELS}
TYRE_SIZE = {"C": "205/55R16", "D": "225/60R18", "E": "235/50R19"}

# -- parts ---------------------------------------------------------------------------
# (family code, name_zh, name_en, price range in CNY, scope)
# scope: engine | platform | model | ev | global | tyre
PART_FAMILIES: tuple[tuple[str, str, str, tuple[int, int], str], ...] = (
    ("15208", "机油滤清器", "Oil filter", (35, 80), "engine"),
    ("16546", "空气滤清器", "Air filter", (60, 140), "engine"),
    ("22401", "火花塞", "Spark plug", (45, 120), "engine"),
    ("13028", "正时链条套件", "Timing chain kit", (900, 2200), "engine"),
    ("21010", "水泵", "Water pump", (450, 1100), "engine"),
    ("22448", "点火线圈", "Ignition coil", (280, 600), "engine"),
    ("22693", "氧传感器", "Oxygen sensor", (380, 900), "engine"),
    ("16600", "喷油嘴", "Fuel injector", (420, 950), "engine"),
    ("11220", "发动机支架", "Engine mount", (350, 800), "engine"),
    ("11044", "气门室盖垫", "Valve cover gasket", (80, 220), "engine"),
    ("21200", "节温器", "Thermostat", (150, 380), "engine"),
    ("11720", "附件皮带", "Accessory drive belt", (120, 300), "engine"),
    ("14411", "涡轮增压器", "Turbocharger", (4200, 7800), "engine"),
    ("31361", "变速箱滤网", "Transmission filter", (160, 420), "engine"),
    ("17040", "燃油泵总成", "Fuel pump assembly", (900, 1900), "engine"),
    ("41060", "前刹车片", "Front brake pads", (380, 780), "platform"),
    ("44060", "后刹车片", "Rear brake pads", (300, 650), "platform"),
    ("40206", "前刹车盘", "Front brake disc", (420, 900), "platform"),
    ("43206", "后刹车盘", "Rear brake disc", (350, 760), "platform"),
    ("54302", "前减震器", "Front shock absorber", (650, 1400), "platform"),
    ("56210", "后减震器", "Rear shock absorber", (520, 1100), "platform"),
    ("54500", "下摆臂", "Lower control arm", (480, 1000), "platform"),
    ("54618", "稳定杆连杆", "Stabiliser link", (90, 220), "platform"),
    ("40210", "前轮轴承", "Front wheel bearing", (380, 820), "platform"),
    ("39100", "传动轴总成", "Drive shaft assembly", (1200, 2600), "platform"),
    ("48520", "转向横拉杆球头", "Tie rod end", (160, 380), "platform"),
    ("27277", "空调滤清器", "Cabin air filter", (60, 150), "platform"),
    ("28890", "雨刮片(主驾)", "Wiper blade, driver", (60, 140), "platform"),
    ("28895", "雨刮片(副驾)", "Wiper blade, passenger", (55, 130), "platform"),
    ("28780", "后雨刮片", "Rear wiper blade", (45, 110), "platform"),
    ("24410", "12V蓄电池", "12V battery", (550, 1100), "platform"),
    ("92600", "空调压缩机", "AC compressor", (2800, 5200), "platform"),
    ("92110", "空调冷凝器", "AC condenser", (900, 1800), "platform"),
    ("21400", "散热器", "Radiator", (800, 1700), "platform"),
    ("47970", "ABS轮速传感器", "ABS wheel-speed sensor", (260, 520), "platform"),
    ("40700", "胎压传感器", "TPMS sensor", (220, 420), "platform"),
    ("28437", "倒车雷达探头", "Parking sensor", (180, 360), "platform"),
    ("26261", "近光灯泡", "Low-beam bulb", (80, 260), "platform"),
    ("82700", "玻璃升降器", "Window regulator", (380, 760), "platform"),
    ("82501", "门锁执行器", "Door lock actuator", (320, 680), "platform"),
    ("62000", "前保险杠", "Front bumper", (1400, 3200), "model"),
    ("85022", "后保险杠", "Rear bumper", (1200, 2800), "model"),
    ("62310", "中网格栅", "Radiator grille", (600, 1500), "model"),
    ("26010", "左前大灯总成", "Headlamp assembly, left", (1800, 4200), "model"),
    ("26060", "右前大灯总成", "Headlamp assembly, right", (1800, 4200), "model"),
    ("26555", "左尾灯", "Tail lamp, left", (700, 1600), "model"),
    ("26550", "右尾灯", "Tail lamp, right", (700, 1600), "model"),
    ("96302", "左后视镜", "Door mirror, left", (800, 1900), "model"),
    ("96301", "右后视镜", "Door mirror, right", (800, 1900), "model"),
    ("63100", "左前翼子板", "Front fender, left", (700, 1500), "model"),
    ("63101", "右前翼子板", "Front fender, right", (700, 1500), "model"),
    ("72700", "前挡风玻璃", "Windscreen", (1500, 3200), "model"),
    ("23703", "车身控制模块", "Body control module", (1600, 3400), "model"),
    ("28442", "前视摄像头", "Front camera (ADAS)", (2200, 4600), "model"),
    ("28441", "毫米波雷达", "Radar sensor (ADAS)", (2600, 5200), "model"),
    ("96811", "脚垫套装", "Floor mat set", (300, 680), "model"),
    ("96800", "行李箱垫", "Boot liner", (180, 380), "model"),
    ("73700", "车顶行李架", "Roof rails", (900, 1800), "model"),
    ("96500", "座套套装", "Seat cover set", (800, 1800), "model"),
    ("96200", "门槛饰条", "Door sill guards", (260, 560), "model"),
    ("26100", "日间行车灯", "Daytime running light", (420, 900), "model"),
    ("96100", "遥控钥匙", "Remote key", (480, 980), "model"),
    ("29410", "高压电池冷却液", "HV battery coolant (4 L)", (220, 360), "ev"),
    ("29420", "高压线束", "HV cable harness", (1800, 4200), "ev"),
    ("29430", "充电口总成", "Charging port assembly", (1200, 2600), "ev"),
    ("29440", "DC-DC转换器", "DC-DC converter", (2600, 5400), "ev"),
    ("29450", "车载充电机", "On-board charger", (3800, 7200), "ev"),
    ("29460", "高压继电器", "HV contactor", (900, 1900), "ev"),
    ("29470", "绝缘监测模块", "Insulation monitor", (700, 1500), "ev"),
    ("29480", "电池包密封垫", "Battery pack seal", (260, 520), "ev"),
    ("29490", "电驱冷却泵", "E-drive coolant pump", (800, 1600), "ev"),
    ("08880", "全合成机油 0W-20 (1L)", "Engine oil 0W-20 (1 L)", (68, 68), "global"),
    ("08881", "全合成机油 5W-30 (1L)", "Engine oil 5W-30 (1 L)", (72, 72), "global"),
    ("08823", "刹车油 DOT4 (1L)", "Brake fluid DOT4 (1 L)", (85, 85), "global"),
    ("08889", "防冻冷却液 (4L)", "Coolant (4 L)", (160, 160), "global"),
    ("08886", "自动变速箱油 (1L)", "ATF (1 L)", (110, 110), "global"),
    ("08887", "空调冷媒 R1234yf", "AC refrigerant R1234yf", (380, 380), "global"),
    ("08888", "空调管路清洗剂", "AC system cleaner", (120, 120), "global"),
    ("08890", "燃油系统清洗剂", "Fuel system cleaner", (98, 98), "global"),
    ("08891", "玻璃水 (2L)", "Washer fluid (2 L)", (25, 25), "global"),
    ("90119", "轮胎气门嘴", "Tyre valve", (15, 15), "global"),
    ("90467", "卡扣(10个)", "Trim clips (10)", (30, 30), "global"),
    ("90080", "放油螺栓垫片", "Drain plug washer", (5, 5), "global"),
    ("90915", "保险丝套装", "Fuse kit", (60, 60), "global"),
    ("90981", "小灯泡 W5W", "Bulb W5W", (12, 12), "global"),
    ("96900", "行车记录仪", "Dash camera", (690, 690), "global"),
    ("96910", "应急工具包", "Emergency kit", (260, 260), "global"),
    ("42611", "轮胎 {size} 经济型", "Tyre {size}, touring", (520, 980), "tyre"),
    ("42612", "轮胎 {size} 性能型", "Tyre {size}, performance", (780, 1500), "tyre"),
)

ENGINES = ("E15", "E20", "H15", "P15")
PLATFORMS = ("C", "D", "E")
# Variants that also exist for one-off fitments (older facelifts, optional trims): they
# bring the list to the size of a real dealer's (~500) without being used by operations.
FACELIFT_SUFFIXES = ("", "-F1", "-F2")


def part_number(family: str, variant: str) -> str:
    return f"{family}-{variant}"


def build_parts(rng: np.random.Generator) -> dict[str, Part]:
    """About 500 part numbers; stock and open orders are filled in by `stock`."""
    out: dict[str, Part] = {}
    for family, zh, en, (lo, hi), scope in PART_FAMILIES:
        if scope == "engine":
            variants = [(e, e) for e in ENGINES]
        elif scope == "platform":
            variants = [(p + s, f"{p}{s}") for p in PLATFORMS for s in FACELIFT_SUFFIXES]
        elif scope == "model":
            variants = [(m.code + s, m.code + s) for m in MODELS for s in FACELIFT_SUFFIXES[:2]]
        elif scope == "ev":
            variants = [(m.code, m.code) for m in MODELS if m.powertrain.high_voltage]
        elif scope == "tyre":
            variants = [(p, TYRE_SIZE[p]) for p in PLATFORMS]
        else:
            variants = [("00", "")]
        for variant, label in variants:
            pn = part_number(family, variant)
            price = Decimal(int(rng.integers(lo, hi + 1))).quantize(Decimal("1.00"))
            name_zh = zh.format(size=label) if "{size}" in zh else (f"{zh} ({label})" if label else zh)
            name_en = en.format(size=label) if "{size}" in en else (f"{en} ({label})" if label else en)
            out[pn] = Part(pn, name_zh, name_en, price, 0)
    return out


# -- operations ----------------------------------------------------------------------


@dataclass(frozen=True)
class OpTemplate:
    """A kind of work; expands to one operation per model (or engine, or once)."""

    kind: str
    code: str
    name_zh: str
    name_en: str
    hours: float
    skill: Skill
    bay: BayType
    category: OperationCategory
    scope: str  # model | platform | ice (has an engine) | bev | ev (high-voltage) | global
    parts: tuple[tuple[str, str, int], ...] = ()  # (family, variant key, qty); key: engine|platform|model|tyre|00


T = OpTemplate
M, E, EN, C, EV = Skill.MAINTENANCE, Skill.ELECTRICAL, Skill.ENGINE, Skill.CHASSIS, Skill.EV
GL, QS, AL, EVB, DG = (BayType.GENERAL_LIFT, BayType.QUICK_SERVICE, BayType.ALIGNMENT, BayType.EV,
                       BayType.DIAGNOSTIC)
MNT, REP, INS, TYR, CMP = (OperationCategory.MAINTENANCE, OperationCategory.REPAIR, OperationCategory.INSPECTION,
                           OperationCategory.TYRES, OperationCategory.CAMPAIGN)

OP_TEMPLATES: tuple[OpTemplate, ...] = (
    T("first_service", "MNT-FIRST", "首次保养(免费)", "First service (free)", 0.8, M, QS, MNT, "ice",
      (("08880", "00", 4), ("15208", "engine", 1), ("90080", "00", 1))),
    T("first_service_ev", "MNT-FIRST", "首次保养(免费, 纯电)", "First service (free, EV)", 0.8, EV, EVB, MNT,
      "bev"),
    T("minor_service", "MNT-MIN", "小保养(机油+机滤)", "Minor service (oil and filter)", 0.9, M, QS, MNT, "ice",
      (("08880", "00", 4), ("15208", "engine", 1), ("90080", "00", 1))),
    T("major_service", "MNT-MAJ", "大保养(机油+三滤+火花塞)", "Major service (oil, filters, plugs)", 2.0, M, GL, MNT,
      "ice", (("08880", "00", 4), ("15208", "engine", 1), ("16546", "engine", 1), ("27277", "platform", 1),
              ("22401", "engine", 4), ("90080", "00", 1))),
    T("minor_service_ev", "MNT-MIN", "常规保养(纯电)", "Routine service (EV)", 1.0, EV, EVB, MNT, "bev",
      (("27277", "platform", 1), ("08891", "00", 1))),
    T("major_service_ev", "MNT-MAJ", "深度保养(纯电, 含电池冷却液)", "Major service (EV, battery coolant)", 2.2, EV,
      EVB, MNT, "bev", (("27277", "platform", 1), ("29410", "model", 1), ("08823", "00", 1))),
    T("brake_pads_front", "BRK-FP", "更换前刹车片", "Replace front brake pads", 1.2, C, GL, REP, "platform",
      (("41060", "platform", 1),)),
    T("brake_pads_rear", "BRK-RP", "更换后刹车片", "Replace rear brake pads", 1.2, C, GL, REP, "platform",
      (("44060", "platform", 1),)),
    T("brake_discs_front", "BRK-FD", "更换前刹车盘及刹车片", "Replace front discs and pads", 2.0, C, GL, REP,
      "platform",
      (("40206", "platform", 2), ("41060", "platform", 1))),
    T("shocks_front", "SUS-FS", "更换前减震器(一对)", "Replace front shock absorbers (pair)", 2.5, C, GL, REP,
      "platform", (("54302", "platform", 2),)),
    T("wheel_bearing", "SUS-WB", "更换前轮轴承", "Replace front wheel bearing", 2.0, C, GL, REP, "platform",
      (("40210", "platform", 1),)),
    T("control_arm", "SUS-CA", "更换下摆臂", "Replace lower control arm", 1.8, C, GL, REP, "platform",
      (("54500", "platform", 1),)),
    T("battery_12v", "ELE-BAT", "更换12V蓄电池", "Replace 12V battery", 0.5, E, QS, REP, "platform",
      (("24410", "platform", 1),)),
    T("wipers", "BDY-WIP", "更换雨刮片", "Replace wiper blades", 0.2, M, QS, REP, "platform",
      (("28890", "platform", 1), ("28895", "platform", 1))),
    T("ac_compressor", "AC-COMP", "更换空调压缩机", "Replace AC compressor", 3.5, E, GL, REP, "platform",
      (("92600", "platform", 1), ("08887", "00", 1))),
    T("ac_service", "AC-SVC", "空调系统清洗及加注冷媒", "AC clean and refrigerant recharge", 1.0, M, QS, REP,
      "platform", (("08888", "00", 1), ("08887", "00", 1), ("27277", "platform", 1))),
    T("window_regulator", "BDY-WR", "更换玻璃升降器", "Replace window regulator", 1.5, E, GL, REP, "platform",
      (("82700", "platform", 1),)),
    T("parking_sensor", "ELE-PDC", "更换倒车雷达探头", "Replace parking sensor", 0.8, E, DG, REP, "platform",
      (("28437", "platform", 1),)),
    T("headlamp_bulb", "ELE-LMP", "更换近光灯泡", "Replace low-beam bulb", 0.4, E, QS, REP, "platform",
      (("26261", "platform", 1),)),
    T("adas_calibration", "ELE-ADAS", "ADAS摄像头/雷达标定", "ADAS camera and radar calibration", 1.5, E, DG, REP,
      "model"),
    T("spark_plugs", "ENG-SP", "更换火花塞", "Replace spark plugs", 0.8, EN, GL, REP, "ice",
      (("22401", "engine", 4),)),
    T("water_pump", "ENG-WP", "更换水泵", "Replace water pump", 3.0, EN, GL, REP, "ice",
      (("21010", "engine", 1), ("08889", "00", 1))),
    T("ignition_coil", "ENG-IC", "更换点火线圈", "Replace ignition coil", 0.6, EN, GL, REP, "ice",
      (("22448", "engine", 1),)),
    T("timing_chain", "ENG-TC", "更换正时链条套件", "Replace timing chain kit", 6.0, EN, GL, REP, "ice",
      (("13028", "engine", 1),)),
    T("engine_mount", "ENG-MNT", "更换发动机支架", "Replace engine mount", 1.5, EN, GL, REP, "ice",
      (("11220", "engine", 1),)),
    T("transmission_fluid", "TRN-ATF", "更换变速箱油", "Transmission fluid change", 1.2, EN, GL, MNT, "ice",
      (("08886", "00", 6), ("31361", "engine", 1))),
    T("fuel_system_clean", "ENG-FSC", "燃油系统清洗", "Fuel system cleaning", 0.8, M, QS, MNT, "ice",
      (("08890", "00", 1),)),
    T("engine_diagnosis", "DIA-ENG", "发动机故障诊断", "Engine fault diagnosis", 1.0, EN, DG, INS, "ice"),
    T("hv_battery_check", "EV-BHC", "高压电池健康检测", "HV battery health check", 1.0, EV, EVB, INS, "ev"),
    T("hv_insulation", "EV-INS", "高压绝缘检测及维修", "HV insulation test and repair", 2.0, EV, EVB, REP, "ev",
      (("29470", "model", 1),)),
    T("charging_port", "EV-CHP", "更换充电口总成", "Replace charging port", 2.5, EV, EVB, REP, "ev",
      (("29430", "model", 1),)),
    T("dcdc_converter", "EV-DCDC", "更换DC-DC转换器", "Replace DC-DC converter", 3.0, EV, EVB, REP, "ev",
      (("29440", "model", 1),)),
    T("hv_coolant", "EV-COOL", "更换电池冷却液", "Replace battery coolant", 1.5, EV, EVB, MNT, "ev",
      (("29410", "model", 1),)),
    T("tyre_rotation", "TYR-ROT", "轮胎换位", "Tyre rotation", 0.5, M, QS, TYR, "global"),
    T("wheel_balance", "TYR-BAL", "四轮动平衡", "Wheel balancing (4)", 0.8, M, QS, TYR, "global"),
    T("alignment", "TYR-ALN", "四轮定位", "Wheel alignment", 1.0, C, AL, TYR, "global"),
    T("tyres_pair", "TYR-2", "更换轮胎(两条)", "Replace tyres (pair)", 0.8, M, GL, TYR, "platform",
      (("42611", "tyre", 2), ("90119", "00", 2))),
    T("tyres_set", "TYR-4", "更换轮胎(四条)", "Replace tyres (set of 4)", 1.5, M, GL, TYR, "platform",
      (("42611", "tyre", 4), ("90119", "00", 4))),
    T("brake_fluid", "BRK-FL", "更换刹车油", "Brake fluid change", 0.8, M, GL, MNT, "global",
      (("08823", "00", 1),)),
    T("coolant_flush", "ENG-CF", "更换防冻冷却液", "Coolant change", 1.0, M, GL, MNT, "global",
      (("08889", "00", 2),)),
    T("electrical_diagnosis", "DIA-ELE", "电气故障诊断", "Electrical fault diagnosis", 1.0, E, DG, INS, "global"),
    T("software_update", "ELE-SW", "控制单元软件升级", "Control unit software update", 0.8, E, DG, REP,
      "global"),
    T("general_inspection", "INS-GEN", "免费安全检测", "Free safety inspection", 0.5, M, QS, INS, "global"),
    T("pre_trip_check", "CMP-TRIP", "春节返乡安全检测", "Spring Festival pre-trip check", 0.6, M, QS, CMP,
      "global"),
    T("summer_ac_check", "CMP-AC", "夏季空调关怀检测", "Summer AC care check", 0.6, M, QS, CMP, "global"),
    T("winter_check", "CMP-WIN", "冬季关怀检测", "Winter care check", 0.6, M, QS, CMP, "global"),
    T("recall_fuel_pump", "RC-FP", "召回: 燃油泵更换", "Recall: fuel pump replacement", 1.5, EN, GL, CMP, "global",
      (("17040", "E20", 1),)),
    T("recall_bms_software", "RC-BMS", "召回: 电池管理系统升级", "Recall: battery management software", 0.8, EV,
      EVB, CMP, "global"),
)
TEMPLATE_BY_KIND = {tpl.kind: tpl for tpl in OP_TEMPLATES}


def _applies(scope: str, model: ModelSpec) -> bool:
    if scope in ("model", "platform", "global"):
        return True
    if scope == "ice":
        return model.engine is not None
    if scope == "bev":
        return model.engine is None
    return model.powertrain.high_voltage  # "ev"


def op_code(kind: str, model: ModelSpec) -> str | None:
    """The operation code for a kind of work on a model, or None if it doesn't apply."""
    tpl = TEMPLATE_BY_KIND.get(kind)
    if tpl is None or not _applies(tpl.scope, model):
        # maintenance on a battery-electric car uses its own template
        ev_tpl = TEMPLATE_BY_KIND.get(f"{kind}_ev")
        if ev_tpl is None or not _applies(ev_tpl.scope, model):
            return None
        tpl = ev_tpl
    return _code(tpl, model)


def _code(tpl: OpTemplate, model: ModelSpec) -> str:
    if tpl.scope == "global":
        return tpl.code
    return f"{tpl.code}-{model.platform if tpl.scope == 'platform' else model.code}"


def _variant(key: str, model: ModelSpec) -> str:
    if key == "engine":
        return model.engine or "E15"
    if key == "platform":
        return model.platform
    if key == "tyre":
        return model.platform
    if key == "model":
        return model.code
    return key


def _name_suffix(tpl: OpTemplate, model: ModelSpec) -> tuple[str, str]:
    if tpl.scope == "global":
        return "", ""
    if tpl.scope == "platform":
        return f" (platform {model.platform})", f"({model.platform}平台)"
    return f" ({model.name})", f"({model.name_zh})"


def build_operations(parts: dict[str, Part]) -> list[LabourOperation]:
    """About 120 operations: templates expanded per model where the parts differ."""
    ops: dict[str, LabourOperation] = {}
    for tpl in OP_TEMPLATES:
        models = [m for m in MODELS if _applies(tpl.scope, m)]
        if tpl.scope == "global":
            models = models[:1]
        for model in models:
            code = _code(tpl, model)
            if code in ops:
                continue
            reqs = tuple(
                PartRequirement(part_number(fam, _variant(key, model)), qty) for fam, key, qty in tpl.parts
            )
            for r in reqs:
                if r.part_number not in parts:
                    raise KeyError(f"template {tpl.kind} refers to missing part {r.part_number}")
            rate = 420 if tpl.skill in (EV, E) else 360
            hours = tpl.hours * (1.15 if model.platform == "D" and tpl.scope != "global" else 1.0)
            hours = round(hours * 10) / 10
            price = Decimal(0) if tpl.category is CMP or tpl.kind.startswith("first_service") else \
                Decimal(round(hours * rate / 10) * 10).quantize(Decimal("1.00"))
            suffix, suffix_zh = _name_suffix(tpl, model)
            ops[code] = LabourOperation(code, tpl.name_zh + suffix_zh, tpl.name_en + suffix, hours, tpl.skill,
                                        tpl.bay, price, tpl.category, reqs)
    return list(ops.values())
