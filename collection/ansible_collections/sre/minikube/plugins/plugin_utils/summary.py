# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The run's summary block, as the stage_summary callback and the summary play (filter run_summary) print it."""

from __future__ import annotations


def summary_lines(found, timed, verify_ran):
    """The summary's lines: the URL and paid invoices FOUND by the verify stage (a dict with url, paid and
    would_pay, or None when it found nothing), then TIMED, the (stage, seconds) of each stage in run order.
    VERIFY_RAN says whether the verify stage started."""
    lines = []
    if found:
        lines.append(f"URL:      {found.get('url')}")
        paid = found.get("paid") or []
        lines.append(f"Paid:     {', '.join(paid) if paid else 'none'}")
        if found.get("would_pay"):
            lines.append(f"Would pay (check mode): {', '.join(found['would_pay'])}")
    elif verify_ran:
        lines.append("URL:      not verified: the verify stage stopped before its end (see above)")
    else:
        lines.append("URL:      not checked in this run (the verify stage did not run)")
    if timed:
        width = max([len("total")] + [len(name) for name, seconds in timed])
        lines.append("Stages:")
        lines += [f"  {name:<{width}}  {seconds:6.1f} s" for name, seconds in timed]
        lines.append(f"  {'total':<{width}}  {sum(seconds for name, seconds in timed):6.1f} s")
    return lines


def times_from_marks(marks, now):
    """(stage, seconds) for each [stage, start] of MARKS: from its start to the next mark's, the last to NOW."""
    starts = [start for stage, start in marks][1:] + [now]
    return [(stage, end - start) for (stage, start), end in zip(marks, starts, strict=True)]
