"""PoolStore: pools, known hosts and their history in MongoDB (database ``afpools``).

Reads never write: every shape a pool document occurs in (ours, the 2019 tool's, nx-27017's
text entries, hand-written ones) is read as it is, and entries that cannot be read are
reported and kept. Writes are compare-and-set updates of one pool document that carry
their own history record (``storage.journal``): they rewrite the members in our shape, keep
what they cannot read, and follow the pool by ``_id``, never by name.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError, PyMongoError

from pools.alerts import Alerts
from pools.errors import (
    InvalidNameError,
    NothingChangedError,
    PoolExistsError,
    PoolNotFoundError,
    StoreUnavailableError,
)
from pools.history import Change
from pools.model import Pool, normalize_pool_name, unique_hostnames
from storage.bindings import Bindings
from storage.change_watch import ChangeWatch
from storage.documents import (
    Clients,
    change_from_doc,
    client_entry,
    has_name,
    legacy_addresses,
    pool_from_doc,
    pool_snapshot,
)
from storage.journal import PENDING, SEEN, Journal
from storage.known_hosts import KnownHostsMixin
from storage.leases import Leases
from storage.loans import LoansMixin
from storage.mongo_errors import translate_errors
from storage.schedule_writes import SchedulesMixin
from storage.usage import UsageReader, UsageWriter

Document = dict[str, Any]
COLOR_RE = re.compile(r"#[0-9a-fA-F]{6}")
DESCRIPTION_MAX = 500
WRITE_ATTEMPTS = 200  # compare-and-set retries; each lost race means another writer won


def normalize_color(color: str) -> str:
    color = color.strip()
    if color and not COLOR_RE.fullmatch(color):
        raise InvalidNameError(f"The colour {color!r} is not of the form #rrggbb.")
    return color.lower()


def _shown(name: str) -> str:
    """A pool name in a sentence, its surrounding spaces made visible."""
    return repr(name) if name != name.strip() else f"'{name}'"


def _deleted(doc: Document) -> bool:
    """A pool whose delete is decided but not yet finished is gone for every reader."""
    marker = doc.get(PENDING)
    return isinstance(marker, dict) and marker.get("op") == "delete"


class PoolStore(KnownHostsMixin, SchedulesMixin, LoansMixin):
    """Pools, known hosts, history and job bindings of one MongoDB database."""

    def __init__(
        self, database: Database[Document], *, user: str, client_address: str = ""
    ) -> None:
        self._db = database
        self.user = user
        self.client_address = client_address
        self.address = self._describe_address(database)
        self._journal = Journal(database, user=user, client_address=client_address)
        self._watch = ChangeWatch(database)
        self._finished_pending = False

    @staticmethod
    def _describe_address(database: Database[Document]) -> str:
        try:
            nodes = database.client.topology_description.server_descriptions()
            where = (host if port is None else f"{host}:{port}" for host, port in nodes)
            return ", ".join(where) or "the database"  # a Unix socket has no port
        except PyMongoError:
            return "the database"

    def close(self) -> None:
        """Close the connection (the client is this store's alone)."""
        self._watch.close()
        self._db.client.close()

    @property
    def bindings(self) -> Bindings:
        bindings = Bindings(self._db)
        bindings.address = self.address
        return bindings

    @property
    def leases(self) -> Leases:
        leases = Leases(self._db.leases)
        leases.address = self.address
        return leases

    @property
    def usage(self) -> UsageReader:
        """Reads the usage charts, sparklines and recent minutes (``stats``)."""
        reader = UsageReader(self._db)
        reader.address = self.address
        return reader

    def usage_writer(self) -> UsageWriter:
        """Records usage minutes: the agent's, while it holds the lease."""
        writer = UsageWriter(self._db)
        writer.address = self.address
        return writer

    # -- schema -------------------------------------------------------------------------

    @translate_errors
    def ensure_schema(self) -> None:
        """Indexes the store relies on; cheap to call on every start."""
        self._db.pools.create_index([("name", ASCENDING)], unique=True)
        self._db.history.create_index([("seq", DESCENDING)])
        self._db.history.create_index([("pool", ASCENDING)])

    # -- noticing changes ---------------------------------------------------------------

    @translate_errors
    def revision(self) -> int:
        """The change counter: grows with every change afpools makes to any pool."""
        return self._journal.counter()

    @translate_errors
    def change_token(self) -> tuple[int, int]:
        """Changes whenever any pool changed, by afpools or by another tool: cheap to poll."""
        return self._journal.counter(), self._watch.generation()

    @translate_errors
    def reconcile(self) -> int:
        """Finish changes a killed writer left half done and record other tools' member
        changes in the history; returns how many records were written. Only completes what
        others did: never changes a pool's members."""
        done = self._journal.finish_all()
        for doc in self._db.pools.find({SEEN: {"$exists": True}}):
            if self._journal.record_outside(dict(doc)) is not None:
                done += 1
        return done

    # -- reading ------------------------------------------------------------------------

    @translate_errors
    def pools(self) -> list[Pool]:
        """Every pool, sorted by name as an admin reads them (case-insensitive).

        A document without a name (written by hand, say) is no pool and is left out, so it
        cannot hide the others.
        """
        found = (
            pool_from_doc(doc)
            for doc in self._db.pools.find({})
            if has_name(doc) and not _deleted(doc)
        )
        return sorted(found, key=lambda p: (p.name.casefold(), p.name))

    @translate_errors
    def pool_entries(self) -> list[tuple[str, Pool]]:
        """Every pool with its ``_id`` (as text): what bindings follow, whatever the name."""
        return [
            (str(doc["_id"]), pool_from_doc(doc))
            for doc in self._db.pools.find({})
            if has_name(doc) and not _deleted(doc)
        ]

    def pool_names(self) -> dict[str, str]:
        """Each pool's name by its ``_id``: usage is kept by id, so a renamed pool keeps
        its past."""
        return {key: pool.name for key, pool in self.pool_entries()}

    def alerts(self, minutes: int, now: float) -> tuple[Alerts, tuple[str, ...]]:
        """The pools starved or idle for ``minutes`` now, and the sentences about usage
        records that could not be read."""
        reader = self.usage
        return reader.alerts(self.pool_names(), now, minutes), reader.sentences()

    @translate_errors
    def pool_id(self, name: str) -> str:
        """The ``_id`` (as text) of the pool named exactly ``name``."""
        return str(self._find(name)["_id"])

    @translate_errors
    def pool(self, name: str) -> Pool:
        return pool_from_doc(self._find(name))

    def _find(self, name: str) -> Document:
        """The pool named exactly ``name`` (the 2019 tool allowed a trailing space)."""
        doc = self._db.pools.find_one({"name": name})
        if doc is None or _deleted(doc):
            raise PoolNotFoundError(self._not_found(name))
        return dict(doc)

    def _not_found(self, name: str) -> str:
        sentence = f"There is no pool named {_shown(name)}."
        trimmed = name.strip()
        if trimmed != name and trimmed and self._db.pools.find_one({"name": trimmed}):
            sentence += f" There is one named '{trimmed}': names are matched exactly."
        return sentence

    def _fresh(self, name: str) -> Document:
        """Read a pool for a write: finish what a killed writer left half done, and record
        what another tool changed, so that this write's record is its own."""
        if not self._finished_pending:
            self._journal.finish_all()
            self._finished_pending = True
        doc = self._find(name)
        if PENDING in doc:
            self._journal.finish(doc)
            doc = self._find(name)
        if self._journal.record_outside(doc) is not None:
            doc = self._find(name)
        return doc

    def _write(self, name: str, attempt: Callable[[Document], Document | None]) -> Document:
        """Run one compare-and-set write until no other writer comes in between."""
        for _ in range(WRITE_ATTEMPTS):
            doc = self._fresh(name)
            after = attempt(doc)
            if after is not None:
                return after
            name = self._current_name(doc)
        raise StoreUnavailableError(
            f"Pool {_shown(name)} kept changing while this edit was tried; try again."
        )

    def _current_name(self, doc: Document) -> str:
        """The pool's name now (it may have been renamed meanwhile), followed by ``_id``."""
        now = self._db.pools.find_one({"_id": doc["_id"]}, {"name": 1})
        if now is None or not has_name(now):
            raise PoolNotFoundError(f"Pool {_shown(str(doc.get('name')))} was deleted meanwhile.")
        return str(now["name"])

    # -- pools --------------------------------------------------------------------------

    @translate_errors
    def create(
        self, name: str, *, description: str = "", color: str = "", hosts: Iterable[str] = ()
    ) -> Pool:
        """Create a pool; ``hosts`` fills it at once (how an undone delete comes back)."""
        name = normalize_pool_name(name)
        color = normalize_color(color)
        description = self._check_description(description)
        members = unique_hostnames(hosts)
        self._refuse_case_twin(name)
        doc: Document = {
            "name": name,
            "clients": [client_entry(h) for h in members],
            "description": description,
            "color": color,
            "revision": 1,
            SEEN: list(members),
            **self._journal.stamp(),
        }
        pool = pool_from_doc(doc)
        marker = self._journal.marker("create", name, members, None, pool_snapshot(pool))
        try:
            self._journal.insert(doc, marker)
        except DuplicateKeyError:
            raise PoolExistsError(f"A pool named '{name}' already exists.") from None
        return pool

    def _refuse_case_twin(self, name: str, *, allow: Any = None) -> None:
        """'Lighting' next to 'lighting' is a mistake waiting to happen in every submitter."""
        for doc in self._db.pools.find({}, {"name": 1, PENDING: 1}):
            other = doc.get("name")
            if doc["_id"] == allow or not isinstance(other, str) or _deleted(doc):
                continue
            if other.casefold() == name.casefold():
                raise PoolExistsError(f"A pool named {_shown(other)} already exists.")

    @staticmethod
    def _check_description(text: str) -> str:
        text = text.strip()
        if len(text) > DESCRIPTION_MAX:
            raise InvalidNameError(f"A description can have at most {DESCRIPTION_MAX} characters.")
        return text

    @translate_errors
    def rename(self, old: str, new: str) -> Pool:
        new = normalize_pool_name(new)

        def attempt(doc: Document) -> Document | None:
            current = str(doc["name"])
            if current == new:
                raise NothingChangedError(f"The pool is already named '{new}'.")
            self._refuse_case_twin(new, allow=doc["_id"])
            marker = self._journal.marker("rename", new, (), {"name": current}, {"name": new})
            try:
                return self._journal.update(doc, {"name": new, **self._journal.stamp()}, marker)
            except DuplicateKeyError:
                raise PoolExistsError(f"A pool named '{new}' already exists.") from None

        return pool_from_doc(self._write(old, attempt))

    @translate_errors
    def set_description(self, name: str, description: str) -> Pool:
        return self._set_field(
            name, "description", self._check_description(description), "describe"
        )

    @translate_errors
    def set_color(self, name: str, color: str) -> Pool:
        return self._set_field(name, "color", normalize_color(color), "recolor")

    def _set_field(self, name: str, key: str, value: str, op: str) -> Pool:
        def attempt(doc: Document) -> Document | None:
            current = pool_from_doc(doc)
            before = getattr(current, key)
            if before == value:
                raise NothingChangedError(f"Pool {_shown(current.name)} already has that {key}.")
            marker = self._journal.marker(op, current.name, (), {key: before}, {key: value})
            return self._journal.update(doc, {key: value, **self._journal.stamp()}, marker)

        return pool_from_doc(self._write(name, attempt))

    @translate_errors
    def delete(self, name: str) -> Pool:
        """Delete a pool; the history keeps it whole so that an undo can bring it back."""
        deleted: list[Pool] = []

        def attempt(doc: Document) -> Document | None:
            pool = pool_from_doc(doc)
            marker = self._journal.marker(
                "delete", pool.name, pool.hostnames, pool_snapshot(pool), None
            )
            if not self._journal.delete(doc, marker):
                return None
            deleted.append(pool)
            return doc

        self._write(name, attempt)
        return deleted[0]

    # -- membership ---------------------------------------------------------------------

    @translate_errors
    def add_hosts(self, name: str, hostnames: Iterable[str]) -> tuple[Pool, tuple[str, ...]]:
        """Add hosts; returns the pool and the hosts that were really added.

        Raises NothingChangedError when every host is already a member.
        """
        wanted = unique_hostnames(hostnames)
        return self._change_members(name, "add", add=wanted)

    @translate_errors
    def remove_hosts(self, name: str, hostnames: Iterable[str]) -> tuple[Pool, tuple[str, ...]]:
        """Remove hosts; returns the pool and the hosts that were really removed.

        Names are matched exactly first, so a host the 2019 tool stored as ``pc 02`` can be
        removed; a name typed with stray spaces around it matches the trimmed member too.
        """
        wanted = tuple(dict.fromkeys(h for h in hostnames if h.strip()))
        if not wanted:
            raise InvalidNameError("A host name cannot be empty.")
        return self._change_members(name, "remove", remove=wanted)

    def _change_members(
        self,
        name: str,
        op: str,
        *,
        add: tuple[str, ...] = (),
        remove: tuple[str, ...] = (),
        record: dict[str, str] | None = None,
    ) -> tuple[Pool, tuple[str, ...]]:
        changed: list[tuple[str, ...]] = []

        def attempt(doc: Document) -> Document | None:
            clients = Clients.of(doc)
            members = set(clients.hostnames)
            adding = tuple(h for h in add if h not in members)
            removing = tuple(
                dict.fromkeys(m for h in remove if (m := _member(h, members)) is not None)
            )
            if not adding and not removing:
                pool = pool_from_doc(doc)
                wanted = add or remove
                raise NothingChangedError(
                    _already(wanted, pool.name, "already in" if add else "not in"), pool
                )
            after = [h for h in clients.hostnames if h not in removing] + list(adding)
            fields = {
                "clients": clients.rewritten(doc, adding, removing),
                SEEN: after,
                **self._journal.stamp(),
            }
            hosts = removing + adding
            marker = self._journal.marker(op, str(doc["name"]), hosts, after=record)
            written = self._journal.update(doc, fields, marker)
            if written is not None:
                self._keep_legacy_addresses(doc)
                changed.append(hosts)
            return written

        after = self._write(name, attempt)
        return pool_from_doc(after), changed[-1]

    def _keep_legacy_addresses(self, doc: Document) -> None:
        """The IPs the 2019 tool kept inside a pool move to ``hosts`` when we rewrite it."""
        for hostname, ip in legacy_addresses(doc).items():
            self._db.hosts.update_one(
                {"_id": hostname},
                {
                    "$setOnInsert": {"ip": ip, "mac": "", "first_seen": time.time()},
                    "$addToSet": {"sources": "manual"},
                },
                upsert=True,
            )

    def _rename_member(self, old: str, new: str) -> None:
        """A machine kept under its IP got its name: the pools it was dragged into follow.

        One change per pool replaces the old name by the new (never neither, never both), so
        the pool's mask names the render afserver knows instead of an address it never matches.
        """
        for doc in self._db.pools.find({}, {"name": 1, "clients": 1, PENDING: 1}):
            if has_name(doc) and not _deleted(doc) and old in Clients.of(doc).hostnames:
                try:
                    self._change_members(str(doc["name"]), "rename-host", add=(new,), remove=(old,))
                except (NothingChangedError, PoolNotFoundError):
                    continue

    # -- history ------------------------------------------------------------------------

    def _bump(self) -> int:
        """Move the counter on for a change without a history record (sightings)."""
        return self._journal.bump()

    @translate_errors
    def history(self, pool: str | None = None, *, limit: int = 50) -> list[Change]:
        """The newest changes first; for one pool, its whole life under earlier names too.

        A change a killed writer left unrecorded is listed too: it was made, and its record
        is copied into the history by the next write.
        """
        names = None if pool is None else self._former_names(pool)
        query: Document = {} if names is None else {"$or": [{"pool": n} for n in names]}
        docs = self._db.history.find(query).sort("seq", DESCENDING).limit(limit)
        recorded = [change_from_doc(doc) for doc in docs]
        ids = {change.id for change in recorded}
        pending = [
            change
            for change in self._journal.pending()
            if (names is None or change.pool in names) and change.id not in ids
        ]
        return (pending + recorded)[:limit]

    def _former_names(self, name: str) -> set[str]:
        names = {name}
        while True:
            renames = self._db.history.find(
                {"op": "rename", "$or": [{"pool": n} for n in names]}, {"before": 1}
            )
            older = {
                str(r["before"]["name"])
                for r in renames
                if isinstance(r.get("before"), dict) and "name" in r["before"]
            } - names
            if not older:
                return names
            names |= older


def _member(name: str, members: set[str]) -> str | None:
    """The member a name typed for removal means: exactly it, else it without stray spaces."""
    if name in members:
        return name
    trimmed = name.strip()
    return trimmed if trimmed in members else None


def _already(hosts: tuple[str, ...], pool: str, relation: str) -> str:
    if len(hosts) == 1:
        return f"{hosts[0]} is {relation} pool {_shown(pool)}; nothing changed."
    return f"All {len(hosts)} hosts are {relation} pool {_shown(pool)}; nothing changed."
