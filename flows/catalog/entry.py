"""Texts of the form-file ``entry:`` block (form.entry.*) and of choosing a form to start (start.*)."""

MESSAGES: dict[str, str] = {
    "form.entry.not_mapping": "entry：应是一个映射（属性 kind、start、menu、audience、export），例如 start: true、menu: 走访登记。",
    "form.entry.unknown": "entry：不认识的属性 “{key}”。可用：{allowed}。",
    "form.entry.kind": "entry.kind：只能是 {allowed} 之一，而不是 “{value}”。",
    "form.entry.start": "entry.start：应是 true 或 false，而不是 “{value}”。",
    "form.entry.audience": "entry.audience：应是角色列表（{allowed}），例如 [worker, surveyor]，而不是 “{value}”。",
    "form.entry.export": "entry.export：应是导出列表（{allowed}），例如 [ledger]，而不是 “{value}”。",
    "form.entry.start_needs": "entry：start: true 的表单还要写 menu（按钮上的名称）和 audience（谁可以开始）。",
    "form.entry.followup_start": "entry：kind: followup 的表单从档案户开始（/followup），不能写 start: true。",
    "form.entry.twice": "表单 {forms} 都写了 entry.kind: {kind}；每种只能有一个表单。",
    "form.entry.missing": "没有写 entry.kind: {kind} 的表单。",
    "form.entry.stored_key": "写 entry.kind: {kind} 的表单的 form 应是 “{key}”（已存的记录用这个名字），而不是 “{value}”。",
    "form.entry.not_exported": "表 “{key}” 不能导出为 {fmt}。可导出的表：{keys}。",
    "start.export_kind": "{form} {fmt}",
    "start.choose": "请选择要填写的表：",
    "start.stale": "这个表已不能开始，请重新发送 /new。",
    "start.terminal_choose": "请输入要填写的表的编号：",
    "start.terminal_item": "{n}. {menu}",
    "start.terminal_unknown": "没有这个表：{key}。可选：{keys}。",
}
