"""Functional classification of expenditure (支出功能分类, 类/款) used to file projects by
sector. The codes are those of the national classification of government revenue and
expenditure (政府收支分类科目); a deployment can extend the list."""

from __future__ import annotations

# 类 (class) → name
CLASSES: dict[str, str] = {
    "201": "一般公共服务支出",
    "204": "公共安全支出",
    "205": "教育支出",
    "206": "科学技术支出",
    "207": "文化旅游体育与传媒支出",
    "208": "社会保障和就业支出",
    "210": "卫生健康支出",
    "211": "节能环保支出",
    "212": "城乡社区支出",
    "213": "农林水支出",
    "214": "交通运输支出",
    "221": "住房保障支出",
}

# 款 (section) → name, for the sectors the demo county uses
SECTIONS: dict[str, str] = {
    "20502": "普通教育",
    "20503": "职业教育",
    "20701": "文化和旅游",
    "20802": "民政管理事务",
    "20810": "社会福利",
    "20820": "临时救助",
    "21002": "公立医院",
    "21004": "公共卫生",
    "21103": "污染防治",
    "21104": "自然生态保护",
    "21201": "城乡社区管理事务",
    "21301": "农业农村",
    "21303": "水利",
    "21401": "公路水路运输",
    "22101": "保障性安居工程支出",
}


def label(code: str) -> str:
    """ "20502" → "205 教育支出 / 20502 普通教育"."""
    cls = code[:3]
    parts = [f"{cls} {CLASSES.get(cls, '')}".strip()]
    if len(code) > 3:
        parts.append(f"{code} {SECTIONS.get(code, '')}".strip())
    return " / ".join(parts)


def choices() -> list[tuple[str, str]]:
    codes = sorted(set(CLASSES) | set(SECTIONS))
    return [(code, label(code)) for code in codes]
