"""zh-hans translations of the training class pages (lists, class page, review queue, devices),
applied to the .po file by `scripts/i18n` after translations_zh.py."""

ZH = {
    # navigation and page titles
    "Classes": "培训班",
    "Class review": "开班审核",
    "Training classes": "培训班",
    "Attendance devices": "考勤设备",
    "New class": "新建培训班",
    "New opening application": "新建开班申请",
    "Edit the opening application %(code)s": "修改开班申请 %(code)s",
    "Edit": "修改",
    "Back": "返回",
    "Close": "关闭",
    # the list and the review queue
    "Class number": "班级编号",
    "Class number or name": "班级编号或名称",
    "All states": "全部状态",
    "All occupations": "全部职业",
    "All institutions": "全部培训机构",
    "Institution": "培训机构",
    "Dates": "培训日期",
    "Trainees": "学员",
    "No classes match.": "没有符合条件的培训班。",
    "Opening applications submitted by the institutions of your region. Each chosen class is "
    "decided on its own: a class that fails the checks is left as it was, with the reason.": (
        "本地区培训机构提交的开班申请。所选培训班逐个审核：未通过校验的培训班保持原状，并列明原因。"
    ),
    "Starting from": "开班日期自",
    "Starting until": "开班日期至",
    "Choose": "选择",
    "Class sessions": "课次",
    "No application is waiting.": "暂无待审核的开班申请。",
    "Approve the chosen": "批量通过",
    "Reason (needed to reject)": "原因（驳回时必填）",
    "Reject the chosen": "批量驳回",
    "Choose at least one class.": "请至少选择一个培训班。",
    "Give the reason for the rejection: nothing was changed.": "请填写驳回原因：未作任何变更。",
    "Approved: %(codes)s": "已通过：%(codes)s",
    "Rejected: %(codes)s": "已驳回：%(codes)s",
    "%(code)s was not changed: %(reason)s": "%(code)s 未变更：%(reason)s",
    # the opening application form
    "Class name": "培训班名称",
    "Training type": "培训类型",
    "Fund channel": "资金渠道",
    "First day": "开班日期",
    "Last day": "结业日期",
    "Venue": "培训地点",
    "Places": "计划人数",
    "Assessment plan": "考核方案",
    "Under commitment (承诺制)": "实行承诺制",
    "No": "否",
    "The signed commitment (承诺书) is uploaded on the class's page.": (
        "签字的承诺书在培训班页面上传。"
    ),
    "Occupations and levels are those the institution is designated for. The timetable, the "
    "teachers and the roster are added on the class's page; the application is checked in full "
    "when it is submitted.": (
        "可选职业和等级为本机构的定点范围。课程表、授课教师和学员名单在培训班页面填写；"
        "提交时对申请进行完整校验。"
    ),
    "Your account belongs to no training institution.": "您的账号不属于任何培训机构。",
    "A class that is “%(state)s” can no longer be changed.": "培训班处于“%(state)s”状态，不能再修改。",
    # the class page: header and actions
    "Edit the application": "修改申请",
    "%(n)s on the roster, %(capacity)s places": "在册 %(n)s 人，计划 %(capacity)s 人",
    "Actions": "操作",
    "Submit for review": "提交审核",
    "Start the class": "开班",
    "Revise the application": "退回修改",
    "Withdraw the application": "撤回申请",
    "Cancel the class": "取消培训班",
    "Close the class": "结项关闭",
    "Complete the class (结业)": "结业",
    "The class is completed: %(completed)d trainees completed it, %(not_completed)d did not.": (
        "培训班已结业：%(completed)d 名学员合格结业，%(not_completed)d 名未结业。"
    ),
    # teachers and timetable
    "The institution engages no teacher in %(year)s.": "本机构 %(year)s 年度没有聘用教师。",
    "Save the teachers": "保存授课教师",
    "Timetable": "课程表",
    "Session date": "上课日期",
    "Session time": "上课时间",
    "Starts": "开始时间",
    "Ends": "结束时间",
    "Topic": "课程内容",
    "Teacher": "授课教师",
    "Remove the session": "删除课次",
    "No session yet.": "尚无课次。",
    "Add the session": "添加课次",
    "Give the date and the times of the session.": "请填写课次的日期和起止时间。",
    "This teacher does not teach the class.": "该教师不是本班授课教师。",
    # roster
    "Roster": "学员名单",
    "Subsidy eligibility": "补贴资格",
    "Attended": "出勤",
    "Assessment": "考核",
    "eligible": "符合",
    "not eligible": "不符合",
    "pass": "合格",
    "fail": "不合格",
    "Pass": "合格",
    "Fail": "不合格",
    "Take off the roster": "退出名单",
    "Nobody is enrolled yet.": "尚无学员报名。",
    "Enrol a registered person by their ID number": "按公民身份号码为已登记人员报名",
    "Enrol": "报名",
    "No one is registered with this ID number: register the person in the real-name registry "
    "first.": "没有使用该身份号码登记的人员：请先在实名制登记中登记。",
    "%(name)s is on the roster.": "%(name)s 已列入学员名单。",
    "Choose passed or failed.": "请选择合格或不合格。",
    # attendance
    "Attendance": "考勤",
    "attended": "已出勤",
    "partial": "不完整",
    "flagged": "存疑",
    "no record": "无记录",
    "Mark present": "补录出勤",
    "Click + to enter a person's attendance of a session (补录); it is kept as entered by you.": (
        "点击 + 补录该人员该课次的出勤，记录为由您补录。"
    ),
    "No session or nobody on the roster yet.": "尚无课次或学员。",
    # signed commitment
    "Signed commitment (承诺书)": "承诺书",
    "Not uploaded yet: the application cannot be submitted without it.": (
        "尚未上传：没有承诺书不能提交申请。"
    ),
    "The scanned, signed commitment (at most %(mb)s MB)": "签字承诺书扫描件（不超过 %(mb)s MB）",
    "Upload": "上传",
    "Choose the file of the signed commitment.": "请选择签字承诺书文件。",
    "The commitment must be a file of at most 10 MB.": "承诺书文件不能超过 10 MB。",
    # devices
    "Each attendance terminal signs its check-ins with its own token. The token is shown once, "
    "when the device is registered; only its first characters are kept to recognise it.": (
        "每台考勤终端以自己的令牌上报考勤。令牌只在登记设备时显示一次；系统只保留其前几位用于识别。"
    ),
    "The token of “%(name)s”: copy it into the device now, it will not be shown again.": (
        "“%(name)s”的令牌：请立即配置到设备中，之后不再显示。"
    ),
    "Device name": "设备名称",
    "e.g. Classroom 201 entrance": "例如：201教室门口",
    "Register a device": "登记设备",
    "Token starts with": "令牌开头",
    "Registered": "登记时间",
    "Last seen": "最近上报",
    "in use": "使用中",
    "deactivated": "已停用",
    "Deactivate": "停用",
    "No device is registered.": "尚未登记设备。",
}
