"""Every write to the agency register: atomic, audited."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from planwatch.core import audit
from planwatch.organisations.choices import AgencyKind
from planwatch.organisations.models import Agency, AgencyAlias, AgencyGroup
from planwatch.organisations.resolve import match_key
from planwatch.text import fold_words

REGISTER_DIR = Path(__file__).resolve().parent / "data"


class RegisterError(ValueError):
    """A register file that cannot be loaded; names the entry and the problem."""


@dataclass
class RegisterResult:
    created: int = 0
    updated: int = 0
    groups: int = 0
    aliases: int = 0


def _date(value: Any, where: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise RegisterError(f"{where}: {value!r} is not a date YYYY-MM-DD") from None


@transaction.atomic
def load_register(data: dict[str, Any], *, actor: Any = None) -> RegisterResult:
    """Create or update agencies, groups and aliases from a register file (see ``data/``).

    Entries are matched by ``code``; loading the same file twice changes nothing.
    """
    result = RegisterResult()
    kinds = set(AgencyKind.values)
    entries = data.get("agencies")
    if not isinstance(entries, list):
        raise RegisterError("agencies: must be a list")
    by_code: dict[str, Agency] = {a.code: a for a in Agency.objects.all()}
    for index, entry in enumerate(entries):
        where = f"agencies[{index}]"
        code, name = entry.get("code"), entry.get("name")
        if not code or not name:
            raise RegisterError(f"{where}: needs a code and a name")
        if entry.get("kind", "other") not in kinds:
            raise RegisterError(f"{where}.kind: unknown kind {entry.get('kind')!r}")
        fields = {
            "name": name,
            "short_name": entry.get("short_name") or "",
            "kind": entry.get("kind", "other"),
            "valid_from": _date(entry.get("valid_from"), f"{where}.valid_from"),
            "valid_to": _date(entry.get("valid_to"), f"{where}.valid_to"),
        }
        agency = by_code.get(code)
        if agency is None:
            agency = Agency.objects.create(code=code, **fields)
            by_code[code] = agency
            result.created += 1
        elif any(getattr(agency, k) != v for k, v in fields.items()):
            for key, value in fields.items():
                setattr(agency, key, value)
            agency.save()
            result.updated += 1
    for index, entry in enumerate(entries):
        parent_code = entry.get("parent")
        if parent_code:
            if parent_code not in by_code:
                raise RegisterError(
                    f"agencies[{index}].parent: no agency with code {parent_code!r}"
                )
            agency = by_code[entry["code"]]
            if agency.parent_id != by_code[parent_code].pk:
                agency.parent = by_code[parent_code]
                agency.save(update_fields=["parent"])
        for alias in entry.get("aliases", []):
            result.aliases += _ensure_alias(alias, agency=by_code[entry["code"]])

    for index, entry in enumerate(data.get("groups", [])):
        where = f"groups[{index}]"
        if not entry.get("code") or not entry.get("name"):
            raise RegisterError(f"{where}: needs a code and a name")
        group, created = AgencyGroup.objects.update_or_create(
            code=entry["code"], defaults={"name": entry["name"], "provisional": False}
        )
        result.groups += int(created)
        members = set(
            Agency.objects.filter(kind__in=entry.get("member_kinds", [])).values_list(
                "pk", flat=True
            )
        )
        for code in entry.get("members", []):
            if code not in by_code:
                raise RegisterError(f"{where}.members: no agency with code {code!r}")
            members.add(by_code[code].pk)
        group.members.set(members)
        for alias in entry.get("aliases", []):
            result.aliases += _ensure_alias(alias, group=group)

    audit.record(
        actor,
        "load_register",
        object_type="organisations.Agency",
        after={"created": result.created, "updated": result.updated, "groups": result.groups},
        message=str(data.get("province", "")),
    )
    return result


def _ensure_alias(
    name: str, *, agency: Agency | None = None, group: AgencyGroup | None = None
) -> int:
    key = fold_words(name)
    existing = AgencyAlias.objects.filter(key=key).first()
    if existing is not None:
        if (existing.agency_id, existing.group_id) != (
            getattr(agency, "pk", None),
            getattr(group, "pk", None),
        ):
            owner = existing.agency or existing.group
            raise RegisterError(f"alias {name!r} already names {owner}")
        return 0
    AgencyAlias.objects.create(name=name, agency=agency, group=group)
    return 1


def load_register_file(path: Path | str, *, actor: Any = None) -> RegisterResult:
    with open(path, encoding="utf-8-sig") as handle:
        try:
            data = json.load(handle)
        except json.JSONDecodeError as exc:
            raise RegisterError(
                f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})"
            ) from None
    return load_register(data, actor=actor)


def _unique_code(model: type[Agency] | type[AgencyGroup], name: str, prefix: str) -> str:
    base = (prefix + slugify(fold_words(name)))[:56] or prefix.rstrip("-")
    code, n = base, 1
    while model.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


@transaction.atomic
def create_provisional_agency(name: str, *, actor: Any = None) -> Agency:
    """An agency for a name the register did not know, for a person to map later.

    A second unknown spelling with the same matching key reuses the first one.
    """
    key = match_key(name)
    for agency in Agency.objects.filter(provisional=True):
        if match_key(agency.name) == key:
            return agency
    agency = Agency.objects.create(
        code=_unique_code(Agency, name, "x-"), name=name, kind=AgencyKind.OTHER, provisional=True
    )
    audit.record(actor, "create_provisional_agency", agency, after={"name": name})
    return agency


@transaction.atomic
def map_provisional_agency(
    provisional: Agency,
    *,
    to_agency: Agency | None = None,
    to_group: AgencyGroup | None = None,
    actor: Any = None,
) -> None:
    """Point everything that names a provisional agency at a real agency or group.

    The provisional name becomes an alias of the target, so the next import resolves it,
    and the provisional agency is removed.
    """
    from planwatch.plans.actions import reassign_lead  # plans depends on organisations

    if not provisional.provisional:
        raise ValueError(f"{provisional} is not a provisional agency")
    if (to_agency is None) == (to_group is None):
        raise ValueError("map to exactly one agency or group")
    before = {"provisional": provisional.name}
    reassign_lead(provisional, to_agency=to_agency, to_group=to_group)
    AgencyAlias.objects.filter(key=fold_words(provisional.name)).delete()
    _ensure_alias(provisional.name, agency=to_agency, group=to_group)
    name = provisional.name
    provisional.delete()
    target = to_agency or to_group
    audit.record(
        actor,
        "map_provisional_agency",
        target,
        before=before,
        after={"mapped_to": str(target), "alias": name},
    )


@transaction.atomic
def confirm_provisional_agency(provisional: Agency, *, kind: str, actor: Any = None) -> Agency:
    """Accept a provisional agency into the register as a real one of ``kind``."""
    before = {"provisional": True, "kind": provisional.kind}
    provisional.provisional = False
    provisional.kind = kind
    provisional.save()
    audit.record(
        actor, "confirm_provisional_agency", provisional, before=before, after={"kind": kind}
    )
    return provisional
