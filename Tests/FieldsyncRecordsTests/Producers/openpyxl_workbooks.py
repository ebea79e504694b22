#!/usr/bin/env python3
"""Writes the .xlsx workbooks the tests read, with openpyxl (a real producer, not a
hand-made zip): python3 openpyxl_workbooks.py CASE OUT.xlsx"""
import datetime
import sys

from openpyxl import Workbook

HEADER = ["id", "kind", "period", "unit", "indicator", "value", "observed_at", "revision", "note"]


def sheet(wb, title="数据", first=None):
    if first:
        wb.active.title = first  # an explanation sheet before the data, as a template has
        wb.active["A1"] = "说明 / how to fill"
        ws = wb.create_sheet(title)
    else:
        ws = wb.active
        ws.title = title
    ws.append(HEADER)
    return ws


def basic(wb):
    ws = sheet(wb, first="说明")
    # A number typed in a text column (period 2026), a date cell, a boolean cell.
    ws.append(["r-1", "report", 2026, "shouning", "siren.fixed", 2, datetime.date(2026, 3, 1), 1, "新增警报器"])
    ws.append(["r-2", "report", "2026", "shouning", "duty.24h", True, datetime.date(2026, 3, 2), 1, None])
    # A custom Chinese date format and a date with a time of day (a clock time in the scheme's zone).
    ws.append(["r-3", "report", "2026", "shouning", "siren.fixed", 79.99, datetime.datetime(2026, 3, 3, 9, 30), 2, None])
    ws["G4"].number_format = 'yyyy"年"m"月"d"日"'
    ws["G2"].number_format = "yyyy-mm-dd"
    ws["G3"].number_format = "yyyy/m/d"
    ws["G4"].number_format = 'yyyy"年"m"月"d"日" hh:mm'
    ws.append([None] * len(HEADER))  # an empty row is skipped


def errors(wb):
    ws = sheet(wb)
    ws.append(["e-1", "report", "2026", "shouning", "siren.fixed", "#DIV/0!", datetime.date(2026, 3, 1), 1, None])
    ws.append(["e-2", "report", "2026", "shouning", "siren.fixed", "=1+1", datetime.date(2026, 3, 1), 1, None])


def merged(wb):
    ws = sheet(wb)
    ws.append(["m-1", "report", "2026", "shouning", "siren.fixed", 1, datetime.date(2026, 3, 1), 1, "a"])
    ws.append(["m-2", "report", "2026", "shouning", "siren.fixed", 1, datetime.date(2026, 3, 1), 1, None])
    ws.merge_cells("H2:I3")


def wide(wb):
    ws = sheet(wb)
    ws.append(["w-1", "report", "2026", "shouning", "siren.fixed", 1, datetime.date(2026, 3, 1), 1, None])
    ws.cell(row=2, column=70, value="x")  # column BR, past 64 fields


CASES = {"basic": basic, "errors": errors, "merged": merged, "wide": wide}

if __name__ == "__main__":
    case, out = sys.argv[1], sys.argv[2]
    wb = Workbook()
    CASES[case](wb)
    wb.save(out)
