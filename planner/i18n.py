"""The one translation table: every user-facing text in Simplified Chinese and English.

Look texts up with `tr(key, lang, **values)`. Keys are dotted by area ("app.", "cli.",
"import.", ...). A missing key or language is a bug, so it raises.
"""

from __future__ import annotations

from planner.domain.values import Lang

TEXT: dict[str, dict[str, str]] = {
    # -- app -------------------------------------------------------------------
    "app.title": {"zh": "售后产能规划", "en": "After-sales capacity planner"},
    "app.language": {"zh": "语言", "en": "Language"},
    "app.no_database": {
        "zh": "数据库中还没有经销商。请先运行 `planner demo` 或 `planner import`。",
        "en": "The database holds no dealer yet. Run `planner demo` or `planner import` first.",
    },
    "app.dealer": {"zh": "经销商", "en": "Dealer"},
    "app.time_zone": {"zh": "时区", "en": "Time zone"},
    "app.today": {"zh": "演示日期", "en": "Demo date"},
    "app.grid": {"zh": "预约时间粒度", "en": "Booking grid"},
    "app.minutes": {"zh": "{n} 分钟", "en": "{n} min"},
    "app.people_and_bays": {"zh": "人员与工位", "en": "People and bays"},
    "app.history": {"zh": "维修历史", "en": "Service history"},
    "app.catalogue": {"zh": "工时与备件", "en": "Labour and parts"},
    "app.technicians_by_skill": {"zh": "各技能技师人数", "en": "Technicians by skill"},
    "app.bays_by_type": {"zh": "各类型工位数", "en": "Bays by type"},
    "app.ro_range": {"zh": "工单日期范围", "en": "Repair orders from – to"},
    "app.ro_per_day": {"zh": "每营业日工单数", "en": "Repair orders per open day"},
    "app.appointment_share": {"zh": "预约占比", "en": "Appointment share"},
    "app.daily_intake": {"zh": "每日进厂台次(近 12 周)", "en": "Daily intake (last 12 weeks)"},
    "app.hourly_profile": {"zh": "按小时进厂分布", "en": "Arrivals by hour of day"},
    "app.out_of_stock": {"zh": "缺货备件", "en": "Parts out of stock"},
    "app.open_orders": {"zh": "在途采购单", "en": "Open purchase orders"},
    # -- counts (app and CLI) ---------------------------------------------------------
    "count.advisors": {"zh": "服务顾问", "en": "Service advisors"},
    "count.technicians": {"zh": "维修技师", "en": "Technicians"},
    "count.bays": {"zh": "工位", "en": "Bays"},
    "count.operations": {"zh": "工时项目", "en": "Labour operations"},
    "count.parts": {"zh": "备件号", "en": "Part numbers"},
    "count.campaigns": {"zh": "活动", "en": "Campaigns"},
    "count.customers": {"zh": "客户", "en": "Customers"},
    "count.vehicles": {"zh": "车辆", "en": "Vehicles"},
    "count.repair_orders": {"zh": "维修工单", "en": "Repair orders"},
    "count.repair_order_lines": {"zh": "工单项目行", "en": "Repair-order lines"},
    "count.declined_recommendations": {"zh": "客户暂缓的建议项目", "en": "Declined recommendations"},
    "count.mileage_readings": {"zh": "里程记录", "en": "Mileage readings"},
    "count.appointments": {"zh": "预约记录", "en": "Appointments"},
    # -- skills and bay types ------------------------------------------------------------
    "skill.maintenance": {"zh": "保养", "en": "Maintenance"},
    "skill.electrical_diagnostics": {"zh": "电气/诊断", "en": "Electrical & diagnostics"},
    "skill.engine_transmission": {"zh": "发动机/变速箱", "en": "Engine & transmission"},
    "skill.chassis_alignment": {"zh": "底盘/四轮定位", "en": "Chassis & alignment"},
    "skill.ev_high_voltage": {"zh": "新能源高压", "en": "High-voltage EV"},
    "bay.general_lift": {"zh": "举升工位", "en": "General lift"},
    "bay.quick_service": {"zh": "快修工位", "en": "Quick service"},
    "bay.alignment": {"zh": "四轮定位工位", "en": "Alignment"},
    "bay.ev": {"zh": "新能源工位", "en": "EV"},
    "bay.diagnostic": {"zh": "诊断工位", "en": "Diagnostic"},
    "status.completed": {"zh": "已完成", "en": "Completed"},
    "status.no_show": {"zh": "爽约", "en": "No-show"},
    "status.cancelled": {"zh": "已取消", "en": "Cancelled"},
    # -- CLI ---------------------------------------------------------------------------
    "cli.demo_built": {
        "zh": "已生成演示经销商 {code}:{vehicles} 辆车,{orders} 张工单,用时 {seconds:.1f} 秒 → {db}",
        "en": "Built demo dealer {code}: {vehicles} vehicles, {orders} repair orders in {seconds:.1f} s → {db}",
    },
    "cli.imported": {
        "zh": "已导入经销商 {code}:{customers} 位客户,{vehicles} 辆车,{orders} 张工单 → {db}",
        "en": "Imported dealer {code}: {customers} customers, {vehicles} vehicles, {orders} repair orders → {db}",
    },
    "cli.error": {"zh": "错误:{message}", "en": "error: {message}"},
}


def tr(key: str, lang: Lang | str = Lang.EN, **values: object) -> str:
    """The text for `key` in `lang`, with `{placeholders}` filled from `values`."""
    entry = TEXT[key]
    text = entry[Lang(lang).value]
    return text.format(**values) if values else text
