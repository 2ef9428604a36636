"""The change form's HTML written in Python (register.admin_html) is byte for byte Django's."""

import re
from datetime import datetime

import pytest
from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin import widgets as admin_widgets
from django.forms.renderers import DjangoTemplates
from django.template import engines
from django.urls import reverse
from django.utils import timezone, translation

from customers.admin.customers import CustomerAdmin
from customers.models import Customer
from register import admin_html
from register.admin_html import RENDERER, TEMPLATE_SHA256, WRITERS, PythonFormRenderer, fieldset_html
from tests.factories import make_consent, make_customer, make_order, make_return

pytestmark = pytest.mark.django_db

HOSTILE = "Ö <script>alert(\"x\")</script> & 'quoted'"


class EveryWidgetForm(forms.Form):
    text = forms.CharField(max_length=20, help_text="help")
    optional = forms.CharField(required=False, widget=admin_widgets.AdminTextInputWidget)
    email = forms.EmailField(widget=admin_widgets.AdminEmailInputWidget)
    homepage = forms.URLField(required=False, assume_scheme="https", widget=admin_widgets.AdminURLFieldWidget)
    number = forms.IntegerField(required=False)
    secret = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    token = forms.CharField(required=False, widget=forms.HiddenInput)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"class": "vDateField", "size": 10}))
    clock = forms.TimeField(required=False, widget=forms.TimeInput)
    when = forms.SplitDateTimeField(required=False, widget=admin_widgets.AdminSplitDateTime)
    choice = forms.ChoiceField(choices=[("", "---------"), ("a", "A <&>"), ("b", HOSTILE)], required=False)
    grouped = forms.ChoiceField(
        required=False, choices=[("Nordic", [("fi", "Finland"), ("se", "Sweden")]), ("x", "Other")]
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    flag = forms.BooleanField(required=False)
    locked = forms.CharField(required=False, disabled=True, widget=forms.TextInput(attrs={"autofocus": True}))
    hidden_when = forms.SplitDateTimeField(required=False, widget=forms.SplitHiddenDateTimeWidget)
    parts = forms.SplitDateTimeField(
        required=False, widget=forms.SplitDateTimeWidget(attrs={"data-x": HOSTILE})
    )


VALUES = [
    {},
    {
        "text": HOSTILE,
        "optional": "",
        "email": "anna@example.com",
        "homepage": "https://shop.example/?a=1&b=<2>",
        "number": 12345,
        "secret": HOSTILE,
        "token": HOSTILE,
        "day": "2026-11-30",
        "clock": "08:15",
        "when": timezone.make_aware(datetime(2026, 11, 30, 8, 15)),
        "hidden_when": timezone.make_aware(datetime(2026, 11, 30, 9, 45)),
        "parts": timezone.make_aware(datetime(2026, 12, 1, 23, 59)),
        "choice": "b",
        "grouped": "se",
        "note": f"\n{HOSTILE}\n  second line",
        "flag": True,
        "locked": HOSTILE,
    },
    {"homepage": "javascript:alert(1)", "note": "", "choice": "a"},
]


def both_renderers(form_class, **kwargs):
    return form_class(renderer=DjangoTemplates(), **kwargs), form_class(
        renderer=PythonFormRenderer(), **kwargs
    )


@pytest.mark.parametrize("language", ["en", "sv", "fi"])
@pytest.mark.parametrize("initial", VALUES)
def test_every_widget_label_and_error_list_is_djangos_html(initial, language):
    with translation.override(language):
        for auto_id in ("id_%s", False):
            django, ours = both_renderers(EveryWidgetForm, initial=initial, auto_id=auto_id)
            for name in EveryWidgetForm.base_fields:
                assert str(ours[name]) == str(django[name]), name
                assert ours[name].label_tag() == django[name].label_tag(), name
                assert ours[name].errors.as_ul() == django[name].errors.as_ul() == "", name


class HiddenOnlyForm(forms.Form):
    total = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        if self.cleaned_data.get("note") == "refuse":
            raise forms.ValidationError(HOSTILE)
        return self.cleaned_data


@pytest.mark.parametrize(
    "kwargs",
    [
        {"initial": {"total": 3, "note": HOSTILE}},
        {"data": {"total": "4", "note": HOSTILE}},
        {"data": {"total": "many"}},
        {"data": {"total": "1", "note": "refuse"}},
    ],
)
def test_a_form_of_hidden_fields_is_djangos_html(kwargs):
    """A formset's management form: hidden inputs only, written in Python while there is no error."""
    django, ours = both_renderers(HiddenOnlyForm, **kwargs)
    assert str(ours) == str(django)
    assert str(ours.non_field_errors()) == str(django.non_field_errors())
    assert str(ours).count("<input") == 2


def test_a_form_with_visible_fields_renders_through_djangos_template():
    django, ours = both_renderers(EveryWidgetForm, initial=VALUES[1])
    assert str(ours) == str(django)


def test_error_lists_with_errors_render_through_djangos_template():
    data = {"text": "x" * 30, "email": "not an address", "number": "many", "when_0": "yesterday"}
    django, ours = both_renderers(EveryWidgetForm, data=data)
    assert not ours.is_valid()
    for name in EveryWidgetForm.base_fields:
        assert ours[name].errors.as_ul() == django[name].errors.as_ul(), name
        assert str(ours[name]) == str(django[name]), name
    assert '<ul class="errorlist"' in ours["email"].errors.as_ul()


def test_every_template_written_in_python_is_the_one_it_was_written_from():
    # A new Django may change its templates: this fails until the writers are checked against them
    # (until then the renderer uses the templates themselves).
    renderer = PythonFormRenderer()
    assert all(renderer._writes(name) for name in WRITERS)
    assert admin_html.fieldset_template_unchanged()


def test_a_changed_template_is_rendered_by_the_template(monkeypatch):
    monkeypatch.setitem(TEMPLATE_SHA256, "django/forms/widgets/input.html", "0" * 64)
    renderer = PythonFormRenderer()
    calls = []
    monkeypatch.setattr(DjangoTemplates, "render", lambda self, *args, **kw: calls.append(args) or "<input>")
    form = EveryWidgetForm(renderer=renderer)
    assert str(form["text"]) == "<input>" and calls


def fieldset_form_class():
    class CustomerFieldsetForm(forms.ModelForm):
        homepage = forms.URLField(
            required=False, assume_scheme="https", widget=admin_widgets.AdminURLFieldWidget
        )
        flag = forms.BooleanField(required=False, help_text="Tick it")
        token = forms.CharField(required=False, widget=forms.HiddenInput)

        class Meta:
            model = Customer
            fields = ["first_name", "last_name", "email", "language", "homepage", "last_activity_at"]
            widgets = {
                "last_activity_at": admin_widgets.AdminSplitDateTime,
            }
            field_classes = {"last_activity_at": forms.SplitDateTimeField}

    return CustomerFieldsetForm


FIELDSETS = [
    (None, {"fields": ("first_name", "last_name")}),
    (
        "Contact <&>",
        {
            "fields": (("email", "language"), ("created_at", "consents"), "homepage", "token"),
            "classes": ("collapse", "wide"),
            "description": "<b>Described</b>",
        },
    ),
    ("Flags", {"fields": ("flag", ("flag", "first_name"), "last_activity_at", "created_at")}),
]


@pytest.mark.parametrize("bound", [False, True])
def test_fieldsets_are_djangos_html(rf, dpo, bound):
    customer = make_customer(homepage="https://shop.example/a?b=<c>")
    make_consent(customer=customer)
    model_admin = CustomerAdmin(Customer, admin.site)
    request = rf.get("/")
    request.user = dpo
    data = {"first_name": HOSTILE, "email": "broken", "language": "xx"} if bound else None
    django_form = fieldset_form_class()(data=data, instance=customer)
    ours_form = fieldset_form_class()(data=data, instance=customer, renderer=RENDERER)
    template = engines["django"].get_template("admin/includes/fieldset.html")
    rendered = {}
    for form, ours in ((django_form, False), (ours_form, True)):
        form.is_valid()
        adminform = helpers.AdminForm(
            form, FIELDSETS, {}, readonly_fields=("created_at", "consents"), model_admin=model_admin
        )
        html = []
        for n, fieldset in enumerate(adminform):
            if ours:
                html.append(fieldset_html(fieldset, 2, "fieldset", 0, n))
            else:
                context = {"fieldset": fieldset, "heading_level": 2, "prefix": "fieldset", "id_prefix": 0}
                html.append(template.render({**context, "id_suffix": n}, request))
        rendered[ours] = html
    assert rendered[True] == rendered[False]
    assert ("errorlist" in "".join(rendered[False])) == bound


def without_tokens(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'nonce="[^"]+"', "", html)


@pytest.mark.parametrize("who", ["dpo_client", "service_client"])
def test_the_customer_change_page_is_the_html_djangos_templates_give(request, who, monkeypatch):
    client = request.getfixturevalue(who)
    customer = make_customer(identity_number="010203-123A", bank_account="FI21 1234 5600 0007 85")
    make_return(make_order(customer=customer))
    make_consent(customer=customer)
    customer.restrict(reason=HOSTILE)
    url = reverse("admin:customers_customer_change", args=[customer.pk])
    ours = client.get(url).content.decode()
    render_as_django(monkeypatch)
    django = client.get(url).content.decode()
    assert without_tokens(ours) == without_tokens(django)
    assert 'name="first_name"' in ours and "consent" in ours


def test_the_stacked_inline_template_is_djangos_but_for_its_fieldsets():
    """Ours is Django's ``admin/edit_inline/stacked.html`` with the fieldset include as a Python tag: a
    Django release that changes the template fails here, not on a page."""
    engine = engines["django"]
    django = engine.get_template("admin/edit_inline/stacked.html").template.source
    ours = engine.get_template(admin_html.STACKED_INLINE_TEMPLATE).template.source
    include = (
        '{% include "admin/includes/fieldset.html" with heading_level=4 prefix=fieldset.formset.prefix '
        "id_prefix=parent_counter id_suffix=forloop.counter0 %}"
    )
    expected = django.replace("{% load i18n admin_urls %}", "{% load i18n admin_urls staff_admin %}", 1)
    expected = expected.replace(include, "{% inline_fieldset fieldset parent_counter forloop.counter0 %}")
    assert expected != django
    assert ours == expected


def test_the_tabular_inline_template_is_djangos_but_for_its_cells():
    """Ours is Django's ``admin/edit_inline/tabular.html`` with the loop writing a row's cells as a Python
    tag."""
    engine = engines["django"]
    django = engine.get_template("admin/edit_inline/tabular.html").template.source
    ours = engine.get_template(admin_html.TABULAR_INLINE_TEMPLATE).template.source
    loop = django[django.index("        {% for fieldset in inline_admin_form %}") :]
    loop = loop[: loop.index('        <td class="delete">')]
    assert "{{ field.contents }}" in loop and "{{ field.field }}" in loop
    expected = django.replace(
        "{% load i18n admin_urls static admin_modify %}",
        "{% load i18n admin_urls static admin_modify staff_admin %}",
        1,
    )
    expected = expected.replace(loop, "        {% inline_tabular_cells inline_admin_form %}\n")
    assert ours == expected


def test_every_inline_of_the_project_writes_its_html_in_python():
    """Each inline of every admin uses the Python-written stacked or tabular template."""
    inlines = [inline for model_admin in admin.site._registry.values() for inline in model_admin.inlines]
    assert len(inlines) >= 8
    for inline in inlines:
        python_written = (admin_html.STACKED_INLINE_TEMPLATE, admin_html.TABULAR_INLINE_TEMPLATE)
        assert inline.template in python_written, inline


def _form_part(page: str) -> str:
    """The register page's fieldsets and inlines: from the first fieldset to the buttons."""
    start = page.index('<fieldset class="module aligned')
    return without_tokens(page[start : page.index('<div class="submit-row"', start)])


def render_as_django(monkeypatch) -> None:
    """Make the project's admins render their forms as Django does: its form renderer, its fieldset and
    inline templates."""
    from register.admin_base import StackedInline, StrictAdminMixin, TabularInline

    def get_form(self, request, obj=None, change=False, **kwargs):
        return super(StrictAdminMixin, self).get_form(request, obj, change=change, **kwargs)

    def get_formsets_with_inlines(self, request, obj=None):
        return super(StrictAdminMixin, self).get_formsets_with_inlines(request, obj)

    monkeypatch.setattr(StrictAdminMixin, "get_form", get_form)
    monkeypatch.setattr(StrictAdminMixin, "get_formsets_with_inlines", get_formsets_with_inlines)
    monkeypatch.setattr(StackedInline, "template", "admin/edit_inline/stacked.html")
    monkeypatch.setattr("register.admin_base.python_written", lambda formfield: formfield)
    monkeypatch.setattr(TabularInline, "template", "admin/edit_inline/tabular.html")


def test_every_admins_add_and_change_pages_are_the_html_djangos_templates_give(dpo_client, monkeypatch):
    """Each page an admin of the project has, for a new object and for one of each model, written in
    Python as every admin's forms are and then through Django's renderer and templates: the same."""
    from register.models import OutboxMessage
    from requests.models import Request
    from tests.factories import make_complete_register, make_invoice, make_payment, make_request

    make_complete_register()
    order = make_order(customer=make_customer(homepage="https://shop.example/?a=<1>", first_name=HOSTILE))
    make_payment(make_invoice(order))
    make_return(order)
    make_consent(customer=order.customer)
    make_request(kind=Request.Kind.ERASURE)
    OutboxMessage.objects.count()  # the model is registered; its rows come with mail
    urls = []
    for model in admin.site._registry:
        meta = model._meta
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk]))

    def page(url):
        response = dpo_client.get(url)
        # A new object's time defaults to now, shown to the second or the minute: the clock moves on
        # between the two renderings.
        html = re.sub(r"\d{1,2}[:.]\d\d([:.]\d\d)?( [ap]\.m\.)?", "", response.content.decode())
        return response.status_code, without_tokens(html)

    shown = {url: html for url, (status, html) in ((url, page(url)) for url in urls) if status == 200}
    render_as_django(monkeypatch)
    for url, html in shown.items():
        assert html == page(url)[1], url
    # Pages of every kind were compared: a list of customers, a register part, a request.
    assert len(shown) > 40
    assert any("/customers/customer/" in url and "/change/" in url for url in shown)
    assert any("/requests/request/" in url and "/change/" in url for url in shown)


