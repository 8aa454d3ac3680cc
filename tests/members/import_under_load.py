"""Run as a program by test_import_load.py: a member import on a real SQLite file while 20 threads keep writing.

Usage: python -m tests.members.import_under_load ROWS WRITERS (DATABASE_URL names a fresh SQLite file, migrated
here). Each writer thread records a meeting of its branch and its attendance through orglife.actions, again and
again, until the import has committed; the import runs through members.imports in the parent process. Prints one JSON
line: rows imported, each writer's completed writes and the slowest, every error (type and message) from any thread.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import multiprocessing
import os
import random
import sys
import time
from typing import Any

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉萍文斌春梅海波鹏辉"


def people_file(branches: list[str], rows: int, rng: random.Random) -> bytes:
    """An import file of `rows` valid people spread over the named 党支部 (also used by bench/imports.py).

    The 身份证号 carry a region code drawn from `rng`, so a second file from another seed is new to the database.
    """
    from openpyxl import Workbook

    from dangjian.lib import idcard
    from dangjian.members import imports

    region = str(rng.randint(110101, 659999))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(imports.DATA_SHEET)
    ws.append(imports.LABELS)
    for i in range(rows):
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=i % 10_000)
        male = i % 2 == 0
        name = SURNAMES[rng.randrange(len(SURNAMES))] + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
        ws.append([
            branches[i % len(branches)], "", name, "男" if male else "女", "汉族", birth,
            idcard.make(region, birth, (i // 10_000) * 2 + int(male) + 100), f"139{rng.randrange(10**8):08d}",
            "大学本科", "党政机关工作人员", "办公厅", "科员", "在职", "正式党员", "2000-07-01", dt.date(2001, 7, 1), "",
        ])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def main(rows: int, writers: int) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings_test")
    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections
    from django.utils import timezone

    from dangjian.members import imports
    from dangjian.members.models import Member
    from dangjian.orglife import actions as orglife
    from dangjian.orglife.choices import MeetingKind
    from tests.world import build_world

    assert connection.vendor == "sqlite" and "memory" not in str(connection.settings_dict["NAME"])
    call_command("migrate", verbosity=0)
    world = build_world()
    branches = [world.a1, world.a2, world.b]

    sheet = imports.read_sheet(people_file([o.name for o in branches], rows, random.Random(rows)))
    before = Member.objects.count()

    # Writers are processes, as the server's workers are: threads of one process would also wait for each
    # other's turn at the GIL while holding the database's write lock.
    context = multiprocessing.get_context("fork")
    finished = context.Event()
    ready = context.Barrier(writers + 1)
    results = context.Queue()
    admin_id = world.admin.pk
    org_ids = [o.pk for o in branches]
    connections.close_all()  # each process opens its own connection

    def writer(n: int) -> None:
        from dangjian.accounts.models import User
        from dangjian.orgs.models import Organization

        done, slowest, error = 0, 0.0, ""
        try:
            admin = User.objects.get(pk=admin_id)
            org = Organization.objects.get(pk=org_ids[n % 3])
            ready.wait()
            while not finished.is_set() or done == 0:
                t0 = time.perf_counter()
                meeting = orglife.record_meeting(actor=admin, org=org, data={
                    "kinds": [MeetingKind.BRANCH_ASSEMBLY], "place": f"会议室{n}",
                    "starts_at": timezone.now() - dt.timedelta(days=1),
                })
                expected = orglife.expected_members(org, meeting.held_on, orglife.meeting_kinds(meeting))
                orglife.set_attendance(meeting, actor=admin,
                                       entries=[{"member": m.pk, "status": "present"} for m in expected])
                done += 1
                slowest = max(slowest, time.perf_counter() - t0)
        except Exception as exc:  # every failure is the finding
            error = f"writer {n}: {type(exc).__name__}: {exc}"
        finally:
            connections.close_all()
            results.put((n, done, slowest, error))

    processes = [context.Process(target=writer, args=(n,)) for n in range(writers)]
    for p in processes:
        p.start()
    imported, errors = 0, []
    try:
        ready.wait()
        imported = imports.import_members(actor=world.admin, sheet=sheet, file_name="load.xlsx")
    except Exception as exc:
        errors.append(f"import: {type(exc).__name__}: {exc}")
    finally:
        finished.set()
    outcome = sorted(results.get(timeout=180) for _ in processes)
    for p in processes:
        p.join(timeout=30)
    errors += [error for *_, error in outcome if error]
    return {"imported": imported, "members": Member.objects.count() - before,
            "writes": [done for _, done, _, _ in outcome], "errors": errors,
            "slowest_write_s": round(max(slowest for _, _, slowest, _ in outcome), 2)}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), int(sys.argv[2])), ensure_ascii=False))
