"""The value types of the language and the catalog."""

from __future__ import annotations

from enum import Enum


class Type(Enum):
    INTEGER = "integer"
    NUMBER = "number"
    STRING = "string"
    BOOLEAN = "boolean"
    DATE = "date"
    TIMESTAMP = "timestamp"
    LIST_STRING = "list<string>"
    LIST_INTEGER = "list<integer>"

    @property
    def is_numeric(self) -> bool:
        return self in (Type.INTEGER, Type.NUMBER)

    @property
    def is_temporal(self) -> bool:
        return self in (Type.DATE, Type.TIMESTAMP)

    @property
    def is_list(self) -> bool:
        return self in (Type.LIST_STRING, Type.LIST_INTEGER)

    @property
    def element(self) -> Type:
        """The element type of a list type (a TypeError for any other type)."""
        if self is Type.LIST_STRING:
            return Type.STRING
        if self is Type.LIST_INTEGER:
            return Type.INTEGER
        raise TypeError(f"{self.value} is not a list type: it has no element type")

    def __str__(self) -> str:
        return self.value


TYPE_NAMES = [t.value for t in Type]


def comparable(a: Type, b: Type) -> bool:
    """Whether values of the two types may be compared (an integer meets a number,
    a date meets a timestamp)."""
    if a == b:
        return True
    if a.is_numeric and b.is_numeric:
        return True
    return a.is_temporal and b.is_temporal


def describe(t: Type) -> str:
    """The type in a marketer's words, for error messages."""
    return {
        Type.INTEGER: "a whole number",
        Type.NUMBER: "a number",
        Type.STRING: "text",
        Type.BOOLEAN: "a yes/no value",
        Type.DATE: "a date",
        Type.TIMESTAMP: "a timestamp",
        Type.LIST_STRING: "a list of texts",
        Type.LIST_INTEGER: "a list of whole numbers",
    }[t]
