"""Reading and writing a member's encrypted 身份证号 and phone. The only code that touches the ciphertext."""

from __future__ import annotations

from dangjian.core.crypto import provider
from dangjian.lib import idcard
from dangjian.lib.masking import mask_id_card, mask_phone
from dangjian.members.models import ID_CARD_AAD, PHONE_AAD, Member


def id_card_index(number: str) -> str:
    return provider().blind_index(idcard.normalize(number), "id_card")


def set_id_card(member: Member, number: str) -> None:
    number = idcard.normalize(number)
    member.id_card_cipher = provider().encrypt(number, ID_CARD_AAD)
    member.id_card_index = id_card_index(number)
    member.id_card_masked = mask_id_card(number)


def set_phone(member: Member, phone: str) -> None:
    phone = phone.strip()
    member.phone_cipher = provider().encrypt(phone, PHONE_AAD) if phone else ""
    member.phone_masked = mask_phone(phone) if phone else ""


def read_id_card(member: Member) -> str:
    return provider().decrypt(member.id_card_cipher, ID_CARD_AAD)


def read_phone(member: Member) -> str:
    return provider().decrypt(member.phone_cipher, PHONE_AAD) if member.phone_cipher else ""
