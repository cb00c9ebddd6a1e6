"""Input errors in the request's language (issue 14): English unless `Accept-Language` prefers Chinese (zh, zh-CN,
zh;q=0.9 over en;q=0.8 …), then the `error` and every field message of the `detail` in Chinese. The error codes,
statuses and the `{error, detail}` shape stay the same; only the wording changes (and `Content-Language` says which).

One table, `ZH`: each message as the code raises it (a pattern over the English text, its variable parts named)
-> its Chinese wording. A message the table does not know stays in English: nothing is lost.
"""
from __future__ import annotations

import re
from typing import Any

_V = r"(?P<v>.+)"
ZH: list[tuple[str, str]] = [
    # the JSON form, field by field (server/submission/jsonform.py)
    (rf"must be a number, got {_V}", "必须是数字，收到 {v}"),
    (rf"must not be negative, got {_V}", "不得为负数，收到 {v}"),
    (rf"is a share, a decimal in 0\.\.1 \(30% = 0\.3\), got {_V}", "是比例，取 0 到 1 之间的小数（30% 写作 0.3），收到 {v}"),
    (rf"must be an integer, got {_V}", "必须是整数，收到 {v}"),
    (rf"must be true or false, got {_V}", "必须是 true 或 false，收到 {v}"),
    (rf"must be a string, got {_V}", "必须是字符串，收到 {v}"),
    (rf"must be a date YYYY-MM-DD, got {_V}", "必须是日期（YYYY-MM-DD），收到 {v}"),
    (rf"is not a valid date: {_V}", "不是有效日期：{v}"),
    (rf"must be one of (?P<a>.+), got {_V}", "必须是以下之一：{a}；收到 {v}"),
    (rf"unknown type {_V} \(known: (?P<k>.+)\)", "未知的申报类型 {v}（可选：{k}）"),
    (r"must be a string \(known: (?P<k>.+)\)", "必须是一个类型名（字符串）（可选：{k}）"),
    (rf"unknown measure {_V}", "未知的支持措施 {v}"),
    (rf"unknown (?P<s>[\w-]+) {_V} \(known: (?P<k>.*)\)", "未知的 {s} 取值 {v}（可选：{k}）"),
    (r"must be a list of slugs", "必须是标识（slug）的列表"),
    (r"must be a list of objects", "必须是对象的列表"),
    (r"must be an object", "必须是对象"),
    (r"expected an object", "应为对象"),
    (r"unknown field \(known: (?P<k>.+)\)", "未知字段（可用字段：{k}）"),
    (r"unknown field for (?P<t>\w+)", "{t} 没有此字段"),
    (r"is required: a non-empty string, unique within the submission", "为必填项：非空字符串，在本次申报中唯一"),
    (r"is required", "为必填项"),
    (r"needs a measure \(slug or IRI\) or a source \(text\)", "需要给出支持措施（标识或 IRI）或资金来源（文字）"),
    (rf"a submission is a JSON object \(or a list of objects\), got {_V}", "申报材料应为 JSON 对象（或对象列表），收到 {v}"),
    (r"a submission is a JSON object \(or a list of objects\)", "申报材料应为 JSON 对象（或对象列表）"),
    (r"no submission in the data: give a node of a submission type \((?P<k>.+)\)",
     "数据中没有申报材料：请给出一个申报类型的节点（{k}）"),
    (r"a batch is a JSON list of submissions", "批量申报应为申报材料的 JSON 列表"),
    # the bytes and the syntax (server/submission/raw.py, parse.py, server/errors.py)
    (r"malformed (?P<f>[\w-]+) at line (?P<l>\d+), column (?P<c>\d+): (?P<m>.+)", "{f} 格式错误（第 {l} 行第 {c} 列）：{m}"),
    (r"malformed (?P<f>[\w-]+): (?P<m>.+)", "{f} 格式错误：{m}"),
    (r"empty body", "请求体为空"),
    (r"the body contains NUL bytes", "请求体含有 NUL 字节"),
    (r"DOCTYPE and ENTITY declarations are refused \(entity expansion\)", "不接受 DOCTYPE 和 ENTITY 声明（实体扩展）"),
    (r"key (?P<k>.+) appears twice in one JSON object; give each key once", "键 {k} 在同一 JSON 对象中出现两次；每个键只能给一次"),
    (r"a JSON number is too long: (?P<m>.+)", "JSON 数字过长：{m}"),
    (r"body of (?P<n>\d+) bytes exceeds the limit of (?P<l>\d+)", "请求体 {n} 字节，超过上限 {l} 字节"),
    (r"body exceeds the limit of (?P<l>\d+) bytes", "请求体超过上限 {l} 字节"),
    (r"request body over (?P<l>\d+) bytes", "请求体超过 {l} 字节"),
    (r"more than (?P<n>\d+) triples: the limit per submission", "超过 {n} 个三元组（每份申报的上限）"),
    (r"(?P<n>\d+) blank nodes exceed the limit of (?P<l>\d+) per submission", "{n} 个空白节点，超过每份申报 {l} 个的上限"),
    (r"(?P<n>\d+) submissions exceed the batch limit of (?P<l>\d+)", "{n} 份申报，超过批量上限 {l} 份"),
    (r"unsupported content type (?P<t>.+)", "不支持的内容类型 {t}"),
    (r"unsupported charset (?P<c>.+): send UTF-8", "不支持的字符集 {c}：请使用 UTF-8"),
    (r"only the policykg @context is accepted", "只接受 policykg 自己的 @context"),
    # parameters
    (r"engine must be compiled, fast or pyshacl", "engine 必须是 compiled、fast 或 pyshacl"),
    (rf"(?P<f>\w+) must be a date YYYY-MM-DD, got {_V}", "{f} 必须是日期（YYYY-MM-DD），收到 {v}"),
    (r"asOf must be a date YYYY-MM-DD", "asOf 必须是日期（YYYY-MM-DD）"),
    (r"not an id", "不是有效的标识"),
    (r"invalid request", "请求无效"),
    (r"Field required", "必填字段"),
    (r"String should have at most (?P<n>\d+) characters?", "字符串最多 {n} 个字符"),
    # registry writes (server/api/registry.py)
    (r"amount must be a positive number \(万元\)", "amount 必须是正数（万元）"),
    (r"date must be YYYY-MM-DD", "date 必须是日期（YYYY-MM-DD）"),
    (r"an award is a JSON object \{project, measure, amount, date\}", "资金记录应为 JSON 对象 {project, measure, amount, date}"),
    (r"Idempotency-Key must be 1 to 200 characters", "Idempotency-Key 须为 1 到 200 个字符"),
    (r"Idempotency-Key already used with a different body", "该 Idempotency-Key 已用于另一个请求体"),
    # not found, access, methods
    (rf"no submission type {_V}", "没有申报类型 {v}"),
    (r"no submission (?P<v>\S+) stored by this token", "此令牌没有存储申报材料 {v}"),
    (r"no submission (?P<v>\S+)", "没有申报材料 {v}"),
    (rf"no measure {_V}", "没有支持措施 {v}"),
    (rf"no (?:registry )?query {_V}", "没有查询 {v}"),
    (rf"no document {_V}", "没有文件 {v}"),
    (rf"no clause {_V}", "没有条款 {v}"),
    (rf"no resource {_V}", "没有资源 {v}"),
    (r"Not Found", "未找到"),
    (r"Method Not Allowed", "不允许的请求方法"),
    (r"this needs a bearer token: send `Authorization: Bearer <token>`", "需要访问令牌：请发送 `Authorization: Bearer <token>`"),
    (r"this token is not valid \(unknown, revoked or mistyped\)", "令牌无效（未知、已吊销或输入有误）"),
    (r"the Authorization header must be `Bearer <token>`", "Authorization 请求头必须是 `Bearer <token>`"),
    (r"the role (?P<r>.+) may not do this", "角色 {r} 无权执行此操作"),
    (r"the role (?P<r>.+) may not read submissions", "角色 {r} 无权读取申报材料"),
]
_TABLE = [(re.compile(p, re.S), zh) for p, zh in ZH]
_FIELD = re.compile(r"(?P<field>[\w.\[\]@-]+): (?P<rest>.+)", re.S)


