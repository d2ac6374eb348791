"""Small helpers shared by the benchmarks."""

from __future__ import annotations

from scripts.launch import free_port  # noqa: F401 (the benchmarks import it from here)


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of values; NaN when there are none."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else float("nan")


def loopback(i: int) -> str:
    """The i-th of many loopback addresses (127.0.1.1, 127.0.1.2, ...): Linux answers on all of
    127.0.0.0/8, so simulated learners can each come from an address of their own, as learners on
    their own machines do, and the coach's per-address limit counts them apart."""
    return f"127.0.{1 + i // 250}.{1 + i % 250}"


def session_from(address: str):
    """A requests.Session whose connections leave from `address`."""
    import requests
    from requests.adapters import HTTPAdapter

    class FromAddress(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            kwargs["source_address"] = (address, 0)
            super().init_poolmanager(*args, **kwargs)

    session = requests.Session()
    session.mount("http://", FromAddress())
    return session
