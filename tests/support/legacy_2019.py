"""Data as the 2019 "Afanasy Pools Support" tool leaves it, and a way to see that nothing
else changed it."""

from __future__ import annotations

import json
from typing import Any

from pymongo.database import Database

Document = dict[str, Any]


def legacy_entry(hostname: str, ip: str = "", port: Any = "") -> Document:
    """A client entry the way the 2019 tool wrote it."""
    return {"hostname": hostname, "engine": "", "ip": ip, "port": port}


def push_2019(database: Database[Document], pool: str, *entries: Document) -> None:
    """What the 2019 Pool Manager does to add hosts: one ``$push`` each (nx-27017 then keeps
    every entry of that pool as JSON text)."""
    for entry in entries:
        database.pools.update_one({"name": pool}, {"$push": {"clients": entry}})


def dump(database: Database[Document]) -> dict[str, list[str]]:
    """Every document of every collection, as text: what "changed nothing" compares."""
    return {
        name: sorted(json.dumps(doc, default=str, sort_keys=True) for doc in database[name].find())
        for name in sorted(database.list_collection_names())
    }
