"""发展党员 pages: the list (stage, step, due and overdue filters, search, Excel export), the applicant with the
step timeline, documents and history, the record-next-step forms, reveal, 终止发展 and document downloads.

Views only parse input, call one action from recruitment.actions and render. Every queryset starts from
`Applicant.objects.visible_to(user, ...)`; single records come through `get_for_user` (404 for missing and
forbidden alike). Personal data is masked unless revealed through the audited action.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.core import audit, documents
from dangjian.core.exports import xlsx_response
from dangjian.core.forms import apply_action_errors, submit_action
from dangjian.core.history import edit_history
from dangjian.core.lists import refuses_long_search
from dangjian.core.otp import otp_links, reveal_page
from dangjian.core.pagination import paginate
from dangjian.core.pickers import parse_id, parse_query
from dangjian.core.scoping import get_for_user, require_some_subtree, scope_for
from dangjian.members.pii import HISTORY_HIDDEN
from dangjian.orgs.pickers import use_filter_picker
from dangjian.recruitment import actions, pickers, probation, rules
from dangjian.recruitment.documents import FORMS, form_context
from dangjian.recruitment.filters import ApplicantFilter
from dangjian.recruitment.forms import ApplicantForm, DocumentForm, RevealForm, StepForm, StopForm
from dangjian.recruitment.models import Applicant, ApplicantStatus, StepDocument
from dangjian.recruitment.steps import STEPS, Stage, allowed_next
from dangjian.recruitment.training import training_hours

# The action's upload field is the scans input on the pages.
_FIELD_ON_FORM = {"file": "scans"}


def _applicants(user: Any, action: str = "view") -> Any:
    return Applicant.objects.visible_to(user, action).select_related("org")


def _filter(request: HttpRequest) -> ApplicantFilter:
    f = ApplicantFilter(request.GET, queryset=_applicants(request.user), user=request.user)
    use_filter_picker(f.form.fields["org"], request.user)
    return f


def _get(request: HttpRequest, pk: int, action: str = "view") -> Applicant:
    return get_for_user(Applicant.objects.select_related("org", "member"), request.user, action, pk=pk)


def _due_state(applicant: Applicant, today: Any, soon_until: Any) -> str:
    if applicant.due_on is None:
        return ""
    if applicant.due_on < today:
        return "overdue"
    return "due" if applicant.due_on <= soon_until else ""


@login_required
@require_GET
@refuses_long_search
def applicant_list(request: HttpRequest) -> HttpResponse:
    """发展党员: who is at which step, what is due and what is overdue, over the user's subtree."""
    require_some_subtree(request.user)
    applicant_filter = _filter(request)
    queryset = applicant_filter.qs if applicant_filter.form.is_valid() else applicant_filter.queryset.none()
    page = paginate(request, queryset.defer("id_card_cipher", "phone_cipher"))
    today = timezone.localdate()
    limits = rules.load(today)
    soon_until = today + dt.timedelta(days=limits.due_soon_days)
    # Only a probation under way can have been extended; no query when the page holds none.
    in_probation = [a.pk for a in page if a.status == ApplicantStatus.PROBATION]
    extensions = probation.extensions_of(in_probation, limits) if in_probation else {}
    rows = [(a, _due_state(a, today, soon_until), extensions.get(a.pk)) for a in page]
    scope = scope_for(request.user)
    return render(request, "recruitment/list.html", {
        "filter": applicant_filter, "page": page, "rows": rows, "can_change": bool(scope.change_roots),
        "filters_active": any(v for k, v in request.GET.items() if k != "page"),
        "stages": Stage.choices,
    })


_EXPORT_HEADER = [
    "姓名", "性别", "出生日期", "身份证号", "手机号", "学历", "工作单位", "职务", "所在党支部", "所处阶段", "已完成步骤",
    "下一步", "办理期限", "期限依据", "状态",
]


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """The filtered list as .xlsx, personal data masked; audited with its row count and filters."""
    require_some_subtree(request.user)
    applicant_filter = _filter(request)
    if not applicant_filter.form.is_valid():
        messages.error(request, "筛选条件有误，请修改后再导出")
        return redirect(f"{reverse('recruitment:list')}?{request.GET.urlencode()}")
    count = 0

    def rows() -> Any:
        nonlocal count
        for a in applicant_filter.qs.defer("id_card_cipher", "phone_cipher").iterator(chunk_size=2000):
            count += 1
            yield [
                a.name, a.get_sex_display(), a.birth_date, a.id_card_masked, a.phone_masked,
                a.get_education_display(), a.work_unit, a.post, a.org.name, a.get_stage_display(),
                f"{a.step}. {a.step_label}", f"{a.next_step}. {a.next_step_label}" if a.next_step else "",
                a.due_on, a.due_rule, a.get_status_display(),
            ]

    today = timezone.localdate()
    response = xlsx_response(f"发展党员{today:%Y%m%d}.xlsx", "发展党员", _EXPORT_HEADER, rows())
    filters = {k: str(v) for k, v in applicant_filter.form.cleaned_data.items() if v not in (None, "") and k != "q"}
    audit.record("recruitment.export", actor=request.user, changes={"rows": count, "filters": filters})
    return response