@pytest.mark.parametrize("bound", [False, True])
def test_the_register_change_page_is_the_html_djangos_templates_give(dpo_client, monkeypatch, bound):
    from register.models import Cookie, Recipient
    from tests.factories import make_complete_register

    register = make_complete_register(intro_sv=HOSTILE, staff_note=HOSTILE)
    Recipient.objects.create(
        register=register, kind="processor", country="SE", webhook_url="https://shop.example/hook?a=<1>"
    )
    Cookie.objects.create(register=register, name="sessionid", category="necessary", purpose_sv=HOSTILE)
    url = reverse("admin:register_register_change", args=[register.pk])

    def form_part() -> str:
        if not bound:
            return _form_part(dpo_client.get(url).content.decode())
        # A post with an error: every form bound, error lists shown.
        page = dpo_client.get(url).content.decode()
        data = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
        data.update({"name_sv": "", "country": "XX", "intro_sv": HOSTILE})
        response = dpo_client.post(url, data)
        assert response.status_code == 200
        return _form_part(response.content.decode())

    ours = form_part()
    render_as_django(monkeypatch)
    django = form_part()
    assert ours == django
    # The inlines are in it (a controller's name, on the page as saved), and the hostile text only escaped.
    assert ('value="Testbutik Oy"' in ours) != bound
    assert "&lt;script&gt;" in ours and "<script>alert" not in ours
    assert ("errorlist" in ours) == bound