def error_lang(accept_language: str | None) -> str:
    """"zh" when the client's Accept-Language ranks a Chinese tag above every English one, else "en"."""
    best, best_q = "en", -1.0
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        for p in params.split(";"):
            name, _, value = p.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        tag = tag.strip().lower()
        lang = "zh" if tag.startswith("zh") else "en" if tag.startswith("en") else None
        if lang and q > 0 and q > best_q:
            best, best_q = lang, q
    return best


def message(text: str, lang: str) -> str:
    """One message in `lang` ("field: message" keeps its field name)."""
    if lang != "zh" or not isinstance(text, str):
        return text
    for pattern, zh in _TABLE:
        m = pattern.fullmatch(text)
        if m:
            return zh.format(**m.groupdict())
    m = _FIELD.fullmatch(text)
    if m:
        rest = message(m["rest"], lang)
        return f"{m['field']}：{rest}" if rest != m["rest"] else text
    return text


def _detail(detail: Any, lang: str) -> Any:
    if isinstance(detail, list):
        return [_detail(d, lang) for d in detail]
    if isinstance(detail, dict) and isinstance(detail.get("message"), str):
        return {**detail, "message": message(detail["message"], lang)}
    return detail


def localise(body: dict[str, Any], lang: str) -> dict[str, Any]:
    """An `{error, detail}` body in `lang`: the same keys, codes and fields, the words translated."""
    if lang != "zh":
        return body
    return {**body, "error": message(body.get("error", ""), lang), "detail": _detail(body.get("detail"), lang)}