@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One applicant: the person (masked), the timeline of the 25 steps with their documents and notes, what is
    next and by when, the edit history, and the actions the user's scope allows."""
    applicant = _get(request, pk)
    steps = list(
        applicant.steps.order_by("id").select_related("meeting", "vote", "recorded_by")
        .prefetch_related("people", Prefetch("documents", queryset=StepDocument.objects.order_by("id")))
    )
    done = {s.number for s in steps}
    scope = scope_for(request.user)
    may_change = scope.covers(applicant.org.path, "change")
    may_reveal = actions.can_reveal(applicant, request.user)
    if applicant.is_open:
        allowed = allowed_next([(s.number, s.outcome) for s in steps])
    else:  # 转正 or cancelled: only the archive may follow; stopped: nothing
        allowed = [applicant.next_step] if applicant.next_step else []
    today = timezone.localdate()
    limits = rules.load(today)
    trained = training_hours(applicant)
    return render(request, "recruitment/detail.html", {
        "applicant": applicant,
        "steps": steps,
        "plan": [(stage, label, [(n, s, n in done) for n, s in STEPS.items() if s.stage == stage])
                 for stage, label in Stage.choices],
        "allowed": [(n, STEPS[n].label) for n in allowed] if may_change else [],
        "due_state": _due_state(applicant, today, today + dt.timedelta(days=limits.due_soon_days)),
        "trained": trained,
        "history": edit_history(applicant, hidden=HISTORY_HIDDEN),
        "can_change": may_change,
        "can_edit": may_change and applicant.status == "in_progress",
        "can_stop": may_change and applicant.status == "in_progress",
        "can_reveal": may_reveal,
        "reveal_form": RevealForm() if may_reveal else None,
        "reveal_needs_otp": may_reveal and actions.member_actions.reveal_needs_otp(request.user),
        "document_form": DocumentForm(steps=steps) if may_change and steps else None,
        "stop_form": StopForm() if may_change else None,
        "forms": [(name, f.title) for name, f in FORMS.items() if applicant.step >= f.after],
        **(otp_links(request) if may_reveal else {}),
    })


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """递交入党申请书: register an applicant in a 党支部 the user may change."""
    require_some_subtree(request.user, "change")
    if request.method == "POST":
        form = ApplicantForm(request.POST, request.FILES, user=request.user)
    else:
        form = ApplicantForm(user=request.user, initial={
            "org": request.GET.get("org") or None, "ethnicity": "汉族", "applied_on": timezone.localdate(),
        })
    done = submit_action(
        request, form,
        lambda data: actions.create_applicant(actor=request.user, data=form.action_data(),
                                              uploads=data.get("scans") or []),
        message=lambda applicant: f"已登记入党申请人 {applicant.name}",
        then=lambda applicant: redirect("recruitment:detail", pk=applicant.pk), rename=_FIELD_ON_FORM,
    )
    return done or render(request, "recruitment/form.html", {"form": form, "applicant": None, "title": "登记入党申请人"})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    applicant = _get(request, pk, "change")
    if request.method == "POST":
        form = ApplicantForm(request.POST, user=request.user, applicant=applicant)
    else:
        form = ApplicantForm(initial=ApplicantForm.initial_for(applicant), user=request.user, applicant=applicant)
    done = submit_action(
        request, form, lambda _: actions.update_applicant(applicant, actor=request.user, data=form.action_data()),
        message="申请人信息已保存", then=lambda _: redirect("recruitment:detail", pk=applicant.pk), rename=_FIELD_ON_FORM,
    )
    return done or render(request, "recruitment/form.html", {
        "form": form, "applicant": applicant, "title": f"修改申请人信息 {applicant.name}",
    })


