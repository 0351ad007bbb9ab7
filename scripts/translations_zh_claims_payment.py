"""zh-hans translations of the payment (拨付) and recovery (追回) of subsidy claims (004 §四(五)):
jineng.claims.payment and jineng.claims.recovery; applied to the .po file by `scripts/i18n`.
Messages already translated elsewhere ("Fund channel", "This bureau is outside your region.")
are not repeated: one msgid has one translation."""

ZH = {
    # who may pay
    "Only the bureau's payers make and record payments.": "只有人社部门的拨付人员可以制作和登记拨付。",
    "Payments are made by a bureau, not by “%(org)s”.": "拨付由人社部门进行，“%(org)s”不能拨付。",
    "Choose the fund channel of the batch.": "请选择本批次的资金渠道。",
    "This payment batch is outside your region.": "该拨付批次不在您的管辖范围内。",
    # batches
    "Not payable in this batch: %(lines)s.": "以下明细不能列入本批次拨付：%(lines)s。",
    "unknown lines": "未知明细",
    "No line of this fund channel is payable.": "没有此资金渠道可拨付的明细。",
    "Some of these lines were put in another batch just now.": "其中部分明细刚刚已列入另一拨付批次。",
    # the export for the finance system
    "Payment batch number": "拨付批次号",
    "Subsidy claim number": "补贴申请编号",
    "Paid to": "收款单位",
    "Payee's unified social credit code": "收款单位统一社会信用代码",
    "Name of the person": "姓名",
    "ID number of the person": "公民身份号码",
    "Amount in figures (yuan)": "金额（小写，元）",
    "Amount in capitals (RMB)": "金额（大写，人民币）",
    "Batch total": "合计",
    "Export as xlsx or csv.": "请选择导出为 xlsx 或 csv 格式。",
    # outcomes
    "Outcomes are recorded for a batch sent to finance; batch %(number)s is “%(state)s”.": "只能为已报送财务的批次登记拨付结果，批次%(number)s为“%(state)s”。",
    "Give the outcome of at least one line.": "请至少登记一条明细的拨付结果。",
    "Lines %(ids)s are not in batch %(number)s.": "明细%(ids)s不在批次%(number)s中。",
    "The outcome was already recorded for %(lines)s.": "以下明细已登记拨付结果：%(lines)s。",
    "Give the reason why the payment of %(line)s failed.": "请填写%(line)s拨付失败的原因。",
    "Subsidy paid: %(amount)s yuan, claim %(claim)s, batch %(batch)s": "补贴已拨付：%(amount)s元（补贴申请%(claim)s，批次%(batch)s）",
    "Subsidy payment failed: claim %(claim)s, batch %(batch)s (%(reason)s)": "补贴拨付失败：补贴申请%(claim)s，批次%(batch)s（%(reason)s）",
    "Every approved line is paid.": "审核通过的明细已全部拨付。",
    "Only a batch sent to finance is closed; batch %(number)s is “%(state)s”.": "只能关闭已报送财务的批次，批次%(number)s为“%(state)s”。",
    "%(count)s line of batch %(number)s has no outcome yet.": [
        "批次 %(number)s 有 %(count)s 条明细尚无结果。"
    ],
    # recovery
    "Only the bureau's payers record recoveries.": "只有人社部门的拨付人员可以登记追回。",
    "This line is outside your region.": "该明细不在您的管辖范围内。",
    "This recovery is outside your region.": "该追回记录不在您的管辖范围内。",
    "Choose why the amount is recovered.": "请选择追回原因。",
    "Give the reason for the recovery.": "请填写追回理由。",
    "Only a paid line is recovered; %(line)s is “%(state)s”.": "只能追回已拨付的明细，%(line)s为“%(state)s”。",
    "The recovery of this line is already open or done.": "该明细已有追回记录。",
    "Certificate %(number)s revoked: %(reason)s": "证书%(number)s已撤销：%(reason)s",
    "Subsidy to recover: %(amount)s yuan, claim %(claim)s (%(cause)s)": "补贴待追回：%(amount)s元（补贴申请%(claim)s，%(cause)s）",
    "This recovery is “%(state)s”: nothing more is recorded on it.": "该追回记录为“%(state)s”，不能再登记。",
    "Give the amount recovered in yuan, e.g. 300.00.": "请填写追回金额（元），如 300.00。",
    "Only %(left)s yuan is left to recover.": "尚待追回的金额只有%(left)s元。",
    "Subsidy recovered: %(amount)s yuan (%(total)s of %(whole)s), claim %(claim)s": "补贴已追回%(amount)s元（累计%(total)s元，应追回%(whole)s元），补贴申请%(claim)s",
    "Give the reason for writing the recovery off.": "请填写核销理由。",
    "Subsidy recovery written off: %(left)s yuan, claim %(claim)s (%(note)s)": "补贴追回已核销：%(left)s元，补贴申请%(claim)s（%(note)s）",
    "Subsidy line refused, claim %(claim)s: %(reason)s": "补贴明细不予发放，申领%(claim)s：%(reason)s",
    "No approved line is left to pay.": "已无待拨付的核定明细。",
    "Give the reason for withdrawing the batch.": "请填写撤销批次的理由。",
    "Only a batch not yet sent to finance is withdrawn; batch %(number)s is “%(state)s”.": "只有尚未报送财务的批次可以撤销；批次%(number)s为“%(state)s”。",
    "The batch is withdrawn.": "批次已撤销。",
    "Withdraw the batch": "撤销批次",
}
