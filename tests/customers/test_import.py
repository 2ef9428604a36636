import pytest
from django.core.management import CommandError, call_command

from customers.models import ConsentEvent, Customer, Order
from tests.factories import make_customer

pytestmark = pytest.mark.django_db

GOOD = (
    "customer_number,first_name,last_name,email,phone,country,language,consent_newsletter_email\n"
    "1001,Anna,Berg,anna@example.fi,040 123 4567,FI,sv,yes\n"
    "1002,Olli,Virtanen,olli@example.fi,,FI,fi,no\n"
    "1003,Kari,Nordmann,kari@example.no,+47 912 34 567,NO,nb,\n"
)


def write(tmp_path, text: str, name="customers.csv", bom=False):
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def run(path, *args):
    call_command("import_customers", str(path), *args)


def test_imports_customers_and_consents(tmp_path):
    run(write(tmp_path, GOOD))
    assert Customer.objects.count() == 3
    anna = Customer.objects.get(customer_number="1001")
    assert anna.email_normalized == "anna@example.fi"
    assert anna.current_consents()["newsletter_email"] is True
    event = anna.consent_events.get()
    assert event.via == ConsentEvent.Via.IMPORT
    # "no" without earlier consent is no event: nothing changed.
    assert not Customer.objects.get(customer_number="1002").consent_events.exists()


def test_one_bad_row_writes_nothing_and_names_the_row(tmp_path, capsys):
    bad = GOOD + "1004,Bad,Email,not-an-email,,FI,sv,yes\n"
    with pytest.raises(CommandError, match="nothing was imported"):
        run(write(tmp_path, bad))
    assert Customer.objects.count() == 0
    assert ConsentEvent.objects.count() == 0
    err = capsys.readouterr().err
    assert "line 5" in err and "email" in err


def test_skip_invalid_imports_the_other_rows(tmp_path, capsys):
    bad = GOOD + "1004,Bad,Country,bad@example.fi,,FIN,sv,maybe\n"
    run(write(tmp_path, bad), "--skip-invalid")
    assert set(Customer.objects.values_list("customer_number", flat=True)) == {"1001", "1002", "1003"}
    assert "line 5" in capsys.readouterr().err


def test_semicolon_file_with_bom_imports(tmp_path):
    text = GOOD.replace(",", ";")
    run(write(tmp_path, text, bom=True))
    assert Customer.objects.count() == 3
    assert Customer.objects.filter(customer_number="1001", first_name="Anna").exists()


def test_reimport_is_idempotent_and_updates(tmp_path):
    path = write(tmp_path, GOOD)
    run(path)
    run(path)
    assert Customer.objects.count() == 3
    assert ConsentEvent.objects.count() == 1
    anna = Customer.objects.get(customer_number="1001")
    assert anna.history.count() == 1
    changed = GOOD.replace("Anna,Berg", "Anna,Lind").replace(
        "anna@example.fi,040 123 4567,FI,sv,yes", "anna@example.fi,040 123 4567,FI,sv,no"
    )
    run(write(tmp_path, changed, name="second.csv"))
    anna.refresh_from_db()
    assert anna.last_name == "Lind"
    assert anna.current_consents()["newsletter_email"] is False
    assert Customer.objects.count() == 3


def test_rows_without_customer_number_match_by_email(tmp_path):
    existing = make_customer(email="Maja@Example.se", first_name="Maja")
    run(write(tmp_path, "email,city\n maja@example.SE ,Umeå\n"))
    existing.refresh_from_db()
    assert existing.city == "Umeå"
    assert Customer.objects.count() == 1


def test_dry_run_writes_nothing(tmp_path, capsys):
    run(write(tmp_path, GOOD), "--dry-run")
    assert Customer.objects.count() == 0
    assert ConsentEvent.objects.count() == 0
    assert "Would import" in capsys.readouterr().out


def test_imports_orders(tmp_path):
    run(write(tmp_path, GOOD))
    orders = (
        "number;customer_number;placed_at;status;total;currency\n"
        "A-1;1001;2024-03-01 12:00;delivered;49,90;EUR\n"
        "A-2;9999;2024-03-02;paid;10;EUR\n"
    )
    with pytest.raises(CommandError):
        run(write(tmp_path, orders, name="orders.csv"), "--kind", "orders")
    assert Order.objects.count() == 0
    run(write(tmp_path, orders, name="orders.csv"), "--kind", "orders", "--skip-invalid")
    order = Order.objects.get()
    assert str(order.total) == "49.90"
    assert order.customer.customer_number == "1001"
