"""Texts of reading an ID card (or 户口簿 page) photo (ocr.*): the offer at the question, what was read, what was not."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "ocr.hint": "也可以直接拍身份证正面（或户口簿上本人那一页）发过来，我来识别，您逐项确认。",
    "ocr.hint_terminal": "也可以输入身份证正面（或户口簿本人页）照片的文件路径，我来识别，您逐项确认。",
    "ocr.reading": "正在识别证件，请稍候……（照片只在本机处理，不会发往外部）",
    "ocr.read": "已从{doc}读出：{fields}。接下来每项都会请您确认，点“✔”或回复“对”，不对请直接输入正确内容。",
    "ocr.nothing": "没有从照片中读出证件信息。请在光线充足处把身份证正面或户口簿本人页拍清楚再发一次，或直接输入。",
    "ocr.number_unsure": "身份证号没有读准（校验位不对），没有采用，请直接输入身份证号。",
    "ocr.conflict.birth_date": "证件上的出生日期与身份证号不一致，以身份证号为准。",
    "ocr.conflict.sex": "证件上的性别与身份证号不一致，以身份证号为准。",
    "ocr.not_here": "现在不需要证件照片。请在填写姓名或身份证号时再发。",
    "ocr.unavailable": "本机暂时无法识别证件照片，请直接输入。",
    "ocr.keep_photo": "要把这张{doc}照片保存为本档案的附件（类型：{doc}）吗？不保存的话，照片识别后即删除。",
    "ocr.keep_yes": "保存为附件（{doc}）",
    "ocr.keep_no": "不保存",
    "ocr.doc.id_card": "身份证",  # also the 附件类型 a kept photo gets (a choice of the form)
    "ocr.doc.hukou": "户口簿",
    "ocr.photo_name.id_card": "身份证正面{name}",
    "ocr.photo_name.hukou": "户口簿本人页{name}",
    "ocr.photo_kept": "{doc}照片已保存为第 {n} 个附件（{doc}）。",
    "ocr.photo_dropped": "{doc}照片没有保存，已删除。",
    "ocr.unreadable": "这张图片打不开。请发一张身份证正面或户口簿本人页的照片（JPG 或 PNG），或直接输入。",
}
