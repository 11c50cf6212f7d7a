"""The one translation table: every user-facing text in Simplified Chinese and English.

Look texts up with `tr(key, lang, **values)`. Keys are dotted by area ("app.", "cli.",
"import.", ...). A missing key is a bug, so it raises; an unknown language falls back
to English.
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
    "app.dealer": {"zh": "经销商：{name}", "en": "Dealer: {name}"},
    "app.demo_date": {"zh": "演示日期：{date}", "en": "Demo date: {date}"},
    "app.ro_range_line": {"zh": "工单日期范围：{first} – {last}", "en": "Repair orders from {first} to {last}"},
    "app.time_zone": {"zh": "时区", "en": "Time zone"},
    "app.grid": {"zh": "预约时间粒度", "en": "Booking grid"},
    "app.minutes": {"zh": "{n} 分钟", "en": "{n} min"},
    "app.people_and_bays": {"zh": "人员与工位", "en": "People and bays"},
    "app.history": {"zh": "维修历史", "en": "Service history"},
    "app.catalogue": {"zh": "工时与备件", "en": "Labour and parts"},
    "app.technicians_by_skill": {"zh": "各技能技师人数", "en": "Technicians by skill"},
    "app.bays_by_type": {"zh": "各类型工位数", "en": "Bays by type"},
    "app.ro_per_day": {"zh": "每营业日工单数", "en": "Repair orders per open day"},
    "app.appointment_share": {"zh": "预约占比", "en": "Appointment share"},
    "app.daily_intake": {"zh": "每日进厂台次（近 12 周）", "en": "Daily intake (last 12 weeks)"},
    "app.hourly_profile": {"zh": "按小时进厂分布", "en": "Arrivals by hour of day"},
    "app.date": {"zh": "日期", "en": "Date"},
    "app.hour": {"zh": "时段（点）", "en": "Hour of day"},
    "app.share": {"zh": "占比", "en": "Share"},
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
        "zh": "已生成演示经销商 {code}：{vehicles} 辆车，{orders} 张工单，用时 {seconds:.1f} 秒 → {db}",
        "en": "Built demo dealer {code}: {vehicles} vehicles, {orders} repair orders in {seconds:.1f} s → {db}",
    },
    "cli.imported": {
        "zh": "已导入经销商 {code}：{customers} 位客户，{vehicles} 辆车，{orders} 张工单 → {db}",
        "en": "Imported dealer {code}: {customers} customers, {vehicles} vehicles, {orders} repair orders → {db}",
    },
    "cli.no_slot": {"zh": "所选期间没有可约时段：{reasons}", "en": "no slot in the window: {reasons}"},
    "cli.earliest": {"zh": "最早可约：{when}", "en": "earliest that works: {when}"},
    "cli.suggest_header": {"zh": "建议到店时间（最优在前）", "en": "Proposed arrival times (best first)"},
    "cli.incomplete": {"zh": "（时间已到，未检查全部候选时段）",
                       "en": "(time ran out before every candidate was checked)"},
    "cli.replan_title": {"zh": "{week} 周重排：{status}，用时 {seconds:.1f} 秒，与下界差距 {gap}",
                         "en": "Re-plan of {week}: {status} in {seconds:.1f} s, gap to bound {gap}"},
    "cli.before": {"zh": "调整前", "en": "before"},
    "cli.after": {"zh": "调整后", "en": "after"},
    "cli.replan_metrics": {"zh": "{what}：小时峰值负荷 {peak}（{at}），加班 {overtime} 分钟，"
                                 "占用散客预留 {short} 技师分钟",
                           "en": "{what}: peak hourly load {peak} ({at}), overtime {overtime} min, "
                                 "walk-in reserve used {short} technician-min"},
    "cli.replan_changes": {"zh": "改时间 {moved} 个预约，换技师/工位 {reassigned} 个",
                           "en": "{moved} booking(s) moved in time, {reassigned} reassigned"},
    "cli.applied": {"zh": "已保存。", "en": "Stored."},
    "cli.whatif_summary": {"zh": "受影响 {infeasible} 个：换人/工位 {reassigned}，改时间 {moved}，"
                                 "无法安排 {unrepaired}；散客预留不足的预约 {at_risk} 个",
                           "en": "{infeasible} booking(s) broken: {reassigned} reassigned, {moved} moved, "
                                 "{unrepaired} not repairable; {at_risk} at risk (walk-in reserve eaten)"},
    "cli.action_reassign": {"zh": "换技师/工位", "en": "reassign"},
    "cli.action_move": {"zh": "改约时间（需联系客户）", "en": "move (call the customer)"},
    "cli.action_none": {"zh": "一周内无法安排（需联系客户改约）",
                        "en": "nothing fits within a week (call the customer)"},
    "cli.booked": {"zh": "已预约 {booking}：{plate} {start}-{end}，技师 {technician}，工位 {bay}"
                         "（调整了 {moved} 个其他预约）",
                   "en": "Booked {booking}: {plate} {start}-{end}, technician {technician}, bay {bay} "
                         "({moved} other booking(s) reassigned)"},
    "cli.booked_again": {"zh": "此请求已预约过：{booking}（{plate} {start}-{end}），未重复预约",
                         "en": "Already booked by this request: {booking} ({plate} {start}-{end}); nothing new"},
    "cli.rescheduled": {"zh": "{old} 已改约为 {booking}（{start}）", "en": "{old} moved to {booking} ({start})"},
    "cli.held": {"zh": "已保留 {booking}：{plate} {start}-{end}，{minutes} 分钟内请用 book-hold 确认",
                 "en": "Held {booking}: {plate} {start}-{end} for {minutes} min; confirm it with book-hold"},
    "cli.board_written": {"zh": "欢迎看板已写入 {path}（{n} 个预约）",
                          "en": "Welcome board written to {path} ({n} bookings)"},
    "cli.forms_written": {"zh": "已写入 {n} 个文件到 {path}", "en": "Wrote {n} files to {path}"},
    "cli.report_header": {"zh": "日期           预约数  主动占比  到店率  确认率  取消数  预约占用",
                          "en": "day          bookings  active   shows  confirmed cancelled booked"},
    "cli.total": {"zh": "合计", "en": "total"},
    "cli.confirmations_header": {"zh": "{day} 应做的确认电话：{n} 个（未完成 {open} 个）",
                                 "en": "Confirmation calls due {day}: {n} ({open} open)"},
    "cli.overdue": {"zh": "已逾期", "en": "overdue"},
    "cli.to_do": {"zh": "待办", "en": "to do"},
    "cli.unconfirmed": {"zh": "24 小时内到店但未确认：{n} 个 {ids}",
                        "en": "Arriving within 24 h, unconfirmed: {n} {ids}"},
    "cli.status_now": {"zh": "{booking} 现在的状态：{status}", "en": "{booking} is now {status}"},
    "cli.error": {"zh": "错误：{message}", "en": "error: {message}"},
    "cli.info_header": {"zh": "{name} [{code}]  {zone}  节假日：{country}  预约粒度 {grid} 分钟",
                        "en": "{name} [{code}]  {zone}  holidays: {country}  grid {grid} min"},
    "cli.forecast_title": {"zh": "进厂预测（模型 {model}），自 {start} 起 {days} 天",
                           "en": "Intake forecast ({model}), {days} days from {start}"},
    "cli.forecast_header": {
        "zh": "时段                    预计台次  80%区间    95%区间   散客   预约  工时需求  可用工时  负荷  标签",
        "en": "period                 arrivals  80% int.   95% int.  walk-in  appt  labour h  capacity  load  label",
    },
    "cli.closed": {"zh": "休息", "en": "closed"},
    "cli.backtest_title": {
        "zh": "回测：频率 {freq}，留出 {holdout} 天，每次预测 {horizon} 天，共 {origins} 个起点",
        "en": "Backtest: freq {freq}, {holdout}-day holdout, {horizon} days ahead from {origins} origins",
    },
    "cli.backtest_chosen": {"zh": "规划默认使用的模型：{model}（标 *）",
                            "en": "the planner uses {model} by default (marked *)"},
    **{f"weekday.{i}": {"zh": zh, "en": en} for i, (zh, en) in enumerate(zip(
        ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
        ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), strict=True))},
    "load.peak": {"zh": "高峰", "en": "peak"},
    "load.normal": {"zh": "正常", "en": "normal"},
    "load.valley": {"zh": "低谷", "en": "valley"},
    # -- errors the user can act on ------------------------------------------------------
    "error.no_dealer": {
        "zh": "数据库中还没有经销商：请先运行 `planner demo` 或 `planner import`",
        "en": "the database holds no dealer yet: run `planner demo` or `planner import`",
    },
    "error.dealer_not_found": {"zh": "数据库中没有代码为“{code}”的经销商",
                               "en": "no dealer with code '{code}' in this database"},
    "error.several_dealers": {"zh": "数据库中有多个经销商（{codes}）：请用 --dealer 指定一个",
                              "en": "the database holds several dealers ({codes}): name one with --dealer"},
    "error.dealer_exists": {"zh": "经销商“{code}”已在数据库中（如需覆盖请加 --replace）",
                            "en": "dealer '{code}' already exists in this database (use --replace)"},
    "error.database": {"zh": "数据库错误：{detail}", "en": "database error: {detail}"},
    "error.bad_db": {"zh": "无法识别的数据库“{db}”：请给出文件路径或 SQLAlchemy URL",
                     "en": "cannot understand the database '{db}': give a file path or a SQLAlchemy URL"},
    # -- import (planner/importer): where a problem is, and what is wrong ----------------
    # -- where a problem is ------------------------------------------------------
    "import.where.file": {"en": "{file}", "zh": "{file}"},
    "import.where.row": {"en": "{file} row {row}", "zh": "{file} 第 {row} 行"},
    "import.where.row_column": {
        "en": "{file} row {row}, column {column}",
        "zh": "{file} 第 {row} 行，{column} 列",
    },
    "import.where.line": {"en": "{file} line {row}", "zh": "{file} 第 {row} 行"},
    "import.where.line_key": {
        "en": "{file} line {row}, key {column}",
        "zh": "{file} 第 {row} 行，键 {column}",
    },
    "import.where.key": {"en": "{file}, key {column}", "zh": "{file}，键 {column}"},
    "import.failed.header": {
        "en": "the import failed with {count} error(s):",
        "zh": "导入失败，共 {count} 个错误：",
    },
    # -- files -------------------------------------------------------------------
    "import.file.missing": {
        "en": "the file does not exist (looked for {path})",
        "zh": "文件不存在（查找路径：{path}）",
    },
    "file.not_utf8": {
        "en": "the file is not UTF-8 text (save it as 'CSV UTF-8')",
        "zh": "文件不是 UTF-8 编码（请另存为“CSV UTF-8”格式）",
    },
    "import.file.empty": {
        "en": "the file is empty (a header row is needed)",
        "zh": "文件为空（需要表头行）",
    },
    "import.file.missing_column": {
        "en": "the header has no column '{column}'",
        "zh": "表头缺少“{column}”列",
    },
    "import.file.duplicate_column": {
        "en": "the header names column '{column}' twice",
        "zh": "表头中“{column}”列出现了两次",
    },
    "import.file.too_many_fields": {
        "en": "the row has {count} fields but the header has {expected}",
        "zh": "该行有 {count} 个字段，但表头只有 {expected} 列",
    },
    "import.toml.syntax": {"en": "this is not valid TOML: {detail}", "zh": "TOML 格式错误：{detail}"},
    "import.toml.not_a_table": {
        "en": "expected a table, got '{value}'",
        "zh": "此处应为表（table），实际为“{value}”",
    },
    "import.toml.not_a_list_of_tables": {
        "en": "expected a list of tables ([[{column}]])",
        "zh": "此处应为表数组（[[{column}]]）",
    },
    "import.toml.unknown_key": {
        "en": "'{value}' is not a known setting here (expected one of: {choices})",
        "zh": "“{value}”不是此处可用的设置项（可选：{choices}）",
    },
    # -- values ------------------------------------------------------------------
    "import.value.missing": {"en": "a value is required", "zh": "此项必填"},
    "import.value.not_text": {"en": "'{value}' is not text", "zh": "“{value}”不是文本"},
    "import.value.too_long": {
        "en": "'{value}' is longer than {limit} characters",
        "zh": "“{value}”超过 {limit} 个字符",
    },
    "import.value.not_a_date": {
        "en": "'{value}' is not a date (YYYY-MM-DD)",
        "zh": "“{value}”不是有效日期（格式 YYYY-MM-DD）",
    },
    "import.value.not_a_timestamp": {
        "en": "'{value}' is not a timestamp (ISO 8601, like 2024-05-01T09:15 or with +08:00)",
        "zh": "“{value}”不是有效时间（ISO 8601 格式，如 2024-05-01T09:15，可带 +08:00）",
    },
    "import.value.not_an_integer": {"en": "'{value}' is not a whole number", "zh": "“{value}”不是整数"},
    "import.value.not_a_number": {"en": "'{value}' is not a number", "zh": "“{value}”不是数字"},
    "import.value.not_a_boolean": {
        "en": "'{value}' is not a yes/no value (true, false, 1, 0, yes, no)",
        "zh": "“{value}”不是是/否值（true、false、1、0、yes、no）",
    },
    "import.value.not_a_list": {"en": "'{value}' is not a list", "zh": "“{value}”不是列表"},
    "import.value.negative": {"en": "'{value}' must not be negative", "zh": "“{value}”不能为负数"},
    "import.value.below_minimum": {
        "en": "'{value}' must be at least {minimum}",
        "zh": "“{value}”不能小于 {minimum}",
    },
    "import.value.not_positive": {
        "en": "'{value}' must be greater than zero",
        "zh": "“{value}”必须大于零",
    },
    "import.value.not_in_choices": {
        "en": "'{value}' is not one of: {choices}",
        "zh": "“{value}”不是允许的取值（可选：{choices}）",
    },
    "import.value.not_a_time_range": {
        "en": "'{value}' is not a time range like 09:00-12:00",
        "zh": "“{value}”不是有效时间段（格式如 09:00-12:00）",
    },
    "import.value.time_range_backwards": {
        "en": "'{value}' ends before it starts",
        "zh": "“{value}”的结束时间早于开始时间",
    },
    "import.value.not_hours_or_closed": {
        "en": "'{value}' is neither a time range like 08:30-18:00 nor '{closed}'",
        "zh": "“{value}”既不是时间段（如 08:30-18:00）也不是“{closed}”",
    },
    "import.value.not_a_part_quantity": {
        "en": "'{value}' is not a part and quantity like P-0001x2",
        "zh": "“{value}”不是“零件号x数量”格式（如 P-0001x2）",
    },
    "import.value.unknown_time_zone": {
        "en": "'{value}' is not a known time zone (like Asia/Shanghai)",
        "zh": "“{value}”不是已知时区（如 Asia/Shanghai）",
    },
    "import.value.unknown_country": {
        "en": "'{value}' is not a country code known for public holidays (like CN)",
        "zh": "“{value}”不是可用于法定节假日的国家代码（如 CN）",
    },
    "import.value.vin_length": {
        "en": "'{value}' has {length} characters; a VIN has 17",
        "zh": "“{value}”有 {length} 个字符，车架号（VIN）应为 17 位",
    },
    "import.value.duplicate_row": {
        "en": "'{value}' appears more than once (first on row {first})",
        "zh": "“{value}”重复出现（首次出现在第 {first} 行）",
    },
    "import.value.duplicate_entry": {
        "en": "'{value}' appears more than once (first on line {first})",
        "zh": "“{value}”重复出现（首次出现在第 {first} 行）",
    },
    "import.value.duplicate_in_list": {
        "en": "'{value}' is listed twice",
        "zh": "“{value}”在列表中出现了两次",
    },
    "import.value.list_length": {
        "en": "'{value}' has {count} item(s) but {other} has {expected}: one each, or one for all",
        "zh": "“{value}”有 {count} 项，而 {other} 有 {expected} 项；请逐项对应或只填一个",
    },
    "import.value.list_length_exact": {
        "en": "'{value}' has {count} item(s) but {other} has {expected}; give one for each",
        "zh": "“{value}”有 {count} 项，而 {other} 有 {expected} 项；请逐项对应",
    },
    # -- rules between fields --------------------------------------------------------
    "import.rule.closed_before_opened": {
        "en": "'{value}' is before the opening time {opened}",
        "zh": "“{value}”早于开单时间 {opened}",
    },
    "import.rule.warranty_before_sale": {
        "en": "'{value}' is before the sale date {sale_date}",
        "zh": "“{value}”早于销售日期 {sale_date}",
    },
    "import.rule.ends_before_start": {
        "en": "'{value}' is before the start {start}",
        "zh": "“{value}”早于开始日期 {start}",
    },
    "import.rule.break_cuts_shift": {
        "en": "the break {value} overlaps the edge of the shift {shift}",
        "zh": "休息时间 {value} 与班次 {shift} 的边界重叠",
    },
    "import.rule.domain": {"en": "{detail}", "zh": "数据不符合规则：{detail}"},
    # -- references --------------------------------------------------------------
    "import.ref.unknown_part": {
        "en": "'{value}' is not a part number in {source}",
        "zh": "“{value}”不是 {source} 中的零件号",
    },
    "import.ref.unknown_operation": {
        "en": "'{value}' is not an op code in {source}",
        "zh": "“{value}”不是 {source} 中的工时项目代码",
    },
    "import.ref.unknown_customer": {
        "en": "'{value}' is not a customer number in {source}",
        "zh": "“{value}”不是 {source} 中的客户编号",
    },
    "import.ref.unknown_vehicle": {
        "en": "'{value}' is not a VIN in {source}",
        "zh": "“{value}”不是 {source} 中的车架号",
    },
    "import.ref.unknown_repair_order": {
        "en": "'{value}' is not a repair order number in {source}",
        "zh": "“{value}”不是 {source} 中的工单号",
    },
    "import.ref.unknown_advisor": {
        "en": "'{value}' is not a service advisor code in {source}",
        "zh": "“{value}”不是 {source} 中的服务顾问代码",
    },
    "import.ref.unknown_technician": {
        "en": "'{value}' is not a technician code in {source}",
        "zh": "“{value}”不是 {source} 中的技师代码",
    },
    "import.ref.unknown_staff": {
        "en": "'{value}' is not an advisor or technician code in {source}",
        "zh": "“{value}”不是 {source} 中的服务顾问或技师代码",
    },
    "import.ref.unknown_bay": {
        "en": "'{value}' is not a bay code in {source}",
        "zh": "“{value}”不是 {source} 中的工位代码",
    },
    # -- the database ------------------------------------------------------------
    "import.db.dealer_exists": {
        "en": "dealer '{value}' is already in this database; "
        "import with replace (--replace) to overwrite it",
        "zh": "经销商“{value}”已存在于数据库中；如需覆盖，请使用替换方式导入（--replace）",
    },
    # -- plan checker (hard rules) ---------------------------------------------------
    "checker.booking_ids_unique": {
        "en": "Booking number {booking} is used more than once: {detail}",
        "zh": "预约号 {booking} 被重复使用：{detail}",
    },
    "checker.opening_hours": {
        "en": "Booking {booking} is outside opening hours or off the booking grid: {detail}",
        "zh": "预约 {booking} 超出营业时间或不在预约时间格上：{detail}",
    },
    "checker.job_sequence": {
        "en": "Booking {booking}: its jobs do not run in order from the arrival: {detail}",
        "zh": "预约 {booking}：各项作业未从到店时起依次进行：{detail}",
    },
    "checker.technician_skill": {
        "en": "Booking {booking}: the technician does not have the skill the job needs: {detail}",
        "zh": "预约 {booking}：技师不具备该作业所需技能：{detail}",
    },
    "checker.technician_presence": {
        "en": "Booking {booking}: the job does not match the technician's working time: {detail}",
        "zh": "预约 {booking}：作业时间与技师的工作时间不符：{detail}",
    },
    "checker.technician_overlap": {
        "en": "Booking {booking}: a technician has two jobs at the same time: {detail}",
        "zh": "预约 {booking}：同一技师在同一时间被安排了两项作业：{detail}",
    },
    "checker.bay_type_and_service": {
        "en": "Booking {booking}: the bay is of the wrong type or out of service: {detail}",
        "zh": "预约 {booking}：工位类型不符或工位停用：{detail}",
    },
    "checker.bay_overlap": {
        "en": "Booking {booking}: a bay holds two jobs at the same time: {detail}",
        "zh": "预约 {booking}：同一工位在同一时间被两项作业占用：{detail}",
    },
    "checker.advisor_reception": {
        "en": "Booking {booking}: more cars arrive than the service advisors can receive: {detail}",
        "zh": "预约 {booking}：同一时段到店车辆超过服务顾问的接待能力：{detail}",
    },
    "checker.parts_stock": {
        "en": "Booking {booking}: not enough parts in stock: {detail}",
        "zh": "预约 {booking}：备件库存不足：{detail}",
    },
    "checker.walk_in_reserve": {
        "en": "Booking {booking}: booked work leaves too few technicians free for walk-ins: {detail}",
        "zh": "预约 {booking}：预约作业占用了为未预约到店客户预留的技师：{detail}",
    },
    "error.unknown_ops": {"zh": "未知的工时项目代码：{codes}", "en": "unknown operation code(s): {codes}"},
    "error.no_ops": {"zh": "请至少给出一个工时项目代码（--ops）", "en": "give at least one operation code (--ops)"},
    "error.duplicate_ops": {"zh": "工时项目重复：{codes}", "en": "an operation is listed twice: {codes}"},
    "error.past": {"zh": "时间 {when} 已经过去", "en": "{when} is in the past"},
    "error.bad_days": {"zh": "天数须在 1 到 90 之间，而不是 {days}", "en": "days must be 1 to 90, not {days}"},
    "error.bad_count": {"zh": "方案数须在 1 到 20 之间，而不是 {count}", "en": "count must be 1 to 20, not {count}"},
    "error.unknown_plate": {"zh": "找不到车牌为“{plate}”的车辆", "en": "no vehicle with plate '{plate}'"},
    "error.bad_time": {"zh": "“{text}”不是 ISO 8601 时间", "en": "'{text}' is not an ISO 8601 time"},
    "error.slot_taken": {"zh": "{when} 已约满（可能刚被他人预约）；最近可约时间：{next}",
                         "en": "{when} is no longer free (just taken?); next time that works: {next}"},
    "error.active_needs_rule": {"zh": "主动预约须注明来源的外呼规则或活动（--rule）",
                                "en": "an active appointment names the outreach rule or campaign (--rule)"},
    "error.idempotent_gone": {"zh": "幂等键 {idem} 已用于预约 {booking}，但该预约已不再有效",
                              "en": "idempotency key {idem} booked {booking}, which is no longer active"},
    "error.checker_refused": {"zh": "独立校验拒绝了该预约：{detail}",
                              "en": "the independent checker refused: {detail}"},
    "error.unknown_appointment": {"zh": "没有预约 {appointment}", "en": "no appointment {appointment}"},
    "error.bad_transition": {"zh": "预约 {appointment} 当前状态为“{status}”，不能执行“{action}”",
                             "en": "appointment {appointment} is {status}: it cannot {action}"},
    "error.idempotency_mismatch": {"zh": "幂等键 {idem} 已用于另一个预约请求（{booking}）：请换一个键",
                                   "en": "idempotency key {idem} was used for another request ({booking}): "
                                         "use a new key"},
    "error.off_grid": {"zh": "{when} 不在 {grid} 分钟的预约时间格上",
                       "en": "{when} is not on the {grid}-minute booking grid"},
    "error.closed_at": {"zh": "{when} 门店不营业", "en": "the workshop is closed at {when}"},
    "error.bad_hold": {"zh": "保留时间须在 1 到 120 分钟之间，而不是 {minutes}",
                       "en": "a hold lasts 1 to 120 minutes, not {minutes}"},
    "error.hold_expired": {"zh": "预约 {appointment} 的保留已过期，时段已释放",
                           "en": "the hold {appointment} has expired; its slot is free again"},
    # -- the four copies of a booking (R4) -------------------------------------------------
    "channel.phone": {"zh": "电话", "en": "phone"},
    "channel.sms": {"zh": "短信", "en": "SMS"},
    "channel.letter": {"zh": "信函", "en": "letter"},
    "copy.title_customer_service": {"zh": "预约登记单（客服联）", "en": "Booking (customer service copy)"},
    "copy.title_advisor": {"zh": "预约登记单（服务顾问联）", "en": "Booking (service advisor copy)"},
    "copy.title_parts": {"zh": "备件预留拣货单（{plate}）", "en": "Parts pick list ({plate})"},
    "copy.title_workshop": {"zh": "车间作业单", "en": "Workshop job list"},
    "copy.title_ro_draft": {"zh": "维修工单草稿", "en": "Repair order draft"},
    "copy.line_labour": {"zh": "工时", "en": "labour"},
    "copy.line_part": {"zh": "备件", "en": "part"},
    "copy.line_kind": {"zh": "类别", "en": "Kind"},
    "copy.code": {"zh": "代码", "en": "Code"},
    "copy.hours": {"zh": "标准工时", "en": "Std hours"},
    "copy.amount": {"zh": "金额（元）", "en": "Amount (CNY)"},
    "copy.total": {"zh": "合计", "en": "Total"},
    "copy.number": {"zh": "预约号", "en": "Booking"},
    "copy.plate": {"zh": "车牌", "en": "Plate"},
    "copy.model": {"zh": "车型", "en": "Model"},
    "copy.when": {"zh": "到店及预计完工", "en": "Arrival and expected finish"},
    "copy.customer": {"zh": "客户", "en": "Customer"},
    "copy.contact": {"zh": "联系电话", "en": "Phone"},
    "copy.channel": {"zh": "首选联系方式", "en": "Preferred channel"},
    "copy.origin": {"zh": "预约来源", "en": "Origin"},
    "copy.origin_passive": {"zh": "被动预约（客户来电）", "en": "passive (the customer asked)"},
    "copy.origin_active": {"zh": "主动预约（店方邀约）", "en": "active (the dealer reached out)"},
    "copy.work": {"zh": "维修保养项目", "en": "Work"},
    "copy.estimate": {"zh": "预估", "en": "Estimate"},
    "copy.estimate_value": {"zh": "工时费 {labour} 元 + 备件 {parts} 元 = {total} 元，约 {hours} 小时",
                            "en": "labour {labour} + parts {parts} = {total} CNY, about {hours} h"},
    "copy.documents": {"zh": "请携带", "en": "Please bring"},
    "copy.doc_licence": {"zh": "行驶证", "en": "vehicle licence"},
    "copy.doc_booklet": {"zh": "保养手册", "en": "service booklet"},
    "copy.doc_warranty": {"zh": "保修卡", "en": "warranty card"},
    "copy.tools": {"zh": "需准备的工具设备", "en": "Tools to line up"},
    "copy.tools_standard": {"zh": "常规工具", "en": "standard tools"},
    "copy.tool_hv": {"zh": "高压绝缘工具及防护装备", "en": "insulated high-voltage tools and protection"},
    "copy.tool_alignment": {"zh": "四轮定位仪", "en": "wheel alignment rig"},
    "copy.tool_diagnostic": {"zh": "诊断仪", "en": "diagnostic scanner"},
    "copy.tool_engine": {"zh": "发动机专用工具", "en": "engine special tools"},
    "copy.technical_data": {"zh": "技术资料", "en": "Technical data"},
    "copy.technical_data_value": {"zh": "{model} 维修手册，VIN {vin}", "en": "{model} workshop manual, VIN {vin}"},
    "copy.job": {"zh": "作业", "en": "Job"},
    "copy.technician": {"zh": "技师", "en": "Technician"},
    "copy.skill": {"zh": "技能", "en": "Skill"},
    "copy.bay": {"zh": "工位", "en": "Bay"},
    "copy.from_to": {"zh": "时间", "en": "Time"},
    "copy.needed_by": {"zh": "需备齐时间", "en": "Needed by"},
    "copy.part_number": {"zh": "备件号", "en": "Part number"},
    "copy.part_name": {"zh": "名称", "en": "Name"},
    "copy.quantity": {"zh": "数量", "en": "Qty"},
    "copy.label": {"zh": "标签（车牌）", "en": "Label (plate)"},
    # -- welcome board (R5) -----------------------------------------------------------
    "board.welcome": {"zh": "欢迎光临 · 预约客户", "en": "Welcome · booked customers"},
    "board.title": {"zh": "{day} {weekday} 预约到店", "en": "Booked arrivals, {weekday} {day}"},
    "board.time": {"zh": "时间", "en": "Time"},
    "board.name": {"zh": "客户", "en": "Customer"},
    "board.plate": {"zh": "车牌", "en": "Plate"},
    "board.service": {"zh": "服务项目", "en": "Service"},
    "board.empty": {"zh": "暂无预约", "en": "No bookings"},
    # -- slot proposals (solver) -------------------------------------------------------
    "solver.load_valley": {"zh": "低谷时段：负荷 {pct}%", "en": "off-peak: {pct}% load"},
    "solver.load_normal": {"zh": "正常时段：负荷 {pct}%", "en": "normal: {pct}% load"},
    "solver.load_peak": {"zh": "高峰时段：负荷 {pct}%", "en": "peak: {pct}% load"},
    "solver.prefer_weekend": {"zh": "符合客户偏好：周末", "en": "as preferred: weekend"},
    "solver.prefer_weekday": {"zh": "符合客户偏好：工作日", "en": "as preferred: weekday"},
    "solver.prefer_morning": {"zh": "符合客户偏好：上午", "en": "as preferred: morning"},
    "solver.prefer_afternoon": {"zh": "符合客户偏好：下午", "en": "as preferred: afternoon"},
    "solver.parts_arrive": {"zh": "{part} {date} 到货", "en": "{part} arrives {date}"},
    "solver.reassigned": {"zh": "为腾出时间调整了 {n} 项已约作业的技师或工位",
                          "en": "{n} booked job(s) moved to another technician or bay to make room"},
    "solver.closed": {"zh": "所选期间门店不营业", "en": "the workshop is closed on every day of the window"},
    "solver.parts_none": {"zh": "{part} 无库存且无在途订单", "en": "{part} is out of stock and not on order"},
    "solver.parts_not_before": {"zh": "{part} 最早 {date} 才有货", "en": "{part} not in stock before {date}"},
    "solver.no_skill": {"zh": "期间没有{skill}技师在岗", "en": "no {skill} technician on duty in the window"},
    "solver.no_bay": {"zh": "期间没有可用的{bay_type}", "en": "no {bay_type} bay in service in the window"},
    "solver.too_long": {"zh": "{hours} 标准工时的作业在一个工作日内做不完（暂不支持跨日作业）",
                        "en": "a job of {hours} standard hours does not fit into one working day "
                              "(multi-day jobs are not supported yet)"},
    "solver.full_booked": {"zh": "技师已约满（含为未预约客户预留的产能）",
                           "en": "fully booked: technicians (and the walk-in reserve) are taken"},
    "solver.full_bays": {"zh": "所需类型的工位已约满", "en": "fully booked: every bay of the type needed is taken"},
    "solver.full_reception": {"zh": "服务顾问接待时段已满",
                              "en": "fully booked: the advisors cannot receive more cars"},
    "solver.full_no_technician": {"zh": "没有具备该技能的技师能在营业时间内完成作业",
                                  "en": "no technician with the skill is at work long enough for the job"},
    "solver.full_timeout": {"zh": "在限定时间内未找到可行时段",
                            "en": "no slot found within the time allowed"},
}


def tr(key: str, lang: Lang | str = Lang.EN, **values: object) -> str:
    """The text for `key` in `lang` (English for an unknown language), with `{placeholders}` filled."""
    entry = TEXT[key]
    text = entry.get(str(lang), entry[Lang.EN.value])
    return text.format(**values) if values else text
