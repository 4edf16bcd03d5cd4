"""The one type loader and model share: an unquoted YAML scalar, still as typed."""


class PlainScalar(str):
    """Unquoted YAML text. Text fields keep it as typed; numeric fields may parse it."""

    __slots__ = ()
