"""A loan: idle hosts of one pool moved to a starved one, in both pools' history."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from pools.errors import NothingChangedError
from pools.model import Pool, unique_hostnames
from storage.mongo_errors import translate_errors


class LoansMixin:
    """Needs ``_change_members`` from the store it is mixed into."""

    def _change_members(
        self,
        name: str,
        op: str,
        *,
        add: tuple[str, ...] = (),
        remove: tuple[str, ...] = (),
        record: dict[str, str] | None = None,
    ) -> tuple[Pool, tuple[str, ...]]:
        raise NotImplementedError

    @translate_errors
    def lend_hosts(
        self, lender: str, borrower: str, hostnames: Iterable[str], *, op: str = "lend"
    ) -> tuple[str, ...]:
        """Move hosts from ``lender`` to ``borrower`` as a loan (``op`` "return" gives them
        back); each pool's history says so. The hosts are added first, so a failure between
        the two writes leaves them in both pools, never in neither. Returns the hosts moved.
        """
        wanted = unique_hostnames(hostnames)
        loan = {"from": lender, "to": borrower}
        _, added = self._change_members(borrower, op, add=wanted, record=loan)
        # Hosts that left the lender meanwhile: the loan stands all the same.
        with contextlib.suppress(NothingChangedError):
            self._change_members(lender, op, remove=added, record=loan)
        return added
