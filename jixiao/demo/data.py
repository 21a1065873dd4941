"""The demo county: a finance bureau with its departments and units, a company and a
township. Names are invented; the structure is that of a real Chinese county."""

from __future__ import annotations

COUNTY = "青山县"
BUREAU = ("青山县财政局", "101")

# Supervising department → its budget units; a unit may list subordinate units.
DEPARTMENTS: list[tuple[str, str, list[tuple[str, list[str]]]]] = [
    (
        "青山县教育局",
        "201",
        [
            ("青山县教育局机关", ["青山县教师发展中心", "青山县学生资助管理中心"]),
            ("青山县第一中学", []),
            ("青山县第二中学", []),
            ("青山县实验小学", []),
            ("青山县城关中心幼儿园", []),
            ("青山县职业技术学校", []),
        ],
    ),
    (
        "青山县卫生健康局",
        "202",
        [
            ("青山县卫生健康局机关", []),
            ("青山县人民医院", ["青山县人民医院石桥分院"]),
            ("青山县中医院", []),
            ("青山县妇幼保健院", []),
            ("青山县疾病预防控制中心", []),
        ],
    ),
    (
        "青山县农业农村局",
        "203",
        [
            ("青山县农业农村局机关", []),
            ("青山县农业技术推广中心", ["青山县石桥镇农技站"]),
            ("青山县动物疫病预防控制中心", []),
            ("青山县农村经营管理站", []),
            ("青山县农机服务中心", []),
        ],
    ),
    (
        "青山县水利局",
        "204",
        [
            ("青山县水利局机关", []),
            ("青山县水利工程建设管理站", []),
            ("青山县水土保持站", []),
            ("青山县防汛抗旱服务中心", []),
            ("青山县白龙水库管理所", []),
        ],
    ),
    (
        "青山县交通运输局",
        "205",
        [
            ("青山县交通运输局机关", []),
            ("青山县公路事业发展中心", ["青山县公路养护站"]),
            ("青山县交通运输综合行政执法大队", []),
            ("青山县农村公路管理所", []),
        ],
    ),
    (
        "青山县民政局",
        "206",
        [
            ("青山县民政局机关", []),
            ("青山县社会福利院", ["青山县光荣院"]),
            ("青山县殡仪馆", []),
            ("青山县救助管理站", []),
            ("青山县婚姻登记处", []),
        ],
    ),
    (
        "青山县生态环境分局",
        "207",
        [
            ("青山县生态环境分局机关", []),
            ("青山县环境监测站", []),
            ("青山县生态环境保护综合行政执法大队", []),
        ],
    ),
    (
        "青山县文化和旅游局",
        "208",
        [
            ("青山县文化和旅游局机关", []),
            ("青山县图书馆", ["青山县图书馆石桥分馆"]),
            ("青山县文化馆", []),
            ("青山县博物馆", []),
            ("青山县旅游服务中心", []),
        ],
    ),
    (
        "青山县人力资源和社会保障局",
        "209",
        [
            ("青山县人力资源和社会保障局机关", []),
            ("青山县就业服务中心", []),
            ("青山县社会保险事业中心", []),
        ],
    ),
    (
        "青山县住房和城乡建设局",
        "210",
        [
            ("青山县住房和城乡建设局机关", []),
            ("青山县城市管理综合执法大队", []),
            ("青山县住房保障服务中心", []),
        ],
    ),
]

COMPANY = ("青山县城市建设投资集团有限公司", "301")
# Department → (teams, headcount of the department itself, teams share the rest below).
COMPANY_DEPARTMENTS: list[tuple[str, list[str], int]] = [
    ("综合办公室", [], 8),
    ("人力资源部", [], 6),
    ("财务部", [], 8),
    ("工程管理部", ["第一项目组", "第二项目组"], 8),
    ("投资发展部", [], 7),
    ("安全质量部", [], 7),
]
TEAM_HEADCOUNT = 8

TOWNSHIP = ("青山县石桥镇人民政府", "401")
TOWNSHIP_OFFICES = [
    "党政综合办公室",
    "经济发展办公室",
    "社会事务办公室",
    "综合行政执法队",
    "财政所",
    "农业农村服务中心",
    "便民服务中心",
]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰红梅建华建国志强海燕晓"
    "东文博思远雨欣子涵浩然一鸣佳怡婷婷俊杰嘉豪梓萱宇航欣怡"
)

DEMO_PASSWORD = "Jixiao@2026"  # noqa: S105 (published demo accounts, see README)

# username, full name, role, the organisation (by name) the account belongs to and is scoped to.
# The three administrators are scoped to every root of the tree.
DEMO_ACCOUNTS: list[tuple[str, str, str, str]] = [
    ("sysadmin", "系统管理员", "system_admin", "*"),
    ("secadmin", "安全管理员", "security_admin", "*"),
    ("auditadmin", "审计管理员", "audit_admin", "*"),
    ("finance", "周文博", "finance_reviewer", "青山县财政局"),
    ("leader", "郑建国", "leader", "青山县财政局"),
    ("evaluator", "林思远", "evaluator", "青山县财政局"),
    ("edu_reviewer", "何海燕", "department_reviewer", "青山县教育局"),
    ("unit_operator", "陈晓东", "unit_operator", "青山县第一中学"),
    ("hospital_operator", "黄婷婷", "unit_operator", "青山县人民医院"),
    ("hr", "孙佳怡", "hr_officer", "青山县城市建设投资集团有限公司"),
    ("dept_head", "马志强", "department_head", "工程管理部"),
    ("employee", "吴嘉豪", "employee", "工程管理部"),
    ("town_leader", "许建华", "leader", "青山县石桥镇人民政府"),
    ("town_office", "梁雨欣", "unit_operator", "党政综合办公室"),
]
