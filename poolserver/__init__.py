"""The pool service: pools, masks and hosts for render plugins that cannot reach MongoDB.

``service.PoolService`` runs an HTTP/JSON API (aiohttp) and the 2019 "GET POOLS" protocol
side by side, both answered from an in-memory ``snapshot.Snapshot`` that ``keeper`` rebuilds
when the store's revision changes. Plain Python: no Qt, nothing from the board.
"""
