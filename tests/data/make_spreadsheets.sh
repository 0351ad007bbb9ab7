#!/usr/bin/env bash
# How the spreadsheet fixtures were made: by LibreOffice Calc from the CSV files beside them
# (UTF-8, comma-separated), so the tests read files as a real spreadsheet program writes them
# (typed codes become numbers, dates become serials, ...). Needs: apt-get install libreoffice-calc-nogui
set -euo pipefail
cd "$(dirname "$0")"
soffice --headless --infilter=CSV:44,34,76 --convert-to xlsx occupations-import.csv
soffice --headless --infilter=CSV:44,34,76 --convert-to xlsx standards-import.csv
soffice --headless --infilter=CSV:44,34,76 --convert-to ods regions-import.csv
soffice --headless --infilter=CSV:44,34,76 --convert-to xls standards-import.csv
# The roster with every kind of bad row: merged cells and a formula need a real spreadsheet file.
../../.venv/bin/python make_roster.py
soffice --headless --convert-to xlsx roster-bad.fods
soffice --headless --convert-to xls roster-bad.fods
# A class's timetable and roster (tests/training/test_imports.py): dates read year first, times
# as typed (time cells), the topic, teacher, ID and phone columns formatted as text.
../../.venv/bin/python make_class_files.py
soffice --headless --infilter=CSV:44,34,76,1,1/5/2/1/3/1/4/2/5/2 --convert-to xlsx class-sessions.csv
soffice --headless --infilter=CSV:44,34,76,1,1/2/2/2/3/2/4/2 --convert-to xlsx class-roster.csv
# An evaluation booking's results (tests/evaluation/test_imports.py): the ID, name, result and
# certificate columns formatted as text, the scores as typed (numbers become number cells).
../../.venv/bin/python make_evaluation_files.py
soffice --headless --infilter=CSV:44,34,76,1,1/2/2/2/5/2/6/2/7/2 --convert-to xlsx evaluation-results.csv
