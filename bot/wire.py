"""Fast conversion between Bot Framework JSON and the SDK's activity models.

msrest's generic (de)serialiser validates every value against its type string on every call
and was over a third of the bot's CPU per message. This walks the same ``_attribute_map``s,
planned once per model class, and produces the same models and the same JSON (tests compare
both against msrest on a range of activities).
"""

from __future__ import annotations

import datetime as dt
import json
import enum
from typing import Any

import botbuilder.schema as schema
import botbuilder.schema.teams as teams_schema
from msrest.serialization import Model


class WireError(ValueError):
    """A field has a value of the wrong shape."""


def _model_classes() -> dict[str, type[Model]]:
    found: dict[str, type[Model]] = {}
    for module in (teams_schema, schema):
        for name, value in vars(module).items():
            if isinstance(value, type) and issubclass(value, Model):
                found[name] = value
    return found


_MODELS = _model_classes()

# (attribute name, JSON key, type string) for each field of a model class.
Plan = tuple[tuple[str, str, str], ...]


_PLANS: dict[type, Plan] = {}
_KEYS: dict[type, frozenset[str]] = {}


def _plan(cls: type[Model]) -> Plan:
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _PLANS[cls] = tuple(
            (attr, spec["key"], spec["type"])
            for attr, spec in cls._attribute_map.items()
            if attr != "additional_properties"
        )
    return plan


def _keys(cls: type[Model]) -> frozenset[str]:
    keys = _KEYS.get(cls)
    if keys is None:
        keys = _KEYS[cls] = frozenset(key for _, key, _ in _plan(cls))
    return keys


# ---- JSON -> model -------------------------------------------------------------------------
def _load(value: Any, type_name: str, where: str) -> Any:
    if value is None:
        return None
    if type_name == "str":
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float, bool)):
            return str(value)
        raise WireError(f"{where} must be a string")
    if type_name in ("object", "{object}"):
        return value
    if type_name == "bool":
        if isinstance(value, bool):
            return value
        raise WireError(f"{where} must be true or false")
    if type_name in ("int", "long", "float"):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        raise WireError(f"{where} must be a number")
    if type_name == "iso-8601":
        if not isinstance(value, str):
            raise WireError(f"{where} must be a date and time")
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            raise WireError(f"{where} is not an ISO 8601 date and time") from None
    if type_name.startswith("[") and type_name.endswith("]"):
        if not isinstance(value, list):
            raise WireError(f"{where} must be a list")
        inner = type_name[1:-1]
        return [_load(v, inner, where) for v in value]
    if type_name.startswith("{") and type_name.endswith("}"):
        if not isinstance(value, dict):
            raise WireError(f"{where} must be an object")
        inner = type_name[1:-1]
        return {k: _load(v, inner, where) for k, v in value.items()}
    cls = _MODELS.get(type_name)
    if cls is not None:
        if not isinstance(value, dict):
            raise WireError(f"{where} must be an object")
        return model_from_json(cls, value, where)
    return value  # a type this module does not know: keep the JSON value as msrest would


def model_from_json(cls: type[Model], data: dict[str, Any], where: str = "activity") -> Any:
    obj = cls()
    for attr, key, type_name in _plan(cls):
        value = data.get(key)
        if value is not None:
            setattr(obj, attr, _load(value, type_name, f"{where}.{key}"))
    known = _keys(cls)
    extra = {k: v for k, v in data.items() if k not in known}
    if extra:
        obj.additional_properties = extra
    return obj


def activity_from_json(data: dict[str, Any]) -> schema.Activity:
    """An ``Activity`` from its JSON object; raises ``WireError`` for wrongly shaped fields."""
    activity: schema.Activity = model_from_json(schema.Activity, data)
    return activity


# ---- model -> JSON -------------------------------------------------------------------------
def _dump(value: Any) -> Any:
    if isinstance(value, Model):
        return to_json(value)
    if isinstance(value, enum.Enum):  # before str: the SDK's enums are str enums
        return value.value
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, list):
        return [_dump(v) for v in value]
    if isinstance(value, dict):
        return {k: _dump(v) for k, v in value.items()}
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value.isoformat(timespec="milliseconds") + "Z"
    if isinstance(value, enum.Enum):
        return value.value
    return value


def to_json(model: Model) -> dict[str, Any]:
    """The JSON object for an SDK model (an activity, card, account ...)."""
    out: dict[str, Any] = {}
    for attr, key, _ in _plan(type(model)):
        value = getattr(model, attr, None)
        if value is not None:
            out[key] = _dump(value)
    extra = getattr(model, "additional_properties", None)
    if extra:
        for key, value in extra.items():
            out.setdefault(key, _dump(value))
    return out


def _default(value: Any) -> Any:
    """``json.dumps`` hook: only SDK models, dates and enums reach it; plain dicts and lists
    (an Adaptive Card's content) are walked by the C encoder."""
    if isinstance(value, Model):
        out: dict[str, Any] = {}
        for attr, key, _ in _plan(type(value)):
            field_value = getattr(value, attr, None)
            if field_value is not None:
                out[key] = field_value
        extra = getattr(value, "additional_properties", None)
        if extra:
            for key, field_value in extra.items():
                out.setdefault(key, field_value)
        return out
    if isinstance(value, (dt.datetime, enum.Enum)):
        return _dump(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(model: Model) -> bytes:
    """The JSON text of an SDK model, encoded as UTF-8; equal to ``json.dumps(to_json(m))``."""
    return json.dumps(model, default=_default, ensure_ascii=False, separators=(",", ":")).encode()
