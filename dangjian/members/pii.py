"""Reading and writing an encrypted 身份证号 and phone. The only code that touches the ciphertext.

Used for 党员 (Member) and for anyone else the system records with these two fields the same way — the
入党申请人 of dangjian.recruitment: `<field>_cipher` (SM4-GCM), `id_card_index` (blind index, one key for all
tables, so an applicant can be matched against the roll) and `<field>_masked`. The additional authenticated
data names the table and field ("members.member.id_card"), so a ciphertext copied into another row type or
field does not decrypt.
"""

from __future__ import annotations

from typing import Any

from dangjian.core.crypto import provider
from dangjian.lib import idcard
from dangjian.lib.masking import mask_id_card, mask_phone

# The person fields a 修改记录 (党员, 入党申请人) never names: the blind index, timestamps, the name's pinyin keys.
HISTORY_HIDDEN = ("id_card_index", "created_at", "updated_at", "name_pinyin", "name_initials")


def _aad(obj: Any, field: str) -> str:
    """"members.member.id_card" for a Member (ID_CARD_AAD), "recruitment.applicant.phone" for an applicant."""
    return f"{obj._meta.label_lower}.{field}"


def id_card_index(number: str) -> str:
    return provider().blind_index(idcard.normalize(number), "id_card")


def set_id_card(obj: Any, number: str, *, index: str | None = None) -> None:
    """Encrypt, index and mask a 身份证号 onto `obj`; `index`: its blind index, when the caller already has it
    (the importer computes it to find duplicates, and need not compute it twice)."""
    number = idcard.normalize(number)
    obj.id_card_cipher = provider().encrypt(number, _aad(obj, "id_card"))
    obj.id_card_index = index or id_card_index(number)
    obj.id_card_masked = mask_id_card(number)


def set_phone(obj: Any, phone: str) -> None:
    phone = phone.strip()
    obj.phone_cipher = provider().encrypt(phone, _aad(obj, "phone")) if phone else ""
    obj.phone_masked = mask_phone(phone) if phone else ""


def read_id_card(obj: Any) -> str:
    return provider().decrypt(obj.id_card_cipher, _aad(obj, "id_card"))


def read_phone(obj: Any) -> str:
    return provider().decrypt(obj.phone_cipher, _aad(obj, "phone")) if obj.phone_cipher else ""