@login_required
@require_http_methods(["GET", "POST"])
def record_step(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Record step `number` (one of the steps allowed next) with its fields and documents."""
    applicant = _get(request, pk, "change")
    if number not in STEPS:
        raise Http404("没有这个步骤")
    kwargs: dict[str, Any] = {"number": number, "applicant": applicant, "user": request.user}
    if request.method == "POST":
        form = StepForm(request.POST, request.FILES, **kwargs)
        if form.is_valid():
            try:
                step = actions.record_step(
                    applicant, actor=request.user, number=number, data=form.action_data(),
                    uploads=form.cleaned_data.get("scans") or [],
                )
            except ValidationError as exc:
                apply_action_errors(form, exc, _FIELD_ON_FORM)
            else:
                messages.success(request, f"已记录“{step.number}. {step.label}”")
                for flag in step.flags:
                    messages.warning(request, flag)
                return redirect("recruitment:detail", pk=applicant.pk)
    else:
        form = StepForm(initial={"date": timezone.localdate()}, **kwargs)
    return render(request, "recruitment/step_form.html", {
        "form": form, "applicant": applicant, "number": number, "step": STEPS[number],
    })


@login_required
@require_POST
def add_document(request: HttpRequest, pk: int) -> HttpResponse:
    applicant = _get(request, pk, "change")
    steps = list(applicant.steps.order_by("id"))
    form = DocumentForm(request.POST, request.FILES, steps=steps)
    if form.is_valid():
        step = next(s for s in steps if s.pk == form.cleaned_data["step"])
        try:
            for upload in form.cleaned_data["scans"]:
                actions.add_document(step, actor=request.user, upload=upload, title=form.cleaned_data["title"])
        except ValidationError as exc:
            for msgs in exc.message_dict.values():
                for msg in msgs:
                    messages.error(request, msg)
        else:
            messages.success(request, "材料已上传")
    else:
        for field_errors in form.errors.values():
            for error in field_errors:
                messages.error(request, str(error))
    return redirect("recruitment:detail", pk=applicant.pk)


@login_required
@require_POST
def stop(request: HttpRequest, pk: int) -> HttpResponse:
    applicant = _get(request, pk, "change")
    form = StopForm(request.POST)
    if form.is_valid():
        try:
            actions.stop_applicant(applicant, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
        else:
            messages.success(request, f"已终止发展 {applicant.name}")
    else:
        messages.error(request, "请填写终止发展的原因")
    return redirect("recruitment:detail", pk=applicant.pk)


@login_required
@require_http_methods(["GET", "POST"])
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a full 身份证号 or 手机号 once, to a user with the reveal right, for a stated reason (audited)."""
    applicant = _get(request, pk, "reveal")
    needs_otp = actions.member_actions.reveal_needs_otp(request.user)
    form = RevealForm(request.POST or None, initial={"field": request.GET.get("field", "id_card")})
    return reveal_page(
        request, form, needs_otp=needs_otp,
        reveal=lambda field, reason: actions.reveal(applicant, actor=request.user, field=field, reason=reason),
        labels=actions.REVEALABLE, result=("recruitment/reveal_result.html", {"applicant": applicant}),
        page={"applicant": applicant, "person_name": applicant.name, "list_url": reverse("recruitment:list"),
              "list_label": "发展党员", "detail_url": reverse("recruitment:detail", args=[applicant.pk])},
        rename=_FIELD_ON_FORM,
    )


@login_required
@require_GET
def document(request: HttpRequest, pk: int, doc_pk: int) -> FileResponse:
    """A step's scan, to users who may read the applicant; served privately as an attachment."""
    applicant = _get(request, pk)
    doc = get_for_user(StepDocument.objects.select_related("step"), request.user, "view", pk=doc_pk,
                       step__applicant_id=applicant.pk)
    response = FileResponse(doc.file.open("rb"), as_attachment=True, filename=doc.original_name,
                            content_type=doc.content_type)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def word_form(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """A step's form (备案表, 公示, 审查表 …) as Word, from the recorded steps and the template in use; audited."""
    applicant = _get(request, pk)
    form = FORMS.get(name)
    if form is None or applicant.step < form.after:
        raise Http404("未找到该文书")
    data = documents.render(form.key, form_context(applicant))
    audit.record("recruitment.form", actor=request.user, obj=applicant, org=applicant.org, changes={"form": form.title})
    return documents.docx_response(data, f"{form.title}-{applicant.name}.docx")


@login_required
@require_GET
def pick(request: HttpRequest) -> HttpResponse:
    """Up to 20 入党积极分子/发展对象 the user manages for the trainee picker, as JSON: `q` by name, pinyin or
    initials, `within` an org id (its subtree). A search text over the limit is a 400 with the reason."""
    try:
        text = parse_query(request.GET.get("q"))
    except ValidationError as exc:
        return JsonResponse({"error": exc.messages[0]}, status=400)
    return JsonResponse(pickers.search(request.user, text, within=parse_id(request.GET.get("within"))))


urlpatterns = [
    path("", applicant_list, name="list"),
    path("pick/", pick, name="pick"),
    path("new/", create, name="create"),
    path("export/", export, name="export"),
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/edit/", edit, name="edit"),
    path("<int:pk>/step/<int:number>/", record_step, name="step"),
    path("<int:pk>/documents/", add_document, name="add_document"),
    path("<int:pk>/documents/<int:doc_pk>/", document, name="document"),
    path("<int:pk>/stop/", stop, name="stop"),
    path("<int:pk>/reveal/", reveal, name="reveal"),
    path("<int:pk>/forms/<slug:name>/", word_form, name="form"),
]
