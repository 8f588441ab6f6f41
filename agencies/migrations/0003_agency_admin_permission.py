from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0002_invitations"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="agency",
            options={
                "ordering": ["name"],
                "permissions": [
                    ("book_dropins", "Can book ISVA drop-in sessions"),
                    ("host_dropins", "Can host ISVA drop-in sessions"),
                    ("coordinate_cases", "Can coordinate scrutiny cases"),
                    ("sit_on_panels", "Can sit on scrutiny panels"),
                    ("view_governance", "Can view governance dashboards"),
                    ("manage_accounts", "Can manage agencies and accounts"),
                    ("manage_own_agency", "Can manage the accounts of their own agency"),
                ],
                "verbose_name_plural": "agencies",
            },
        ),
    ]
