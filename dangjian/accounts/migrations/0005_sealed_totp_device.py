"""TOTP secrets sealed at rest (SEC-17): existing clear hex keys are encrypted in place (accounts.otp_device),
and any backup code still stored in clear is replaced by its keyed digest (accounts.backup_codes)."""

from django.db import migrations


def seal_keys(apps, schema_editor):
    from dangjian.accounts import backup_codes
    from dangjian.accounts.otp_device import is_sealed, seal

    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    for device in TOTPDevice.objects.all().only("pk", "user_id", "key").iterator():
        if not is_sealed(device.key):
            TOTPDevice.objects.filter(pk=device.pk).update(key=seal(device.user_id, device.key))
    StaticToken = apps.get_model("otp_static", "StaticToken")
    for token in StaticToken.objects.select_related("device").only("pk", "token", "device__user_id").iterator():
        # A digest is 16 hex digits; anything else that reads as a code was stored in clear.
        if backup_codes.looks_like_code(token.token):
            digest = backup_codes.digest(token.device.user_id, token.token)
            StaticToken.objects.filter(pk=token.pk).update(token=digest)


def open_keys(apps, schema_editor):
    from dangjian.accounts.otp_device import is_sealed, unseal_to_hex

    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    for device in TOTPDevice.objects.all().only("pk", "user_id", "key").iterator():
        if is_sealed(device.key):
            TOTPDevice.objects.filter(pk=device.pk).update(key=unseal_to_hex(device.user_id, device.key))


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_user_elder_mode"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [
        migrations.CreateModel(
            name="SealedTOTPDevice",
            fields=[],
            options={
                "verbose_name": "动态口令设备",
                "verbose_name_plural": "动态口令设备",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("otp_totp.totpdevice",),
        ),
        migrations.RunPython(seal_keys, open_keys),
    ]
