"""Texts of files and contacts sent at the right time (media.*) and of the family edited as a unit (family.*)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # --- media: photos, documents, contacts and what the bot cannot read -------------
    "media.file_added": "已收到第 {n} {counter}{item}：{name}",
    "media.file_not_now": "现在不需要发送文件。到“附件”一步时再发送照片或文件即可；请先回答当前问题。",
    "media.unreadable": "贴纸、语音、位置、视频等我无法识别，请用文字或按钮回答下面的问题。",
    "media.contact_not_now": "现在不需要分享联系人。到“手机号码”一题时可以点“分享我的手机号”。",
    "media.contact_button": "📱 分享我的手机号",
    "media.contact_not_own": "只能分享您本人的手机号。请点“分享我的手机号”，或直接输入手机号，如 13912345678。",
    "media.contact_of": "已按分享的联系人“{name}”记录手机号。",
    "media.contact_hint": "也可以点下方“分享我的手机号”。",
    "media.album_added": "已收到这组照片 {n} 张，都已存为附件（第 {first}–{last} 个）",
    "media.contact_done": "📱 手机号码已记下。",  # carries the removal of the share button (a reply keyboard)
    # --- family: the members from the final review ------------------------------------
    "family.button": "👪 家庭成员（{n} 位）",
    "family.menu": "家庭主要成员（不含职工本人），共 {n} 位：\n{names}\n点姓名可查看、修改或删除这位成员；也可添加一位成员。",
    "family.menu_empty": "还没有登记家庭成员（不含职工本人）。",
    "family.add": "➕ 添加一位成员",
    "family.remove": "➖ 删除这位成员",
    "family.back": "« 回到核对",
    "family.member": "第 {n} 位家庭成员：{name}\n{lines}\n点要修改的项目。",
    "family.member_edit": "改{label}",
    "family.remove_confirm": "确定删除第 {n} 位家庭成员“{name}”（{relation}）吗？删除后家庭人口和家庭年度总收入需要重新核对。",
    "family.id_offer_both": "按身份证号：{values}。都对请点 ✔ 一并确认；不对请选择或输入正确的。",
    "family.remove_yes": "确定删除",
    "family.remove_no": "不删除",
    "family.unnamed": "（未填姓名）",
    "family.added": "已添加第 {n} 位家庭成员，请依次填写。",
    "family.hint": "请点一位成员的姓名（或输入序号，如 1），或点“添加一位成员”“回到核对”。",
    "family.member_hint": "请点要修改的项目，或点“删除这位成员”“返回成员列表”。",
    "family.to_list": "« 返回成员列表",
}