def test_every_widget_of_a_change_page_is_written_by_the_projects_renderer(dpo_client, monkeypatch):
    """The order's page: its controller select inside Django's related-widget wrapper (which renders the
    select with the default renderer), its inlines' management forms, its hidden date and time."""
    from tests.factories import make_invoice, make_order_line

    order = make_order()
    make_order_line(order)
    make_invoice(order)
    rendered = []
    render = DjangoTemplates.render

    def recording(self, template_name, context, request=None):
        rendered.append((type(self), template_name))
        return render(self, template_name, context, request)

    monkeypatch.setattr(DjangoTemplates, "render", recording)
    page = dpo_client.get(reverse("admin:customers_order_change", args=[order.pk])).content.decode()
    assert 'name="controller"' in page and 'class="related-widget-wrapper"' in page
    assert not [name for kind, name in rendered if kind is not PythonFormRenderer]
    assert not {"django/forms/widgets/select.html", "django/forms/div.html"} & {name for _, name in rendered}


def test_a_related_select_lists_its_choices_as_djangos_iterator_does(rf, dpo):
    """The same choices, read with a plain query instead of ``.iterator()`` (a server-side cursor on
    PostgreSQL)."""
    from django.forms.models import ModelChoiceIterator

    from customers.models import Order
    from register.admin_html import ListedChoiceIterator
    from tests.factories import make_complete_register

    make_complete_register()
    request = rf.get("/")
    request.user = dpo
    order_admin = admin.site._registry[Order]
    field = order_admin.get_form(request)().fields["controller"]
    assert field.iterator is ListedChoiceIterator
    ours = [(str(value), label) for value, label in field.choices]
    django = [(str(value), label) for value, label in ModelChoiceIterator(field)]
    assert ours == django and len(ours) >= 2


@pytest.mark.parametrize("site", ["project", "empty"])
def test_a_raw_id_input_is_djangos_html(site):
    """The id's input, the lookup link (none where the related model has no admin) and the related
    object's name, escaped."""
    from customers.models import Order

    customer = make_customer(customer_number="<K&'1\">")
    admin_site = admin.site if site == "project" else admin.AdminSite(name="empty")
    widget = admin_widgets.ForeignKeyRawIdWidget(Order._meta.get_field("customer").remote_field, admin_site)
    for value in (customer.pk, None, ""):
        django = widget.render("customer", value, {"id": "id_customer"}, renderer=DjangoTemplates())
        ours = widget.render("customer", value, {"id": "id_customer"}, renderer=PythonFormRenderer())
        assert ours == django, value
    shown = widget.render("customer", customer.pk, renderer=PythonFormRenderer())
    assert "&lt;K&amp;&#x27;1&quot;&gt;" in shown and "<K" not in shown
    assert ("related-lookup" in shown) == (site == "project")
