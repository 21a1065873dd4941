"""Demo project declarations for next year's budget, in every state of the review, so the
budget pages, the review queues and the status tabs have something real to show."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.base import ContentFile

from jixiao.budget import services
from jixiao.budget.models import Conclusion, Project
from jixiao.orgs.models import Organization

D = Decimal

# (unit, code suffix, name, function class, annual amount 万元, goal, indicators)
# indicators: (group, name, nature, target, unit, full)
PROJECTS = [
    (
        "青山县第一中学",
        "01",
        "智慧校园建设",
        "20502",
        D("680"),
        "完成全校48间教室智慧化改造，建成校园数据中心。",
        [
            ("数量指标", "改造智慧教室", "gte", "48", "间", "30"),
            ("质量指标", "设备验收合格率", "eq", "100", "%", "10"),
            ("成本指标", "每间教室改造成本", "lte", "12", "万元", "10"),
            ("社会效益指标", "信息化教学课时占比", "gte", "60", "%", "30"),
            ("服务对象满意度指标", "师生满意度", "gte", "90", "%", "10"),
        ],
    ),
    (
        "青山县实验小学",
        "01",
        "课后延时服务补助",
        "20502",
        D("260"),
        "为全校2600名学生提供课后延时服务。",
        [
            ("数量指标", "参加课后服务学生", "gte", "2600", "人", "30"),
            ("时效指标", "补助按学期及时发放", "eq", "100", "%", "10"),
            ("成本指标", "生均补助标准", "lte", "1000", "元", "10"),
            ("社会效益指标", "家长接送困难缓解率", "gte", "85", "%", "30"),
            ("服务对象满意度指标", "家长满意度", "gte", "90", "%", "10"),
        ],
    ),
    (
        "青山县人民医院",
        "01",
        "县域医共体信息平台",
        "21002",
        D("900"),
        "建成县乡村一体化医共体信息平台，实现检查结果互认。",
        [
            ("数量指标", "接入乡镇卫生院", "gte", "12", "家", "30"),
            ("质量指标", "系统可用率", "gte", "99.5", "%", "10"),
            ("时效指标", "项目完工时间", "lte", "10", "月", "10"),
            ("社会效益指标", "检查结果互认率", "gte", "80", "%", "30"),
            ("服务对象满意度指标", "患者满意度", "gte", "90", "%", "10"),
        ],
    ),
    (
        "青山县疾病预防控制中心",
        "01",
        "重点人群免费体检",
        "21004",
        D("320"),
        "为65岁以上老年人提供免费健康体检4.2万人次。",
        [
            ("数量指标", "体检人次", "gte", "42000", "人次", "30"),
            ("质量指标", "体检报告反馈率", "gte", "98", "%", "10"),
            ("成本指标", "人均体检费用", "lte", "75", "元", "10"),
            ("社会效益指标", "慢性病早期发现人数", "gte", "1500", "人", "30"),
            ("服务对象满意度指标", "体检对象满意度", "gte", "90", "%", "10"),
        ],
    ),
    (
        "青山县农业技术推广中心",
        "01",
        "高标准农田建设",
        "21301",
        D("1500"),
        "新建高标准农田2万亩，亩均粮食产能提高100斤。",
        [
            ("数量指标", "新建高标准农田面积", "gte", "20000", "亩", "30"),
            ("质量指标", "工程验收合格率", "eq", "100", "%", "10"),
            ("成本指标", "亩均投资", "lte", "750", "元", "10"),
            ("经济效益指标", "亩均粮食产能提高", "gte", "100", "斤", "30"),
            ("服务对象满意度指标", "受益农户满意度", "gte", "90", "%", "10"),
        ],
    ),
    (
        "青山县水利工程建设管理站",
        "01",
        "农村饮水安全巩固提升",
        "21303",
        D("1200"),
        "新建改造供水工程24处，巩固提升3.6万农村人口饮水安全。",
        [
            ("数量指标", "新建改造供水工程", "gte", "24", "处", "30"),
            ("质量指标", "工程验收合格率", "eq", "100", "%", "10"),
            ("成本指标", "单处工程平均造价", "lte", "50", "万元", "10"),
            ("社会效益指标", "农村自来水普及率", "gte", "92", "%", "30"),
            ("服务对象满意度指标", "受益群众满意度", "gte", "90", "%", "10"),
        ],
    ),
    (
        "青山县公路事业发展中心",
        "01",
        "农村公路提档升级",
        "21401",
        D("2100"),
        "完成农村公路提档升级85公里。",
        [
            ("数量指标", "提档升级里程", "gte", "85", "公里", "30"),
            ("质量指标", "交工验收合格率", "eq", "100", "%", "10"),
            ("成本指标", "每公里造价", "lte", "24", "万元", "10"),
            ("社会效益指标", "行政村通双车道比例", "gte", "70", "%", "30"),
            ("服务对象满意度指标", "沿线群众满意度", "gte", "90", "%", "10"),
        ],
    ),
    (
        "青山县社会福利院",
        "01",
        "特困人员集中供养",
        "20810",
        D("380"),
        "保障集中供养特困人员210人基本生活和照料服务。",
        [
            ("数量指标", "集中供养人数", "gte", "210", "人", "30"),
            ("质量指标", "护理服务达标率", "gte", "95", "%", "10"),
            ("成本指标", "人均年供养成本", "lte", "1.8", "万元", "10"),
            ("社会效益指标", "特困人员应养尽养率", "eq", "100", "%", "30"),
            ("服务对象满意度指标", "供养对象满意度", "gte", "92", "%", "10"),
        ],
    ),
    (
        "青山县环境监测站",
        "01",
        "空气质量自动监测站运维",
        "21103",
        D("150"),
        "保障6个空气质量自动监测站全年稳定运行。",
        [
            ("数量指标", "运维监测站", "eq", "6", "个", "30"),
            ("质量指标", "数据有效率", "gte", "90", "%", "10"),
            ("时效指标", "故障响应时间", "lte", "24", "小时", "10"),
            ("生态效益指标", "环境空气质量优良天数比率", "gte", "85", "%", "30"),
            ("服务对象满意度指标", "公众满意度", "gte", "85", "%", "10"),
        ],
    ),
    (
        "青山县图书馆",
        "01",
        "全民阅读推广",
        "20701",
        D("80"),
        "全年举办阅读推广活动120场，新增图书3万册。",
        [
            ("数量指标", "阅读推广活动", "gte", "120", "场", "30"),
            ("数量指标", "新增馆藏图书", "gte", "30000", "册", "10"),
            ("成本指标", "单场活动成本", "lte", "3000", "元", "10"),
            ("社会效益指标", "年接待读者", "gte", "150000", "人次", "30"),
            ("服务对象满意度指标", "读者满意度", "gte", "90", "%", "10"),
        ],
    ),
]

# Department overall expenditure (部门整体支出): unit, total and basic expenditure (万元).
DEPARTMENTS = [
    ("青山县第一中学", D("4200"), D("3520")),
    ("青山县人民医院", D("9800"), D("8900")),
]
DEPARTMENT_TARGETS = [
    ("数量指标", "重点工作任务完成数", "gte", "12", "项", "30"),
    ("质量指标", "重点工作任务完成质量达标率", "gte", "95", "%", "10"),
    ("成本指标", "“三公”经费变动率", "lte", "0", "%", "10"),
    ("社会效益指标", "公共服务覆盖人数", "gte", "30000", "人", "30"),
    ("服务对象满意度指标", "服务对象满意度", "gte", "90", "%", "10"),
]

# What happens to each project after it is filled in, in order.
FATES = [
    "approved",
    "approved",
    "finance",
    "department",
    "returned",
    "department",
    "draft",
    "approved",
    "finance",
    "draft",
]


def build(fiscal_year: int) -> int:
    units = {o.name: o for o in Organization.objects.filter(name__in=[p[0] for p in PROJECTS])}
    for (unit_name, suffix, name, function, amount, goal, rows), fate in zip(
        PROJECTS, FATES, strict=True
    ):
        unit = units[unit_name]
        project = services.project_create(
            actor=None,
            unit=unit,
            fiscal_year=fiscal_year,
            code=f"{unit.code}-{fiscal_year}-{suffix}",
            name=name,
            function_code=function,
            start_year=fiscal_year,
            end_year=fiscal_year,
            annual_total=amount,
            annual_fiscal=amount,
            annual_goal=goal,
            manager="",
            manager_phone="",
        )
        _fill(project, rows)
        if services.ex_ante_required(project):
            _ex_ante(project)
        _advance(project, fate)
    for unit_name, total, basic in DEPARTMENTS:
        unit = Organization.objects.get(name=unit_name)
        declaration = services.department_declaration_create(
            actor=None,
            unit=unit,
            fiscal_year=fiscal_year,
            annual_total=total,
            annual_fiscal=total,
            basic_expenditure=basic,
            project_expenditure=total - basic,
            annual_goal="保障单位正常运转，全面完成年度重点工作任务，提升公共服务水平。",
        )
        _fill(declaration, DEPARTMENT_TARGETS)
    return len(PROJECTS) + len(DEPARTMENTS)


def _fill(project: Project, rows: list[tuple[str, str, str, str, str, str]]) -> None:
    groups = {g.name: g for g in project.annual_tree.indicators.filter(level=2)}
    for group, name, nature, target, unit, full in rows:
        services.target_indicator_add(
            actor=None,
            project=project,
            parent=groups[group],
            name=name,
            kind="quantitative",
            direction=nature,
            rule=nature,
            target_value=D(target),
            unit=unit,
            full_score=D(full),
            basis="plan",
        )


def _ex_ante(project: Project) -> None:
    assessment = services.ex_ante_start(actor=None, project=project)
    values = {c.pk: {"level": "achieved", "score": D(17)} for c in assessment.tree.indicators.all()}
    services.ex_ante_assess(
        actor=None,
        assessment=assessment,
        values=values,
        conclusion=Conclusion.SUPPORT,
        opinion="立项必要，投入经济，方案可行。",
    )
    services.ex_ante_attach_report(
        actor=None,
        assessment=assessment,
        report=ContentFile("事前绩效评估报告（演示）".encode(), name="事前绩效评估报告.txt"),
    )


def _advance(project: Project, fate: str) -> None:
    if fate == "draft":
        return
    services.target_submit(actor=None, project=project)
    if fate == "department":
        return
    if fate == "returned":
        first = project.annual_tree.indicators.filter(level=3).order_by("position", "id").first()
        services.target_return(
            actor=None,
            project=project,
            comment="请细化产出指标并说明依据。",
            item_comments=[(f"indicator:{first.pk}", "指标值偏低，请与上年对比")],
        )
        return
    services.target_approve(actor=None, project=project, comment="同意")
    if fate == "finance":
        return
    amount = (project.annual_total * D("0.95")).quantize(D("0.01"))
    services.target_approve(actor=None, project=project, comment="同意", approved_amount=amount)
    # The bureau keeps the approved indicators of its projects in the library.
    for indicator in project.annual_tree.indicators.filter(level=3):
        services.target_indicator_promote(
            actor=None, project=project, indicator=indicator, keywords=project.name
        )
