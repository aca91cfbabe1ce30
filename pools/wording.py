"""The words every face prints about hosts: one wording, whichever face an admin reads.

The board's cards and tooltips, ``main.py renders`` and the column headers say the same
thing about the same machine because they all ask here. Plain text, no Qt.
"""

from __future__ import annotations

from pools.model import Host, HostState

MIB_PER_GIB = 1024
SEEN_BY_SCAN = "seen by scan"
ADDED_BY_NAME = "added by name"


def plural(count: int, noun: str, nouns: str = "") -> str:
    """ "1 host", "2 hosts"; irregular plurals as a second word ("change is", "changes are")."""
    return f"{count} {noun_for(count, noun, nouns)}"


def noun_for(count: int, noun: str, nouns: str = "") -> str:
    """The noun alone, for a list that follows it: "job 12", "jobs 12, 13"."""
    return noun if count == 1 else nouns or noun + "s"


def sentence(text: str) -> str:
    """One line ending in a full stop, whatever another program put in its text."""
    flat = " ".join(text.split()).rstrip(" :;,")
    if not flat:
        return "(no reason given)."
    return flat if flat[-1] in ".!?" else flat + "."


def memory_text(mem_total_mb: int | None, *, short: bool = False) -> str:
    """A machine's memory as people say it: afserver's 24,105 MB (MiB) is a "24 GiB" machine.

    Whole GiB, rounded half up (the kernel keeps some memory, so a 24 GiB machine reports a
    little less); below 1 GiB in MiB. '' when afserver did not say.
    """
    if not mem_total_mb or mem_total_mb < 0:
        return ""
    if mem_total_mb < MIB_PER_GIB:
        return f"{mem_total_mb}M" if short else f"{mem_total_mb} MiB"
    gib = (mem_total_mb + MIB_PER_GIB // 2) // MIB_PER_GIB
    return f"{gib}G" if short else f"{gib} GiB"


def cores_text(cpu_num: int | None, *, short: bool = False) -> str:
    """ "8 cores" ("8c" when room is short); '' when afserver did not say."""
    if not cpu_num or cpu_num < 0:
        return ""
    return f"{cpu_num}c" if short else plural(cpu_num, "core")


def origin_text(host: Host) -> str:
    """Why a machine afserver does not list is shown at all.

    A scan saw it, or somebody named it: typed on the board, given to ``main.py pools add``,
    or put in a pool by the 2019 tool. All of these say the same.
    """
    return SEEN_BY_SCAN if host.sources - {"pool", "manual"} else ADDED_BY_NAME


def state_text(host: Host, *, waking: bool = False, short: bool = False) -> str:
    """The state word of a card or a table row: "busy · 2 tasks" (short: "busy (2)")."""
    if waking:
        return "waking…"
    if host.state is HostState.BUSY and host.tasks:
        if short:
            return f"busy ({host.tasks})"
        return f"busy · {plural(host.tasks, 'task')}"
    if host.state is HostState.UNKNOWN:
        return origin_text(host)
    return host.state_label


def counts_text(total: int, online: int, busy: int, noun: str = "host") -> str:
    """A column header's counts: "3 hosts · 2 online · 1 busy"."""
    return f"{plural(total, noun)} · {online} online · {busy} busy"


def describe_hosts(hosts: list[str]) -> str:
    """The one host's name, or how many: what an edit or a message is about."""
    return hosts[0] if len(hosts) == 1 else plural(len(hosts), "host")
