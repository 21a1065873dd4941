"""The REST API (X-3): one django-ninja instance under ``/api/``, its OpenAPI document at
``/api/openapi.json`` and offline interactive docs at ``/api/docs``.

Callers authenticate with a bearer token (other systems) or the web session (our pages); every
error answers JSON with a Chinese ``detail``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from jixiao.api import appraisal as appraisal_routes
from jixiao.api import budget as budget_routes
from jixiao.api import errors
from jixiao.api import evaluation as evaluation_routes
from jixiao.api import government as government_routes
from jixiao.api import monitoring as monitoring_routes
from jixiao.api import orgs as orgs_routes
from jixiao.api import surveys as survey_routes
from jixiao.api import tokens as token_routes
from jixiao.api.auth import session_auth, token_auth
from jixiao.api.docs import OfflineSwagger
from jixiao.orgs.errors import DomainError, PermissionDeniedError

DESCRIPTION = """绩效管理平台的数据接口，供预算管理一体化系统等外部系统对接。

**认证**：在请求头中提供 `Authorization: Bearer <令牌>`。令牌由系统管理员签发
（命令 `jixiao token create 用户名 --name 用途`），只显示一次；令牌以其所属人员的角色和
管辖范围访问数据。已登录的网页也可直接调用（登录会话，修改类请求需带 CSRF 令牌）。

**范围**：列表只含调用者可见的数据；范围之外的对象与不存在的对象一样答复 404。

**错误**：JSON，`detail` 为中文说明。
"""

api = NinjaAPI(
    title="绩效管理平台接口",
    version="1",
    description=DESCRIPTION,
    auth=[token_auth, session_auth],
    docs=OfflineSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    urls_namespace="api",
)
api.add_router("", orgs_routes.router)
api.add_router("", token_routes.router)
api.add_router("", budget_routes.router)
api.add_router("", monitoring_routes.router)
api.add_router("", appraisal_routes.router)
api.add_router("", survey_routes.router)
api.add_router("", government_routes.router)
api.add_router("", evaluation_routes.router)


def _error(request: HttpRequest, status: int, detail: str, **extra: object) -> HttpResponse:
    response = api.create_response(request, {"detail": detail, **extra}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="jixiao"'
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, errors.ApiError):
        detail = exc.message
    else:  # raised by ninja itself, in English
        detail = errors.STATUS_MESSAGES.get(exc.status_code, errors.REQUEST_FAILED)
    return _error(request, exc.status_code, detail)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, errors.NOT_FOUND)


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return _error(request, 422, errors.INVALID_REQUEST, errors=exc.errors)


@api.exception_handler(PermissionDeniedError)
def _forbidden(request: HttpRequest, exc: PermissionDeniedError) -> HttpResponse:
    return _error(request, 403, exc.message)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, 400, exc.message)


@api.exception_handler(DjangoValidationError)
def _model_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return _error(request, 400, "；".join(exc.messages))
