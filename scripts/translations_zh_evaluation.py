"""zh-hans translations of evaluation (评价): bookings (预约评价), results, the overdue queue, the
results import, the API and the pages; applied to the .po file by `scripts/i18n` after
translations_zh.py. Messages already translated elsewhere (state, reason, done, cancelled, pass,
fail, examiners, certificate, class, ...) are not repeated: one msgid has one translation."""

ZH = {
    # The app, its capabilities and navigation
    "Evaluation": "评价",
    "Evaluations": "评价",
    "View evaluation bookings and results": "查看预约评价及评价结果",
    "Book evaluations of completed classes": "为已结业培训班预约评价",
    "Accept bookings and record evaluation results": "受理预约并录入评价结果",
    "Grant exceptions to the evaluation deadline": "批准评价时限例外",
    # Models
    "requested": "已预约",
    "accepted": "已受理",
    "declined": "已拒绝",
    "evaluation date": "评价日期",
    "evaluation due by": "评价截止日期",
    "policy pack": "政策包",
    "why the date is late": "逾期评价理由",
    "exception granted because": "例外批准理由",
    "exception granted by": "例外批准人",
    "exception granted at": "例外批准时间",
    "booked by": "预约人",
    "booked at": "预约时间",
    "decided by": "受理人",
    "evaluation booking": "预约评价",
    "evaluation bookings": "预约评价",
    "trainee": "学员",
    "theory score": "理论成绩",
    "practical score": "实操成绩",
    "quality supervisor": "质量督导员",
    "entered by": "录入人",
    "entered at": "录入时间",
    "evaluation result": "评价结果",
    "evaluation results": "评价结果",
    # Services
    "Only the training institution books the evaluation of its classes.": (
        "只有培训机构可以为本机构的培训班预约评价。"
    ),
    "Only the evaluation organisation accepts, declines and records results.": (
        "只有评价机构可以受理、拒绝预约并录入评价结果。"
    ),
    "Only the bureau grants exceptions to the deadline.": "只有人社部门可以批准评价时限例外。",
    "Give the reason.": "请填写理由。",
    "%(org)s is not on the %(year)d list of evaluation organisations.": (
        "%(org)s 不在 %(year)d 年公布的评价机构名单中。"
    ),
    "%(org)s has not filed %(occupation)s at %(level)s.": (
        "%(org)s 未备案%(occupation)s（%(level)s）的评价。"
    ),
    "No certificate is issued here for the level %(level)s.": "本平台不颁发%(level)s等级的证书。",
    "%(org)s has no register and station codes: it cannot issue skill level certificates until "
    "the bureau records them.": (
        "%(org)s 尚无备案编码和站点编码：在人社部门登记之前不能颁发职业技能等级证书。"
    ),
    "A booking that is “%(from)s” cannot become “%(to)s”.": "“%(from)s”的预约不能变为“%(to)s”。",
    "A class that is “%(state)s” cannot be booked for evaluation: it must be completed.": (
        "“%(state)s”的培训班不能预约评价：培训班须已结业。"
    ),
    "No trainee completed the class: there is nobody to evaluate.": (
        "本班没有结业学员，无人需要评价。"
    ),
    "The class is already booked: %(org)s on %(date)s (%(state)s).": (
        "本班已预约评价：%(org)s，%(date)s（%(state)s）。"
    ),
    "The evaluation comes after the class's last day (%(end)s).": (
        "评价日期须在培训结束日（%(end)s）之后。"
    ),
    "The evaluation is due within %(days)d days of the end of training (004 §四(四)), by "
    "%(due)s. A later date needs the bureau's exception: give the reason.": (
        "考核评价须在培训结束后%(days)d日内完成（004 §四(四)），即 %(due)s 前。"
        "更晚的日期须经人社部门批准例外：请填写理由。"
    ),
    "A booking that is “%(state)s” needs no exception.": "“%(state)s”的预约无需批准例外。",
    "The date is within the deadline (%(due)s): no exception is needed.": (
        "评价日期在时限（%(due)s）之内，无需批准例外。"
    ),
    "The exception was already granted.": "已批准过例外。",
    "The date is after the deadline (%(due)s): the bureau must grant an exception before the "
    "booking is accepted.": ("评价日期晚于时限（%(due)s）：须经人社部门批准例外后方可受理。"),
    "Results are recorded: the booking can no longer be cancelled.": (
        "已录入评价结果，不能再取消预约。"
    ),
    "Record the results of: %(names)s": "请录入以下学员的评价结果：%(names)s",
    "A score is a number from 0 to 100.": "成绩须为 0 至 100 之间的数字。",
    "A score has at most two decimals.": "成绩最多保留两位小数。",
    "Name at least one examiner.": "请至少选择一名考评员。",
    "%(name)s is not an examiner of %(org)s.": "%(name)s 不是 %(org)s 的考评员。",
    "The certification of %(name)s ended on %(date)s.": "%(name)s 的资格已于 %(date)s 到期。",
    "Name the quality supervisor.": "请选择质量督导员。",
    "%(name)s is not a quality supervisor of %(org)s.": "%(name)s 不是 %(org)s 的质量督导员。",
    "The quality supervisor cannot also examine the same evaluation.": (
        "质量督导员不能同时担任本场评价的考评员。"
    ),
    "%(name)s did not complete the class: only those who completed it are evaluated.": (
        "%(name)s 未结业：只有结业学员参加评价。"
    ),
    "Results are recorded for an accepted booking; this one is “%(state)s”.": (
        "评价结果只能录入已受理的预约；本预约为“%(state)s”。"
    ),
    "A result is already recorded for %(name)s.": "%(name)s 的评价结果已录入。",
    "Evaluated (class %(code)s, %(occupation)s %(level)s): passed, theory %(theory)s, "
    "practical %(practical)s": (
        "参加评价（培训班 %(code)s，%(occupation)s %(level)s）：合格，理论 %(theory)s 分，"
        "实操 %(practical)s 分"
    ),
    "Evaluated (class %(code)s, %(occupation)s %(level)s): failed, theory %(theory)s, "
    "practical %(practical)s": (
        "参加评价（培训班 %(code)s，%(occupation)s %(level)s）：不合格，理论 %(theory)s 分，"
        "实操 %(practical)s 分"
    ),
    "A different result is already recorded for %(name)s: results are not changed.": (
        "%(name)s 已录入不同的评价结果：评价结果不予更改。"
    ),
    # The results import
    "Choose the evaluation booking to import into.": "请选择要导入的预约评价。",
    "No evaluation booking in your scope has the number %(number)s.": (
        "您的权限范围内没有编号为 %(number)s 的预约评价。"
    ),
    "The booking %(number)s is “%(state)s”: results go into an accepted booking.": (
        "预约 %(number)s 为“%(state)s”：评价结果只能导入已受理的预约。"
    ),
    "The evaluation is on %(date)s: results are recorded from that day.": (
        "评价日期为 %(date)s：自当日起方可录入评价结果。"
    ),
    "“%(text)s” is not a result: write 合格 or 不合格 (pass or fail).": (
        "“%(text)s”不是评价结果：请填写“合格”或“不合格”。"
    ),
    "“%(number)s” is not the certificate of an examiner of %(org)s.": (
        "“%(number)s”不是 %(org)s 考评员的证书编号。"
    ),
    "“%(number)s” is not the certificate of a quality supervisor of %(org)s.": (
        "“%(number)s”不是 %(org)s 质量督导员的证书编号。"
    ),
    "Evaluation results": "评价结果",
    "Theory score": "理论成绩",
    "Practical score": "实操成绩",
    "合格 or 不合格 (pass or fail)": "合格或不合格",
    "Examiners' certificate numbers": "考评员证书编号",
    "Examiners of the organisation, separated by 、": "本机构的考评员，多人以“、”分隔",
    "Quality supervisor's certificate number": "质量督导员证书编号",
    # The API
    "Name the trainee: enrollment or id_number.": "请指明学员：enrollment 或 id_number。",
    "No class in your scope has this number.": "您的权限范围内没有该编号的培训班。",
    "At most %(count)d results in one request.": "每次请求最多提交 %(count)d 条评价结果。",
    "This person is not a trainee of the booked class.": "此人不是所预约培训班的学员。",
    "“%(number)s” is not the certificate of an examiner of the organisation.": (
        "“%(number)s”不是本评价机构考评员的证书编号。"
    ),
    "“%(number)s” is not the certificate of a quality supervisor of the organisation.": (
        "“%(number)s”不是本评价机构质量督导员的证书编号。"
    ),
    # Pages
    "Bookings": "预约列表",
    "Classes waiting for a booking": "待预约评价的培训班",
    "Overdue": "逾期",
    "Overdue bookings": "逾期的预约评价",
    "overdue": "已逾期",
    "Class": "培训班",
    "Class number, name or institution": "班级编号、名称或培训机构",
    "All evaluation organisations": "全部评价机构",
    "Evaluation date": "评价日期",
    "Evaluation due by": "评价截止日期",
    "Due by": "截止日期",
    "Results": "评价结果",
    "exception granted": "已批准例外",
    "after the deadline": "超出时限",
    "waiting for an exception": "待批准例外",
    "No bookings match.": "没有符合条件的预约。",
    "No booking is overdue.": "没有逾期的预约。",
    "Classes past their due date with no booking": "已过评价时限仍未预约的培训班",
    "No class is waiting for a booking.": "没有待预约评价的培训班。",
    "Completed classes with no booking. 004 §四(四): the evaluation is due within the pack's "
    "deadline after the end of training.": (
        "已结业但尚未预约评价的培训班。004 §四(四)：须在培训结束后规定时限内完成考核评价。"
    ),
    "Bookings past their last day without every result, and completed classes past their due "
    "date with no booking (004 §四(四)).": (
        "已过截止日期仍未录齐评价结果的预约，以及已过评价时限仍未预约的已结业培训班（004 §四(四)）。"
    ),
    "Last day of training": "培训结束日",
    "Book an evaluation": "预约评价",
    "Book": "预约",
    "within %(days)s days of the end of training (004 §四(四))": (
        "培训结束后%(days)s日内（004 §四(四)）"
    ),
    "No evaluation organisation on this year's list has filed this occupation and level.": (
        "本年度公布的评价机构中没有备案该职业（工种）和等级的机构。"
    ),
    "Why the date is after the deadline": "超出时限的理由",
    "Only for a date after the deadline: the bureau decides.": (
        "仅在评价日期超出时限时填写，由人社部门审批。"
    ),
    "Overdue: the evaluation was due by %(day)s and not every result is recorded.": (
        "已逾期：评价应于 %(day)s 前完成，评价结果尚未录齐。"
    ),
    "The date is after the deadline (%(due)s): the organisation can accept the booking once the "
    "bureau grants an exception.": (
        "评价日期晚于时限（%(due)s）：人社部门批准例外后，评价机构方可受理。"
    ),
    "%(org)s has no register and station codes: skill level certificates cannot be numbered "
    "until the bureau records them.": (
        "%(org)s 尚无备案编码和站点编码：在人社部门登记之前无法为职业技能等级证书编号。"
    ),
    "Training dates": "培训日期",
    "Exception": "例外",
    "granted by %(by)s on %(at)s: %(reason)s": "%(by)s 于 %(at)s 批准：%(reason)s",
    "not granted": "未批准",
    "Booked": "预约",
    "Decided": "受理",
    "Done": "完成",
    "Accept": "受理",
    "Decline": "拒绝",
    "Grant an exception to the deadline": "批准时限例外",
    "Finish the evaluation": "完成评价",
    "Cancel the booking": "取消预约",
    "Import results": "导入评价结果",
    "Examiners and quality supervisor of this evaluation": "本场评价的考评员和质量督导员",
    "Examiners (考评员)": "考评员",
    "The organisation has no examiner certified on the evaluation date.": (
        "本机构在评价日期没有有效资格的考评员。"
    ),
    "Examiners": "考评员",
    "Certificate": "证书",
    "Supervisor": "督导员",
    "not recorded": "未录入",
    "No trainee completed the class.": "本班没有结业学员。",
    "Save every filled row": "保存所有已填写的行",
    "Results are recorded by the evaluation organisation from %(day)s.": (
        "评价结果由评价机构自 %(day)s 起录入。"
    ),
    "The evaluation is booked.": "已预约评价。",
    "The booking is accepted.": "已受理预约。",
    "The booking is declined.": "已拒绝预约。",
    "The booking is cancelled.": "已取消预约。",
    "The exception is granted.": "已批准例外。",
    "The evaluation is done.": "评价已完成。",
    "Fill in the scores and the result of a trainee.": "请填写学员的成绩和评价结果。",
    "Choose pass or fail.": "请选择合格或不合格。",
    "%(name)s: %(problem)s": "%(name)s：%(problem)s",
    "%(count)d result recorded.": "已录入 %(count)d 条评价结果。",
}
