"""zh-hans translations of the training API (jineng.training.api), applied by `scripts/i18n`."""

ZH = {
    "You act for your own institution only.": "只能以本机构的名义操作。",
    "Name the institution.": "请指定培训机构。",
    "Session %(number)d: %(problem)s": "第%(number)d个课次：%(problem)s",
    "At most %(count)d persons in one request.": "每次请求最多%(count)d人。",
    "No one is registered with this ID number.": "实名库中没有此证件号码的人员。",
    "Give the time with its UTC offset (+08:00).": "时间须带时区偏移（如 +08:00）。",
    "Give either id_number or enrollment.": "须提供 id_number 或 enrollment 二者之一。",
    "The device's institution has no such session.": "本考勤设备所属机构没有该课次。",
    "This enrolment is not in the session's class.": "该学员不属于此课次所在的培训班。",
    'Send one event or {"events": [...]}.': '请发送一条考勤记录，或 {"events": [...]}。',
    "“events” is a list of 1 to %(count)d events.": "“events”须为1至%(count)d条考勤记录的列表。",
}
