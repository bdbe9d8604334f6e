"""Declarative base and column helpers shared by every model module."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Type

from sqlalchemy import Enum as SAEnum
from sqlalchemy import MetaData
from sqlalchemy.orm import declarative_base

# Stable constraint names, so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Base = declarative_base(metadata=MetaData(naming_convention=NAMING))


def utcnow() -> dt.datetime:
    """Timezone-naive UTC now (stored as UTC everywhere)."""
    return dt.datetime.utcnow()


def today() -> dt.date:
    """Today's date in UTC, the calendar promised dates are kept in."""
    return utcnow().date()


def enum_column(enum_cls: Type[enum.Enum]) -> SAEnum:
    """A portable enum column storing the enum's *values* as short strings."""
    return SAEnum(
        enum_cls,
        values_callable=lambda e: [m.value for m in e],
        native_enum=False,
        validate_strings=True,
        length=32,
        name=enum_cls.__name__.lower(),
    )
